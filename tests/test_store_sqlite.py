from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest

from regulator.events import CallRecord, Incident, Standing, Usage
from regulator.store import KeyNotFound, Store, hash_key, open_store
from regulator.store.schema import MIGRATIONS
from regulator.store.sqlite import SQLiteStore


def call(call_id: str, ts: float, cost: float, **kw: object) -> CallRecord:
    fields: dict[str, object] = {
        "org": "o1",
        "fleet": "f1",
        "agent": "a1",
        "session": "s1",
        "model": "gpt-4o",
        "upstream": "openai",
        "dialect": "openai",
        "usage": Usage(100, 20, 0, 50, 10),
    }
    fields.update(kw)
    return CallRecord(call_id=call_id, ts=ts, cost_usd=cost, **fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "regulator.db")
    yield s
    s.close()


def test_open_store_accepts_data_dir_and_sqlite_url(tmp_path: Path) -> None:
    by_dir = open_store(tmp_path / "data")
    assert (tmp_path / "data" / "regulator.db").exists()
    by_dir.close()
    by_url = open_store(f"sqlite:///{tmp_path}/other.db")
    assert (tmp_path / "other.db").exists()
    by_url.close()
    with pytest.raises(ValueError, match="unsupported store URL"):
        open_store("mysql://x")


def test_migrations_apply_once_and_record_the_version(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "r.db").close()
    reopened = SQLiteStore(tmp_path / "r.db")
    assert reopened.schema_version() == len(MIGRATIONS)
    reopened.close()
    rows = sqlite3.connect(tmp_path / "r.db").execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(n,) for n in range(1, len(MIGRATIONS) + 1)]


def test_database_is_in_wal_mode(store: SQLiteStore) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_created_key_is_found_by_its_hash_and_never_stored(store: SQLiteStore) -> None:
    plaintext, row = store.create_key("bot", fleet="f", org="o")
    found = store.lookup_key(hash_key(plaintext))
    assert found == row
    assert (row.agent, row.fleet, row.org, row.revoked_at) == ("bot", "f", "o", None)
    assert row.prefix == plaintext[3:9]
    assert store.lookup_key(hash_key(plaintext + "x")) is None
    assert plaintext.encode() not in store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()


def test_revoke_by_key_or_id_keeps_the_first_revocation_time(store: SQLiteStore) -> None:
    key1, row1 = store.create_key("a")
    _, row2 = store.create_key("b")
    revoked = store.revoke_key(key1)
    assert revoked.key_id == row1.key_id and revoked.revoked
    assert store.revoke_key(row1.key_id).revoked_at == revoked.revoked_at
    assert store.revoke_key(row2.key_id).revoked
    looked_up = store.lookup_key(hash_key(key1))
    assert looked_up is not None and looked_up.revoked
    with pytest.raises(KeyNotFound):
        store.revoke_key("key_000000000000")
    with pytest.raises(KeyNotFound):
        store.revoke_key("rg-unknown")
    assert [k.agent for k in store.list_keys()] == ["a", "b"]


def test_registry_version_moves_on_every_change_and_is_seen_by_another_connection(
    store: SQLiteStore,
) -> None:
    other = SQLiteStore(store.path)  # as a gateway polling a data dir the CLI writes to
    seen = [other.registry_version()]
    key, row = store.create_key("a")
    seen.append(other.registry_version())
    store.revoke_key(row.key_id)
    seen.append(other.registry_version())
    store.revoke_key(key)  # already revoked: no change
    seen.append(other.registry_version())
    store.set_budget("agent:a", {"day": 5.0})
    seen.append(other.registry_version())
    store.remove_budget("agent:a")
    seen.append(other.registry_version())
    store.set_standing(Standing("agent", "a", "paused", "loop"))
    seen.append(other.registry_version())
    assert seen == [0, 1, 2, 2, 3, 4, 5]
    other.close()


def test_budget_definitions_are_replaced_listed_and_removed(store: SQLiteStore) -> None:
    store.set_budget("org:acme", {"day": 100.0, "month": 2000.0}, session_limit=5.0)
    store.set_budget("agent:bot", {"hour": 1.0})
    store.set_budget("org:acme", {"day": 50.0})
    budgets = {b.scope: b for b in store.list_budgets()}
    assert budgets["org:acme"].day == 50.0
    assert budgets["org:acme"].month is None and budgets["org:acme"].session is None
    assert budgets["agent:bot"].hour == 1.0
    assert store.remove_budget("agent:bot") is True
    assert store.remove_budget("agent:bot") is False
    assert [b.scope for b in store.list_budgets()] == ["org:acme"]


def test_invalid_budgets_are_refused(store: SQLiteStore) -> None:
    with pytest.raises(pydantic.ValidationError):
        store.set_budget("org:x", {"day": -1.0})
    with pytest.raises(ValueError, match="unknown budget windows"):
        store.set_budget("org:x", {"fortnight": 1.0})  # type: ignore[dict-item]
    assert store.list_budgets() == []


def test_incidents_round_trip_newest_first_and_filter_by_agent(store: SQLiteStore) -> None:
    now = time.time()
    first = Incident(now - 10, "o", "f", "a1", "s", "loop", "pause", "same call 5 times", ["c1", "c2"], [1, 2])
    inc_id = store.add_incident(first)
    assert inc_id.startswith("inc_") and first.incident_id == inc_id
    store.add_incident(Incident(now, "o", "f", "a2", "s", "retry", "nudge", "retries"))
    listed = store.list_incidents(now - 60)
    assert [i.agent for i in listed] == ["a2", "a1"]
    assert store.list_incidents(now - 60, agent="a1") == [first]
    assert store.list_incidents(now - 5, agent="a1") == []
    assert store.resolve_incident(inc_id) is True
    assert store.list_incidents(now - 60, agent="a1")[0].resolved


def test_standing_state_survives_reopen_and_active_clears_it(store: SQLiteStore) -> None:
    store.set_standing(Standing("agent", "a1", "paused", "loop detected", until_ts=123.0, incident_id="inc_1"))
    store.set_standing(Standing("session", "s9", "killed", "runaway"))
    store.set_standing(Standing("session", "s8", "throttled", ""))
    store.set_standing(Standing("session", "s8", "active"))
    reopened = SQLiteStore(store.path)
    standing = reopened.get_standing_all()
    assert [(s.scope_kind, s.name, s.state) for s in standing] == [
        ("agent", "a1", "paused"),
        ("session", "s9", "killed"),
    ]
    assert (standing[0].reason, standing[0].until_ts, standing[0].incident_id) == ("loop detected", 123.0, "inc_1")
    with pytest.raises(ValueError):
        reopened.set_standing(Standing("team", "f", "paused"))  # type: ignore[arg-type]
    reopened.close()


def test_fleet_and_org_standing_round_trip_and_expired_rows_are_dropped(store: SQLiteStore) -> None:
    store.set_standing(Standing("fleet", "coders", "paused", "runaway", until_ts=1000.0))
    store.set_standing(Standing("org", "acme", "killed", "incident"))
    store.set_standing(Standing("session", "s1", "throttled", "loop", until_ts=2000.0))
    assert [(s.scope_kind, s.name, s.state, s.until_ts) for s in store.get_standing_all()] == [
        ("fleet", "coders", "paused", 1000.0),
        ("org", "acme", "killed", None),
        ("session", "s1", "throttled", 2000.0),
    ]
    version = store.registry_version()
    assert store.expire_standing(999.0) == 0
    assert store.registry_version() == version, "nothing dropped: the replicas need not reload"
    assert store.expire_standing(1500.0) == 1
    assert store.registry_version() > version
    assert [(s.scope_kind, s.name) for s in store.get_standing_all()] == [("org", "acme"), ("session", "s1")]


def test_calls_are_inserted_once_and_read_back_whole(store: SQLiteStore) -> None:
    rec = call("c1", 1000.0, 0.25, action="nudge", stream=True, served_model="gpt-4o-mini", key_id="key_1")
    assert store.insert_calls([rec, call("c2", 1001.0, 0.5)]) == 2
    assert store.insert_calls([rec, call("c3", 1002.0, 1.0)]) == 1
    assert list(store.iter_records(0)) == [rec, call("c2", 1001.0, 0.5), call("c3", 1002.0, 1.0)]
    assert [r.call_id for r in store.iter_records(1001.0, 1002.0)] == ["c2"]


def test_a_calls_own_row_replaces_the_one_a_survivor_wrote_for_it_and_nothing_else(store: SQLiteStore) -> None:
    reaped = call("c1", 1000.0, 0.9, outcome="reaped", status=0, reserved_usd=0.9)
    real = call("c1", 1000.0, 0.25, reserved_usd=0.9)
    assert store.insert_calls([reaped]) == 1
    assert store.insert_calls([real]) == 1  # the call's own row, with what it cost
    assert list(store.iter_records(0)) == [real]
    assert store.insert_calls([reaped]) == 0  # a reaped row never replaces a real one
    store.insert_calls([call("c2", 1001.0, 0.4, outcome="interrupted", status=0)])
    assert store.insert_calls([call("c2", 1001.0, 0.1)]) == 0  # nor is any other row replaced
    assert store.sum_cost(0) == pytest.approx(0.25 + 0.4)


def test_iter_records_pages_through_many_rows_in_order(store: SQLiteStore) -> None:
    # More than one page (1000 rows), with ties on `ts` across page boundaries.
    base = 1_700_000_000.0
    records = [call(f"c{i:05d}", base + (i // 3), 0.001) for i in range(2500)]
    assert store.insert_calls(records) == 2500
    got = [r.call_id for r in store.iter_records(base, base + 800)]
    assert got == [r.call_id for r in records if r.ts < base + 800]


def test_sum_cost_filters_by_window_and_scope(store: SQLiteStore) -> None:
    store.insert_calls(
        [
            call("c1", 100.0, 1.0),
            call("c2", 200.0, 2.0, agent="a2"),
            call("c3", 300.0, 4.0, fleet="f2", session="s2"),
            call("c4", 400.0, 8.0, org="o2"),
        ]
    )
    assert store.sum_cost(0) == 15.0
    assert store.sum_cost(200.0) == 14.0
    assert store.sum_cost(200.0, 400.0) == 6.0
    assert store.sum_cost(0, org="o1") == 7.0
    assert store.sum_cost(0, fleet="f2") == 4.0
    assert store.sum_cost(0, agent="a1", org="o1") == 5.0
    assert store.sum_cost(0, session="s2") == 4.0
    assert store.sum_cost(500.0) == 0.0


def test_report_groups_tokens_cost_and_errors(store: SQLiteStore) -> None:
    store.insert_calls(
        [
            call("c1", 100.0, 1.0),
            call("c2", 101.0, 2.0, outcome="upstream_error", status=500),
            call("c3", 102.0, 4.0, agent="a2", model="gpt-4o", served_model="gpt-4o-mini"),
        ]
    )
    by_agent = store.report(0, None, "agent")
    assert [(r.key, r.calls, r.cost_usd, r.errors) for r in by_agent] == [("a2", 1, 4.0, 0), ("a1", 2, 3.0, 1)]
    assert (by_agent[1].input_tokens, by_agent[1].cached_input_tokens) == (200, 40)
    assert (by_agent[1].output_tokens, by_agent[1].reasoning_tokens) == (100, 20)
    assert {r.key for r in store.report(0, None, "model")} == {"gpt-4o", "gpt-4o-mini"}
    assert [r.calls for r in store.report(0, 101.0, "org")] == [1]
    with pytest.raises(ValueError):
        store.report(0, None, "color")  # type: ignore[arg-type]


def test_store_is_usable_from_many_threads(store: SQLiteStore) -> None:
    import concurrent.futures

    store.create_key("a")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(lambda _: store.registry_version(), range(64)))
    assert set(versions) == {1}


def test_closing_while_another_thread_reads_never_crashes_the_process(tmp_path: Path) -> None:
    """Closing a connection another thread is running a statement on crashes CPython's sqlite3
    (seen as a segfault when a gateway stopped during a registry reload): close waits for it."""
    import threading

    for _ in range(20):
        store = open_store(tmp_path)
        errors: list[BaseException] = []
        reading = threading.Event()

        def read(
            store: Store = store, errors: list[BaseException] = errors, reading: threading.Event = reading
        ) -> None:
            try:
                while True:
                    store.list_budgets()
                    reading.set()
            except RuntimeError as exc:  # "store is closed": the clean way out
                errors.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        reading.wait(5)
        store.close()
        reader.join(5)
        assert not reader.is_alive() and len(errors) == 1 and "closed" in str(errors[0])
