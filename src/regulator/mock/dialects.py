"""The mock's answers in each provider's wire format: bodies, SSE events and error shapes.

Streams are returned as lists of `(event bytes, output tokens it carries)` so the server can cut a
stream after any event and still know what it billed. Chunks carry up to `CHUNK_TOKENS` tokens.
"""

from __future__ import annotations

import base64
import hashlib
import time
from array import array
from typing import Any, Literal

import orjson

from regulator.mock.answers import Plan

Event = tuple[bytes, int]
CHUNK_TOKENS = 4
_FRAGMENT_CHARS = 16
_ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
MODELS = (
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1-mini",
    "o3-mini",
    "text-embedding-3-small",
    "text-embedding-3-large",
)
ANTHROPIC_MODELS = ("claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-7")


def openai_usage(plan: Plan) -> dict[str, Any]:
    out = plan.billed_output_tokens
    return {
        "prompt_tokens": plan.input_tokens,
        "completion_tokens": out,
        "total_tokens": plan.input_tokens + out,
        "prompt_tokens_details": {"cached_tokens": plan.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": plan.reasoning_tokens * plan.answers,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def openai_body(plan: Plan, call_id: str) -> bytes:
    message: dict[str, Any] = {"role": "assistant", "content": plan.text or None, "refusal": None}
    if plan.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in plan.tool_calls
        ]
    return orjson.dumps(
        {
            "id": call_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": plan.model,
            "choices": [
                {"index": i, "message": message, "logprobs": None, "finish_reason": plan.stop}
                for i in range(plan.answers)
            ],
            "usage": openai_usage(plan),
            "service_tier": "default",
            "system_fingerprint": "fp_mock",
        }
    )


def openai_stream(plan: Plan, call_id: str, include_usage: bool) -> list[Event]:
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, index: int = 0) -> bytes:
        obj: dict[str, Any] = {
            "id": call_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": plan.model,
            "system_fingerprint": "fp_mock",
            "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            obj["usage"] = None
        return b"data: " + orjson.dumps(obj) + b"\n\n"

    first: dict[str, Any] = {
        "role": "assistant",
        "content": "" if plan.text_pieces else None,
        "refusal": None,
    }
    events: list[Event] = []
    for answer in range(plan.answers):  # with `n`, each answer streams in turn
        events.append((chunk(first, index=answer), plan.reasoning_tokens))
        pieces = plan.text_pieces
        for i in range(0, len(pieces), CHUNK_TOKENS):
            part = pieces[i : i + CHUNK_TOKENS]
            events.append((chunk({"content": "".join(part)}, index=answer), len(part)))
        for index, call in enumerate(plan.tool_calls):
            start = {
                "index": index,
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            events.append((chunk({"tool_calls": [start]}, index=answer), 0))
            for fragment, tokens in fragments(call.arguments, call.tokens):
                delta = {"tool_calls": [{"index": index, "function": {"arguments": fragment}}]}
                events.append((chunk(delta, index=answer), tokens))
        events.append((chunk({}, plan.stop, answer), 0))
    if include_usage:
        usage = {
            "id": call_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": plan.model,
            "system_fingerprint": "fp_mock",
            "choices": [],
            "usage": openai_usage(plan),
        }
        events.append((b"data: " + orjson.dumps(usage) + b"\n\n", 0))
    events.append((b"data: [DONE]\n\n", 0))
    return events


def anthropic_usage(plan: Plan, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": plan.input_tokens - plan.cached_tokens - plan.cache_write_tokens,
        "cache_creation_input_tokens": plan.cache_write_tokens,
        "cache_read_input_tokens": plan.cached_tokens,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def _anthropic_content(plan: Plan) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if plan.text_pieces:
        blocks.append({"type": "text", "text": plan.text})
    for call in plan.tool_calls:
        try:
            tool_input = orjson.loads(call.arguments)
        except orjson.JSONDecodeError:  # cut short by max_tokens
            tool_input = {}
        blocks.append({"type": "tool_use", "id": call.id, "name": call.name, "input": tool_input})
    return blocks


def anthropic_body(plan: Plan, message_id: str) -> bytes:
    return orjson.dumps(
        {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": plan.model,
            "content": _anthropic_content(plan),
            "stop_reason": _ANTHROPIC_STOP[plan.stop],
            "stop_sequence": None,
            "usage": anthropic_usage(plan, plan.output_tokens),
        }
    )


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def anthropic_stream(plan: Plan, message_id: str) -> list[Event]:
    total = plan.output_tokens
    start_tokens = min(1, total)  # Anthropic reports a first output token in message_start
    message: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": plan.model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": anthropic_usage(plan, start_tokens),
    }
    events: list[Event] = [(_sse("message_start", {"type": "message_start", "message": message}), start_tokens)]
    body: list[Event] = []
    index = 0
    if plan.text_pieces:
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
        body.append((_sse("content_block_start", block), 0))
        body.append((_sse("ping", {"type": "ping"}), 0))
        pieces = plan.text_pieces
        for i in range(0, len(pieces), CHUNK_TOKENS):
            part = pieces[i : i + CHUNK_TOKENS]
            delta = {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "".join(part)},
            }
            body.append((_sse("content_block_delta", delta), len(part)))
        body.append((_sse("content_block_stop", {"type": "content_block_stop", "index": 0}), 0))
        index = 1
    for call in plan.tool_calls:
        tool = {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
        body.append(
            (
                _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": tool},
                ),
                0,
            )
        )
        if index == 0:
            body.append((_sse("ping", {"type": "ping"}), 0))
        for fragment, tokens in [("", 0), *fragments(call.arguments, call.tokens)]:
            delta = {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "input_json_delta", "partial_json": fragment},
            }
            body.append((_sse("content_block_delta", delta), tokens))
        body.append((_sse("content_block_stop", {"type": "content_block_stop", "index": index}), 0))
        index += 1
    events += _shift(body, start_tokens)
    delta = {
        "type": "message_delta",
        "delta": {"stop_reason": _ANTHROPIC_STOP[plan.stop], "stop_sequence": None},
        "usage": {"output_tokens": total},
    }
    events.append((_sse("message_delta", delta), 0))
    events.append((_sse("message_stop", {"type": "message_stop"}), 0))
    return events


def _shift(events: list[Event], tokens: int) -> list[Event]:
    """Take `tokens` already billed earlier in the stream off the first events that carry some."""
    out: list[Event] = []
    for data, n in events:
        taken = min(n, tokens)
        tokens -= taken
        out.append((data, n - taken))
    return out


def fragments(arguments: str, tokens: int) -> list[tuple[str, int]]:
    """Split tool arguments the way providers stream them, spreading the call's tokens exactly."""
    if not arguments:
        return [("", tokens)] if tokens else []
    size = len(arguments)
    out = []
    for start in range(0, size, _FRAGMENT_CHARS):
        end = min(size, start + _FRAGMENT_CHARS)
        out.append((arguments[start:end], tokens * end // size - tokens * start // size))
    return out


_OPENAI_ERRORS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
}
_ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


def error_body(dialect: Literal["openai", "anthropic"], status: int, message: str) -> bytes:
    if dialect == "anthropic":
        kind = _ANTHROPIC_ERRORS.get(status, "api_error")
        request_id = "req_mock" + hashlib.blake2b(message.encode(), digest_size=8).hexdigest()
        return orjson.dumps({"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id})
    kind, code = _OPENAI_ERRORS.get(status, ("server_error", None))
    return orjson.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}})


def models_body(dialect: Literal["openai", "anthropic"]) -> bytes:
    if dialect == "anthropic":
        data: list[dict[str, Any]] = [
            {
                "type": "model",
                "id": m,
                "display_name": m.replace("-", " ").title(),
                "created_at": "2025-01-01T00:00:00Z",
            }
            for m in ANTHROPIC_MODELS
        ]
        return orjson.dumps({"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]})
    data = [
        {"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "mock"} for m in (*MODELS, *ANTHROPIC_MODELS)
    ]
    return orjson.dumps({"object": "list", "data": data})


def embeddings_body(req: dict[str, Any], body_len: int) -> tuple[bytes, int] | str:
    """The embeddings answer and its billed tokens, or an error message for a bad request."""
    raw = req.get("input")
    if isinstance(raw, str) or (isinstance(raw, list) and raw and isinstance(raw[0], int)):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(item, str | list) for item in raw):
        return "'input' must be a non-empty string, array of strings or array of token arrays"
    model = str(req.get("model", ""))
    dims = req.get("dimensions")
    if not isinstance(dims, int) or dims <= 0:
        dims = 3072 if "large" in model else 1536
    as_base64 = req.get("encoding_format") == "base64"
    data = []
    chars = 0
    for i, item in enumerate(raw):
        text = item if isinstance(item, str) else orjson.dumps(item).decode()
        chars += len(text) if isinstance(item, str) else 4 * len(item)  # a token array: ~4 chars each
        vector = _vector(text, dims)
        embedding: Any = base64.b64encode(vector.tobytes()).decode() if as_base64 else vector.tolist()
        data.append({"object": "embedding", "index": i, "embedding": embedding})
    tokens = max(1, min(body_len, -(-chars // 4)))
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return orjson.dumps({"object": "list", "data": data, "model": model, "usage": usage}), tokens


def _vector(text: str, dims: int) -> array[float]:
    raw = hashlib.shake_256(text.encode()).digest(dims)
    values = array("f", ((b - 127.5) / 127.5 for b in raw))
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return array("f", (v / norm for v in values))
