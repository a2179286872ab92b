from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from regulator.events import CallRecord, Usage
from regulator.store import Ledger, open_store
from regulator.store.base import Store
from regulator.store.journal import read_journal


def rec(call_id: str, cost: float = 0.01, ts: float = 1000.0, agent: str = "a") -> CallRecord:
    return CallRecord(
        call_id=call_id,
        ts=ts,
        org="o",
        fleet="f",
        agent=agent,
        session="s",
        model="m",
        upstream="u",
        dialect="openai",
        usage=Usage(10, 0, 0, 5, 0),
        cost_usd=cost,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path)
    yield s
    s.close()


def test_recorded_calls_reach_the_database_on_flush(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=10_000)
    ledger.recover()
    for i in range(10):
        ledger.record(rec(f"c{i}", cost=0.5))
    assert ledger.queue_depth() == 10
    assert ledger.flush(timeout=5)
    assert ledger.queue_depth() == 0
    assert store.sum_cost(0) == 5.0
    assert [r.key for r in store.report(0, None, "agent")] == ["a"]
    assert len(list(store.iter_records(0))) == 10
    ledger.close()


def test_writer_flushes_on_its_own_within_flush_ms(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=20)
    ledger.record(rec("c1"))
    deadline = time.monotonic() + 2
    while store.sum_cost(0) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.sum_cost(0) == 0.01
    ledger.close()


def test_commit_listener_hears_each_row_once_it_is_readable(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=10_000)
    heard: list[tuple[list[str], float, float]] = []
    ledger.on_commit = lambda ids, at: heard.append((ids, at, store.sum_cost(0)))
    before = time.time()
    for i in range(3):
        ledger.record(rec(f"c{i}"))
    assert ledger.flush(timeout=5)
    [(ids, at, readable)] = heard
    assert ids == ["c0", "c1", "c2"] and before <= at <= time.time()
    assert readable == pytest.approx(0.03)  # committed before the listener is told
    ledger.close()


def test_a_full_batch_wakes_the_writer_early(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", batch_size=50, flush_ms=60_000)
    for i in range(50):
        ledger.record(rec(f"c{i}"))
    deadline = time.monotonic() + 2
    while ledger.queue_depth() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(list(store.iter_records(0))) == 50
    ledger.close()


def test_close_writes_everything_pending(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=60_000)
    for i in range(1234):
        ledger.record(rec(f"c{i}"))
    ledger.close()
    assert len(list(store.iter_records(0))) == 1234
    with pytest.raises(RuntimeError):
        ledger.record(rec("late"))


def test_many_threads_recording_lose_nothing(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", batch_size=100, flush_ms=5)

    def worker(n: int) -> None:
        for i in range(500):
            ledger.record(rec(f"t{n}-{i}", cost=0.001))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ledger.flush()
    assert len(list(store.iter_records(0))) == 4000
    ledger.close()


def test_journal_is_compacted_once_everything_is_in_the_database(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "journal.log"
    ledger = Ledger(store, path, batch_size=10, flush_ms=5, compact_bytes=4096)
    ledger.reserve("open", 1000.0, "o", "f", "a", "s", 2.0)
    for i in range(100):
        ledger.reserve(f"c{i}", 1000.0, "o", "f", "a", "s", 1.0)
        ledger.record(rec(f"c{i}"))
    ledger.flush()
    ledger.record(rec("last"))  # the next batch's write triggers compaction again
    ledger.flush()
    assert path.stat().st_size < 4096  # ~50 kB were written
    # The call still in flight survives every compaction.
    assert [r.call_id for r in read_journal(path).unsettled()] == ["open"]
    ledger.close()


def test_recover_inserts_settled_lines_and_counts_interrupted_at_reserved(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "journal.log"
    first = Ledger(store, path, flush_ms=60_000)
    first.reserve("done", 1000.0, "o", "f", "a", "s", 1.0)
    first.record(rec("done", cost=0.4))
    first.reserve("inflight", 1001.0, "o", "f", "a", "s2", 3.0)
    # Simulate the crash: the writer never ran, the journal holds everything.
    first.journal.close()

    second = Ledger(store, path)
    report = second.recover()
    assert (report.settled_inserted, report.interrupted, report.interrupted_usd) == (1, 1, 3.0)
    by_id = {r.call_id: r for r in store.iter_records(0)}
    assert by_id["done"].cost_usd == 0.4
    assert by_id["inflight"].outcome == "interrupted"
    assert (by_id["inflight"].cost_usd, by_id["inflight"].session) == (3.0, "s2")
    assert path.stat().st_size == 0
    assert second.recover().settled_inserted == 0  # recovery is idempotent
    second.record(rec("after"))
    with pytest.raises(RuntimeError):
        second.recover()
    second.close()


CHILD = textwrap.dedent(
    """
    import sys
    from regulator.events import CallRecord
    from regulator.store import Ledger, open_store

    data = sys.argv[1]
    ledger = Ledger(open_store(data), data + "/journal.log", batch_size=20, flush_ms=2, compact_bytes=20_000)
    ledger.recover()
    in_flight = []
    i = 0
    while True:
        call_id = f"c{i}"
        reserved = 0.01 * (i % 7 + 1)
        ledger.reserve(call_id, 1000.0 + i, "o", "f", "a", "s", reserved)
        print("R", call_id, reserved, ".", flush=True)
        in_flight.append((call_id, reserved))
        if len(in_flight) > 5:
            done, amount = in_flight.pop(0)
            # Announce first: a call announced as settled may or may not have been, never the reverse.
            print("S", done, amount / 2, ".", flush=True)
            ledger.record(CallRecord(done, 1000.0, "o", "f", "a", "s", "m", "u", "openai", cost_usd=amount / 2))
        i += 1
    """
)


def test_kill_9_mid_run_never_under_counts(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True, bufsize=1)
    assert child.stdout is not None
    reserved: dict[str, float] = {}
    settled: dict[str, float] = {}

    def take(line: str) -> None:
        parts = line.split()
        if len(parts) == 4:  # the kill can tear the last line; a torn line announced nothing
            kind, call_id, amount, _ = parts
            (reserved if kind == "R" else settled)[call_id] = float(amount)

    try:
        for _ in range(4000):
            take(child.stdout.readline())
    finally:
        child.kill()  # SIGKILL, mid-run
        child.wait()
    # Everything the child printed before it died is in the pipe: read it all.
    for line in child.stdout.read().splitlines():
        take(line)
    child.stdout.close()
    store = open_store(tmp_path)
    ledger = Ledger(store, tmp_path / "journal.log")
    report = ledger.recover()
    ledger.close()
    rows = {r.call_id: r for r in store.iter_records(0)}
    unsettled = {c: a for c, a in reserved.items() if c not in settled}
    assert unsettled and report.interrupted >= len(unsettled)
    for call_id, amount in unsettled.items():
        assert rows[call_id].outcome == "interrupted" and rows[call_id].cost_usd == amount
    for call_id, cost in settled.items():
        assert rows[call_id].cost_usd >= cost
    expected = sum(unsettled.values()) + sum(settled.values())
    assert store.sum_cost(0) >= expected - 1e-9
    store.close()


def test_summaries_reach_their_rows_whether_the_row_was_written_yet_or_not(store: Store, tmp_path: Path) -> None:
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=10_000)
    ledger.record(rec("written", ts=1000.0))
    assert ledger.flush(timeout=5)
    ledger.record(rec("pending", ts=1001.0))
    ledger.annotate("written", 1000.0, "result: ok · action: ls")
    ledger.annotate("pending", 1001.0, "result: exit code 1 · action: make")
    assert ledger.flush(timeout=5)
    assert [(r.call_id, r.summary) for r in store.session_records("s")] == [
        ("written", "result: ok · action: ls"),
        ("pending", "result: exit code 1 · action: make"),
    ]
    ledger.close()


def test_a_summary_racing_its_row_from_another_thread_is_never_lost(store: Store, tmp_path: Path) -> None:
    """The detection thread annotates right after the request path records: 300 calls, a writer
    that flushes every millisecond, each summary queued the moment its row is."""
    ledger = Ledger(store, tmp_path / "journal.log", flush_ms=1)
    for i in range(300):
        record = rec(f"c{i:03d}", ts=1000.0 + i)
        ledger.record(record)
        threading.Thread(target=ledger.annotate, args=(record.call_id, record.ts, f"step {i}")).start()
    time.sleep(0.2)
    assert ledger.flush(timeout=5)
    rows = store.session_records("s", limit=1000)
    assert [r.summary for r in rows] == [f"step {i}" for i in range(300)]
    assert [r.call_id for r in store.session_records("s", limit=2)] == ["c298", "c299"]
    ledger.close()
