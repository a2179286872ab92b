"""What identifies a message across the calls of one conversation, whatever the harness re-sends.

Real harnesses re-send their history with per-call markers that change from call to call without
changing the conversation: Claude Code and OpenClaw move Anthropic's `cache_control` marker to the
last block of every request, thinking blocks are re-signed or cleared from older turns, and some
clients renumber ids. A message key ignores all of them, so call N's messages are a prefix of
call N+1's for every harness measured (docs/agents.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

# Keys that mark a call rather than the conversation.
_MARKERS = frozenset({"cache_control", "signature", "id"})
# Blocks a harness may drop or re-sign on later calls without the conversation changing.
_EPHEMERAL_BLOCKS = frozenset({"thinking", "redacted_thinking", "reasoning"})


def _part_key(part: Any) -> Any:
    """A hashable key of JSON data whose strings hash as they are (in C, never copied or escaped): a
    tool's long output costs a string hash, not a serialisation. A Gemini text part is its text.
    Per-call markers and ephemeral blocks are left out."""
    if isinstance(part, str):
        return part
    if isinstance(part, dict):
        kind = part.get("type")
        if isinstance(kind, str) and kind in _EPHEMERAL_BLOCKS:  # any JSON may say "type": [...]
            return None
        if len(part) == 1 and isinstance(part.get("text"), str):
            return part["text"]
        return tuple(sorted((k, _part_key(v)) for k, v in part.items() if k not in _MARKERS))
    if isinstance(part, list):
        return tuple(key for key in map(_part_key, part) if key is not None)
    return part


def message_key(message: dict[str, Any]) -> int:
    """Built-in hashing: fast, and only compared within this process. Only the fields that carry
    meaning count: clients re-serialise history with varying key order and null fields."""
    if "content" not in message:
        parts = message.get("parts")
        if isinstance(parts, list):
            # A Gemini turn: its text parts hash as the strings they are, like chat content.
            key = _part_key(parts[0]) if len(parts) == 1 else tuple(map(_part_key, parts))
            return hash((message.get("role"), key))
        # A Responses API item (function_call, function_call_output): all of it carries meaning.
        return hash(_part_key(message))
    extra = message.get("tool_calls") or message.get("tool_call_id")
    return hash((message.get("role"), _part_key(message["content"]), _part_key(extra) if extra else None))


def prefix_keys(scope: str, messages: list[dict[str, Any]]) -> list[int]:
    """keys[i] identifies messages[:i+1] of this caller, within this process.

    The system prompt is left out: harnesses rewrite volatile lines of it (the date, a directory
    listing, a token budget) in the middle of a task, and the caller's key plus the messages
    already tell conversations apart."""
    chain = hash(scope)
    keys = []
    for message in messages:
        chain = hash((chain, message_key(message)))
        keys.append(chain)
    return keys


def opening_name(scope: str, messages: list[dict[str, Any]]) -> str:
    """A stable name for a conversation, from its opening: every replica derives the same one
    (built-in `hash` differs between processes; the repr of a key does not)."""
    head = repr((scope, [_part_key(m) for m in messages[: opening_len(messages)]])).encode()
    return "auto-" + hashlib.blake2b(head, digest_size=8).hexdigest()


def opening_len(messages: list[dict[str, Any]]) -> int:
    """Messages up to and including the first user message: what names a new conversation."""
    for i, message in enumerate(messages):
        if message.get("role") == "user":
            return i + 1
    return len(messages)
