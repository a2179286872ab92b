"""Opt-in live tracing (`trace.enabled`): calls written in the trace format for `regulator replay`.

Shadow mode needs an operator's own history: with tracing on, every call is written as a trace
line (docs/trace-format.md), its conversation delta-encoded. Secrets that agents paste into conversations
(provider keys, regulator keys, bearer tokens, AWS keys, private keys) are redacted first. Writing
happens on a thread of its own; the request path only queues the event.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from pathlib import Path
from typing import Any

from regulator.events import CallEvent
from regulator.traces.format import TraceCall, TraceWriter

log = logging.getLogger("regulator.tracing")

SECRET = re.compile(
    r"(sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,}"  # OpenAI / Anthropic keys
    r"|rg-[A-Za-z0-9_\-]{16,}"  # regulator keys
    r"|AKIA[0-9A-Z]{16}"  # AWS access key ids
    r"|(?i:bearer)\s+[A-Za-z0-9._\-]{16,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)"
)
REDACTED = "[REDACTED]"
# `password=…`, `--token …`, `API_KEY: …`: the value goes, the name stays (it says what was there).
ASSIGNED_SECRET = re.compile(
    r"(?i)((?:--?)?[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|credentials?)"
    r"[\w.-]*['\"]?\s*(?:[:=]|\s)\s*['\"]?)([^\s'\"&;,]{6,})"
)


URL_PASSWORD = re.compile(r"(?<=://)([^/\s:@]+):[^/\s@]+(?=@)")


def redact_text(text: str) -> str:
    """`text` without the secrets `SECRET` knows, values assigned to secret-sounding names, or the
    passwords in URLs."""
    text = ASSIGNED_SECRET.sub(lambda m: m[1] + REDACTED, SECRET.sub(REDACTED, text))
    return URL_PASSWORD.sub(lambda m: m[1] + ":" + REDACTED, text)


def redact(value: Any) -> Any:
    if isinstance(value, str):
        return SECRET.sub(REDACTED, value)
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    return value


def _usage_block(event: CallEvent) -> dict[str, Any]:
    usage = event.record.usage
    if event.record.dialect == "anthropic":
        return {
            "input_tokens": usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens,
            "cache_read_input_tokens": usage.cached_input_tokens,
            "cache_creation_input_tokens": usage.cache_write_tokens,
            "output_tokens": usage.output_tokens,
        }
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_input_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def trace_call(event: CallEvent) -> TraceCall:
    record = event.record
    request: dict[str, Any] = {"model": record.model, "messages": redact(event.messages)}
    if event.system is not None:
        request["system"] = redact(event.system)
    response = redact(dict(event.response or {}))
    # Streamed answers are rebuilt without usage; the metered usage is what replay prices.
    response["usage"] = _usage_block(event)
    return TraceCall(
        session=record.session,
        agent=record.agent,
        seq=event.seq,
        ts=record.ts,
        dialect=record.dialect,
        request=request,
        response=response,
        latency_ms=record.latency_ms,
        status=record.status,
    )


class TraceRecorder:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = TraceWriter(path)
        self._queue: queue.SimpleQueue[CallEvent | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="regulator-trace", daemon=True)
        self._thread.start()

    def submit(self, event: CallEvent) -> None:
        self._queue.put(event)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(10)
        self._writer.close()

    def _run(self) -> None:
        while (event := self._queue.get()) is not None:
            try:
                self._writer.write(trace_call(event))
                if self._queue.empty():
                    self._writer.flush()
            except Exception:
                log.exception("could not trace call %s", event.record.call_id)
