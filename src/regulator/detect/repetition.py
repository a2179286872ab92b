"""The same action bringing back the same result, again and again.

Actions and results are compared after `normalise` (so a changed timestamp, temp path, PID or
flag order does not make two runs different). A repeated action whose result changes — tests
re-run after an edit — is not repetition: the result is new information. Nor is a check that
passes again after new work in between (a lint after each edit): only a failure repeated, or a
result repeated with nothing new done in between, counts. Waiting steps (`sleep; check`) repeat
on purpose and are left to the waiting detector.

A failure that says it may pass if tried again (a timeout, a 5xx, a reset connection, a lock held
by another process) weighs one step less: agents retry those a few times before it clears, and
a nudge then only interrupts work about to go on.

A failure that comes back word for word after an edit each time weighs one step more: the edits
change nothing the check can see. Debugging shows a changed traceback, another failing assertion
or a debug print now and then; real runs that fixed their bug did not get the very same failure
after three edits in a row.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.error_signature import may_clear_by_itself, step_failed
from regulator.detect.steps import StepTracker
from regulator.detect.waiting import waits
from regulator.events import CallEvent


class RepetitionDetector:
    name = "repetition"

    def __init__(self, window: int = 10, min_repeats: int = 3) -> None:
        self.window = window
        self.min_repeats = min_repeats
        self._steps = StepTracker()
        self._recent: dict[str, deque[tuple[int, str, str, bool]]] = {}  # (call, key, command, an edit)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.get(session)
        if recent is None:
            recent = self._recent[session] = deque(maxlen=self.window)
        findings: list[Finding] = []
        for step in self._steps.advance(event):
            if step.action is None or waits(step):
                continue
            key = step.action_key + "\0" + step.observation_key
            recent.append((step.seq, key, step.command, step.is_edit))
            calls = [seq for seq, other, _, _ in recent if other == key]
            if len(calls) < self.min_repeats:
                continue
            failed = step_failed(step)
            if not failed and _new_work_between(recent, calls):
                continue
            severity = min(0.95, 0.25 + 0.1 * len(calls))
            edited = failed and _edit_before_each(recent, calls)
            if edited:
                severity = min(0.95, severity + 0.1)
            elif may_clear_by_itself(step.observation.text):  # failed or not: harnesses without exit codes
                severity -= 0.1
            evidence = (
                f"ran {quote(step.command)} {len(calls)} times in the last {len(recent)} actions "
                f"with the same result ({call_span(calls)})"
                f"{'; an edit came before each run, and the failure did not change' if edited else ''}"
            )
            subject = "repeat:" + step.action_key[:200]  # kept by the ladder's memory: short
            findings.append(
                Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key=subject)
            )
        return findings[-1:]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)


def _new_work_between(recent: deque[tuple[int, str, str, bool]], calls: list[int]) -> bool:
    """Whether, between the repeats, the agent did something it had not done elsewhere in the window."""
    counts: dict[str, int] = {}
    for _, key, _, _ in recent:
        counts[key] = counts.get(key, 0) + 1
    return any(counts[key] == 1 for seq, key, _, _ in recent if calls[0] < seq < calls[-1])


def _edit_before_each(recent: deque[tuple[int, str, str, bool]], calls: list[int]) -> bool:
    """Whether every repeat after the first came after an edit made since the run before it."""
    edits = [seq for seq, _, _, edit in recent if edit]
    return all(any(before < seq < after for seq in edits) for before, after in pairwise(calls))
