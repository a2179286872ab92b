"""The observe step: call events go to the detectors and the policy on their own thread.

The request path only puts the event on a queue. Detection takes ~0.3 ms of Python per call on
real agent traffic (p99 ~1.6 ms; `make bench` measures it), so it runs on a worker thread, and its
verdicts (standing state) apply from the next call on. If the worker falls behind by `max_backlog`
events, new events are dropped and counted rather than letting memory grow or slowing calls down.

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
from dataclasses import dataclass

from regulator.events import CallEvent
from regulator.policy.supervisor import Supervisor

log = logging.getLogger("regulator.observer")

_STOP = object()


@dataclass(frozen=True, slots=True)
class _Forget:
    """A session to forget, queued behind the events that came before it."""

    session: str


# Longest the event loop waits for the GIL while detectors run: more switches cost microseconds.
SWITCH_INTERVAL_S = 0.001


class DetectionWorker:
    def __init__(self, supervisor: Supervisor, max_backlog: int = 10_000):
        self.supervisor = supervisor
        self.max_backlog = max_backlog
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
        if self._queue.qsize() >= self.max_backlog:
            self.dropped += 1
            return
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
            try:
                self.supervisor.observe(item)
            except Exception:  # one bad event must not stop detection for the whole fleet
                log.exception("detectors failed on call %s", item.record.call_id)
            self.processed += 1
