from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from regulator.events import CallRecord, Usage
from regulator.store.journal import Journal, JournalLocked, read_journal


def rec(call_id: str, cost: float = 0.1) -> CallRecord:
    return CallRecord(
        call_id=call_id,
        ts=1000.0,
        org="o",
        fleet="f",
        agent="a",
        session="s",
        model="m",
        upstream="u",
        dialect="anthropic",
        usage=Usage(1, 2, 3, 4, 5),
        cost_usd=cost,
        action="nudge",
    )


def test_lines_read_back_as_reservations_and_records(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log")
    journal.reserve("c1", 1000.0, "o", "f", "a", "s", 0.5)
    journal.reserve("c2", 1001.0, "o", "f", "a", "s", 0.7)
    journal.settle(rec("c1"))
    journal.close()
    contents = read_journal(tmp_path / "j.log")
    assert contents.settled == {"c1": rec("c1")}
    assert [r.call_id for r in contents.unsettled()] == ["c2"]
    assert contents.unsettled()[0].amount_usd == 0.7
    assert contents.bad_lines == 0


def test_a_torn_last_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log")
    journal.settle(rec("c1"))
    journal.close()
    with open(tmp_path / "j.log", "ab") as f:
        f.write(b'S {"call_id": "c2", "ts": 10')
    contents = read_journal(tmp_path / "j.log")
    assert list(contents.settled) == ["c1"]
    assert contents.bad_lines == 1


def test_missing_journal_reads_empty(tmp_path: Path) -> None:
    contents = read_journal(tmp_path / "nope.log")
    assert not contents.settled and not contents.reserved


def test_a_second_journal_on_the_same_file_is_refused(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log")
    with pytest.raises(JournalLocked):
        Journal(tmp_path / "j.log")
    journal.close()
    Journal(tmp_path / "j.log").close()


def test_compact_keeps_only_in_flight_reservations(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log")
    journal.reserve("c1", 1.0, "o", "f", "a", "s", 0.5)
    journal.reserve("c2", 1.0, "o", "f", "a", "s", 0.6)
    journal.settle(rec("c1"))
    journal.settle(rec("c3"))
    assert journal.compact(committed=1) is False  # one S line is not in the database yet
    assert journal.compact(committed=2) is True
    journal.settle(rec("c4"))
    journal.close()
    contents = read_journal(tmp_path / "j.log")
    assert list(contents.reserved) == ["c2"]
    assert list(contents.settled) == ["c4"]
    assert journal.in_flight() == 1


def test_fsync_thread_syncs_without_blocking_appends(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log", fsync_interval_s=0.01)
    for i in range(100):
        journal.settle(rec(f"c{i}"))
    time.sleep(0.05)
    journal.close()
    assert len(read_journal(tmp_path / "j.log").settled) == 100


def test_lines_are_appended_to_the_end_even_after_external_writes(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.log")
    journal.settle(rec("c1"))
    with open(tmp_path / "j.log", "ab") as f:
        f.write(b"garbage\n")
    journal.settle(rec("c2"))
    journal.close()
    contents = read_journal(tmp_path / "j.log")
    assert list(contents.settled) == ["c1", "c2"]
    assert contents.bad_lines == 1
    assert os.path.getsize(tmp_path / "j.log") > 0
