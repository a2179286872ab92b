"""Cycles of length 2–8 in the action/result sequence: edit, test, revert, test, edit, test …

Each step becomes a token (normalised action + normalised result); a cycle of period p is a tail
of the sequence where every token equals the one p steps before. It must span at least two
periods (and at least six steps, so A-B-A-B alone is not yet a cycle) and contain two distinct
tokens (one repeated token is the repetition detector's business).
"""

from __future__ import annotations

from collections import deque

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.normalise import digest
from regulator.detect.steps import StepTracker
from regulator.events import CallEvent


class CycleDetector:
    name = "cycle"

    def __init__(self, min_period: int = 2, max_period: int = 8, min_span: int = 6) -> None:
        self.min_period = min_period
        self.max_period = max_period
        self.min_span = min_span
        self._steps = StepTracker()
        self._tokens: dict[str, deque[tuple[int, str, str]]] = {}

    def _cycle(self, tokens: list[tuple[int, str, str]]) -> tuple[int, int] | None:
        n = len(tokens)
        for period in range(self.min_period, self.max_period + 1):
            matched = 0
            while matched + period < n and tokens[n - 1 - matched][1] == tokens[n - 1 - matched - period][1]:
                matched += 1
            span = matched + period
            if span < max(2 * period, self.min_span):
                continue
            if len({tok for _, tok, _ in tokens[n - period :]}) < 2:
                continue
            return period, span
        return None

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        tokens = self._tokens.get(session)
        if tokens is None:
            tokens = self._tokens[session] = deque(maxlen=4 * self.max_period)
        found: tuple[int, int] | None = None
        for step in self._steps.advance(event):
            tokens.append((step.seq, digest(step.action_key + "\0" + step.observation_key), step.command))
            found = self._cycle(list(tokens)) or found
        if found is None:
            return []
        period, span = found
        window = list(tokens)[-span:]
        minimum = max(2 * period, self.min_span)
        severity = min(0.95, 0.5 + 0.3 * (span - minimum) / period)
        shown = " → ".join(quote(cmd, 50) for _, _, cmd in window[-period:])
        evidence = (
            f"a cycle of {period} actions repeated {span / period:.1f} times with the same results "
            f"({call_span([s for s, _, _ in window])}): {shown}"
        )
        calls = [s for s, _, _ in window]
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._tokens.pop(session, None)
