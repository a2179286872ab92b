"""The APIs the mock speaks and where: each a `Wire` from a request to its answer's bytes.

Every API's request is read as a chat completion (or an Anthropic message) for `plan_answer`, so all
of them answer alike and bill alike; only the shapes differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

import orjson

from regulator.mock import gemini, responses
from regulator.mock.answers import Plan
from regulator.mock.dialects import Event, anthropic_body, anthropic_stream, error_body, openai_body, openai_stream


@dataclass(frozen=True, slots=True)
class Wire:
    plan_dialect: Literal["openai", "anthropic"]
    id_prefix: str
    view: Callable[[dict[str, Any], str | None], dict[str, Any]]  # (request, model from the path) → plan input
    body: Callable[[Plan, str, dict[str, Any]], bytes]
    stream: Callable[[Plan, str, dict[str, Any], bool], list[Event]]  # (…, sse) → events
    error: Callable[[int, str], bytes]


def _include_usage(req: dict[str, Any]) -> bool:
    options = req.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


CHAT = Wire(
    "openai",
    "chatcmpl-mock",
    lambda req, _: req,
    lambda plan, call_id, _: openai_body(plan, call_id),
    lambda plan, call_id, req, _: openai_stream(plan, call_id, _include_usage(req)),
    lambda status, message: error_body("openai", status, message),
)
MESSAGES = Wire(
    "anthropic",
    "msg_mock",
    lambda req, _: req,
    lambda plan, call_id, _: anthropic_body(plan, call_id),
    lambda plan, call_id, *_: anthropic_stream(plan, call_id),
    lambda status, message: error_body("anthropic", status, message),
)
RESPONSES = Wire(
    "openai",
    "resp_mock",
    lambda req, _: responses.view(req),
    responses.body,
    lambda plan, call_id, req, _: responses.stream(plan, call_id, req),
    CHAT.error,
)
GEMINI = Wire(
    "openai",
    "mock",
    lambda req, model: gemini.view(req, model or ""),
    lambda plan, call_id, _: gemini.body(plan, call_id),
    lambda plan, call_id, _, sse: gemini.sse_stream(plan, call_id) if sse else gemini.array_stream(plan, call_id),
    gemini.error_body,
)

_EXACT = {"/v1/chat/completions": CHAT, "/v1/messages": MESSAGES, "/v1/responses": RESPONSES}
_GEMINI_PREFIXES = ("/v1beta/models/", "/v1/models/")


@dataclass(frozen=True, slots=True)
class Routed:
    wire: Wire
    model: str | None = None  # named in the path (Gemini)
    stream: bool | None = None  # said by the path (Gemini); None: the body's `stream` says
    sse: bool = True
    count: bool = False  # a token count, not an answer


def route(method: str, path: str, query: bytes) -> Routed | None:
    if method != "POST":
        return None
    wire = _EXACT.get(path)
    if wire is not None:
        return Routed(wire)
    if path in ("/v1/messages/count_tokens", "/v1/responses/input_tokens"):
        return Routed(MESSAGES if "messages" in path else RESPONSES, count=True)
    for prefix in _GEMINI_PREFIXES:
        if path.startswith(prefix):
            model, _, method_name = path[len(prefix) :].partition(":")
            if method_name == "generateContent":
                return Routed(GEMINI, model, stream=False)
            if method_name == "streamGenerateContent":
                return Routed(GEMINI, model, stream=True, sse=("alt", "sse") in parse_qsl(query.decode("latin-1")))
            if method_name == "countTokens":
                return Routed(GEMINI, model, count=True)
    return None


def count_body(routed: Routed, tokens: int) -> bytes:
    if routed.wire is GEMINI:
        return orjson.dumps(
            {"totalTokens": tokens, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": tokens}]}
        )
    if routed.wire is RESPONSES:
        return orjson.dumps({"object": "response.input_tokens", "input_tokens": tokens})
    return orjson.dumps({"input_tokens": tokens})


def wire_of(path: str, headers: dict[bytes, bytes]) -> Wire:
    """The API whose error shape answers an unknown path."""
    if (path.startswith(_GEMINI_PREFIXES) and ":" in path) or b"x-goog-api-key" in headers:
        return GEMINI
    if path.startswith("/v1/messages"):
        return MESSAGES
    return CHAT
