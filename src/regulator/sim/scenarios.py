"""Scenarios: which agents a simulated fleet has, how fast they go, and how far spend is projected.

Agents keep their own simulated clock: every call advances it by the time a real agent's turn
takes (model latency plus running the command), whatever the wall clock did, so a 90-second run
covers hours of agent time. `horizon` says how far a stopped agent's would-be spend is counted:
to the end of the run (`run`) or to the end of a simulated month (`month`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from regulator.sim.agents import Behaviour

MONTH_S = 30 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class AgentSpec:
    name: str
    behaviour: Behaviour
    tools: bool  # OpenAI tool calls rather than a bash block in the text
    seed: int


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    mix: dict[Behaviour, float]  # share of the fleet per behaviour
    model: str  # priced from the catalog as the real model
    think_s: tuple[float, float] = (0.15, 0.6)  # wall-clock pause between an agent's turns
    sim_turn_s: tuple[float, float] = (8.0, 20.0)  # simulated time one turn stands for
    latency_ms: tuple[int, int] = (20, 120)  # the mock's answer latency, per call
    tools_share: float = 0.25
    horizon: Literal["run", "month"] = "run"
    context_cap_chars: int = 560_000  # ~140k tokens: the harness restarts the task beyond this

    def fleet(self, agents: int, seed: int) -> list[AgentSpec]:
        """`agents` agents in the scenario's proportions (largest remainders), in a seeded order."""
        rng = random.Random(seed)
        total = sum(self.mix.values())
        exact = {b: agents * share / total for b, share in self.mix.items()}
        counts = {b: int(v) for b, v in exact.items()}
        by_remainder = sorted(exact, key=lambda b: exact[b] - counts[b], reverse=True)
        for behaviour in by_remainder[: agents - sum(counts.values())]:
            counts[behaviour] += 1
        kinds = [b for b, n in counts.items() for _ in range(n)]
        rng.shuffle(kinds)
        specs = []
        for i, behaviour in enumerate(kinds):
            tools = behaviour == "runaway" or (behaviour != "fanout" and rng.random() < self.tools_share)
            specs.append(AgentSpec(f"agent-{i + 1:03d}", behaviour, tools, rng.getrandbits(32)))
        return specs


SCENARIOS: dict[str, Scenario] = {
    "default": Scenario(
        name="default",
        description="a mixed fleet of coding agents, most of them productive, a few stuck in loops",
        mix={"productive": 0.76, "fanout": 0.06, "stuck": 0.08, "oscillating": 0.05, "runaway": 0.05},
        model="claude-sonnet-4-5",
    ),
    "openclaw": Scenario(
        name="openclaw",
        description="100 autonomous agents left running for a month at Claude Sonnet 4.5 prices",
        mix={"productive": 0.80, "fanout": 0.05, "stuck": 0.08, "oscillating": 0.04, "runaway": 0.03},
        model="claude-sonnet-4-5",
        horizon="month",
    ),
    "shared-outage": Scenario(
        name="shared-outage",
        description="agents whose tests all need the same Redis server, which is down: one fleet incident",
        mix={"outage": 1.0},
        model="claude-sonnet-4-5",
    ),
}
