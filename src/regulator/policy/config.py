"""The escalation ladder (`policy:` in regulator.yaml).

A ladder is data: each step names an action and when it applies — once the session's combined
finding strength has reached `min_severity` on at least `min_calls` of its last `window` calls.
The session climbs to the highest step whose condition holds and never climbs down by itself
(`regulator resume` clears it). `agents` and `fleets` override the ladder for one agent or fleet.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["warn", "nudge", "throttle", "downgrade", "pause", "kill"]
ACTIONS: tuple[Action, ...] = ("warn", "nudge", "throttle", "downgrade", "pause", "kill")
_WARN: Action = "warn"
STOPPING: frozenset[str] = frozenset({"pause", "kill"})


class LadderStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    min_severity: float = Field(ge=0, le=1)
    min_calls: int = Field(default=1, ge=1)
    window: int = Field(default=8, ge=1)


def default_ladder() -> list[LadderStep]:
    return [
        LadderStep(action="warn", min_severity=0.5, min_calls=2),
        LadderStep(action="nudge", min_severity=0.6),
        LadderStep(action="throttle", min_severity=0.7),
        LadderStep(action="downgrade", min_severity=0.75),
        LadderStep(action="pause", min_severity=0.8),
        LadderStep(action="kill", min_severity=0.95, min_calls=3),
    ]


DEFAULT_NUDGE = (
    "[regulator] You appear to be stuck: {evidence}. Repeating this will not give a different "
    "result. Change your approach, or finish and report what blocks you."
)


class PersistenceConfig(BaseModel):
    """Escalation that waits for evidence: a burst earns a nudge; the stronger steps need it to persist."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    gate_from: Action = "throttle"  # steps from this one up need a nudge first, then persistence
    settle_calls: int = Field(default=2, ge=1)  # the agent's answer to a nudge is seen this many calls later
    persist: int = Field(default=1, ge=1)  # calls after it settled that found what was nudged about
    watch_calls: int = Field(default=6, ge=1)  # calls without it: the agent changed approach
    # Calls after it settled that found it again, at nudge strength or more: the agent did not change, pause.
    pause_after: int = Field(default=2, ge=1)
    max_nudges: int = Field(default=3, ge=1)  # per session; beyond, the ladder climbs without nudging
    certain: float = Field(default=0.85, ge=0, le=1)  # evidence this strong acts at once: no burst is that sure


class FleetConfig(BaseModel):
    """Several agents of one fleet failing on the same cause: one fleet incident (policy/fleet.py)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    window_s: float = Field(default=600.0, gt=0)  # the agents' hits must fall within this long
    min_agents: int = Field(default=3, ge=2)


class LadderOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ladder: list[LadderStep]


class PolicyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    ladder: list[LadderStep] = Field(default_factory=default_ladder)
    # A second detector agreeing adds this share of its severity to the remaining headroom.
    corroboration: float = Field(default=0.5, ge=0, le=1)
    # The strongest action a detector's findings may lead to (agent-wide signals stay advisory).
    detector_max_action: dict[str, Action] = Field(default_factory=lambda: {"burn_rate": _WARN, "waiting": "throttle"})
    nudge_text: str = DEFAULT_NUDGE
    persistence: PersistenceConfig = Field(default_factory=PersistenceConfig)
    fleet: FleetConfig = Field(default_factory=FleetConfig)
    throttle_s: float = Field(default=60.0, gt=0)
    throttle_min_interval_s: float = Field(default=5.0, ge=0)  # between calls while throttled
    pause_cooldown_s: float | None = Field(default=None, gt=0)  # None: paused until resumed
    # What a pause decided by detection stops: the agent (its next calls in any session, new ones
    # too: harnesses that start a session per call or per sub-agent cannot walk around it), or only
    # the session it was found in. Operators scope their own pauses with `regulator pause --session`.
    pause_scope: Literal["agent", "session"] = "agent"
    agents: dict[str, LadderOverride] = Field(default_factory=dict)
    fleets: dict[str, LadderOverride] = Field(default_factory=dict)

    def ladder_for(self, agent: str, fleet: str) -> list[LadderStep]:
        if agent in self.agents:
            return self.agents[agent].ladder
        if fleet in self.fleets:
            return self.fleets[fleet].ladder
        return self.ladder
