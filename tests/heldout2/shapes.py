"""Agent shapes of the second held-out set: five of the first set's, on other models, and two new ones.

The new shapes:
- `aider`: a text agent that edits with SEARCH/REPLACE blocks under the file's name and proposes
  commands in ```bash blocks; the harness answers a command with "I ran this command: … And got
  this output: …" (no exit status), adds files to the chat whole, and acknowledges edits in words.
- `openhands`: OpenAI tool calls to `execute_bash` and `str_replace_editor` (view / str_replace),
  results with OpenHands' `[The command completed with exit code N.]` trailer and `cat -n` views.

Rendering of the shared shapes is `heldout.shapes.Conversation`'s; only the models differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from heldout.shapes import Conversation, Step

SHAPES = ("claude-code", "codex-tools", "responses", "text-react", "function-call", "aider", "openhands")
MODELS = {
    "claude-code": ("anthropic", "claude-sonnet-4-5"),
    "codex-tools": ("openai", "gpt-5-mini"),
    "responses": ("openai", "gpt-5"),
    "text-react": ("anthropic", "claude-haiku-4-5"),
    "function-call": ("openai", "gpt-4.1-mini"),
    "aider": ("openai", "deepseek-chat"),
    "openhands": ("openai", "o4-mini"),
}
_AIDER_SYSTEM = (
    "Act as an expert software developer. Always use best practices when coding. To make changes to files, use "
    "*SEARCH/REPLACE blocks*: the file path alone on a line, then a fenced block with <<<<<<< SEARCH, the lines to "
    "find, =======, the replacement, >>>>>>> REPLACE. Suggest shell commands in ```bash blocks."
)
_OPENHANDS_SYSTEM = (
    "You are OpenHands agent, a helpful AI assistant that can interact with a computer to solve tasks. "
    "The repository is at /workspace/freight."
)


def _numbered(text: str) -> str:
    return "".join(f"{n:6d}\t{line}\n" for n, line in enumerate(text.splitlines(), 1))


@dataclass
class Conversation2(Conversation):
    def __post_init__(self) -> None:
        if self.shape == "aider":
            self.messages = [{"role": "system", "content": _AIDER_SYSTEM}, {"role": "user", "content": self.task}]
        elif self.shape == "openhands":
            self.messages = [{"role": "system", "content": _OPENHANDS_SYSTEM}, {"role": "user", "content": self.task}]
        else:
            super().__post_init__()

    @property
    def dialect(self) -> str:
        return MODELS[self.shape][0]

    @property
    def model(self) -> str:
        return MODELS[self.shape][1]

    # -- aider ------------------------------------------------------------------------------------
    def _aider(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if step.kind == "edit":
            lang = step.text.rsplit(".", 1)[-1]
            text = (
                f"{thought}\n\n{step.text}\n```{lang}\n<<<<<<< SEARCH\n{step.output[:120] or 'x'}\n=======\n"
                f"{step.extra}\n>>>>>>> REPLACE\n```"
            ).strip()
            reply = f"Applied edit to {step.text}. Commit {self.rng.getrandbits(28):07x} made."
        elif step.kind == "read":
            text = f"{thought}\n\nPlease add {step.text} to the chat so I can see it.".strip()
            reply = (
                f"I added these files to the chat: {step.text}\n\n{step.text}\n```\n{step.output}\n```\n"
                "Let me know if there are others we should add."
            )
        elif step.kind == "todo":
            plan = "\n".join(f"{n}. {item}" for n, item in enumerate(step.text.split(";"), 1))
            text, reply = f"Here is the plan:\n\n{plan}", "Sounds good, go ahead."
        else:
            command = step.text if step.kind != "grep" else f"git grep -n '{step.text}' -- {step.extra or '.'}"
            text = f"{thought}\n\n```bash\n{command}\n```".strip()
            reply = f"I ran this command:\n\n{command}\n\nAnd got this output:\n\n{step.output}"
        message = {"role": "assistant", "content": text}
        body = {"choices": [{"message": message, "finish_reason": "stop"}]}
        return body, [message, {"role": "user", "content": reply}]

    # -- OpenHands --------------------------------------------------------------------------------
    def _openhands(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        path = f"/workspace/freight/{step.text}"
        if step.kind == "read":
            name, args = "str_replace_editor", {"command": "view", "path": path}
            out = f"Here's the result of running `cat -n` on {path}:\n{_numbered(step.output)}"
        elif step.kind == "edit":
            old = step.output[:120] or "x"
            name, args = (
                "str_replace_editor",
                {"command": "str_replace", "path": path, "old_str": old, "new_str": step.extra},
            )
            out = (
                f"The file {path} has been edited. Here's the result of running `cat -n` on a snippet of {path}:\n"
                f"{_numbered(step.extra)}Review the changes and make sure they are as expected. Edit the file again "
                "if necessary."
            )
        elif step.kind == "todo":
            name, args, out = "think", {"thought": step.text.replace(";", "\n")}, "Your thought has been logged."
        else:
            command = step.text if step.kind != "grep" else f"grep -rn '{step.text}' {step.extra or '.'}"
            name, args = "execute_bash", {"command": command, "is_input": "false"}
            out = (
                f"{step.output.rstrip()}\n[The command completed with exit code {step.code}.]\n"
                "[Current working directory: /workspace/freight]\n[Python interpreter: /usr/bin/python]"
            )
        call_id = self._id()
        call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        message = {"role": "assistant", "content": thought or None, "tool_calls": [call]}
        body = {"choices": [{"message": message, "finish_reason": "tool_calls"}]}
        return body, [message, {"role": "tool", "tool_call_id": call_id, "name": name, "content": out}]
