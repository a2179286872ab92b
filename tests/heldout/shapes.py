"""Rendering a script of agent steps as trace lines, in the shapes other harnesses produce.

A script is a list of `Step`s (what the agent did, what came back). A shape turns each step into
the assistant's answer of one call and the result message the next call brings, exactly as that
harness would send them: Claude Code (`tool_use` with Bash/Read/Edit/Grep/TodoWrite/BashOutput),
a Codex-like OpenAI tool caller (`shell` with an argv list, results as JSON with an exit code),
OpenAI's legacy `function_call`, Responses API items, and two text-only agents (fenced `sh` blocks
with `$ ` prompts; ReAct `Action:`/`Action Input:`/`Observation:`). None of these is the dev set's
shape (mini-swe-agent: ```bash blocks and `<returncode>` tags).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, frozen=True)
class Step:
    kind: str  # shell | read | edit | grep | todo | wait
    text: str  # the command; the path for read/edit; the pattern for grep; the todo summary
    output: str
    code: int = 0
    extra: str = ""  # edit: the new text; grep: the path; wait: the background job id
    seconds: float = 0.0  # wall time the step took (a sleep, a build)


SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react")
_MODEL = {
    "claude-code": ("anthropic", "claude-sonnet-4-5"),
    "codex-tools": ("openai", "gpt-4.1"),
    "function-call": ("openai", "gpt-4o"),
    "responses": ("openai", "gpt-5"),
    "text-fenced": ("openai", "gpt-4o"),
    "text-react": ("anthropic", "claude-sonnet-4-20250514"),
}
_THOUGHTS = [
    "Let me look at this.",
    "I'll check what happens now.",
    "Next I will try this.",
    "Let me run this to see the result.",
    "Trying a different way.",
    "Let me verify.",
    "",
]


def _gutter_arrow(text: str) -> str:
    return "".join(f"{n:6d}→{line}\n" for n, line in enumerate(text.splitlines(), 1))


@dataclass
class Conversation:
    shape: str
    rng: random.Random
    task: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    ids: int = 0

    def __post_init__(self) -> None:
        if self.shape == "claude-code":
            self.messages = [{"role": "user", "content": [{"type": "text", "text": self.task}]}]
        elif self.shape == "responses":
            self.messages = [
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": self.task}]}
            ]
        else:
            system = "You are a coding agent. Use the tools to complete the task."
            if self.shape == "text-fenced":
                system = "Run shell commands by writing them in a ```sh block, one per answer, prefixed with `$ `."
            if self.shape == "text-react":
                self.messages = [{"role": "user", "content": self.task}]
                return
            self.messages = [{"role": "system", "content": system}, {"role": "user", "content": self.task}]

    @property
    def dialect(self) -> str:
        return _MODEL[self.shape][0]

    @property
    def model(self) -> str:
        return _MODEL[self.shape][1]

    def _id(self) -> str:
        self.ids += 1
        return f"call_{self.rng.getrandbits(48):012x}{self.ids}"

    def answer(self, step: Step | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(the response body, the messages the next request adds: the answer and the step's result)."""
        thought = self.rng.choice(_THOUGHTS)
        if step is None:
            return self._final(), []
        return getattr(self, "_" + self.shape.replace("-", "_"))(step, thought)

    def _final(self) -> dict[str, Any]:
        text = "I have finished the task."
        if self.dialect == "anthropic":
            return {"type": "message", "role": "assistant", "content": [{"type": "text", "text": text}]}
        if self.shape == "responses":
            return {
                "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text}]}]
            }
        return {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}

    # -- Claude Code ------------------------------------------------------------------------------
    def _claude_code(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        call_id = "toolu_" + self._id()
        if step.kind == "read":
            name, args, out = "Read", {"file_path": step.text}, _gutter_arrow(step.output)
        elif step.kind == "edit":
            name = "Edit"
            args = {"file_path": step.text, "old_string": step.output[:80] or "x", "new_string": step.extra}
            out = (
                f"The file {step.text} has been updated. Here's the result of running `cat -n` on a snippet of "
                f"the edited file:\n{_gutter_arrow(step.extra)}"
            )
        elif step.kind == "grep":
            name, args, out = (
                "Grep",
                {"pattern": step.text, "path": step.extra or ".", "output_mode": "content"},
                step.output,
            )
        elif step.kind == "todo":
            name = "TodoWrite"
            args = {"todos": [{"content": t, "status": "in_progress", "activeForm": t} for t in step.text.split(";")]}
            out = (
                "Todos have been modified successfully. Ensure that you continue to use the todo list to track "
                "your progress. Please proceed with the current tasks if applicable"
            )
        elif step.kind == "wait" and step.extra:
            name, args, out = "BashOutput", {"bash_id": step.extra}, step.output
        else:
            name, args = "Bash", {"command": step.text, "description": thought or "Run command"}
            out = step.output if step.code == 0 else f"Exit code {step.code}\n{step.output}"
        block = {"type": "tool_use", "id": call_id, "name": name, "input": args}
        content: list[dict[str, Any]] = ([{"type": "text", "text": thought}] if thought else []) + [block]
        body = {"type": "message", "role": "assistant", "content": content, "stop_reason": "tool_use"}
        result: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": out}
        if step.code:
            result["is_error"] = True
        return body, [{"role": "assistant", "content": content}, {"role": "user", "content": [result]}]

    # -- Codex-like tool calls ----------------------------------------------------------------------
    def _codex_args(self, step: Step) -> tuple[str, dict[str, Any], str]:
        if step.kind == "read":
            return "read_file", {"path": step.text}, step.output
        if step.kind == "edit":
            patch = (
                f"*** Begin Patch\n*** Update File: {step.text}\n@@\n-{step.output[:60]}\n+{step.extra}\n*** End Patch"
            )
            return (
                "apply_patch",
                {"input": patch},
                json.dumps(
                    {"output": f"Success. Updated the following files:\nM {step.text}\n", "metadata": {"exit_code": 0}}
                ),
            )
        command = step.text if step.kind != "grep" else f"rg -n '{step.text}' {step.extra or '.'}"
        took = round(self.rng.uniform(0.1, 4.0) + step.seconds, 1)
        out = json.dumps({"output": step.output, "metadata": {"exit_code": step.code, "duration_seconds": took}})
        return "shell", {"command": ["bash", "-lc", command], "workdir": "/workspace", "timeout_ms": 120000}, out

    def _codex_tools(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        name, args, out = self._codex_args(step)
        call_id = self._id()
        call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        message = {"role": "assistant", "content": thought or None, "tool_calls": [call]}
        body = {"choices": [{"message": message, "finish_reason": "tool_calls"}]}
        return body, [message, {"role": "tool", "tool_call_id": call_id, "content": out}]

    # -- legacy function_call ------------------------------------------------------------------------
    def _function_call(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if step.kind == "read":
            name, args = "read_file", {"filename": step.text}
        elif step.kind == "edit":
            name, args = "write_file", {"filename": step.text, "text": step.extra}
        else:
            command = step.text if step.kind != "grep" else f"grep -rn '{step.text}' {step.extra or '.'}"
            name, args = "execute_shell", {"command_line": command}
        out = step.output if step.kind != "edit" else f"File {step.text} written successfully."
        if step.kind not in ("read", "edit"):
            out = f"STDOUT/STDERR:\n{step.output}\nReturn code: {step.code}" if step.code else step.output
        message = {"role": "assistant", "content": None, "function_call": {"name": name, "arguments": json.dumps(args)}}
        body = {"choices": [{"message": message, "finish_reason": "function_call"}]}
        return body, [message, {"role": "function", "name": name, "content": out}]

    # -- Responses API items ------------------------------------------------------------------------
    def _responses(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        name, args, out = self._codex_args(step)
        call_id = self._id()
        item = {"type": "function_call", "call_id": call_id, "name": name, "arguments": json.dumps(args)}
        output: list[dict[str, Any]] = []
        if thought:
            output.append({"type": "reasoning", "summary": [{"type": "summary_text", "text": thought}]})
        output.append(item)
        body = {"object": "response", "output": output}
        return body, [*output, {"type": "function_call_output", "call_id": call_id, "output": out}]

    # -- text agents -------------------------------------------------------------------------------
    def _command_of(self, step: Step) -> str:
        if step.kind == "read":
            return f"cat {step.text}"
        if step.kind == "edit":
            return f"cat > {step.text} <<'EOF'\n{step.extra}\nEOF"
        if step.kind == "grep":
            return f"grep -rn '{step.text}' {step.extra or '.'}"
        return step.text

    def _text_fenced(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        text = f"{thought}\n\n```sh\n$ {self._command_of(step)}\n```".strip()
        message = {"role": "assistant", "content": text}
        result = f"Command finished with exit status {step.code}.\nOutput:\n```\n{step.output}\n```"
        return {"choices": [{"message": message, "finish_reason": "stop"}]}, [
            message,
            {"role": "user", "content": result},
        ]

    def _text_react(self, step: Step, thought: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        text = f"Thought: {thought or 'Continue.'}\nAction: terminal\nAction Input: {self._command_of(step)}"
        content = [{"type": "text", "text": text}]
        status = "" if step.code == 0 else f" (exit {step.code})"
        observation = f"Observation{status}: {step.output}"
        body = {"type": "message", "role": "assistant", "content": content, "stop_reason": "end_turn"}
        return body, [{"role": "assistant", "content": content}, {"role": "user", "content": observation}]


def usage_for(dialect: str, shape: str, prompt_tokens: int, output_tokens: int) -> dict[str, Any]:
    if dialect == "anthropic":
        cached = int(prompt_tokens * 0.8)
        return {
            "input_tokens": prompt_tokens - cached,
            "cache_read_input_tokens": cached,
            "output_tokens": output_tokens,
        }
    if shape == "responses":
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": output_tokens,
            "input_tokens": prompt_tokens,
            "output_tokens": output_tokens,
        }
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": output_tokens,
        "total_tokens": prompt_tokens + output_tokens,
    }
