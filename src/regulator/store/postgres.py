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

import json
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from regulator.budget.config import BudgetConfig
from regulator.events import CallRecord
from regulator.store import keys
from regulator.store.base import (
    REPORT_BY,
    WINDOWS,
    Incident,
    KeyNotFound,
    KeyRow,
    ReportBy,
    ReportRow,
    ScopeKind,
    Standing,
    Window,
)
from regulator.store.pg_schema import (
    DAY_SECONDS,
    MIGRATION_LOCK,
    PARTITION_LOCK,
    PG_MIGRATIONS,
    create_partition,
)
from regulator.store.schema import CALL_COLUMNS, CREATE_VERSION_TABLE, call_to_row, row_to_call

_KEY_COLUMNS = "key_id, agent, fleet, org, created_at, revoked_at, prefix"
_INSERT_CALL = (
    f"INSERT INTO calls ({', '.join(CALL_COLUMNS)}) VALUES ({', '.join(['%s'] * len(CALL_COLUMNS))}) "
    "ON CONFLICT (call_id, ts) DO NOTHING"
)
_GROUP_EXPR: dict[ReportBy, str] = {
    "agent": "agent",
    "fleet": "fleet",
    "org": "org",
    "session": "session",
    "model": "COALESCE(NULLIF(served_model, ''), model)",
}
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_PAGE = 1000


def _incident(row: Sequence[Any]) -> Incident:
    return Incident(
        incident_id=row[0],
        ts=row[1],
        org=row[2],
        fleet=row[3],
        agent=row[4],
        session=row[5],
        detector=row[6],
        action=row[7],
        evidence=row[8],
        call_ids=json.loads(row[9]),
        seqs=json.loads(row[10]),
        resolved=bool(row[11]),
    )


class PostgresStore:
    """`Store` on a PostgreSQL database (optionally inside one `schema`); safe to share between threads."""

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

    # connections and transactions

    def _connect(self, *, autocommit: bool) -> psycopg.Connection[Any]:
        if self._closed:
            raise RuntimeError("store is closed")
        return psycopg.connect(self._conninfo, autocommit=autocommit)

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._write_lock:
            if self._writer is None or self._writer.broken or self._writer.closed:
                self._writer = self._connect(autocommit=False)
            with self._writer.transaction(), self._writer.cursor() as cur:
                yield cur

    @contextmanager
    def _read(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._read_lock:
            if self._reader is None or self._reader.broken or self._reader.closed:
                self._reader = self._connect(autocommit=True)
            with self._reader.cursor() as cur:
                yield cur

    def _migrate(self) -> None:
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            if self.schema is not None:
                cur.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            cur.execute(CREATE_VERSION_TABLE)
            cur.execute("SELECT MAX(version) FROM schema_version")
            row = cur.fetchone()
            current = (row[0] if row else None) or 0
            for number, step in enumerate(PG_MIGRATIONS[current:], start=current + 1):
                for statement in step:
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))

    def schema_version(self) -> int:
        with self._read() as cur:
            cur.execute("SELECT MAX(version) FROM schema_version")
            row = cur.fetchone()
        return int((row[0] if row else None) or 0)

    def close(self) -> None:
        self._closed = True
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()

    @staticmethod
    def _bump(cur: psycopg.Cursor[Any]) -> None:
        cur.execute("UPDATE registry_version SET version = version + 1 WHERE id = 1")

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        with self._read() as cur:
            cur.execute(sql, args)
            return cur.fetchone()

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self._read() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

    def registry_version(self) -> int:
        return int(self._one("SELECT version FROM registry_version WHERE id = 1")[0])

    # keys

    def create_key(self, agent: str, fleet: str = "default", org: str = "default") -> tuple[str, KeyRow]:
        plaintext = keys.generate_key()
        row = KeyRow(keys.generate_key_id(), agent, fleet, org, time.time(), None, keys.display_prefix(plaintext))
        with self._tx() as cur:
            cur.execute(
                f"INSERT INTO api_keys (key_hash, {_KEY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (keys.hash_key(plaintext), row.key_id, agent, fleet, org, row.created_at, None, row.prefix),
            )
            self._bump(cur)
        return plaintext, row

    def lookup_key(self, key_hash: str) -> KeyRow | None:
        row = self._one(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_hash = %s", (key_hash,))
        return None if row is None else KeyRow(*row)

    def list_keys(self) -> list[KeyRow]:
        return [KeyRow(*r) for r in self._all(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, key_id")]

    def revoke_key(self, key_or_id: str) -> KeyRow:
        if keys.looks_like_key(key_or_id):
            where, arg = "key_hash = %s", keys.hash_key(key_or_id)
        else:
            where, arg = "key_id = %s", key_or_id
        with self._tx() as cur:
            # Revoking twice keeps the first revocation time.
            cur.execute(
                f"UPDATE api_keys SET revoked_at = %s WHERE {where} AND revoked_at IS NULL",
                (time.time(), arg),
            )
            changed = cur.rowcount
            cur.execute(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE {where}", (arg,))
            row = cur.fetchone()
            if row is None:
                shown = "with that value" if keys.looks_like_key(key_or_id) else key_or_id
                raise KeyNotFound(f"no key {shown}")
            if changed:
                self._bump(cur)
        return KeyRow(*row)

    # budgets

    def set_budget(
        self, scope: str, limits: Mapping[Window, float | None], session_limit: float | None = None
    ) -> BudgetConfig:
        unknown = set(limits) - set(WINDOWS)
        if unknown:
            raise ValueError(f"unknown budget windows {sorted(unknown)}; expected some of {list(WINDOWS)}")
        budget = BudgetConfig.model_validate({"scope": scope, **limits, "session": session_limit})
        values = [getattr(budget, w) for w in WINDOWS]
        with self._tx() as cur:
            cur.execute(
                f"INSERT INTO budgets (scope, {', '.join(WINDOWS)}, session, updated_at) "
                f"VALUES (%s, {', '.join(['%s'] * len(WINDOWS))}, %s, %s) "
                "ON CONFLICT (scope) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in (*WINDOWS, "session", "updated_at")),
                (scope, *values, budget.session, time.time()),
            )
            self._bump(cur)
        return budget

    def list_budgets(self) -> list[BudgetConfig]:
        cols = ("scope", *WINDOWS, "session")
        rows = self._all(f"SELECT {', '.join(cols)} FROM budgets ORDER BY scope")
        return [BudgetConfig.model_validate(dict(zip(cols, r, strict=True))) for r in rows]

    def remove_budget(self, scope: str) -> bool:
        with self._tx() as cur:
            cur.execute("DELETE FROM budgets WHERE scope = %s", (scope,))
            removed = cur.rowcount > 0
            if removed:
                self._bump(cur)
        return removed

    # incidents and standing state

    def add_incident(self, incident: Incident) -> str:
        incident_id = incident.incident_id or "inc_" + secrets.token_hex(8)
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO incidents (incident_id, ts, org, fleet, agent, session, detector, action, "
                "evidence, call_ids, seqs, resolved) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    incident_id,
                    incident.ts,
                    incident.org,
                    incident.fleet,
                    incident.agent,
                    incident.session,
                    incident.detector,
                    incident.action,
                    incident.evidence,
                    json.dumps(incident.call_ids),
                    json.dumps(incident.seqs),
                    int(incident.resolved),
                ),
            )
        incident.incident_id = incident_id
        return incident_id

    def list_incidents(self, since: float, agent: str | None = None, limit: int = 100) -> list[Incident]:
        sql = "SELECT * FROM incidents WHERE ts >= %s"
        args: list[Any] = [since]
        if agent is not None:
            sql += " AND agent = %s"
            args.append(agent)
        sql += " ORDER BY ts DESC LIMIT %s"
        args.append(limit)
        return [_incident(r) for r in self._all(sql, args)]

    def resolve_incident(self, incident_id: str) -> bool:
        with self._tx() as cur:
            cur.execute("UPDATE incidents SET resolved = 1 WHERE incident_id = %s", (incident_id,))
            return cur.rowcount > 0

    def set_standing(
        self,
        scope_kind: ScopeKind,
        name: str,
        state: str,
        reason: str = "",
        until_ts: float | None = None,
        incident_id: str | None = None,
    ) -> None:
        """Record a standing state; `active` (the default state) removes the row."""
        if scope_kind not in ("agent", "session"):
            raise ValueError(f"scope_kind must be 'agent' or 'session', not {scope_kind!r}")
        with self._tx() as cur:
            if state == "active":
                cur.execute("DELETE FROM standing WHERE scope_kind = %s AND name = %s", (scope_kind, name))
            else:
                cur.execute(
                    "INSERT INTO standing (scope_kind, name, state, reason, until_ts, incident_id, "
                    "updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (scope_kind, name) DO UPDATE SET state = excluded.state, "
                    "reason = excluded.reason, until_ts = excluded.until_ts, "
                    "incident_id = excluded.incident_id, updated_at = excluded.updated_at",
                    (scope_kind, name, state, reason, until_ts, incident_id, time.time()),
                )
            self._bump(cur)

    def get_standing_all(self) -> list[Standing]:
        rows = self._all(
            "SELECT scope_kind, name, state, reason, until_ts, incident_id, updated_at "
            "FROM standing ORDER BY scope_kind, name"
        )
        return [Standing(*r) for r in rows]

    # ledger

    def insert_calls(self, records: Sequence[CallRecord]) -> int:
        """Insert in one transaction; a call id already present is skipped. Returns rows inserted."""
        if not records:
            return 0
        days = {int(r.ts // DAY_SECONDS) for r in records}
        with self._tx() as cur:
            missing = days - self._days
            if missing:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (PARTITION_LOCK,))
                for day in sorted(missing):
                    cur.execute(create_partition(day))
            cur.executemany(_INSERT_CALL, [call_to_row(r) for r in records])
            inserted = cur.rowcount
        self._days |= days
        return inserted

    def partitions(self) -> list[str]:
        """Names of the ledger's partitions, oldest first."""
        rows = self._all(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'calls'::regclass ORDER BY c.relname"
        )
        return sorted((r[0] for r in rows), key=lambda name: int(name.removeprefix("calls_d")))

    def drop_ledger_before(self, ts: float) -> int:
        """Drop every whole day of the ledger that ends at or before `ts`; returns partitions dropped."""
        dropped = 0
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (PARTITION_LOCK,))
            for name in self.partitions():
                day = int(name.removeprefix("calls_d"))
                if (day + 1) * DAY_SECONDS <= ts:
                    cur.execute(f"DROP TABLE IF EXISTS {name}")
                    self._days.discard(day)
                    dropped += 1
        return dropped

    def sum_cost(
        self,
        since: float,
        until: float | None = None,
        *,
        org: str | None = None,
        fleet: str | None = None,
        agent: str | None = None,
        session: str | None = None,
    ) -> float:
        sql = "SELECT COALESCE(SUM(cost_usd), 0) FROM calls WHERE ts >= %s"
        args: list[Any] = [since]
        if until is not None:
            sql += " AND ts < %s"
            args.append(until)
        for column, value in (("org", org), ("fleet", fleet), ("agent", agent), ("session", session)):
            if value is not None:
                sql += f" AND {column} = %s"
                args.append(value)
        return float(self._one(sql, args)[0])

    def report(self, since: float, until: float | None, by: ReportBy) -> list[ReportRow]:
        if by not in REPORT_BY:
            raise ValueError(f"cannot report by {by!r}; expected one of {list(REPORT_BY)}")
        group = _GROUP_EXPR[by]
        sql = (
            f"SELECT {group} AS k, COUNT(*), SUM(input_tokens), SUM(cached_input_tokens), "
            "SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd), "
            "SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END) FROM calls WHERE ts >= %s"
        )
        args: list[Any] = [since]
        if until is not None:
            sql += " AND ts < %s"
            args.append(until)
        sql += f" GROUP BY {group} ORDER BY SUM(cost_usd) DESC, k"
        # PostgreSQL sums BIGINT columns as NUMERIC: back to int here.
        return [
            ReportRow(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), float(r[6]), int(r[7]))
            for r in self._all(sql, args)
        ]

    def iter_records(self, since: float, until: float | None = None) -> Iterator[CallRecord]:
        # Keyset pages: the read lock is held per page, never while the caller consumes rows.
        select = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE"
        order = f"ORDER BY ts, call_id LIMIT {_PAGE}"
        bound = "" if until is None else " AND ts < %s"
        tail: list[Any] = [] if until is None else [until]
        rows = self._all(
            f"{select} ts >= %s{bound} {order}",
            [since, *tail],
        )
        while rows:
            yield from (row_to_call(r) for r in rows)
            if len(rows) < _PAGE:
                return
            last = rows[-1]
            rows = self._all(
                f"{select} (ts, call_id) > (%s, %s){bound} {order}",
                [last[1], last[0], *tail],
            )
