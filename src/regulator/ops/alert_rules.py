"""What deserves an alert, worded for the person who receives it."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict
from datetime import UTC, datetime
from urllib.parse import quote

from regulator.budget.slots import BudgetEvent
from regulator.events import CallRecord, Incident
from regulator.ops.alerts import Alert
from regulator.ops.stats import FAILED
from regulator.reconcile.compare import Drift, Row


def _when(ts: float | None) -> str:
    return "never" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def incident_link(base: str | None, incident: Incident) -> str | None:
    if not base or not incident.incident_id:
        return None
    return (
        f"{base}#agent/{quote(incident.agent, safe='')}?session={quote(incident.session, safe='')}"
        f"&incident={quote(incident.incident_id, safe='')}"
    )


def fleet_link(base: str | None, fleet: str) -> str | None:
    return f"{base}#fleet/{quote(fleet, safe='')}" if base else None


def budget_alert(event: BudgetEvent) -> Alert | None:
    data = {
        "scope": event.scope,
        "window": event.window,
        "limit_usd": event.limit_usd,
        "spent_usd": event.spent_usd,
        "reserved_usd": event.reserved_usd,
        "threshold": event.threshold,
        "amount_usd": event.amount_usd,
    }
    if event.kind == "overrun":
        return Alert(
            "overrun",
            f"Provider billed more than reserved on {event.scope}",
            f"A call on {event.scope} ({event.window}) cost ${event.amount_usd:.6f} more than regulator "
            f"reserved for it; the excess was counted against the budget "
            f"(${event.spent_usd:.4f} of ${event.limit_usd:.2f} spent). "
            "Check the model's price and tokenizer.",
            data,
            event.at,
        )
    if event.kind != "threshold" or event.threshold is None:
        return None
    used = event.spent_usd + event.reserved_usd
    if event.threshold >= 1.0:
        return Alert(
            "budget_exhausted",
            f"Budget exhausted: {event.scope} ({event.window})",
            f"{event.scope} has used ${used:.4f} of its ${event.limit_usd:.2f} {event.window} budget; "
            "further calls are refused until the window resets or the budget is raised.",
            data,
            event.at,
        )
    return Alert(
        "budget_threshold",
        f"{event.threshold:.0%} of {event.scope} {event.window} budget used",
        f"{event.scope} has used ${used:.4f} ({used / event.limit_usd:.0%}) of its "
        f"${event.limit_usd:.2f} {event.window} budget.",
        data,
        event.at,
    )


def incident_alert(incident: Incident, dashboard_url: str | None = None) -> Alert:
    where = f"agent {incident.agent}" + (f", session {incident.session}" if incident.session else "")
    return Alert(
        "incident",
        f"{incident.detector} on {incident.agent}: {incident.action}",
        f"{where}: {incident.evidence}",
        {
            "incident_id": incident.incident_id,
            "agent": incident.agent,
            "fleet": incident.fleet,
            "session": incident.session,
            "detector": incident.detector,
            "action": incident.action,
            "evidence": incident.evidence,
            "call_ids": incident.call_ids,
        },
        incident.ts,
        action=incident.action,
        link=incident_link(dashboard_url, incident),
    )


class FailureSpike:
    """Counts failed upstream calls in a sliding window; fires once per window when over the limit."""

    def __init__(self, count: int, window_s: float) -> None:
        self.count = count
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._alerted_at: dict[str, float] = {}

    def check(self, rec: CallRecord) -> Alert | None:
        if rec.outcome not in FAILED:
            return None
        times = self._failures.get(rec.upstream)
        if times is None:
            times = self._failures[rec.upstream] = deque()
        times.append(rec.ts)
        while times and times[0] < rec.ts - self.window_s:
            times.popleft()
        if len(times) < self.count or rec.ts - self._alerted_at.get(rec.upstream, -1e18) < self.window_s:
            return None
        self._alerted_at[rec.upstream] = rec.ts
        return Alert(
            "upstream_failures",
            f"Upstream {rec.upstream} is failing",
            f"{len(times)} calls to upstream {rec.upstream} failed in the last {self.window_s:g}s "
            f"(latest: HTTP {rec.status}, {rec.outcome}, model {rec.model}).",
            {
                "upstream": rec.upstream,
                "failures": len(times),
                "window_s": self.window_s,
                "status": rec.status,
            },
            rec.ts,
        )


def _difference(row: Row) -> str:
    theirs = row.provider_value or 0.0
    if row.kind == "usd":
        return f"${row.ledger:.6f} in the ledger, ${theirs:.6f} billed ({row.difference:+.6f})"
    return f"{row.kind} tokens {int(row.ledger):,} in the ledger, {int(theirs):,} billed"


def drift_alert(drift: Drift) -> Alert:
    """A reconcile found the provider's bill and the ledger apart for one model on one day."""
    text = (
        f"{drift.provider} billed {drift.model} on {drift.day} differently from regulator's ledger: "
        + "; ".join(_difference(r) for r in drift.rows)
        + "."
    )
    if all(r.ledger == 0 for r in drift.rows):
        text += " The ledger has no calls for it that day: calls that bypassed regulator, or a gap in the ledger."
    elif drift.price_source == "config" and any(r.kind == "usd" for r in drift.rows):
        text += " Its price is a config override (models[].price): check it against the provider's price."
    elif any(r.kind == "usd" for r in drift.rows) and not any(r.kind != "usd" for r in drift.rows):
        text += " Tokens agree, dollars do not: the provider's price differs from regulator's."
    data = {
        "provider": drift.provider,
        "day": drift.day,
        "model": drift.model,
        "price_source": drift.price_source,
        "rows": [asdict(r) for r in drift.rows],
    }
    return Alert("reconcile_drift", f"Ledger drift: {drift.model} on {drift.day}", text, data)
