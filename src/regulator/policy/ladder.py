"""Findings → actions: climbing the configured ladder, one session at a time.

On each call the findings are combined into one strength: the strongest finding, plus — for
each further detector that agrees — `corroboration` × its severity of the remaining headroom
(detectors watch overlapping things, so agreement counts for something, not everything). The
session then stands on the highest step whose `min_severity` it has reached on `min_calls` of its
last `window` calls; a step it newly reaches is a decision. Detectors capped by
`detector_max_action` are combined separately and climb no higher than their cap.

Escalation waits for evidence of persistence (`persistence`): the first time a session would reach
a step from `gate_from` up (throttle by default), it is nudged instead — told what repeats — and
the stronger step applies only once what it was nudged about has come back after the nudge
reached it (`memory.LadderMemory`). An agent that retried a few times and then changed approach
gets a nudge, not a pause.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from regulator.detect.base import Finding
from regulator.policy.config import ACTIONS, Action, LadderStep, PolicyConfig
from regulator.policy.memory import LadderMemory


@dataclass(slots=True, frozen=True)
class Decision:
    action: str
    severity: float  # the combined strength that reached the step
    finding: Finding  # the strongest finding behind it: its evidence is the incident's


@dataclass(slots=True)
class _SessionLadder:
    level: int = -1  # index of the highest step reached
    history: dict[Action, deque[float]] = field(default_factory=dict)  # cap group -> recent strengths
    calls: int = 0  # calls decided on since the session's first finding
    memory: LadderMemory = field(default_factory=LadderMemory)


def combine(severities: list[float], corroboration: float) -> float:
    ordered = sorted(severities, reverse=True)
    if not ordered:
        return 0.0
    strength = ordered[0]
    for other in ordered[1:]:
        strength += (1.0 - strength) * other * corroboration
    return strength


class Ladder:
    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config or PolicyConfig()
        self._sessions: dict[str, _SessionLadder] = {}

    def _reached(self, ladder: list[LadderStep], history: deque[float], cap: int) -> int:
        reached = -1
        for index, step in enumerate(ladder):
            if ACTIONS.index(step.action) > cap:
                break
            recent = list(history)[-step.window :]
            if sum(1 for s in recent if s >= step.min_severity) >= step.min_calls:
                reached = index
        return reached

    def decide(self, agent: str, session: str, findings: list[Finding], fleet: str = "default") -> list[Decision]:
        """The findings of one call (called on every call, quiet ones too) → the step newly reached."""
        if not self.config.enabled:
            return []
        state = self._sessions.get(session)
        if state is None:
            if not findings:
                return []
            state = self._sessions[session] = _SessionLadder()
        ladder = self.config.ladder_for(agent, fleet)
        longest = max(step.window for step in ladder)
        groups: dict[Action, dict[str, Finding]] = {}
        for finding in findings:
            cap: Action = self.config.detector_max_action.get(finding.detector, "kill")
            strongest = groups.setdefault(cap, {})
            kept = strongest.get(finding.detector)
            if kept is None or finding.severity > kept.severity:
                strongest[finding.detector] = finding
        # Every group records this call, so a group with nothing to say now counts as a quiet call.
        for cap in set(state.history) | set(groups):
            history = state.history.setdefault(cap, deque(maxlen=longest))
            chosen = groups.get(cap, {})
            history.append(combine([f.severity for f in chosen.values()], self.config.corroboration))
        state.calls += 1
        persistence = self.config.persistence
        uncapped = list(groups.get("kill", {}).values())
        state.memory.watch(state.calls, uncapped, persistence.settle_calls, persistence.watch_calls)
        if not groups:
            return []
        target, strength, behind, group = -1, 0.0, findings[0], "kill"
        for cap, chosen in groups.items():
            reached = self._reached(ladder, state.history[cap], ACTIONS.index(cap))
            if reached > target:
                target, group = reached, cap
                strength = state.history[cap][-1]
                behind = max(chosen.values(), key=lambda f: f.severity)
        target = max(target, self._persisted(state, ladder, uncapped))
        if target <= state.level:
            return self._nudged_anew(state, ladder, target, strength, behind, uncapped)
        action = ladder[target].action
        if persistence.enabled and group == "kill" and ACTIONS.index(action) >= ACTIONS.index(persistence.gate_from):
            return self._gated(state, ladder, target, strength, behind, uncapped)
        state.level = target
        if action == "nudge":
            state.memory.record(state.calls, uncapped or [behind], behind, persistence.max_nudges)
        return [Decision(action, strength, behind)]

    def _nudged_anew(
        self,
        state: _SessionLadder,
        ladder: list[LadderStep],
        target: int,
        strength: float,
        behind: Finding,
        findings: list[Finding],
    ) -> list[Decision]:
        """A nudge about something else than the nudges so far, at a level the session already stands on.

        The memory is per subject: a session nudged about a cycle that then meets a wall at nudge
        strength is told about the wall too, and the pause waits for *that* to come back. Without its
        own nudge, a second kind of waste below the throttle step was never named to the agent nor
        paused, however long it went on.
        """
        persistence = self.config.persistence
        steps = [step.action for step in ladder]
        if not persistence.enabled or "nudge" not in steps or not findings or target < steps.index("nudge"):
            return []
        memory = state.memory
        if memory.nudged(findings) is not None or len(memory.nudges) >= persistence.max_nudges:
            return []
        memory.record(state.calls, findings, behind, persistence.max_nudges)
        return [Decision("nudge", strength, behind)]

    def _persisted(self, state: _SessionLadder, ladder: list[LadderStep], findings: list[Finding]) -> int:
        """The pause step once what a nudge was about has come back `pause_after` times since it settled.

        The nudge asked the agent to change approach; the calls after it show it did not. That is the
        evidence of persistence the pause waits for, however strong each call's findings are alone
        (they are still at least as strong as the nudge needed).
        """
        persistence = self.config.persistence
        steps = [step.action for step in ladder]
        if not persistence.enabled or "pause" not in steps or "nudge" not in steps or not findings:
            return -1
        nudge = state.memory.nudged(findings)
        strength = combine([f.severity for f in findings], self.config.corroboration)
        if nudge is None or len(nudge.came_back) < persistence.pause_after:
            return -1
        if strength < ladder[steps.index("nudge")].min_severity:
            return -1
        return steps.index("pause")

    def _gated(
        self,
        state: _SessionLadder,
        ladder: list[LadderStep],
        target: int,
        strength: float,
        behind: Finding,
        findings: list[Finding],
    ) -> list[Decision]:
        """A step that needs persistence: nudge first, hold until the nudged behaviour comes back."""
        persistence = self.config.persistence
        memory = state.memory
        steps = [step.action for step in ladder]
        if "pause" in steps and state.level < steps.index("pause") < target:
            target = steps.index("pause")  # a first stop is a pause, never a kill at once
        nudge = memory.nudged(findings)
        if nudge is None:
            if len(memory.nudges) >= persistence.max_nudges or "nudge" not in steps or strength >= persistence.certain:
                state.level = target  # nudged enough, no nudge step, or beyond doubt: no nudge first
                return [Decision(ladder[target].action, strength, behind)]
            memory.record(state.calls, findings, behind, persistence.max_nudges)
            state.level = max(state.level, steps.index("nudge"))
            return [Decision("nudge", strength, behind)]
        if len(nudge.came_back) < persistence.persist and strength < persistence.certain:
            return []  # nudged, not yet answered: wait for the next calls to show whether it changed
        state.level = target
        nudge.outcome = "persisted"
        evidence = f"{behind.evidence}; {memory.since(nudge)}"
        return [Decision(ladder[target].action, strength, replace(behind, evidence=evidence))]

    def step_back(self, session: str, agent: str, fleet: str, action: str) -> None:
        """A decision let go (the judge saw progress): the session may reach that step again later."""
        state = self._sessions.get(session)
        steps = [step.action for step in self.config.ladder_for(agent, fleet)]
        if state is not None and action in steps and state.level == steps.index(action):
            state.level -= 1

    def reset(self, session: str) -> None:
        """Forget a session's climb (after `resume`, or when the session ends)."""
        self._sessions.pop(session, None)
