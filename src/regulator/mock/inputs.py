"""What a request asks of the mock: its JSON body and the `x-mock-*` settings, checked."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson


class BadMockRequest(Exception):
    """Answered with a 400 in the caller's API's error shape."""


def json_object(body: bytes) -> dict[str, Any]:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadMockRequest(f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise BadMockRequest("The request body must be a JSON object")
    return obj


def decode_reply(value: str) -> dict[str, Any]:
    try:
        reply = orjson.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, orjson.JSONDecodeError) as exc:
        raise BadMockRequest(f"x-mock-reply is not base64 JSON: {exc}") from exc
    if not isinstance(reply, dict):
        raise BadMockRequest("x-mock-reply must decode to a JSON object")
    return reply


def encode_reply(content: str | None = None, tool_calls: list[dict[str, Any]] | None = None) -> str:
    """The `x-mock-reply` header value for this content and/or tool calls ({"name", "arguments"})."""
    return base64.b64encode(orjson.dumps({"content": content, "tool_calls": tool_calls or []})).decode()


def mock_int(mock: dict[str, str], name: str) -> int | None:
    value = _number(mock, name, int)
    return None if value is None else int(value)


def mock_float(mock: dict[str, str], name: str) -> float | None:
    return _number(mock, name, float)


def _number(mock: dict[str, str], name: str, kind: type[int] | type[float]) -> float | None:
    value = mock.get(name)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        what = "an integer" if kind is int else "a number"
        raise BadMockRequest(f"{name} must be {what}, got {value!r}") from exc
