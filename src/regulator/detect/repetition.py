"""The same action bringing back the same result, again and again.

Actions and results are compared after `normalise` (so a changed timestamp, temp path, PID or
flag order does not make two runs different). A repeated action whose result changes — tests
re-run after an edit — is not repetition: the result is new information.
"""

from __future__ import annotations

from collections import deque

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.steps import NO_ACTION, StepTracker
from regulator.events import CallEvent


class RepetitionDetector:
    name = "repetition"

    def __init__(self, window: int = 10, min_repeats: int = 3) -> None:
        self.window = window
        self.min_repeats = min_repeats
        self._steps = StepTracker()
        self._recent: dict[str, deque[tuple[int, str, str]]] = {}

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.get(session)
        if recent is None:
            recent = self._recent[session] = deque(maxlen=self.window)
        findings: list[Finding] = []
        for step in self._steps.advance(event):
            if step.action_key == NO_ACTION:
                continue
            key = step.action_key + "\0" + step.observation_key
            recent.append((step.seq, key, step.command))
            calls = [seq for seq, other, _ in recent if other == key]
            if len(calls) < self.min_repeats:
                continue
            severity = min(0.95, 0.35 + 0.2 * (len(calls) - 2))
            evidence = (
                f"ran {quote(step.command)} {len(calls)} times in the last {len(recent)} actions "
                f"with the same result ({call_span(calls)})"
            )
            findings.append(Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls))
        return findings[-1:]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)
