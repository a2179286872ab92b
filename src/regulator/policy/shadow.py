"""Shadow mode: the live supervisor's code run on recorded calls, for `regulator replay`.

`ShadowPolicy` is replay's per-call hook (`on_event(event, session)`, called before the call's cost
is added). It asks for the verdict exactly as the gateway would: a refused call marks the session
stopped (that call and every later one is what the stop saves); otherwise the call is "forwarded"
and observed, and what the policy did is written on the session's replay result.
"""

from __future__ import annotations

from typing import Any, Protocol

from regulator.events import CallEvent
from regulator.policy.supervisor import Supervisor


class ReplayResult(Protocol):
    """The parts of replay's per-session result the hook writes (see `sim.replay.ReplaySession`)."""

    first: dict[str, int]
    stopped_at: int | None
    incidents: list[dict[str, Any]]


class ShadowPolicy:
    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        # Metered cost of every call, so evaluation can price what came after a loop's onset.
        self.costs: dict[str, list[tuple[int, float]]] = {}

    def __call__(self, event: CallEvent, result: ReplayResult) -> None:
        record = event.record
        self.costs.setdefault(record.session, []).append((event.seq, record.cost_usd))
        if result.stopped_at is not None:
            return
        verdict = self.supervisor.verdict(
            record.agent, record.session, now=record.ts, fleet=record.fleet, org=record.org
        )
        if verdict.refused:
            result.stopped_at = event.seq
            return
        for incident in self.supervisor.observe(event):
            result.first.setdefault(incident.action, event.seq + 1)
            result.incidents.append(
                {
                    "seq": event.seq,
                    "detector": incident.detector,
                    "action": incident.action,
                    "evidence": incident.evidence,
                }
            )

    def cost_from(self, session: str, seq: int) -> float:
        return sum(cost for s, cost in self.costs.get(session, []) if s >= seq)
