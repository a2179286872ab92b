"""What an agent did and what it saw, read from either dialect.

Three shapes of agent are understood:
- OpenAI tool calling: `tool_calls` on the assistant message, results in `tool` messages;
- Anthropic tool use: `tool_use` blocks in the response, `tool_result` blocks in the next user turn;
- text agents: commands in fenced ```bash blocks of the answer, results as the next user message.

`parse(event)` looks only at `messages[new_from:]` and the response. Every detector of a call
asks for the same parse, so the last one is kept and reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

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


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                if part.get("type") in ("text", "input_text", "output_text"):
                    parts.append(str(part.get("text") or ""))
                elif part.get("type") == "tool_result":
                    parts.append(text_of(part.get("content")))
        return "\n".join(parts)
    return "" if content is None else str(content)


def _commands_in_text(text: str) -> list[Action]:
    return [
        Action("bash", block.strip())
        for language, block in _FENCE.findall(text)
        if language.lower() in _SHELLS and block.strip()
    ]


def _arguments(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()


def actions_of_response(response: dict[str, Any] | None) -> list[Action]:
    if not response:
        return []
    actions: list[Action] = []
    choices = response.get("choices")
    if isinstance(choices, list) and choices:
        message = choices[0].get("message") or {}
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            actions.append(Action(str(function.get("name") or "tool"), _arguments(function.get("arguments"))))
        if not actions:
            actions = _commands_in_text(text_of(message.get("content")))
        return actions
    text_parts: list[str] = []
    for block in response.get("content") or []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "tool_use":
            actions.append(Action(str(block.get("name") or "tool"), _arguments(block.get("input") or {})))
        elif block.get("type") == "text":
            text_parts.append(str(block.get("text") or ""))
    if not actions:
        actions = _commands_in_text("\n".join(text_parts))
    return actions


def observations(messages: list[dict[str, Any]], start: int, stop: int | None = None) -> list[Observation]:
    """The tool results (or text agents' command outputs) in `messages[start:stop]`."""
    found: list[Observation] = []
    for i in range(start, len(messages) if stop is None else min(stop, len(messages))):
        message = messages[i]
        role = message.get("role")
        content = message.get("content")
        if role == "tool":
            found.append(Observation(text_of(content)))
        elif role == "user":
            if isinstance(content, list) and any(
                isinstance(b, dict) and b.get("type") == "tool_result" for b in content
            ):
                for block in content:
                    if isinstance(block, dict) and block.get("type") == "tool_result":
                        found.append(Observation(text_of(block.get("content")), bool(block.get("is_error"))))
            elif i > 0 and messages[i - 1].get("role") == "assistant":
                # A text agent: the harness answers a command with the next user message.
                found.append(Observation(text_of(content)))
    return found


def _prompt_tokens(response: dict[str, Any] | None) -> int:
    usage = (response or {}).get("usage") or {}
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
