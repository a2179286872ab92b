"""The OpenAI Responses API (`POST /v1/responses`), which Codex CLI speaks.

Input is a string or a list of items: messages, and the `function_call` / `function_call_output` /
`reasoning` items of earlier turns. The detectors read those items as they are (see
`regulator.detect.messages`). A stream is the `response.*` event sequence; its usage arrives in the
closing `response.completed` (or `response.incomplete` / `response.failed`, billed alike).

Input regulator cannot see — the conversation behind `previous_response_id` or `conversation`, a
stored `prompt` — is bounded by the model's context window (see docs/pricing.md).
"""

from __future__ import annotations

from typing import Any

import orjson

from regulator.errors import BadRequest
from regulator.events import Usage
from regulator.proxy.dialects.api import Api, Target, nudge_note
from regulator.proxy.dialects.request import ParsedRequest, decode_json, optional_bool, require_model, token_limit
from regulator.proxy.streams import StreamMeter, TokenCounter, sse_json
from regulator.proxy.validate import check_messages

# Fields that make the provider prepend input the request body does not carry.
UNSEEN_INPUT = ("previous_response_id", "conversation", "prompt")
# Where a stream's closing event puts the final response (with its usage).
_CLOSING = frozenset({"response.completed", "response.incomplete", "response.failed"})
_OUTPUT_DELTAS = frozenset(
    {
        "response.output_text.delta",
        "response.refusal.delta",
        "response.reasoning_text.delta",
        "response.reasoning_summary_text.delta",
    }
)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage_from_responses(usage: dict[str, Any] | None) -> Usage:
    """`input_tokens` includes cached reads (and writes); `output_tokens` includes reasoning."""
    if not usage:
        return Usage()
    details = usage.get("input_tokens_details") or {}
    output_details = usage.get("output_tokens_details") or {}
    return Usage(
        input_tokens=_int(usage.get("input_tokens")),
        cached_input_tokens=_int(details.get("cached_tokens")),
        cache_write_tokens=_int(details.get("cache_write_tokens")),
        output_tokens=_int(usage.get("output_tokens")),
        reasoning_tokens=_int(output_details.get("reasoning_tokens")),
    )


class ResponsesApi(Api):
    name = "responses"
    dialect = "openai"

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        body = decode_json(raw)
        model = require_model(body)
        if body.get("background") is True:
            raise BadRequest(
                "regulator meters a response while it is generated; a background response finishes after "
                "the call returns and cannot be metered. Send 'background': false (or leave it out).",
                param="background",
            )
        max_tokens, field_name = token_limit(body, ("max_output_tokens",))
        request = ParsedRequest(
            "openai",
            "responses",
            body,
            raw,
            model,
            optional_bool(body, "stream"),
            max_tokens,
            field_name or "max_output_tokens",
            _input_items(body),
            system=body.get("instructions"),
        )
        check_messages(request.messages, "input")
        request.upstream_path = "/responses"
        request.tools = bool(body.get("tools"))
        request.unseen_input = any(body.get(name) for name in UNSEEN_INPUT)
        return request

    def usage(self, answer: dict[str, Any]) -> Usage:
        usage = answer.get("usage")
        return usage_from_responses(usage if isinstance(usage, dict) else None)

    def continues(self, request: ParsedRequest) -> str | None:
        previous = request.body.get("previous_response_id")
        return previous if isinstance(previous, str) and previous else None

    def answer_id(self, answer: dict[str, Any] | None) -> str | None:
        response_id = (answer or {}).get("id")
        return response_id if isinstance(response_id, str) and response_id else None

    def meter(self, request: ParsedRequest, count_tokens: TokenCounter) -> StreamMeter:
        return ResponsesStreamMeter(request.max_tokens, count_tokens)

    def add_nudge(self, request: ParsedRequest, text: str) -> None:
        request.messages.append({"type": "message", "role": "developer", "content": nudge_note(text)})
        request.set_field("input", request.messages, "nudge")


def _input_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    value = body.get("input")
    if value is None:
        return []
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if not isinstance(value, list):
        raise BadRequest("'input' must be a string or an array of input items.", param="input")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise BadRequest(f"input[{i}] must be an object (an input item).", param=f"input[{i}]")
    return value


class ResponsesStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        super().__init__(max_output_tokens, count_tokens)
        self.response: dict[str, Any] = {}  # the response as `response.created` announced it
        self.sequence = 0
        self.final: dict[str, Any] | None = None

    def feed(self, event: bytes) -> bytes | None:
        payload = sse_json(event)
        if payload is None:
            return event
        kind = payload.get("type")
        sequence = payload.get("sequence_number")
        if isinstance(sequence, int):
            self.sequence = sequence
        if kind in _OUTPUT_DELTAS:
            delta = payload.get("delta")
            if isinstance(delta, str):
                if not self.admit_output(delta):
                    return None
                if kind == "response.output_text.delta":
                    self.text_parts.append(delta)
        elif kind == "response.function_call_arguments.delta":
            delta = payload.get("delta")
            if isinstance(delta, str):
                if not self.admit_output(delta):
                    return None
                slot = self.tool_calls.setdefault(payload.get("output_index", 0), {"name": "", "arguments": ""})
                slot["arguments"] += delta
        elif kind == "response.output_item.added":
            item = payload.get("item") or {}
            if item.get("type") == "function_call":
                name = str(item.get("name") or "")
                if not self.admit_output(name):
                    return None
                self.tool_calls[payload.get("output_index", 0)] = {
                    "id": item.get("call_id", ""),
                    "name": name,
                    "arguments": "",
                }
        elif kind in _CLOSING:
            response = payload.get("response") or {}
            self.final = response
            usage = response.get("usage")
            self.usage = usage_from_responses(usage if isinstance(usage, dict) else None)
            self.finished = True
        elif kind == "response.created":
            self.response = payload.get("response") or {}
        return event

    def closing_events(self) -> bytes:
        response = {
            **self.response,
            "status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"},
            "output": self.answer()["output"],
            "usage": None,
        }
        closing = {"type": "response.incomplete", "sequence_number": self.sequence + 1, "response": response}
        return b"event: response.incomplete\ndata: " + orjson.dumps(closing) + b"\n\n"

    def answer(self) -> dict[str, Any]:
        if self.final is not None and isinstance(self.final.get("output"), list):
            return self.final
        output: list[dict[str, Any]] = []
        if self.text_parts:
            output.append(
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": self.answer_text()}],
                }
            )
        for _, call in sorted(self.tool_calls.items()):
            output.append(
                {
                    "type": "function_call",
                    "call_id": call.get("id", ""),
                    "name": call["name"],
                    "arguments": call["arguments"],
                }
            )
        return {"id": self.response.get("id"), "output": output}


RESPONSES = ResponsesApi()
