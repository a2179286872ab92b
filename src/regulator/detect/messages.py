"""What an agent did and what it saw, read from either dialect.

These shapes of agent are understood:
- OpenAI tool calling: `tool_calls` on the assistant message, results in `tool` messages;
- Anthropic tool use: `tool_use` blocks in the response, `tool_result` blocks in the next user turn;
- OpenAI Responses: `function_call` items in the output, `function_call_output` items in the input
  (and their custom-tool and local-shell kin);
- Gemini: `functionCall` parts in the candidate, `functionResponse` parts in the next user turn;
- OpenAI's legacy `function_call` on the assistant message, results in `function` messages;
- text agents: commands in fenced shell blocks of the answer (a `$ ` prompt dropped) or ReAct
  `Action:` / `Action Input:` lines, results as the next user message; aider's SEARCH/REPLACE
  blocks are `edit` actions, and its one reply to several actions is divided among them
  (`detect/edit_blocks.py`).

Tool results that are JSON (Codex: `{"output": …, "metadata": {"exit_code": 1}}`) are unwrapped,
so the output reads as it printed and a failure as `exit code N`, as other harnesses say it; so is
OpenHands' trailer (`[The command completed with exit code N.]`, then the working directory and
interpreter, the same after every command).

`parse(event)` looks only at `messages[new_from:]` and the response. Every detector of a call
asks for the same parse, so the last one is kept and reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from regulator.detect.edit_blocks import EDIT, MARKER, RUN_MARKERS, blank, edit_blocks, split_reply
from regulator.events import CallEvent

# Every fenced block, paired opening to closing, so a ```python block's closing fence is never
# taken for the opening of a command; only shell (or unlabelled) blocks are commands.
_FENCE = re.compile(r"^[ \t]*```([\w+-]*)[ \t]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
_SHELLS = frozenset({"", "bash", "sh", "shell", "console", "zsh"})


@dataclass(slots=True, frozen=True)
class Action:
    """One thing the agent asked its harness to do: a tool call or a shell command."""

    tool: str  # tool name, or "bash" for a command written in text
    text: str  # the command, or the tool's arguments as compact JSON


@dataclass(slots=True, frozen=True)
class Observation:
    """What came back from an action: a tool result or the harness's reply to a text command."""

    text: str
    is_error: bool = False  # only when the dialect says so (Anthropic `is_error`)


@dataclass(slots=True, frozen=True)
class Parsed:
    actions: list[Action]
    observations: list[Observation]
    prompt_tokens: int


# Responses API items that call a tool, and those that carry a tool's result back.
_CALL_ITEMS = frozenset({"function_call", "custom_tool_call", "local_shell_call"})
_RESULT_ITEMS = frozenset({"function_call_output", "custom_tool_call_output", "local_shell_call_output"})
# The roles an assistant's turn has: `model` is Gemini's.
_ASSISTANT = frozenset({"assistant", "model"})


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                if part.get("type") in ("text", "input_text", "output_text") or (
                    "type" not in part and isinstance(part.get("text"), str) and not part.get("thought")
                ):
                    parts.append(str(part.get("text") or ""))
                elif part.get("type") == "tool_result":
                    parts.append(text_of(part.get("content")))
        return "\n".join(parts)
    return "" if content is None else str(content)


# ReAct agents: `Action: <tool>` then `Action Input: <input>` up to the next section.
_REACT = re.compile(
    r"^Action:[ \t]*(\S+)[ \t]*\nAction Input:[ \t]*(.+?)(?=^(?:Observation|Thought|Action)\b|\Z)", re.S | re.M
)
_PROMPT = re.compile(r"^\$[ \t]+", re.M)  # a shell prompt before a command: `$ npm test`


def _commands_in_text(text: str) -> list[Action]:
    if MARKER in text:
        edits = edit_blocks(text)
        if edits:
            return _edits_and_commands(text, edits)
    # Most answers have no fence: a pattern anchored at line starts would still be tried at each line.
    fenced = _FENCE.findall(text) if "```" in text else []
    actions = [
        Action("bash", _PROMPT.sub("", block).strip())
        for language, block in fenced
        if language.lower() in _SHELLS and block.strip()
    ]
    if not actions and "Action Input:" in text:
        actions = [Action("bash", _PROMPT.sub("", given).strip()) for _, given in _REACT.findall(text) if given.strip()]
    return actions


def _edits_and_commands(text: str, edits: list[tuple[int, int, str]]) -> list[Action]:
    """aider's answer: its edits and the shell blocks around them, in the order it wrote them.

    The blocks are blanked before fences are paired: an edit's fence (often unlabelled) is no
    command, and a fence inside an edit's text (a Markdown file's) must not pair with another.
    """
    found = [(start, Action(EDIT, arguments)) for start, _, arguments in edits]
    found += [
        (match.start(), Action("bash", _PROMPT.sub("", match.group(2)).strip()))
        for match in _FENCE.finditer(blank(text, edits))
        if match.group(1).lower() in _SHELLS and match.group(2).strip()
    ]
    return [action for _, action in sorted(found, key=lambda pair: pair[0])]


def _arguments(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()


def actions_of_response(response: dict[str, Any] | None) -> list[Action]:
    if not response:
        return []
    choices = response.get("choices")
    if isinstance(choices, list) and choices:
        return actions_of_turn(choices[0].get("message") or {})
    output = response.get("output")
    if isinstance(output, list):
        return _item_actions(output)
    candidates = response.get("candidates")
    if isinstance(candidates, list):
        content = candidates[0].get("content") if candidates and isinstance(candidates[0], dict) else None
        return actions_of_turn(content if isinstance(content, dict) else {})
    return _block_actions(response.get("content") or [])


def actions_of_turn(message: dict[str, Any]) -> list[Action]:
    """What an assistant turn asked for: a response's message, or one resent in a request."""
    if message.get("type") in _CALL_ITEMS:
        return _item_actions([message])
    parts = message.get("parts")
    if isinstance(parts, list):
        return _part_actions(parts)
    content = message.get("content")
    legacy = message.get("function_call")
    if message.get("tool_calls") or isinstance(legacy, dict) or not isinstance(content, list):
        actions = []
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            actions.append(Action(str(function.get("name") or "tool"), _arguments(function.get("arguments"))))
        if isinstance(legacy, dict):
            actions.append(Action(str(legacy.get("name") or "tool"), _arguments(legacy.get("arguments"))))
        return actions or _commands_in_text(text_of(content))
    return _block_actions(content)


def _block_actions(content: list[Any]) -> list[Action]:
    """Anthropic content blocks (and a Responses message's output_text parts)."""
    actions: list[Action] = []
    text_parts: list[str] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "tool_use":
            actions.append(Action(str(block.get("name") or "tool"), _arguments(block.get("input") or {})))
        elif block.get("type") in ("text", "output_text"):
            text_parts.append(str(block.get("text") or ""))
    return actions or _commands_in_text("\n".join(text_parts))


def _item_actions(items: list[Any]) -> list[Action]:
    """Responses API output items: tool calls, else commands written in the message text."""
    actions: list[Action] = []
    text_parts: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "function_call":
            actions.append(Action(str(item.get("name") or "tool"), _arguments(item.get("arguments"))))
        elif kind == "custom_tool_call":
            actions.append(Action(str(item.get("name") or "tool"), _arguments(item.get("input"))))
        elif kind == "local_shell_call":
            # Its argv (`["bash", "-lc", "npm test"]`) reads as the command it runs (`steps.action_key`).
            action = item.get("action")
            command = action.get("command") if isinstance(action, dict) else action
            actions.append(Action("shell", _arguments({"command": command})))
        elif kind == "message" or (kind is None and item.get("role") == "assistant"):
            text_parts.append(text_of(item.get("content")))
    return actions or _commands_in_text("\n".join(text_parts))


def _part_actions(parts: list[Any]) -> list[Action]:
    """Gemini parts: function calls, else commands written in the (non-thought) text."""
    actions = [
        Action(str(part["functionCall"].get("name") or "tool"), _arguments(part["functionCall"].get("args") or {}))
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("functionCall"), dict)
    ]
    return actions or _commands_in_text(text_of(parts))


def observations(messages: list[dict[str, Any]], start: int, stop: int | None = None) -> list[Observation]:
    """The tool results (or text agents' command outputs) in `messages[start:stop]`."""
    found: list[Observation] = []
    for i in range(start, len(messages) if stop is None else min(stop, len(messages))):
        message = messages[i]
        role = message.get("role")
        content = message.get("content", message.get("parts"))
        if role in ("tool", "function"):
            found.append(Observation(result_text(content)))
        elif message.get("type") in _RESULT_ITEMS:
            found.append(Observation(result_text(message.get("output"))))
        elif role == "user" or (role is None and "parts" in message):
            results = [b for b in content if isinstance(b, dict) and _is_result(b)] if isinstance(content, list) else []
            if results:
                found += [_result(block) for block in results]
            elif i > 0 and messages[i - 1].get("role") in _ASSISTANT:
                # A text agent: the harness answers a command with the next user message.
                found += _replies(messages[i - 1], text_of(content))
    return found


def _replies(turn: dict[str, Any], reply: str) -> list[Observation]:
    """A text agent's results: one reply, divided when aider answered several actions at once."""
    if MARKER in text_of(turn.get("content")) or any(marker in reply for marker in RUN_MARKERS):
        actions = actions_of_turn(turn)
        if len(actions) > 1:
            return [Observation(text) for text in split_reply([(a.tool, a.text) for a in actions], reply)]
    return [Observation(reply)]


def _is_result(block: dict[str, Any]) -> bool:
    return block.get("type") == "tool_result" or "functionResponse" in block


def _result(block: dict[str, Any]) -> Observation:
    """An Anthropic `tool_result` block or a Gemini `functionResponse` part."""
    if block.get("type") == "tool_result":
        return Observation(result_text(block.get("content")), bool(block.get("is_error")))
    response = (block.get("functionResponse") or {}).get("response")
    if isinstance(response, dict):
        error = response.get("error")
        if error:
            return Observation(error if isinstance(error, str) else _arguments(error), True)
        output = response.get("output")
        if isinstance(output, str):
            return Observation(output)
    return Observation(_arguments(response))


# OpenHands ends a command's result with its exit status, then the working directory and the
# interpreter (older versions: `[Command finished with exit code N]`).
_OPENHANDS_TRAILER = re.compile(
    r"\n?\[(?:The command completed|Command finished) with exit code (-?\d+)\.?\]"
    r"(?:\n\[(?:Current working directory|Python interpreter): [^\n]*\])*\s*\Z"
)
_TRAILER_TAIL = 1000  # characters at the end of a result where the trailer is looked for


def _without_trailer(text: str) -> str:
    """OpenHands' result as other harnesses say it: the output, and `exit code N` when it failed."""
    tail = max(0, len(text) - _TRAILER_TAIL)
    if "with exit code" not in text[tail:]:
        return text
    match = _OPENHANDS_TRAILER.search(text, tail)
    if match is None:
        return text
    output = text[: match.start()]
    return output if match.group(1) == "0" else f"{output}\nexit code {match.group(1)}"


def result_text(content: Any) -> str:
    """A tool result as text; a JSON result with an `output` (Codex) is unwrapped, its exit code kept."""
    text = _without_trailer(text_of(content))
    if not text.startswith("{") or ('"output"' not in text[:2000] and '"stdout"' not in text[:2000]):
        return text
    try:
        fields = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    if not isinstance(fields, dict):
        return text
    output = "\n".join(str(fields[k]) for k in ("output", "stdout", "stderr") if isinstance(fields.get(k), str))
    metadata = fields.get("metadata")
    details: dict[str, Any] = metadata if isinstance(metadata, dict) else fields
    code = details.get("exit_code", details.get("returncode"))
    return f"{output}\nexit code {code}" if isinstance(code, int) and code != 0 else output


def is_assistant_turn(message: dict[str, Any]) -> bool:
    """An assistant's message (Gemini's `model` turn) or a Responses API tool-call item."""
    return message.get("role") in _ASSISTANT or message.get("type") in _CALL_ITEMS


def _prompt_tokens(response: dict[str, Any] | None) -> int:
    usage = (response or {}).get("usage") or {}
    gemini = (response or {}).get("usageMetadata")
    if isinstance(gemini, dict):
        return int(gemini.get("promptTokenCount") or 0)
    total = usage.get("prompt_tokens")
    if total is None:
        total = (
            int(usage.get("input_tokens") or 0)
            + int(usage.get("cache_read_input_tokens") or 0)
            + int(usage.get("cache_creation_input_tokens") or 0)
        )
    return int(total or 0)


_last: tuple[CallEvent | None, Parsed | None] = (None, None)


def parse(event: CallEvent) -> Parsed:
    """The actions of this call's answer and the observations new in its request."""
    global _last
    cached_event, cached = _last
    if cached_event is event and cached is not None:
        return cached
    start = max(0, min(event.new_from, len(event.messages)))
    parsed = Parsed(
        actions_of_response(event.response),
        observations(event.messages, start),
        _prompt_tokens(event.response),
    )
    _last = (event, parsed)
    return parsed
