"""Nothing new tried: every action of a long stretch is one the agent has already taken.

A long cycle whose rounds vary in most of their steps (other flags, a diff whose counts drift, one of
two fixes in turn, another grep) has no two rounds alike enough for the cycle detector, and its
outputs differ enough for `no_progress`; an agent re-reading the same files and logs in shuffled
batches brings new text now and then. What does not vary is what the agent *does*: after a round
or two, every action (normalised: quoting, flag order and volatile text left out) is one it has
taken before in the session. Work that progresses keeps introducing actions — a new edit, a new
file read, the next package, the next bisect step — so a stretch of `min_stale` steps without a
single new action is no progress whatever the outputs say. Waiting steps are left out; the
evidence names a failure that keeps coming back when there is one.

Re-reading is found sooner by its *echoes*: an action taken again whose result is the very text it
gave last time (the file unchanged since, the grep finding the same lines). When most of the latest
`echo_window` steps are echoes of at least three different actions and at most one step is new, the
agent is going over what it already has; one new look among the re-reads does not start it over.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding, SessionStates, call_span, quote
from regulator.detect.error_signature import step_signature
from regulator.detect.steps import StepTracker
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_KNOWN = 512  # actions remembered per session
_KEPT = 32  # steps of the current stretch kept (severity tops out well before)
_NEW_IN_ECHOES = 1  # new actions an echo window may hold
_DIGITS = re.compile(r"(?<![\w.])\d+(?![\w.])")  # a count or a range, not part of a name or version


@dataclass(slots=True)
class _Session:
    known: set[str] = field(default_factory=set)
    failures: set[str] = field(default_factory=set)  # error signatures met before the current stretch
    # (call, command, signature) of the current stretch of actions taken before; its latest steps only
    stretch: deque[tuple[int, str, str | None]] = field(default_factory=lambda: deque(maxlen=_KEPT))
    last_result: dict[str, str] = field(default_factory=dict)  # action → the digest of its latest result
    # (call, command, new, echo) of the latest steps
    recent: deque[tuple[int, str, bool, bool]] = field(default_factory=deque)


class StaleDetector:
    name = "stale"

    def __init__(self, min_stale: int = 12, min_distinct: int = 3, echo_window: int = 10, min_echoes: int = 6) -> None:
        self.min_stale = min_stale
        self.min_distinct = min_distinct
        self.echo_window = echo_window
        self.min_echoes = min_echoes
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(_Session)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        for step in self._steps.advance(event):
            if step.action is None or waits(step):
                continue
            exact = step.action_key
            # The same request for more of the same (`grep -C 11` after `grep -C 8`, `git log -n 14`
            # after `-n 9`) is nothing new tried; its result, though, is compared as asked.
            key = _DIGITS.sub("#", exact) if not step.is_edit else exact
            signature = step_signature(step)
            result = step.observation_key
            echo = state.last_result.get(exact) == result
            if len(state.last_result) < _KNOWN or exact in state.last_result:
                state.last_result[exact] = result
            state.recent.append((step.seq + 1, step.command[:80], key not in state.known, echo))
            if len(state.recent) > self.echo_window:
                state.recent.popleft()
            if key not in state.known:
                # Something new tried: the stretch starts over; what failed so far is "seen before".
                state.failures.update(sig for _, _, sig in state.stretch if sig)
                state.stretch.clear()
                if len(state.known) < _KNOWN:
                    state.known.add(key)
                if signature:
                    state.failures.add(signature)
                continue
            state.stretch.append((step.seq + 1, step.command[:80], signature))
        stretch = state.stretch
        if len(stretch) < self.min_stale:
            return self._echoes(event, state)
        again = [sig for _, _, sig in stretch if sig and sig in state.failures]
        distinct = len({command for _, command, _ in stretch})
        if distinct < self.min_distinct:
            return []
        severity = min(0.95, 0.5 + 0.1 * (len(stretch) - self.min_stale))
        shown = ", ".join(quote(c, 40) for c in dict.fromkeys(command for _, command, _ in stretch))
        calls = [seq for seq, _, _ in stretch]
        failing = f", and {quote(again[-1], 80)} came back {len(again)} times" if again else ""
        evidence = (
            f"nothing new tried in the last {len(stretch)} actions ({call_span(calls)}): each one the agent had "
            f"already taken — {distinct} of them, {shown}{failing} (severity 0.5 from {self.min_stale} such "
            "actions, +0.1 each)"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key="stale")]

    def _echoes(self, event: CallEvent, state: _Session) -> list[Finding]:
        recent = state.recent
        echoes = [(seq, command) for seq, command, _, echo in recent if echo]
        if len(echoes) < self.min_echoes or sum(new for _, _, new, _ in recent) > _NEW_IN_ECHOES:
            return []
        distinct = dict.fromkeys(command for _, command in echoes)
        if len(distinct) < self.min_distinct:
            return []
        severity = min(0.95, 0.5 + 0.1 * (len(echoes) - self.min_echoes))
        calls = [seq for seq, _ in echoes]
        shown = ", ".join(quote(c, 40) for c in distinct)
        evidence = (
            f"{len(echoes)} of the last {len(recent)} actions ({call_span(calls)}) were taken before and gave the "
            f"very same result again — {len(distinct)} of them re-read, {shown} (severity 0.5 from "
            f"{self.min_echoes} such actions, +0.1 each)"
        )
        session = event.record.session
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key="stale")]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)
