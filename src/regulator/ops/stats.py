"""Live fleet aggregates for the dashboard and admin API, fed by the gateway's call listener.

The ledger is the record; this is the fast view of it: per-agent and fleet spend today and this
month, calls, spend per minute over the last day (burn rate, charts), recent calls per agent (the
session timeline) and recent sessions. `add()` runs on the request path after every call, so it
only does dictionary lookups and additions; everything derived (burn rate, projections, rows) is
computed when someone reads it, at most a few times a second however many calls flow.
"""

from __future__ import annotations

import calendar
import time
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from regulator.budget.windows import window_start
from regulator.events import CallRecord
from regulator.store.base import ReportRow

SERIES_MINUTES = 24 * 60
RECENT_CALLS = 200
MAX_SESSIONS = 20_000
FAILED = frozenset({"upstream_error", "unreachable", "timeout"})


@dataclass(slots=True)
class AgentStats:
    agent: str
    fleet: str
    org: str
    calls_today: int = 0
    spend_today: float = 0.0
    spend_month: float = 0.0
    errors_today: int = 0
    last_ts: float = 0.0
    session: str = ""
    minutes: dict[int, float] = field(default_factory=dict)  # minute number → USD
    recent: deque[CallRecord] = field(default_factory=lambda: deque(maxlen=RECENT_CALLS))


@dataclass(slots=True)
class SessionStats:
    session: str
    agent: str
    calls: int = 0
    cost_usd: float = 0.0
    first_ts: float = 0.0
    last_ts: float = 0.0


def _prune(minutes: dict[int, float], now_minute: int) -> None:
    oldest = now_minute - SERIES_MINUTES
    for minute in [m for m in minutes if m < oldest]:
        del minutes[minute]


class FleetStats:
    def __init__(self) -> None:
        self.agents: dict[str, AgentStats] = {}
        self.sessions: OrderedDict[str, SessionStats] = OrderedDict()
        self.minutes: dict[int, float] = {}
        self.spend_today = 0.0
        self.spend_month = 0.0
        self.calls_today = 0
        self.errors_today = 0
        # Agents whose numbers changed since the last `take_dirty()`: what a live view must redraw.
        self.dirty: set[str] = set()
        self._day_start = 0.0
        self._month_start = 0.0
        self._next_day = 0.0
        self._next_month = 0.0
        self._roll(time.time())

    # windows (UTC calendar days and months)

    def _roll(self, now: float) -> None:
        day = window_start("day", now)
        month = window_start("month", now)
        if day != self._day_start:
            self._day_start, self._next_day = day, day + 86400
            self.spend_today = 0.0
            self.calls_today = self.errors_today = 0
            for a in self.agents.values():
                a.calls_today, a.spend_today, a.errors_today = 0, 0.0, 0
        if month != self._month_start:
            self._month_start = month
            local = datetime.fromtimestamp(month, UTC)
            self._next_month = month + calendar.monthrange(local.year, local.month)[1] * 86400
            self.spend_month = 0.0
            for a in self.agents.values():
                a.spend_month = 0.0

    @property
    def day_start(self) -> float:
        return self._day_start

    @property
    def month_start(self) -> float:
        return self._month_start

    # the request path

    def add(self, rec: CallRecord) -> None:
        stats = self._totals(rec)
        self._series(stats, rec)
        self.dirty.add(rec.agent)

    def _agent(self, agent: str, fleet: str, org: str) -> AgentStats:
        stats = self.agents.get(agent)
        if stats is None:
            stats = self.agents[agent] = AgentStats(agent, fleet, org)
        return stats

    def _totals(self, rec: CallRecord) -> AgentStats:
        if rec.ts >= self._next_day or rec.ts >= self._next_month:
            self._roll(rec.ts)
        stats = self._agent(rec.agent, rec.fleet, rec.org)
        cost = rec.cost_usd
        if rec.ts >= self._month_start:
            self.spend_month += cost
            stats.spend_month += cost
        if rec.ts >= self._day_start:
            self.spend_today += cost
            self.calls_today += 1
            stats.spend_today += cost
            stats.calls_today += 1
            if rec.outcome in FAILED:
                self.errors_today += 1
                stats.errors_today += 1
        return stats

    def _series(self, stats: AgentStats, rec: CallRecord) -> None:
        cost = rec.cost_usd
        minute = int(rec.ts // 60)
        if minute in stats.minutes:
            stats.minutes[minute] += cost
        else:
            stats.minutes[minute] = cost
            if len(stats.minutes) > SERIES_MINUTES:
                _prune(stats.minutes, minute)
        if minute in self.minutes:
            self.minutes[minute] += cost
        else:
            self.minutes[minute] = cost
            if len(self.minutes) > SERIES_MINUTES:
                _prune(self.minutes, minute)
        if rec.ts >= stats.last_ts:
            stats.last_ts = rec.ts
            stats.session = rec.session
        stats.recent.append(rec)
        session = self.sessions.get(rec.session)
        if session is None:
            session = self.sessions[rec.session] = SessionStats(rec.session, rec.agent, first_ts=rec.ts)
            if len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        else:
            self.sessions.move_to_end(rec.session)
        session.calls += 1
        session.cost_usd += rec.cost_usd
        session.last_ts = max(session.last_ts, rec.ts)

    # start-up: what the ledger already holds

    def seed_agent(self, agent: str, fleet: str, org: str) -> None:
        """Make an agent known (it has a key) before its first call."""
        self._agent(agent, fleet, org)

    def seed_totals(self, today: Iterable[ReportRow], month: Iterable[ReportRow]) -> None:
        """Spend so far today and this month, from ledger reports grouped by agent."""
        for row in month:
            stats = self._agent(row.key, "default", "default")
            stats.spend_month += row.cost_usd
            self.spend_month += row.cost_usd
        for row in today:
            stats = self._agent(row.key, "default", "default")
            stats.spend_today += row.cost_usd
            stats.calls_today += row.calls
            stats.errors_today += row.errors
            self.spend_today += row.cost_usd
            self.calls_today += row.calls
            self.errors_today += row.errors

    def seed_series(self, records: Iterable[CallRecord]) -> int:
        """Recent ledger records (oldest first) for burn rates, charts, timelines and sessions."""
        count = 0
        for rec in records:
            self._series(self._agent(rec.agent, rec.fleet, rec.org), rec)
            count += 1
        return count

    # reads

    def take_dirty(self) -> set[str]:
        dirty, self.dirty = self.dirty, set()
        return dirty

    @staticmethod
    def burn_rate(minutes: dict[int, float], now: float) -> float:
        """USD per hour over the last 60 minutes."""
        current = int(now // 60)
        return sum(minutes.get(m, 0.0) for m in range(current - 59, current + 1))

    def month_end_projection(self, now: float) -> float:
        """This month's spend plus the last hour's burn rate for every hour left in the month."""
        hours_left = max(0.0, (self._next_month - now) / 3600)
        return self.spend_month + self.burn_rate(self.minutes, now) * hours_left

    @staticmethod
    def series(minutes: dict[int, float], now: float, span_minutes: int, step_minutes: int) -> list[list[float]]:
        """[[bucket start unix seconds…], [USD in bucket…]] for the last `span_minutes`."""
        step = max(1, step_minutes)
        end = int(now // 60) + 1
        span = max(step, min(span_minutes, SERIES_MINUTES))
        start = end - (span - span % step)
        xs: list[float] = []
        ys: list[float] = []
        for bucket in range(start, end, step):
            xs.append(bucket * 60.0)
            ys.append(sum(minutes.get(m, 0.0) for m in range(bucket, bucket + step)))
        return [xs, ys]
