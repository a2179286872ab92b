"""What today's agent harnesses do about loops, as detectors, for comparison in replay.

Each implements its harness's published rule on exact text (no normalisation) and simply stops
the session when it fires:
- `openhands`: the same action and observation 4 times in a row; the same action ending in an
  error 3 times in a row; or two (action, observation) pairs alternating A-B-A-B-A-B;
- `gemini-cli`: 5 identical tool calls in a row;
- `cline`: 3 identical tool calls in a row.
"""

from __future__ import annotations

from collections import deque

from regulator.detect.base import Detector, Finding, call_span, quote
from regulator.detect.error_signature import error_signature
from regulator.detect.messages import parse
from regulator.detect.steps import StepTracker
from regulator.events import CallEvent
from regulator.policy.config import LadderStep, PolicyConfig

BASELINES = ("openhands", "gemini-cli", "cline")


class IdenticalCallsDetector:
    """`count` identical actions in a row (gemini-cli: 5, Cline/Roo: 3)."""

    def __init__(self, name: str, count: int) -> None:
        self.name = name
        self.count = count
        self._runs: dict[str, tuple[str, list[int]]] = {}

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        actions = parse(event).actions
        if not actions:
            self._runs.pop(session, None)
            return []
        text = "\n".join(f"{a.tool}:{a.text}" for a in actions)
        previous, calls = self._runs.get(session, ("", []))
        calls = [*calls, event.seq] if text == previous else [event.seq]
        self._runs[session] = (text, calls)
        if len(calls) < self.count:
            return []
        evidence = f"{len(calls)} identical calls in a row: {quote(actions[0].text)} ({call_span(calls)})"
        return [Finding(self.name, session, event.record.agent, event.seq, 1.0, evidence, calls)]

    def forget(self, session: str) -> None:
        self._runs.pop(session, None)


class OpenHandsDetector:
    name = "openhands"

    def __init__(self) -> None:
        self._steps = StepTracker()
        self._recent: dict[str, deque[tuple[int, str, str, bool]]] = {}

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.setdefault(session, deque(maxlen=6))
        for step in self._steps.advance(event):
            failed = step.observation.is_error or error_signature(step.observation.text) is not None
            recent.append((step.seq, step.command, step.observation.text, failed))
        steps = list(recent)
        evidence = None
        last4 = steps[-4:]
        last3 = steps[-3:]
        if len(last4) == 4 and all(s[1:3] == last4[0][1:3] for s in last4):
            evidence = f"the same action and observation 4 times in a row: {quote(last4[0][1])}"
            calls = [s[0] for s in last4]
        elif len(last3) == 3 and all(s[1] == last3[0][1] and s[3] for s in last3):
            evidence = f"the same action ending in an error 3 times in a row: {quote(last3[0][1])}"
            calls = [s[0] for s in last3]
        elif (
            len(steps) == 6
            and steps[0][1:3] != steps[1][1:3]
            and all(steps[i][1:3] == steps[i % 2][1:3] for i in range(6))
        ):
            evidence = f"alternating A-B-A-B-A-B: {quote(steps[0][1], 50)} / {quote(steps[1][1], 50)}"
            calls = [s[0] for s in steps]
        if evidence is None:
            return []
        return [
            Finding(
                self.name,
                session,
                event.record.agent,
                event.seq,
                1.0,
                f"{evidence} ({call_span(calls)})",
                calls,
            )
        ]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)


def baseline_detectors(name: str) -> list[Detector]:
    if name == "openhands":
        return [OpenHandsDetector()]
    if name == "gemini-cli":
        return [IdenticalCallsDetector("gemini-cli", 5)]
    if name == "cline":
        return [IdenticalCallsDetector("cline", 3)]
    raise KeyError(name)


def baseline_policy() -> PolicyConfig:
    """Stop at the first finding: what the harnesses do."""
    return PolicyConfig(ladder=[LadderStep(action="pause", min_severity=1.0)], detector_max_action={})
