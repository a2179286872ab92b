"""Reconcile runs and the provider's request id in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regulator.store.base import Store
from regulator.store.pg_schema import PG_MIGRATIONS, create_partition
from regulator.store.postgres import PostgresStore
from regulator.store.schema import CALL_COLUMNS, MIGRATIONS, call_to_row
from regulator.store.sqlite import SQLiteStore
from test_store_sqlite import call

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def open_backend(kind: str, request: pytest.FixtureRequest, tmp_path: Path, steps: int | None = None) -> Any:
    """A store of `kind`; with `steps`, one that stops at that migration step (an older release)."""
    if kind == "sqlite":
        cls: Any = SQLiteStore
        if steps is not None:
            cls = type("OldSQLiteStore", (SQLiteStore,), {"migrations": MIGRATIONS[:steps]})
        return cls(tmp_path / "regulator.db")
    pg_url, pg_schema = request.getfixturevalue("pg_url"), request.getfixturevalue("pg_schema")
    cls = PostgresStore
    if steps is not None:
        cls = type("OldPostgresStore", (PostgresStore,), {"migrations": PG_MIGRATIONS[:steps]})
    return cls(pg_url, schema=pg_schema)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = open_backend(request.param, request, tmp_path)
    yield s
    s.close()


def test_reconcile_runs_are_read_back_newest_first_with_their_whole_result(store: Store) -> None:
    assert store.last_reconcile_run() is None
    store.add_reconcile_run("rec_1", 100.0, 0.0, 86400.0, 0, {"drifts": [], "summary": {"groups": 3}})
    store.add_reconcile_run("rec_2", 200.0, 0.0, 86400.0, 1, {"drifts": [{"key": "openai|2026-12-06|gpt-4o"}]})
    assert [r.run_id for r in store.list_reconcile_runs()] == ["rec_2", "rec_1"]
    last = store.last_reconcile_run()
    assert last is not None and last.drifts == 1
    assert last.result == {"drifts": [{"key": "openai|2026-12-06|gpt-4o"}]}
    assert [r.run_id for r in store.list_reconcile_runs(limit=1)] == ["rec_2"]


def test_the_providers_request_id_is_kept_with_each_call(store: Store) -> None:
    store.insert_calls([call("c1", 1000.0, 0.5, provider_request_id="req_abc"), call("c2", 1001.0, 0.5)])
    ids = {r.call_id: r.provider_request_id for r in store.iter_records(0)}
    assert ids == {"c1": "req_abc", "c2": ""}


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_ledger_from_before_reconcile_is_migrated_in_place(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    old = open_backend(kind, request, tmp_path, steps=len(MIGRATIONS) - 1)  # the release before reconcile
    first_columns = CALL_COLUMNS.index("provider_request_id")
    row = call_to_row(call("old", 1000.0, 0.25))[:first_columns]
    with old._write() as db:  # an insert as the release before the column wrote it
        if kind == "postgres":
            db.run(create_partition(0))
        db.run(
            f"INSERT INTO calls ({', '.join(CALL_COLUMNS[:first_columns])}) VALUES ({', '.join('?' * len(row))})", row
        )
    old.close()
    new = open_backend(kind, request, tmp_path)
    try:
        assert new.schema_version() == len(MIGRATIONS)
        (record,) = new.iter_records(0)
        assert (record.call_id, record.cost_usd, record.provider_request_id) == ("old", 0.25, "")
        new.add_reconcile_run("rec_1", 1.0, 0.0, 1.0, 0, {})
    finally:
        new.close()


def test_the_ledger_is_summed_per_utc_day_by_the_database(store: Store) -> None:
    day = 20_000 * 86400.0
    store.insert_calls(
        [
            call("a", day + 10, 0.25),
            call("b", day + 86399.5, 0.5, outcome="timeout"),
            call("c", day + 86400, 1.0),  # the next day's first second
            call("d", day + 20, 0.125, served_model="gpt-4o-mini"),
        ]
    )
    totals = store.ledger_day_totals(day, day + 2 * 86400)
    by = {(t.day_start, t.served_model, t.outcome): t for t in totals}
    first = by[day, "", "ok"]
    assert (first.calls, first.input_tokens, first.cached_input_tokens, first.cost_usd) == (1, 100, 20, 0.25)
    assert (first.output_tokens, first.reasoning_tokens, first.upstream, first.dialect) == (50, 10, "openai", "openai")
    assert by[day, "", "timeout"].calls == 1 and by[day, "gpt-4o-mini", "ok"].cost_usd == 0.125
    assert by[day + 86400, "", "ok"].cost_usd == 1.0
    assert len(totals) == 4
