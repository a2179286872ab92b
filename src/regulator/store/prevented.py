"""Spend regulator prevented: one row per stopped agent or session per UTC day, and the ledger
queries that estimate it (a scope's burn) and chart it (spend over time).

A row says: at `ts` this scope was stopped while burning `burn_usd_per_hour`; left alone it would
have gone on until `end_ts` (its natural end), so `usd` = burn × (end_ts − ts) was not spent. The
gateway writes estimates (`basis` "burn", ops/prevented.py); a simulation that knows the agents'
futures may replace them with exact projections (`basis` "simulated", `regulator demo`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import astuple, dataclass
from typing import Any

DAY_S = 86400
_COLUMNS = "day, scope, ts, org, fleet, agent, session, burn_usd_per_hour, end_ts, usd, basis"


@dataclass(slots=True, frozen=True)
class Prevented:
    day: int  # UTC day number of the stop (ts // 86400)
    scope: str  # "agent:NAME" or "session:ID"
    ts: float  # when it was stopped
    org: str
    fleet: str
    agent: str
    session: str  # "" for an agent's stop
    burn_usd_per_hour: float
    end_ts: float  # where the projection ends: the day's end, a cool-down's end, or a resume
    usd: float
    basis: str = "burn"


@dataclass(slots=True, frozen=True)
class Burn:
    """A scope's recent spend in the ledger: how much, since when, and whose."""

    usd: float
    first_ts: float
    org: str
    fleet: str
    agent: str


class PreventedQueries:
    """The prevented-spend and series queries of `SQLStore` (mixed into it)."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...

    def record_prevented(self, rows: Sequence[Prevented]) -> None:
        """Insert or replace (one row per day and scope)."""
        with self._write() as db:
            db.run_many(
                f"INSERT INTO prevented ({_COLUMNS}) VALUES ({', '.join('?' * 11)}) "
                "ON CONFLICT (day, scope) DO UPDATE SET ts = excluded.ts, org = excluded.org, "
                "fleet = excluded.fleet, agent = excluded.agent, session = excluded.session, "
                "burn_usd_per_hour = excluded.burn_usd_per_hour, end_ts = excluded.end_ts, "
                "usd = excluded.usd, basis = excluded.basis",
                [astuple(r) for r in rows],
            )

    def list_prevented(self, since: float, until: float | None = None) -> list[Prevented]:
        bound, args = ("", [since]) if until is None else (" AND ts < ?", [since, until])
        rows = self._all(f"SELECT {_COLUMNS} FROM prevented WHERE ts >= ?{bound} ORDER BY ts, scope", args)
        return [Prevented(*r) for r in rows]

    def clear_prevented(self, since: float) -> int:
        with self._write() as db:
            return int(db.run("DELETE FROM prevented WHERE ts >= ?", (since,)).rowcount)

    def burn_of(self, column: str, name: str, since: float) -> Burn | None:
        """`agent`, `session`, `fleet` or `org` `name`'s spend since `since` and its first call then
        (None if none); a fleet's or org's `agent` is one of its agents."""
        if column not in ("agent", "session", "fleet", "org"):
            raise ValueError(f"burn_of: agent, session, fleet or org, not {column!r}")
        rows = self._all(
            "SELECT SUM(cost_usd), MIN(ts), MIN(org), MIN(fleet), MIN(agent) "
            f"FROM calls WHERE {column} = ? AND ts >= ?",
            [name, since],
        )
        if not rows or rows[0][1] is None:
            return None
        usd, first, org, fleet, agent = rows[0]
        return Burn(float(usd), float(first), org, fleet, agent)

    def spend_series(self, since: float, step_s: int) -> list[tuple[float, str, float]]:
        """Spend per `step_s` bucket and fleet from `since`: (bucket start, fleet, USD)."""
        bucket = f"CAST(FLOOR((ts - ?) / {int(step_s)}) AS BIGINT)"
        rows = self._all(
            f"SELECT {bucket} AS b, fleet, SUM(cost_usd) FROM calls WHERE ts >= ? GROUP BY b, fleet ORDER BY b, fleet",
            [since, since],
        )
        return [(since + int(b) * step_s, fleet, float(usd)) for b, fleet, usd in rows]
