"""OpenAI chat completions (`POST /v1/chat/completions`), as OpenAI, OpenRouter, vLLM and Ollama speak it."""

from __future__ import annotations

from typing import Any

import orjson

from regulator.events import Usage
from regulator.pricing.usage import usage_from_openai
from regulator.proxy.dialects.api import Api, Target, nudge_note
from regulator.proxy.dialects.request import (
    ParsedRequest,
    answer_count,
    chat_messages,
    decode_json,
    optional_bool,
    require_model,
    token_limit,
)
from regulator.proxy.streams import StreamMeter, TokenCounter, sse_data


class ChatApi(Api):
    name = "chat"
    dialect = "openai"

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        body = decode_json(raw)
        model = require_model(body)
        messages = chat_messages(body)
        max_tokens, field_name = token_limit(body, ("max_completion_tokens", "max_tokens"))
        request = ParsedRequest(
            "openai", "chat", body, raw, model, optional_bool(body, "stream"), max_tokens, field_name, messages
        )
        request.upstream_path = "/chat/completions"
        request.tools = "tools" in body or "functions" in body
        request.answers = answer_count(body, "n")
        if request.stream:
            ensure_stream_usage(request)
        return request

    def usage(self, answer: dict[str, Any]) -> Usage:
        usage = answer.get("usage")
        return usage_from_openai(usage if isinstance(usage, dict) else None)

    def meter(self, request: ParsedRequest, count_tokens: TokenCounter) -> StreamMeter:
        # With `n`, the stream carries n answers of up to `max_tokens` each.
        cap = None if request.max_tokens is None else request.max_tokens * request.answers
        return ChatStreamMeter(cap, count_tokens, "stream_usage" in request.edits)

    def add_nudge(self, request: ParsedRequest, text: str) -> None:
        request.messages.append({"role": "system", "content": nudge_note(text)})
        request.set_field("messages", request.messages, "nudge")


def ensure_stream_usage(request: ParsedRequest) -> None:
    """Ask a stream for its usage chunk; when regulator adds the option, the meter hides the chunk
    from a caller that did not ask for it."""
    options = request.body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        return
    request.set_field(
        "stream_options", {**(options if isinstance(options, dict) else {}), "include_usage": True}, "stream_usage"
    )


class ChatStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter, hide_usage: bool):
        super().__init__(max_output_tokens, count_tokens)
        self.hide_usage = hide_usage
        self.last_chunk: dict[str, Any] = {}

    def feed(self, event: bytes) -> bytes | None:
        data = sse_data(event)
        if data is None:
            return event
        if data == b"[DONE]":
            self.finished = True
            return event
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            return event
        if not isinstance(chunk, dict):
            return event
        self.last_chunk = chunk
        choices = chunk.get("choices") or []
        for choice in choices:
            if not self._read_delta(choice.get("delta") or {}):
                return None
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = usage_from_openai(usage)
            if self.hide_usage:
                if not choices:
                    return None
                # Usage riding on a content chunk (some servers do this): strip it, keep the content.
                del chunk["usage"]
                return b"data: " + orjson.dumps(chunk) + b"\n\n"
        elif self.hide_usage and "usage" in chunk:
            # The caller didn't ask for usage: don't show it the `"usage": null` field we caused.
            del chunk["usage"]
            return b"data: " + orjson.dumps(chunk) + b"\n\n"
        return event

    def _read_delta(self, delta: dict[str, Any]) -> bool:
        content = delta.get("content")
        calls = delta.get("tool_calls") or []
        produced = (content or "") + "".join(
            (c.get("function") or {}).get("name", "") + ((c.get("function") or {}).get("arguments") or "")
            for c in calls
        )
        if not self.admit_output(produced):
            return False
        if content:
            self.text_parts.append(content)
        for call in calls:
            slot = self.tool_calls.setdefault(call.get("index", 0), {"name": "", "arguments": ""})
            function = call.get("function") or {}
            slot["name"] += function.get("name") or ""
            slot["arguments"] += function.get("arguments") or ""
            if call.get("id"):
                slot["id"] = call["id"]
        return True

    def closing_events(self) -> bytes:
        final = {
            "id": self.last_chunk.get("id", "regulator-cut"),
            "object": "chat.completion.chunk",
            "created": self.last_chunk.get("created", 0),
            "model": self.last_chunk.get("model", ""),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "length"}],
        }
        return b"data: " + orjson.dumps(final) + b"\n\ndata: [DONE]\n\n"

    def answer(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.answer_text() or None}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": c.get("id", ""),
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["arguments"]},
                }
                for _, c in sorted(self.tool_calls.items())
            ]
        return {"choices": [{"index": 0, "message": message}]}


CHAT = ChatApi()
