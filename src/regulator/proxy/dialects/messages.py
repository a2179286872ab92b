"""Anthropic Messages (`POST /v1/messages`), as Anthropic and Claude Code speak it."""

from __future__ import annotations

from typing import Any

import orjson

from regulator.events import Usage
from regulator.pricing.usage import usage_from_anthropic
from regulator.proxy.dialects.api import Api, Target, nudge_note
from regulator.proxy.dialects.request import (
    ParsedRequest,
    chat_messages,
    decode_json,
    optional_bool,
    require_model,
    token_limit,
)
from regulator.proxy.streams import StreamMeter, TokenCounter, sse_json
from regulator.proxy.validate import check_parts

ANTHROPIC_VERSION = "2023-06-01"


class MessagesApi(Api):
    name = "messages"
    dialect = "anthropic"

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        body = decode_json(raw)
        model = require_model(body)
        messages = chat_messages(body)
        # Anthropic requires max_tokens; regulator sets it from the budget when absent, so that is no error.
        max_tokens, _ = token_limit(body, ("max_tokens",))
        if isinstance(body.get("system"), list):
            check_parts(body["system"], "system")
        request = ParsedRequest(
            "anthropic",
            "messages",
            body,
            raw,
            model,
            optional_bool(body, "stream"),
            max_tokens,
            "max_tokens",
            messages,
            system=body.get("system"),
        )
        request.upstream_path = "/messages"
        request.tools = "tools" in body
        return request

    def usage(self, answer: dict[str, Any]) -> Usage:
        usage = answer.get("usage")
        return usage_from_anthropic(usage if isinstance(usage, dict) else None)

    def meter(self, request: ParsedRequest, count_tokens: TokenCounter) -> StreamMeter:
        return MessagesStreamMeter(request.max_tokens, count_tokens)

    def add_nudge(self, request: ParsedRequest, text: str) -> None:
        note = nudge_note(text)
        last = request.messages[-1]
        content = last.get("content")
        if last.get("role") == "user" and isinstance(content, list):
            last["content"] = [*content, {"type": "text", "text": note}]
        elif last.get("role") == "user" and isinstance(content, str):
            last["content"] = [{"type": "text", "text": content}, {"type": "text", "text": note}]
        else:
            request.messages.append({"role": "user", "content": note})
        request.set_field("messages", request.messages, "nudge")

    def upstream_headers(self, api_key: str | None, caller: dict[str, str]) -> dict[str, str]:
        return anthropic_headers(api_key, caller)


def anthropic_headers(api_key: str | None, caller: dict[str, str]) -> dict[str, str]:
    """The API version and beta features the caller chose travel unchanged; the key is regulator's."""
    headers = {"anthropic-version": caller.get("anthropic-version", ANTHROPIC_VERSION)}
    beta = caller.get("anthropic-beta")
    if beta:
        headers["anthropic-beta"] = beta
    if api_key:
        headers["x-api-key"] = api_key
    return headers


class MessagesStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        super().__init__(max_output_tokens, count_tokens)
        self.start_usage: dict[str, Any] = {}
        self.delta_usage: dict[str, Any] = {}
        self.open_block: int | None = None

    def feed(self, event: bytes) -> bytes | None:
        payload = sse_json(event)
        if payload is None:
            return event
        kind = payload.get("type")
        if kind == "content_block_delta":
            if not self._read_delta(payload):
                return None
        elif kind == "content_block_start":
            self.open_block = payload.get("index", 0)
            block = payload.get("content_block") or {}
            if block.get("type") == "tool_use":
                self.tool_calls[self.open_block] = {
                    "id": block.get("id", ""),
                    "name": block.get("name", ""),
                    "arguments": "",
                }
        elif kind == "content_block_stop":
            self.open_block = None
        elif kind == "message_start":
            self.start_usage = (payload.get("message") or {}).get("usage") or {}
            self._update_usage()
        elif kind == "message_delta":
            self.delta_usage = payload.get("usage") or {}
            self._update_usage()
        elif kind == "message_stop":
            self.finished = True
        return event

    def _read_delta(self, payload: dict[str, Any]) -> bool:
        delta = payload.get("delta") or {}
        if not self.admit_output(delta.get("text", "") or delta.get("partial_json", "")):
            return False
        if delta.get("type") == "text_delta":
            self.text_parts.append(delta.get("text", ""))
        elif delta.get("type") == "input_json_delta":
            slot = self.tool_calls.setdefault(payload.get("index", 0), {"name": "", "arguments": ""})
            slot["arguments"] += delta.get("partial_json", "")
        return True

    def _update_usage(self) -> None:
        # message_delta's usage is cumulative and may restate input counts; later values win.
        self.usage = usage_from_anthropic({**self.start_usage, **self.delta_usage})

    def closing_events(self) -> bytes:
        parts = []
        if self.open_block is not None:
            stop = {"type": "content_block_stop", "index": self.open_block}
            parts.append(b"event: content_block_stop\ndata: " + orjson.dumps(stop) + b"\n\n")
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": "max_tokens", "stop_sequence": None},
            "usage": {"output_tokens": self.billed_output_tokens()},
        }
        parts.append(b"event: message_delta\ndata: " + orjson.dumps(delta) + b"\n\n")
        parts.append(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')
        return b"".join(parts)

    def answer(self) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if self.text_parts:
            content.append({"type": "text", "text": self.answer_text()})
        for _, call in sorted(self.tool_calls.items()):
            try:
                arguments = orjson.loads(call["arguments"]) if call["arguments"] else {}
            except orjson.JSONDecodeError:
                arguments = call["arguments"]
            content.append({"type": "tool_use", "id": call.get("id", ""), "name": call["name"], "input": arguments})
        return {"role": "assistant", "content": content}


MESSAGES = MessagesApi()
