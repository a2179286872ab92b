"""The PostgreSQL store: the registry and a day-partitioned ledger shared by every gateway replica.

Two connections, each behind a lock: one for writes (explicit transactions) and one autocommit
connection for reads, so a ledger batch being written never delays a key lookup behind it. The
gateway reads the store only on cache misses and writes the ledger from one batching thread, so two
connections are enough; a connection found broken (server restart) is replaced on next use.

Partitions of `calls` are created on demand, one per UTC day, under an advisory lock so replicas
writing the first call of a day at the same moment do not race. Old days are dropped whole
(`drop_ledger_before`), which is how the ledger stays fast at tens of millions of rows.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from regulator.events import CallRecord
from regulator.store.pg_schema import (
    DAY_SECONDS,
    MIGRATION_LOCK,
    PARTITION_LOCK,
    PG_MIGRATIONS,
    create_partition,
    partition_day,
)
from regulator.store.sql import SQLStore

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresStore(SQLStore):
    """`Store` on a PostgreSQL database (optionally inside one `schema`); safe to share between threads."""

    paramstyle = "format"
    migrations = PG_MIGRATIONS
    # A partitioned table's unique keys must include the partition key (see pg_schema).
    call_key = "call_id, ts"

    def __init__(self, url: str, *, schema: str | None = None, connect_timeout_s: float = 5.0) -> None:
        if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"schema must be a lower-case SQL identifier, got {schema!r}")
        self.url = url
        self.schema = schema
        extra: dict[str, Any] = {"connect_timeout": max(1, round(connect_timeout_s))}
        if schema is not None:
            extra["options"] = f"-c search_path={schema}"
        self._conninfo = make_conninfo(url, **extra)
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._writer: psycopg.Connection[Any] | None = None
        self._reader: psycopg.Connection[Any] | None = None
        self._days: set[int] = set()  # partitions known to exist
        self._closed = False
        self._migrate()

    def _connect(self, *, autocommit: bool) -> psycopg.Connection[Any]:
        if self._closed:
            raise RuntimeError("store is closed")
        return psycopg.connect(self._conninfo, autocommit=autocommit)

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._write_lock:
            if self._writer is None or self._writer.broken or self._writer.closed:
                self._writer = self._connect(autocommit=False)
            with self._writer.transaction(), self._writer.cursor() as cur:
                yield cur

    @contextmanager
    def _cursor(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._read_lock:
            if self._reader is None or self._reader.broken or self._reader.closed:
                self._reader = self._connect(autocommit=True)
            with self._reader.cursor() as cur:
                yield cur

    def _migrate(self) -> None:
        with self._write() as db:
            # Replicas starting at once: the first migrates, the others wait here and find it done.
            db.run("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            if self.schema is not None:
                db.run(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            self._apply_migrations(db)

    def close(self) -> None:
        self._closed = True
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()

    # the day-partitioned ledger

    def insert_calls(self, records: Sequence[CallRecord]) -> int:
        """Insert in one transaction, creating missing day partitions first; returns rows inserted."""
        if not records:
            return 0
        days = {int(r.ts // DAY_SECONDS) for r in records}
        with self._write() as db:
            missing = days - self._days
            if missing:
                db.run("SELECT pg_advisory_xact_lock(?)", (PARTITION_LOCK,))
                for day in sorted(missing):
                    db.run(create_partition(day))
            inserted = self._insert_calls(db, records)
        self._days |= days
        return inserted

    def partitions(self) -> list[str]:
        """Names of the ledger's partitions, oldest first."""
        rows = self._all(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'calls'::regclass"
        )
        return sorted((r[0] for r in rows), key=partition_day)

    def drop_ledger_before(self, ts: float) -> int:
        """Drop every whole day of the ledger that ends at or before `ts`; returns partitions dropped."""
        dropped = 0
        with self._write() as db:
            db.run("SELECT pg_advisory_xact_lock(?)", (PARTITION_LOCK,))
            for name in self.partitions():
                day = partition_day(name)
                if (day + 1) * DAY_SECONDS <= ts:
                    db.run(f"DROP TABLE IF EXISTS {name}")
                    self._days.discard(day)
                    dropped += 1
        return dropped
