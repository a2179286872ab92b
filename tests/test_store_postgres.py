"""The PostgreSQL store against the real server: the SQLite store's behaviour tests, plus what is PG's own.

The backend-neutral cases are imported from test_store_sqlite and run here with this module's
`store` fixture (a PostgresStore in a throwaway schema); the cases that reopen a SQLite file have
PostgreSQL twins below.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from regulator.events import Standing
from regulator.store import NameTaken, hash_key, open_store
from regulator.store.pg_schema import DAY_SECONDS, PG_MIGRATIONS
from regulator.store.postgres import PostgresStore
from regulator.store.schema import MIGRATIONS

# The SQLite store's tests, imported, run again here on this module's `store` fixture: PostgreSQL.
from test_store_sqlite import (  # noqa: F401
    call,
    test_a_calls_own_row_replaces_the_one_a_survivor_wrote_for_it_and_nothing_else,
    test_budget_definitions_are_replaced_listed_and_removed,
    test_calls_are_inserted_once_and_read_back_whole,
    test_fleet_and_org_standing_round_trip_and_expired_rows_are_dropped,
    test_incidents_round_trip_newest_first_and_filter_by_agent,
    test_invalid_budgets_are_refused,
    test_iter_records_pages_through_many_rows_in_order,
    test_report_groups_tokens_cost_and_errors,
    test_revoke_by_key_or_id_keeps_the_first_revocation_time,
    test_store_is_usable_from_many_threads,
    test_sum_cost_filters_by_window_and_scope,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(pg_url: str, pg_schema: str) -> Iterator[PostgresStore]:
    s = PostgresStore(pg_url, schema=pg_schema)
    yield s
    s.close()


def test_every_sqlite_migration_step_has_a_postgres_twin() -> None:
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)


def test_migrations_are_idempotent_and_safe_from_concurrent_starts(pg_url: str, pg_schema: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: PostgresStore(pg_url, schema=pg_schema), range(4)))
    again = PostgresStore(pg_url, schema=pg_schema)
    assert again.schema_version() == len(PG_MIGRATIONS)
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(f"SELECT version FROM {pg_schema}.schema_version ORDER BY version").fetchall()
    assert rows == [(n,) for n in range(1, len(PG_MIGRATIONS) + 1)]
    for s in (*stores, again):
        s.close()


def test_open_store_accepts_a_postgresql_url(pg_url: str, pg_schema: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {pg_schema}")
    opened = open_store(f"{pg_url}?options=-csearch_path%3D{pg_schema}")
    assert isinstance(opened, PostgresStore)
    opened.set_budget("org:o", {"day": 1.0})
    with psycopg.connect(pg_url) as conn:
        assert conn.execute(f"SELECT scope FROM {pg_schema}.budgets").fetchall() == [("org:o",)]
    opened.close()


def test_created_key_is_found_by_its_hash_and_never_stored(store: PostgresStore, pg_url: str) -> None:
    plaintext, row = store.create_key("bot", fleet="f", org="o")
    assert store.lookup_key(hash_key(plaintext)) == row
    assert store.lookup_key(hash_key(plaintext + "x")) is None
    with psycopg.connect(pg_url) as conn:
        dump = str(conn.execute(f"SELECT * FROM {store.schema}.api_keys").fetchall())
    assert plaintext not in dump and row.key_id in dump
    with pytest.raises(NameTaken, match="fleet 'f' belongs to org 'o'"):
        store.create_key("bot-2", fleet="f", org="elsewhere")


def test_two_replicas_creating_one_new_fleet_in_two_orgs_at_once_give_it_one_org(
    store: PostgresStore, pg_url: str
) -> None:
    replicas = [PostgresStore(pg_url, schema=store.schema) for _ in range(2)]

    def create(replica: PostgresStore, org: str, fleet: str, start: threading.Barrier) -> str:
        start.wait()
        try:
            replica.create_key(f"{org}-{fleet}-bot", fleet=fleet, org=org)
        except NameTaken:
            return "refused"
        return "created"

    for attempt in range(10):
        fleet, start = f"race-{attempt}", threading.Barrier(2)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(create, replicas, ["acme", "beta"], [fleet] * 2, [start] * 2))
        assert sorted(outcomes) == ["created", "refused"], (attempt, outcomes)
    for replica in replicas:
        replica.close()


def test_registry_version_moves_on_every_change_and_is_seen_by_another_replica(
    store: PostgresStore, pg_url: str
) -> None:
    other = PostgresStore(pg_url, schema=store.schema)
    seen = [other.registry_version()]
    key, row = store.create_key("a")
    seen.append(other.registry_version())
    store.revoke_key(row.key_id)
    seen.append(other.registry_version())
    store.revoke_key(key)
    seen.append(other.registry_version())
    store.set_standing(Standing("agent", "a", "paused", "loop"))
    seen.append(other.registry_version())
    assert seen == [0, 1, 2, 2, 3]
    other.close()


def test_standing_state_survives_reopen_and_active_clears_it(store: PostgresStore, pg_url: str) -> None:
    store.set_standing(Standing("agent", "a1", "paused", "loop detected", until_ts=123.0, incident_id="inc_1"))
    store.set_standing(Standing("session", "s8", "throttled", ""))
    store.set_standing(Standing("session", "s8", "active"))
    store.close()
    reopened = PostgresStore(pg_url, schema=store.schema)
    standing = reopened.get_standing_all()
    assert [(s.scope_kind, s.name, s.state, s.reason, s.until_ts) for s in standing] == [
        ("agent", "a1", "paused", "loop detected", 123.0)
    ]
    reopened.close()


def test_ledger_partitions_are_created_per_day_on_demand_and_dropped_whole(store: PostgresStore) -> None:
    day = 20000 * DAY_SECONDS
    store.insert_calls([call("c1", day + 10, 1.0), call("c2", day + DAY_SECONDS + 5, 2.0)])
    store.insert_calls([call("c3", day + 20, 4.0), call("c4", day + 3 * DAY_SECONDS, 8.0)])
    assert store.partitions() == ["calls_d20000", "calls_d20001", "calls_d20003"]
    assert store.sum_cost(day, day + DAY_SECONDS) == 5.0
    assert store.drop_ledger_before(day + 2 * DAY_SECONDS) == 2
    assert store.partitions() == ["calls_d20003"]
    assert [r.call_id for r in store.iter_records(0)] == ["c4"]
    assert store.insert_calls([call("c5", day + 30, 1.0)]) == 1
    assert store.partitions() == ["calls_d20000", "calls_d20003"]


def test_a_report_on_one_day_reads_only_that_days_partition(store: PostgresStore, pg_url: str) -> None:
    day = 20000 * DAY_SECONDS
    store.insert_calls([call(f"c{i}", day + i * DAY_SECONDS, 1.0) for i in range(5)])
    with psycopg.connect(pg_url, options=f"-c search_path={store.schema}") as conn:
        plan = conn.execute(
            "EXPLAIN SELECT SUM(cost_usd) FROM calls WHERE ts >= %s AND ts < %s AND agent = 'a1'",
            (day + 2 * DAY_SECONDS, day + 3 * DAY_SECONDS),
        ).fetchall()
    text = "\n".join(r[0] for r in plan)
    assert "calls_d20002" in text
    assert not any(f"calls_d2000{i}" in text for i in (0, 1, 3, 4))


def test_writers_on_two_replicas_creating_the_same_day_do_not_collide(store: PostgresStore, pg_url: str) -> None:
    other = PostgresStore(pg_url, schema=store.schema)
    now = time.time()

    def write(args: tuple[PostgresStore, int]) -> int:
        s, n = args
        return s.insert_calls([call(f"r{n}-{i}", now + i, 0.01) for i in range(50)])

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert sum(pool.map(write, [(store, 0), (other, 1)])) == 100
    other.close()
