"""Tests that come back: failures moving around a suite, each fix breaking what an earlier one mended.

An agent converging on a fix sees the failing tests change and shrink: each edit mends one and
the next run fails on something not met before (a compile-fix march, the next case of a TDD list).
An agent playing whack-a-mole sees the same tests again: the edit that makes `test_none` pass makes
`test_subclass` fail, the next one mends `test_subclass` and `test_none` is back — two tests that
want different defaults, the cases of one parametrized test trading failures, a helper whose callers
and own tests want different things. Each round brings a new edit and a failing set that differs
from the last one, so nothing repeats in a row: the detectors that wait for the same error twice in
a row, or for the code to stand still, never see it.

What this detector counts is a *relapse*: a failure met in an earlier round (the runs after one
change to the code), absent from the round just before — which failed otherwise — and back after a
further change. Each test that comes back is one: counting one a round instead stopped 7 fewer
loops of the tuning sets and spared no productive session. A failure is a test the runner named;
where the runner named none, the error signature, and then the round before must have failed with
an error of the same kind (`AttributeError: … 'float'`, then `… 'object'`, then `'float'` again: one
removed alias after another). A different kind in between — the syntax error an edit made, then the
old failure once it is mended — is the edit's own mistake mended, not a failure mended and broken
again. A run that passes answers the agent's changes and starts the count over — unless it was
narrowed to one test by name, whose pass says nothing of the tests that failed around it. At `min_returns`
relapses within the latest `window` rounds the agent is nudged; each further relapse adds weight,
and the finding stands on the calls after a relapse (`stand_calls`), as `retried_edit`'s does, so
the policy sees whether it goes on after the nudge.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding, SessionStates, call_span, quote
from regulator.detect.error_signature import failing_tests, step_failed, step_signature
from regulator.detect.steps import Step, StepTracker
from regulator.detect.unchanged import runs_something
from regulator.detect.waiting import waits
from regulator.events import CallEvent

# A run narrowed to one test by name (`pytest f.py::test_x`, `-k test_x`): its pass answers that test only.
_NARROWED = re.compile(r"::\w|\s-k\s")
_SHOWN = 3  # failures the evidence names


@dataclass(slots=True)
class _Session:
    changed: bool = False  # the code changed since the latest round began
    rounds: deque[frozenset[str]] = field(default_factory=deque)  # failures of each round, oldest first
    relapses: deque[tuple[int, int]] = field(default_factory=deque)  # (round number, call) of each relapse
    round_number: int = 0
    shown: deque[str] = field(default_factory=lambda: deque(maxlen=_SHOWN))


class RelapseDetector:
    name = "relapse"

    def __init__(self, min_returns: int = 3, window: int = 12, stand_calls: int = 4) -> None:
        self.min_returns = min_returns
        self.window = window
        self.stand_calls = stand_calls
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(_Session)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        for step in self._steps.advance(event):
            if step.action is None:
                continue
            if step.changes_code:
                state.changed = True
                continue
            if waits(step) or not runs_something(step):
                continue
            if not step_failed(step):
                if _NARROWED.search(step.command):
                    continue  # the one test it selected passes; the others' failures stand
                state.rounds.clear()
                state.relapses.clear()
                state.changed = False
                continue
            failures = _failing_items(step)
            if not state.changed and state.rounds:
                state.rounds[-1] |= failures
                continue
            state.changed = False
            self._new_round(state, failures, step.seq + 1)
        if len(state.relapses) < self.min_returns or event.seq - state.relapses[-1][1] > self.stand_calls:
            return []
        count = len(state.relapses)
        severity = min(0.95, 0.6 + 0.1 * (count - self.min_returns))
        calls = [call for _, call in state.relapses]
        named = ", ".join(quote(failure.removeprefix(_ERROR), 80) for failure in state.shown)
        evidence = (
            f"{count} times a failure that had gone after an edit came back after another "
            f"({call_span(calls)}), no run passing since: {named} — each fix breaks what an earlier one mended "
            f"(severity 0.6 from {self.min_returns} relapses in {self.window} rounds of edits, +0.1 a relapse)"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key="relapse")]

    def _new_round(self, state: _Session, failures: frozenset[str], call: int) -> None:
        state.round_number += 1
        rounds = state.rounds
        if failures and len(rounds) >= 2 and rounds[-1]:
            before, earlier = rounds[-1], set().union(*list(rounds)[:-1])
            for failure in sorted(failures - before):
                if failure in earlier and _comparable(failure, before):
                    state.relapses.append((state.round_number, call))
                    if failure not in state.shown:
                        state.shown.append(failure)
        rounds.append(failures)
        while len(rounds) > self.window:
            rounds.popleft()
        while state.relapses and state.relapses[0][0] <= state.round_number - self.window:
            state.relapses.popleft()

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)


_ERROR = "error "  # marks a failure told by its error signature, not by a test's name


def _failing_items(step: Step) -> frozenset[str]:
    """The failing tests a run names, else its error signature."""
    tests = failing_tests(step.observation.text)
    if tests:
        return frozenset(tests)
    signature = step_signature(step)
    return frozenset({_ERROR + signature}) if signature else frozenset()


def _kind(item: str) -> str:
    """An error's kind: its exception type, `exit code`, `compile error …`: what comes before the message."""
    return item.split(":", 1)[0]


def _comparable(item: str, before: frozenset[str]) -> bool:
    """Whether the round before failed as `item` mended would: on other tests, or with another error of its kind."""
    if not item.startswith(_ERROR):
        return any(not b.startswith(_ERROR) for b in before)
    return _kind(item) in {_kind(b) for b in before if b.startswith(_ERROR)}
