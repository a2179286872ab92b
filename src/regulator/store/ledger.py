"""The ledger: one row per call, written off the request path by a single batching thread.

`record()` is what the request path pays: one journal line (`os.write`, no fsync) and a deque
append. The writer thread wakes every `flush_ms` (or as soon as `batch_size` records wait) and
inserts what is pending, one `executemany` per transaction of at most `batch_size` rows. Every
record is in the journal before it is pending, so a crash before its insert loses nothing:
`recover()` at the next start puts it in the database.

The store's queries read the database only: a record still pending (at most `flush_ms` old) is not
seen until `flush()`.

A call's summary (what the agent did) is computed on the detection thread after the call was
recorded, so it cannot ride in the journal line or, reliably, in the insert: `annotate()` queues it
and the writer applies it as an UPDATE after the rows it belongs to (same batching, never on the
request path). Summaries are not journaled: a crash loses the last `flush_ms` of them, not a call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from regulator.events import CallRecord
from regulator.store.base import Store
from regulator.store.journal import Journal, read_journal

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class RecoveryReport:
    settled_inserted: int  # S lines that had not reached the database
    interrupted: int  # reservations with no S: calls in flight at the crash
    interrupted_usd: float  # what those count for, at their reserved amounts
    bad_lines: int  # torn or unreadable lines, skipped


class Ledger:
    """Call records in, database rows out; owns the data directory's journal."""

    def __init__(
        self,
        store: Store,
        journal_path: str | Path,
        *,
        batch_size: int = 500,
        flush_ms: int = 200,
        compact_bytes: int = 64 * 1024 * 1024,
        fsync_interval_s: float | None = None,
    ) -> None:
        self.store = store
        self.journal = Journal(journal_path, fsync_interval_s=fsync_interval_s)
        self._batch_size = batch_size
        self._flush_s = flush_ms / 1000
        self._compact_bytes = compact_bytes
        self._pending: deque[CallRecord] = deque()
        self._summaries: deque[tuple[str, float, str]] = deque()
        self._wake = threading.Event()
        self._waiters: list[threading.Event] = []
        self._waiters_lock = threading.Lock()
        self._stopping = False
        self._committed = 0
        self._started_recording = False
        self._closed = False
        # Told, on the writer thread, which calls' rows each transaction committed and when.
        self.on_commit: Callable[[list[str], float], None] | None = None
        self._writer = threading.Thread(target=self._run, name="regulator-ledger-writer", daemon=True)
        self._writer.start()

    # request path

    def reserve(
        self, call_id: str, ts: float, org: str, fleet: str, agent: str, session: str, amount_usd: float
    ) -> None:
        """Journal a reservation before forwarding; every reserved call must later be `record`ed."""
        self._started_recording = True
        self.journal.reserve(call_id, ts, org, fleet, agent, session, amount_usd)

    def record(self, rec: CallRecord) -> None:
        if self._closed:
            raise RuntimeError("ledger is closed")
        self._started_recording = True
        self.journal.settle(rec)
        self._pending.append(rec)
        # The writer wakes on its own every flush_ms; waking it per record would cost the caller a
        # thread switch, so only a full batch does.
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    def annotate(self, call_id: str, ts: float, summary: str) -> None:
        """Attach a summary to a call already `record`ed (from any thread)."""
        if not self._closed:
            self._summaries.append((call_id, ts, summary))

    def queue_depth(self) -> int:
        return len(self._pending)

    # writer thread

    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_s)
            self._wake.clear()
            with self._waiters_lock:
                waiters, self._waiters = self._waiters, []
            stopping = self._stopping
            # Summaries taken now belong to calls recorded before them: drain the rows after taking them.
            notes = [self._summaries.popleft() for _ in range(len(self._summaries))]
            # Everything appended before a waiter registered is in the deque now: drain it all.
            while self._pending:
                batch = [self._pending.popleft() for _ in range(min(self._batch_size, len(self._pending)))]
                self._write(batch)
            if notes:
                self._write_summaries(notes)
            for event in waiters:
                event.set()
            if stopping:
                return

    def _write(self, batch: list[CallRecord]) -> None:
        delay = 0.05
        while True:
            try:
                self.store.insert_calls(batch)
                break
            except Exception:
                if self._stopping and delay >= 0.4:
                    # Shutting down with the database gone: the journal keeps these records and
                    # the next start's recover() puts them in the ledger.
                    log.error("ledger: %d records left to the journal for the next start", len(batch))
                    return
                # The records are safe in the journal; keep them and retry rather than drop them.
                log.exception("ledger write of %d records failed; retrying in %.2fs", len(batch), delay)
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        self._committed += len(batch)
        if self.on_commit is not None:
            try:
                self.on_commit([rec.call_id for rec in batch], time.time())
            except Exception:  # a listener's bug must not stop the ledger
                log.exception("ledger commit listener failed")
        if self.journal.size >= self._compact_bytes:
            self.journal.compact(self._committed)

    def _write_summaries(self, notes: list[tuple[str, float, str]]) -> None:
        try:
            self.store.set_call_summaries(notes)
        except Exception:  # a summary is a convenience: it is not retried at the cost of calls' rows
            log.exception("ledger: %d call summaries not written", len(notes))

    def flush(self, timeout: float | None = None) -> bool:
        """Block until everything recorded so far is in the database."""
        done = threading.Event()
        with self._waiters_lock:
            self._waiters.append(done)
        self._wake.set()
        return done.wait(timeout)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stopping = True
        self._wake.set()
        self._writer.join()
        self.journal.close()

    # recovery

    def recover(self) -> RecoveryReport:
        """Put what the journal holds from a previous run into the database, then truncate it.

        Call once at start, before the first `reserve` or `record`.
        """
        if self._started_recording:
            raise RuntimeError("recover() must run before the ledger records anything")
        contents = read_journal(self.journal.path)
        inserted = self.store.insert_calls(list(contents.settled.values())) if contents.settled else 0
        lost = [r.as_record("interrupted") for r in contents.unsettled()]
        if lost:
            self.store.insert_calls(lost)
        self.journal.compact(0)
        report = RecoveryReport(inserted, len(lost), sum(r.cost_usd for r in lost), contents.bad_lines)
        if inserted or lost or contents.bad_lines:
            log.warning("journal recovery: %s", report)
        return report
