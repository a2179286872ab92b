"""Checks on a request body before any work is done for it: what regulator itself depends on.

Anything the provider alone cares about is left to the provider (its 400 passes through, unbilled).
What is checked here is what regulator's own steps read or write, so that a hostile or broken body
gets a 400 in the caller's dialect instead of an exception halfway through a call:

* nesting: at most `MAX_DEPTH` levels. orjson reads 1,024 but writes only 254, and a rewritten
  body, session threading and token counting all serialise parts of the request again;
* content parts: objects whose `type`, when present, is a string (pricing looks it up in a set);
* a message's `role`, when present: a string; its `tool_calls`: an array of objects (threading
  and the detectors read them).

Fields that multiply what the provider bills (`n`, `candidateCount`) are checked where each API
reads them (`request.answer_count`).
"""

from __future__ import annotations

from typing import Any

from regulator.errors import BadRequest

# Deep enough for any real schema or conversation (each nested JSON-schema object is two levels).
MAX_DEPTH = 128


def check_depth(body: dict[str, Any], limit: int = MAX_DEPTH) -> None:
    """Refuse bodies nested deeper than `limit`. Level by level, without recursion: ~30 µs for a
    300 KB conversation, a couple for a small request."""
    level: list[Any] = [body]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            raise BadRequest(f"Request body is nested more than {limit} levels deep.")
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]


def check_messages(messages: list[dict[str, Any]], field: str = "messages") -> None:
    """Content parts and tool calls in the shapes regulator reads (messages are objects already)."""
    for i, message in enumerate(messages):
        role = message.get("role")
        if role is not None and not isinstance(role, str):
            raise BadRequest(f"'{field}[{i}].role' must be a string.", param=f"{field}[{i}].role")
        content = message.get("content")
        if isinstance(content, list):
            check_parts(content, f"{field}[{i}].content")
        calls = message.get("tool_calls")
        if calls is not None and not (isinstance(calls, list) and all(isinstance(c, dict) for c in calls)):
            where = f"{field}[{i}].tool_calls"
            raise BadRequest(f"'{where}' must be an array of objects.", param=where)


def check_parts(parts: list[Any], where: str) -> None:
    for j, part in enumerate(parts):
        if isinstance(part, dict) and not isinstance(part.get("type", ""), str):
            raise BadRequest(f"'{where}[{j}].type' must be a string.", param=f"{where}[{j}].type")
