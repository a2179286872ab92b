"""The SQLite store: one file in WAL mode, one connection per thread.

WAL lets the gateway's readers (cache misses, `registry_version` polls) run while the ledger's
writer thread commits; `synchronous=NORMAL` skips the fsync per commit (a WAL commit survives a
process crash, and the journal covers the rest). Each thread gets its own connection because a
sqlite3 connection must not be used by two threads at once; `busy_timeout` makes a second process
(the CLI working on the same data directory) wait for the lock instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from regulator.store.schema import MIGRATIONS
from regulator.store.sql import SQLStore


class SQLiteStore(SQLStore):
    """`Store` on one SQLite file; safe to share between threads."""

    paramstyle = "qmark"
    migrations = MIGRATIONS
    call_key = "call_id"

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The ledger and the key hashes are the owner's alone; SQLite gives its -wal and -shm files
        # the database file's mode, so creating it 0600 covers all three.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        # Each thread's connection with the lock held while it runs a statement: `close` takes it
        # before closing, since closing a connection another thread is using crashes the process.
        self._conns: list[tuple[sqlite3.Connection, threading.RLock]] = []
        self._conns_lock = threading.Lock()
        self._closed = False
        self._migrate()

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise RuntimeError("store is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, reads autocommit.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_timeout_ms / 1000
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            self._local.conn = conn
            self._local.lock = threading.RLock()  # re-entrant: a read inside a transaction
            with self._conns_lock:
                self._conns.append((conn, self._local.lock))
        with self._local.lock:
            if self._closed:  # closed while this thread waited for its own connection
                raise RuntimeError("store is closed")
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._conn() as conn:
            # IMMEDIATE takes the write lock up front, so a read-then-write never fails half-way.
            conn.execute("BEGIN IMMEDIATE")
            try:
                with closing(conn.cursor()) as cur:
                    yield cur
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Cursor]:
        with self._conn() as conn, closing(conn.cursor()) as cur:
            yield cur

    def close(self) -> None:
        self._closed = True
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn, lock in conns:
            with lock:
                conn.close()
