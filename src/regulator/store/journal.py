"""The crash journal: an append-only file that makes spend survive a `kill -9`.

Two kinds of line, each one `os.write` on an O_APPEND descriptor:

    R {"call_id", "ts", "org", "fleet", "agent", "session", "amount_usd"}   reserved, about to forward
    S {CallRecord as JSON}                                                   settled

No fsync on the request path: a written line sits in the kernel's page cache, which outlives the
process, so a killed gateway loses nothing. Only power loss or a kernel crash can drop the last
lines; `fsync_interval_s` (config `journal_fsync: true`) bounds that loss by syncing in a
background thread, never on the caller's thread.

At start the ledger replays the journal (every S not in the database is inserted; every R without
an S counts at its reserved amount) and truncates it. While running, the journal is compacted once
it is large and every S line in it is in the database: it is replaced (atomically, by rename) with
a file holding only the reservations still in flight, so a crash at any moment loses no line that
matters. A lock file keeps a second process from journaling into the same file.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from regulator.events import CallRecord, Outcome, Usage


class JournalLocked(RuntimeError):
    """Another live process owns this journal."""


@dataclass(slots=True, frozen=True)
class Reservation:
    call_id: str
    ts: float
    org: str
    fleet: str
    agent: str
    session: str
    amount_usd: float

    def as_record(self, outcome: Outcome) -> CallRecord:
        """The ledger row of a call whose end was never seen (`interrupted`, `reaped`): it counts at its
        reserved amount, because the provider may have billed it."""
        return CallRecord(
            call_id=self.call_id,
            ts=self.ts,
            org=self.org,
            fleet=self.fleet,
            agent=self.agent,
            session=self.session,
            model="",
            upstream="",
            dialect="openai",
            cost_usd=self.amount_usd,
            reserved_usd=self.amount_usd,
            status=0,
            outcome=outcome,
        )


@dataclass(slots=True)
class JournalContents:
    settled: dict[str, CallRecord] = field(default_factory=dict)
    reserved: dict[str, Reservation] = field(default_factory=dict)
    bad_lines: int = 0  # a torn last line after a kill, or garbage

    def unsettled(self) -> list[Reservation]:
        return [r for call_id, r in self.reserved.items() if call_id not in self.settled]


def _record_from(data: dict[str, Any]) -> CallRecord:
    data["usage"] = Usage(**data["usage"])
    return CallRecord(**data)


def read_journal(path: str | Path) -> JournalContents:
    contents = JournalContents()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return contents
    for line in raw.splitlines():
        if not line:
            continue
        try:
            data = orjson.loads(line[2:])
            if line.startswith(b"S "):
                record = _record_from(data)
                contents.settled[record.call_id] = record
            elif line.startswith(b"R "):
                reservation = Reservation(**data)
                contents.reserved[reservation.call_id] = reservation
            else:
                contents.bad_lines += 1
        except (orjson.JSONDecodeError, TypeError, KeyError):
            contents.bad_lines += 1
    return contents


class Journal:
    """Appends R and S lines; thread-safe; one per data directory."""

    def __init__(self, path: str | Path, *, fsync_interval_s: float | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(f"{self.path}.lock", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._lock_fd)
            raise JournalLocked(f"{self.path} is in use by another process") from exc
        self._fd = self._open_append()
        self._size = os.fstat(self._fd).st_size
        self._lock = threading.Lock()
        self._in_flight: dict[str, bytes] = {}
        self._settled_lines = 0  # S lines ever written by this process; compared with the ledger's commits
        self._dirty = False
        self._closed = threading.Event()
        self._syncer: threading.Thread | None = None
        if fsync_interval_s is not None:
            self._syncer = threading.Thread(
                target=self._sync_loop, args=(fsync_interval_s,), name="regulator-journal-fsync", daemon=True
            )
            self._syncer.start()

    def _open_append(self) -> int:
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def reserve(
        self, call_id: str, ts: float, org: str, fleet: str, agent: str, session: str, amount_usd: float
    ) -> None:
        line = b"R " + orjson.dumps(
            {
                "call_id": call_id,
                "ts": ts,
                "org": org,
                "fleet": fleet,
                "agent": agent,
                "session": session,
                "amount_usd": amount_usd,
            }
        )
        line += b"\n"
        with self._lock:
            os.write(self._fd, line)
            self._size += len(line)
            self._in_flight[call_id] = line
            self._dirty = True

    def settle(self, record: CallRecord) -> None:
        line = b"S " + orjson.dumps(record) + b"\n"
        with self._lock:
            os.write(self._fd, line)
            self._size += len(line)
            self._in_flight.pop(record.call_id, None)
            self._settled_lines += 1
            self._dirty = True

    @property
    def size(self) -> int:
        return self._size

    def in_flight(self) -> int:
        return len(self._in_flight)

    def compact(self, committed: int) -> bool:
        """Drop everything but in-flight reservations, if all `committed` S lines are in the database.

        `committed` is how many of this process's S lines the ledger has committed; when it equals
        the number written, no line in the file is needed except the reservations still open.
        """
        with self._lock:
            if committed != self._settled_lines:
                return False
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
            kept = b"".join(self._in_flight.values())
            if kept:
                os.write(fd, kept)
            os.replace(tmp, self.path)
            os.close(self._fd)
            self._fd = fd
            self._size = len(kept)
            return True

    def _sync_loop(self, interval_s: float) -> None:
        while not self._closed.wait(interval_s):
            self._sync()

    def _sync(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            self._dirty = False
            fd = os.dup(self._fd)  # fsync outside the lock: appends must never wait for the disk
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        self._closed.set()
        if self._syncer is not None:
            self._syncer.join()
            self._sync()
        with self._lock:
            os.close(self._fd)
            os.close(self._lock_fd)
