"""The same failed edit made again: a fix that did not work, tried once more, and once more.

An agent converging on a fix makes edits it has not made before: each failing check teaches it
something and the next edit differs. An agent going round in circles re-applies edits it has
already seen fail — the lint fix that brought the next lint error back, the test expectation it
bent before, the patch to the generated copy that the build overwrites, the import moved back and
forth. Every one of those re-applications changes the code, so the detectors that wait for the code
to stand still start over each time, and the errors move, so the ones that wait for an error to
come back miss them too.

What this detector counts is a *retry of a failed edit*: an edit identical (normalised) to one made
earlier in the session whose earlier application was followed by a failing run, made again and
followed by a failing run again. Edits only — a `git checkout` or a bisect step putting other code
in the tree is how a bisect works, not a retry. A run that passes between the retry and its check
means the retry was not answered by a failure and it is not counted; passes elsewhere do not reset
the count (an agent in lint whack-a-mole runs the tests green between its lint fixes). Real resolved
runs redo an edit now and then (a debug print added back after a `git checkout`, a
`sed -i '/DEBUG/d'` run twice) but, in the dev and held-out sets, never three times with a failure
after each. At `min_retries` the agent is nudged, and each further retry adds weight. The finding
stands on the calls after a retry's failure, until a run passes or `stand_calls` calls have gone
by: the policy pauses only a session whose nudged behaviour comes back after the nudge, and a
finding made only on the call of each new retry (one every five calls or so) looks to it like an
agent that changed course. A retry many calls back is old evidence, so the finding does not stand longer.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding, SessionStates, call_span, quote
from regulator.detect.error_signature import step_failed
from regulator.detect.seen import stable_hash
from regulator.detect.steps import Step, StepTracker
from regulator.detect.unchanged import runs_something
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_KEPT = 256  # edits remembered per session (oldest forgotten first)
_SHOWN = 3  # retried edits the evidence quotes


@dataclass(slots=True)
class _Session:
    # edit hash -> whether a run after that edit (before the next one) failed
    edits: OrderedDict[int, bool] = field(default_factory=OrderedDict)
    last: int | None = None  # hash of the latest edit
    pending: str | None = None  # a retried failed edit, waiting for the next run's verdict
    retries: int = 0
    failing: bool = False  # no run has passed since the latest counted retry: the finding stands
    calls: deque[int] = field(default_factory=lambda: deque(maxlen=16))
    shown: deque[str] = field(default_factory=lambda: deque(maxlen=_SHOWN))


class RetriedEditDetector:
    name = "retried_edit"

    def __init__(self, min_retries: int = 3, stand_calls: int = 4) -> None:
        self.min_retries = min_retries
        self.stand_calls = stand_calls
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(_Session)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        for step in self._steps.advance(event):
            if step.action is None:
                continue
            if step.is_edit:
                self._edited(state, step)
                continue
            if step.changes_code or waits(step) or not runs_something(step):
                continue
            if not step_failed(step):
                state.pending = None
                state.failing = False
                continue
            if state.last is not None:
                state.edits[state.last] = True
            if state.pending is not None:
                state.retries += 1
                state.failing = True
                state.calls.append(step.seq + 1)
                if state.pending not in state.shown:
                    state.shown.append(state.pending)
                state.pending = None
        if state.retries < self.min_retries or not state.failing or event.seq - state.calls[-1] > self.stand_calls:
            return []
        severity = min(0.95, 0.6 + 0.1 * (state.retries - self.min_retries))
        edits = ", ".join(quote(e, 60) for e in state.shown)
        evidence = (
            f"{state.retries} times an edit already made earlier, and already followed by a failing run, was made "
            f"again and the run after it failed again ({call_span(list(state.calls))}), no run passing since: {edits} "
            f"(severity 0.6 from {self.min_retries} retries, +0.1 a retry)"
        )
        calls = list(state.calls)
        agent = event.record.agent
        return [Finding(self.name, session, agent, event.seq, severity, evidence, calls, key="retried edit")]

    @staticmethod
    def _edited(state: _Session, step: Step) -> None:
        key = stable_hash(step.action_key)
        failed_before = state.edits.get(key)
        state.pending = step.command[:80] if failed_before else None
        if failed_before is None:
            state.edits[key] = False
            if len(state.edits) > _KEPT:
                state.edits.popitem(last=False)
        state.last = key

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)
