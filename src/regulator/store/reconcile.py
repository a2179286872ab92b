"""What reconcile needs of the store: the ledger summed per UTC day, and its runs kept.

A mixin of `SQLStore` (both backends). Day totals are summed by the database, one query per day
(a day is a partition on PostgreSQL), so reconciling a day of millions of calls moves a few hundred
rows, not the calls. A run is kept whole, as JSON, because the dashboard and the scheduler read it
back as it was produced; only what is filtered on (`ts`) has its own column.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from regulator.store.sql import Db

# Created by migration step 3 (schema.MIGRATIONS).
CREATE_RECONCILE_RUNS = """CREATE TABLE reconcile_runs (
            run_id TEXT PRIMARY KEY,
            ts DOUBLE PRECISION NOT NULL,
            since DOUBLE PRECISION NOT NULL,
            until DOUBLE PRECISION NOT NULL,
            drifts INTEGER NOT NULL,
            result TEXT NOT NULL
        )"""
_COLUMNS = "run_id, ts, since, until, drifts, result"
_DAY_S = 86400
_DAY_GROUP = "upstream, dialect, model, served_model, outcome"
_DAY_SUMS = (
    "COUNT(*), SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), "
    "SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd)"
)


@dataclass(slots=True, frozen=True)
class DayTotal:
    """The ledger's calls of one UTC day that share upstream, dialect, model, served model and outcome."""

    day_start: float
    upstream: str
    dialect: str
    model: str
    served_model: str
    outcome: str
    calls: int
    input_tokens: int  # every prompt token, as in `Usage`
    cached_input_tokens: int
    cache_write_tokens: int
    output_tokens: int  # reasoning included
    reasoning_tokens: int
    cost_usd: float


@dataclass(slots=True, frozen=True)
class ReconcileRun:
    run_id: str
    ts: float
    since: float
    until: float
    drifts: int
    result: dict[str, Any]


def _day_total(day: float, r: Sequence[Any]) -> DayTotal:
    upstream, dialect, model, served_model, outcome = r[:5]
    calls, inp, cached, write, out, reasoning = (int(v) for v in r[5:11])
    return DayTotal(
        day, upstream, dialect, model, served_model, outcome, calls, inp, cached, write, out, reasoning, float(r[11])
    )


def _run(row: Sequence[Any]) -> ReconcileRun:
    return ReconcileRun(row[0], row[1], row[2], row[3], int(row[4]), json.loads(row[5]))


class _Sql(Protocol):
    """What the mixin needs of `SQLStore`."""

    def _write(self) -> AbstractContextManager[Db]: ...
    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...


class ReconcileStore:
    def add_reconcile_run(
        self: _Sql, run_id: str, ts: float, since: float, until: float, drifts: int, result: dict[str, Any]
    ) -> None:
        with self._write() as db:
            db.run(
                f"INSERT INTO reconcile_runs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, ts, since, until, drifts, json.dumps(result)),
            )

    def list_reconcile_runs(self: _Sql, limit: int = 20) -> list[ReconcileRun]:
        rows = self._all(f"SELECT {_COLUMNS} FROM reconcile_runs ORDER BY ts DESC, run_id LIMIT ?", (limit,))
        return [_run(r) for r in rows]

    def ledger_day_totals(self: _Sql, since: float, until: float) -> list[DayTotal]:
        """Totals per UTC day in [since, until), which are taken to be UTC midnights."""
        totals = []
        day = since
        while day < until:
            rows = self._all(
                f"SELECT {_DAY_GROUP}, {_DAY_SUMS} FROM calls WHERE ts >= ? AND ts < ? GROUP BY {_DAY_GROUP}",
                (day, min(day + _DAY_S, until)),
            )
            # PostgreSQL sums BIGINT columns as NUMERIC: back to int here.
            totals += [_day_total(day, r) for r in rows]
            day += _DAY_S
        return totals

    def last_reconcile_run(self: _Sql) -> ReconcileRun | None:
        runs = ReconcileStore.list_reconcile_runs(self, 1)
        return runs[0] if runs else None
