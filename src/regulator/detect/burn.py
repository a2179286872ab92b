"""Spending anomalies per agent: a burn rate far above normal, and a budget running out early.

The recent rate ($/min over `window_s`) is compared with the agent's own long-run rate and with
its fleet's (the mean of its agents' long-run rates), once there is enough history to trust them.
Projected overspend uses `event.budget_remaining_usd`, the tightest budget the gateway enforces:
at the recent rate, will it be gone within `horizon_s`? Both are about the agent, not one session,
and each repeats at most once per `repeat_s`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding
from regulator.events import CallEvent


@dataclass(slots=True)
class _Agent:
    fleet: str
    first_ts: float
    total_usd: float = 0.0
    recent: deque[tuple[float, float, int]] = field(default_factory=deque)  # (ts, usd, seq)
    recent_usd: float = 0.0
    last_rate_finding: float = float("-inf")
    last_budget_finding: float = float("-inf")


class BurnRateDetector:
    name = "burn_rate"
    spans_sessions = True  # an agent's rate against its fleet's: replay cannot split it by session

    def __init__(
        self,
        window_s: float = 300.0,
        min_history_s: float = 3600.0,
        factor: float = 5.0,
        min_recent_usd: float = 1.0,
        horizon_s: float = 3600.0,
        repeat_s: float = 600.0,
    ) -> None:
        self.window_s = window_s
        self.min_history_s = min_history_s
        self.factor = factor
        self.min_recent_usd = min_recent_usd
        self.horizon_s = horizon_s
        self.repeat_s = repeat_s
        self._agents: dict[str, _Agent] = {}
        self._fleets: dict[str, tuple[float, float, int]] = {}  # fleet -> (usd, first ts, agents)

    def long_run_rate(self, agent: str, now: float) -> float | None:
        """USD per minute since the agent was first seen, once it has `min_history_s` of history."""
        state = self._agents.get(agent)
        if state is None or now - state.first_ts < self.min_history_s:
            return None
        return state.total_usd / ((now - state.first_ts) / 60.0)

    def fleet_rate(self, fleet: str, now: float) -> float | None:
        """USD per minute per agent across the fleet, kept as running totals (no scan of agents)."""
        totals = self._fleets.get(fleet)
        if totals is None or now - totals[1] < self.min_history_s:
            return None
        total_usd, first_ts, agents = totals
        return total_usd / ((now - first_ts) / 60.0) / agents

    def observe(self, event: CallEvent) -> list[Finding]:
        record = event.record
        now = record.ts
        state = self._agents.get(record.agent)
        if state is None:
            state = self._agents[record.agent] = _Agent(record.fleet, now)
            usd, first_ts, agents = self._fleets.get(record.fleet, (0.0, now, 0))
            self._fleets[record.fleet] = (usd, first_ts, agents + 1)
        usd, first_ts, agents = self._fleets[record.fleet]
        self._fleets[record.fleet] = (usd + record.cost_usd, first_ts, agents)
        state.total_usd += record.cost_usd
        state.recent.append((now, record.cost_usd, event.seq))
        state.recent_usd += record.cost_usd
        while state.recent and state.recent[0][0] < now - self.window_s:
            state.recent_usd -= state.recent.popleft()[1]
        rate = state.recent_usd / (self.window_s / 60.0)
        findings: list[Finding] = []

        own = self.long_run_rate(record.agent, now)
        fleet = self.fleet_rate(record.fleet, now)
        baseline = max(own or 0.0, fleet or 0.0)
        if (
            own is not None
            and state.recent_usd >= self.min_recent_usd
            and rate > self.factor * baseline
            and now - state.last_rate_finding >= self.repeat_s
        ):
            state.last_rate_finding = now
            fleet_text = f", fleet {record.fleet!r} ${fleet:.3f}/min" if fleet is not None else ""
            evidence = (
                f"agent {record.agent!r} spent ${state.recent_usd:.2f} in the last "
                f"{self.window_s / 60:.0f} min (${rate:.3f}/min), {rate / max(baseline, 1e-9):.1f}× "
                f"its usual ${own:.3f}/min{fleet_text}"
            )
            findings.append(self._finding(event, 0.5, evidence))

        remaining = event.budget_remaining_usd
        if (
            remaining is not None
            and rate > 0
            and remaining / rate * 60.0 < self.horizon_s
            and now - state.last_budget_finding >= self.repeat_s
        ):
            state.last_budget_finding = now
            minutes = remaining / rate
            evidence = (
                f"at ${rate:.3f}/min the tightest budget (${remaining:.2f} left) runs out in "
                f"{minutes:.0f} min, sooner than {self.horizon_s / 60:.0f} min"
            )
            findings.append(self._finding(event, 0.5, evidence))
        return findings

    def _finding(self, event: CallEvent, severity: float, evidence: str) -> Finding:
        calls = [seq for _, _, seq in self._agents[event.record.agent].recent]
        return Finding(
            self.name, event.record.session, event.record.agent, event.seq, severity, evidence, calls, "agent"
        )

    def forget(self, session: str) -> None:
        """Burn rate is kept per agent; a session ending changes nothing."""
