"""Spend prevented, as the gateway estimates it: what a stopped agent or session was burning,
projected to its natural end.

When an agent, session, fleet or org is paused or killed, each stopped agent (or the session) gets
a row (store/prevented.py): its burn is its ledger spend over the last hour divided by the time it
was active in that hour (at least a minute), and its natural end is the end of the UTC day — or
the end of a pause that lifts by itself, if sooner. A resume ends the projection at that moment.
Every replica's ops poll sees the same standing change and writes the same row (one per day and
scope), so the figure does not depend on which replica an operator used.

The burn is an estimate: an agent stopped in a loop would have gone on burning, but not
necessarily at the same rate. `regulator demo` replaces these rows with its simulation's exact
projections, so its summary and the dashboard show the same figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from regulator.events import ScopeKind, Standing
from regulator.store.base import Store
from regulator.store.prevented import DAY_S, Prevented

BURN_WINDOW_S = 3600
MIN_ACTIVE_S = 60
STOPPED = ("paused", "killed")


def _row(store: Store, column: str, name: str, standing: Standing, now: float) -> Prevented | None:
    burn = store.burn_of(column, name, now - BURN_WINDOW_S)
    if burn is None or burn.usd <= 0:
        return None
    per_hour = burn.usd / max(now - burn.first_ts, MIN_ACTIVE_S) * 3600
    day = int(now // DAY_S)
    end = float((day + 1) * DAY_S)
    if standing.until_ts is not None:
        end = min(end, standing.until_ts)
    session = name if column == "session" else ""
    usd = per_hour * max(0.0, end - now) / 3600
    return Prevented(day, f"{column}:{name}", now, burn.org, burn.fleet, burn.agent, session, per_hour, end, usd)


def on_stop(store: Store, key: tuple[ScopeKind, str], standing: Standing, now: float) -> list[Prevented]:
    """The rows a stop adds: one per agent beneath a fleet or org, else the agent's or session's."""
    kind, name = key
    if kind in ("fleet", "org"):
        agents = sorted({k.agent for k in store.list_keys() if (k.fleet if kind == "fleet" else k.org) == name})
        rows = [_row(store, "agent", agent, standing, now) for agent in agents]
    else:
        rows = [_row(store, kind, name, standing, now)]
    found = [r for r in rows if r is not None]
    if found:
        store.record_prevented(found)
    return found


def on_lift(store: Store, key: tuple[ScopeKind, str], now: float) -> list[Prevented]:
    """A resume (or an expiry): today's rows of the scope end their projection now."""
    kind, name = key
    day = int(now // DAY_S)

    def covers(row: Prevented) -> bool:
        if kind == "fleet":
            return row.fleet == name and row.scope.startswith("agent:")
        if kind == "org":
            return row.org == name and row.scope.startswith("agent:")
        return row.scope == f"{kind}:{name}"

    cut = [
        Prevented(
            r.day,
            r.scope,
            r.ts,
            r.org,
            r.fleet,
            r.agent,
            r.session,
            r.burn_usd_per_hour,
            now,
            r.burn_usd_per_hour * max(0.0, now - r.ts) / 3600,
            r.basis,
        )
        for r in store.list_prevented(day * DAY_S)
        if covers(r) and r.end_ts > now and r.basis == "burn"
    ]
    if cut:
        store.record_prevented(cut)
    return cut


def counted(rows: Iterable[Prevented]) -> list[Prevented]:
    """The rows that count: an agent stopped on a day covers its sessions stopped that day."""
    rows = list(rows)
    agents = {(r.day, r.agent) for r in rows if not r.session}
    return [r for r in rows if not r.session or (r.day, r.agent) not in agents]


def by_fleet(rows: Iterable[Prevented]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in counted(rows):
        totals[row.fleet] += row.usd
    return dict(totals)


def daily(rows: Iterable[Prevented], spend: Iterable[tuple[float, str, float]]) -> list[dict[str, Any]]:
    """Per UTC day and fleet: spend (from `spend_series` by day) beside spend prevented."""
    table: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for ts, fleet, usd in spend:
        table[(int(ts // DAY_S), fleet)][0] += usd
    for row in counted(rows):
        table[(row.day, row.fleet)][1] += row.usd
    return [
        {
            "day": datetime.fromtimestamp(day * DAY_S, UTC).date().isoformat(),
            "fleet": fleet,
            "spend_usd": spent,
            "prevented_usd": prevented,
        }
        for (day, fleet), (spent, prevented) in sorted(table.items())
    ]


def series(
    rows: Iterable[Prevented], spend: Iterable[tuple[float, str, float]], since: float, step_s: int, until: float
) -> dict[str, dict[str, list[float]]]:
    """Per fleet, per `step_s` bucket from `since` to `until`: spend, and spend prevented by the stops
    made in that bucket (the dashboard draws both, accumulated)."""
    count = max(1, int((until - since) // step_s) + 1)
    out: dict[str, dict[str, list[float]]] = {}

    def fleet(name: str) -> dict[str, list[float]]:
        if name not in out:
            out[name] = {
                "ts": [since + i * step_s for i in range(count)],
                "spend_usd": [0.0] * count,
                "prevented_usd": [0.0] * count,
            }
        return out[name]

    for ts, name, usd in spend:
        index = int((ts - since) // step_s)
        if 0 <= index < count:
            fleet(name)["spend_usd"][index] += usd
    for row in counted(rows):
        index = int((row.ts - since) // step_s)
        if 0 <= index < count:
            fleet(row.fleet)["prevented_usd"][index] += row.usd
    return dict(sorted(out.items()))
