"""The observe step: call events go to the detectors and the policy on their own thread.

The request path only puts the event on a queue. Detection takes ~0.3 ms of Python per call on
real agent traffic (p99 ~1.6 ms; `make bench` measures it), so it runs on a worker thread, and its
verdicts (standing state) apply from the next call on. If the worker falls behind by `max_backlog`
events, or by `max_backlog_bytes` of their prompts, new events are dropped and counted rather than
letting memory grow or slowing calls down.

After the detectors, the worker also writes each call's one-line summary (what the agent did) with
`on_summary`: the gateway sets it on the record (the dashboard's timeline holds that object) and
queues it for the ledger row (`Ledger.annotate`).

The worker shares the GIL with the event loop. CPython hands the GIL to a waiting thread only
after the switch interval (5 ms by default), so a request arriving while the detectors compute
could wait that long before the loop even reads it; starting the worker lowers the process's
interval to `SWITCH_INTERVAL_S`.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from regulator.detect.summary import summarise
from regulator.events import CallEvent, CallRecord
from regulator.policy.supervisor import Supervisor
from regulator.proxy.tracing import redact_text
from regulator.store.schema import SUMMARY_MAX

log = logging.getLogger("regulator.observer")

_STOP = object()


@dataclass(frozen=True, slots=True)
class _Forget:
    """A session to forget, queued behind the events that came before it."""

    session: str


# Longest the event loop waits for the GIL while detectors run: more switches cost microseconds.
SWITCH_INTERVAL_S = 0.001


# A queued event holds its whole conversation; its prompt's size (~4 bytes a billed token) is what
# the backlog is weighed by, so a worker that falls behind on long contexts cannot fill the memory.
BYTES_PER_TOKEN = 4
EVENT_OVERHEAD_BYTES = 1024


def call_summary(event: CallEvent) -> str | None:
    """What the agent did on this call (detect/summary.py), redacted, then cut to what the ledger keeps:
    redacting first, so a cut never leaves half a secret that no longer looks like one."""
    text = summarise(event)
    if text is None:
        return None
    text = redact_text(text)
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


class DetectionWorker:
    def __init__(
        self,
        supervisor: Supervisor,
        max_backlog: int = 10_000,
        max_backlog_bytes: int = 8 << 20,
        on_summary: Callable[[CallRecord, str], None] | None = None,
    ):
        self.supervisor = supervisor
        self.on_summary = on_summary  # told each call's summary, on this thread
        self.max_backlog = max_backlog
        self.max_backlog_bytes = max_backlog_bytes
        self._queued_bytes = 0
        self._bytes_lock = threading.Lock()
        self.dropped = 0
        self.processed = 0
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="regulator-detectors", daemon=True)

    def start(self) -> None:
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(10)

    def submit(self, event: CallEvent) -> None:
        size = _weight(event)
        with self._bytes_lock:
            if self._queue.qsize() >= self.max_backlog or self._queued_bytes + size > self.max_backlog_bytes:
                self.dropped += 1
                return
            self._queued_bytes += size
        self._queue.put(event)

    def forget(self, session: str) -> None:
        """A session went idle: drop the detectors' state for it (on the worker, which owns it)."""
        self._queue.put(_Forget(session))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if isinstance(item, _Forget):
                self.supervisor.forget(item.session)
                continue
            assert isinstance(item, CallEvent)
            with self._bytes_lock:
                self._queued_bytes -= _weight(item)
            try:
                self.supervisor.observe(item)
                # After the detectors: the summary reuses what they parsed of this call.
                if self.on_summary is not None and (summary := call_summary(item)) is not None:
                    self.on_summary(item.record, summary)
            except Exception:  # one bad event must not stop detection for the whole fleet
                log.exception("detectors failed on call %s", item.record.call_id)
            self.processed += 1


def _weight(event: CallEvent) -> int:
    return BYTES_PER_TOKEN * event.record.usage.input_tokens + EVENT_OVERHEAD_BYTES
