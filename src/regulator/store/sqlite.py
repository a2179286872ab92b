"""The SQLite store: one file in WAL mode, one connection per thread.

WAL lets the gateway's readers (cache misses, `registry_version` polls) run while the ledger's
writer thread commits; `synchronous=NORMAL` skips the fsync per commit (a WAL commit survives a
process crash, and the journal covers the rest). Each thread gets its own connection because a
sqlite3 connection must not be used by two threads at once; `busy_timeout` makes a second process
(the CLI working on the same data directory) wait for the lock instead of failing.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
from regulator.store.schema import (
    CALL_COLUMNS,
    CREATE_VERSION_TABLE,
    MIGRATIONS,
    call_to_row,
    row_to_call,
)

_KEY_COLUMNS = "key_id, agent, fleet, org, created_at, revoked_at, prefix"
_INSERT_CALL = (
    f"INSERT INTO calls ({', '.join(CALL_COLUMNS)}) VALUES ({', '.join('?' * len(CALL_COLUMNS))}) "
    "ON CONFLICT (call_id) DO NOTHING"
)
# `model` reports what was billed: the served model when a downgrade swapped it.
_GROUP_EXPR: dict[ReportBy, str] = {
    "agent": "agent",
    "fleet": "fleet",
    "org": "org",
    "session": "session",
    "model": "COALESCE(NULLIF(served_model, ''), model)",
}


def _key_row(row: Sequence[Any]) -> KeyRow:
    return KeyRow(*row)


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


class SQLiteStore:
    """`Store` on one SQLite file; safe to share between threads."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        self._migrate()

    # connections and transactions

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError("store is closed")
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, reads autocommit.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_timeout_ms / 1000
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        # IMMEDIATE takes the write lock up front, so a read-then-write never fails half-way.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx() as conn:
            conn.execute(CREATE_VERSION_TABLE)
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in step:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))

    def schema_version(self) -> int:
        row = self._conn().execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self._closed = True
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE registry_version SET version = version + 1 WHERE id = 1")

    def registry_version(self) -> int:
        return int(self._conn().execute("SELECT version FROM registry_version WHERE id = 1").fetchone()[0])

    # keys

    def create_key(self, agent: str, fleet: str = "default", org: str = "default") -> tuple[str, KeyRow]:
        plaintext = keys.generate_key()
        prefix = keys.display_prefix(plaintext)
        row = KeyRow(keys.generate_key_id(), agent, fleet, org, time.time(), None, prefix)
        with self._tx() as conn:
            conn.execute(
                f"INSERT INTO api_keys (key_hash, {_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (keys.hash_key(plaintext), row.key_id, agent, fleet, org, row.created_at, None, row.prefix),
            )
            self._bump(conn)
        return plaintext, row

    def lookup_key(self, key_hash: str) -> KeyRow | None:
        row = self._conn().execute(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?", (key_hash,)).fetchone()
        return None if row is None else _key_row(row)

    def list_keys(self) -> list[KeyRow]:
        rows = self._conn().execute(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, key_id")
        return [_key_row(r) for r in rows]

    def revoke_key(self, key_or_id: str) -> KeyRow:
        if keys.looks_like_key(key_or_id):
            where, arg = "key_hash = ?", keys.hash_key(key_or_id)
        else:
            where, arg = "key_id = ?", key_or_id
        with self._tx() as conn:
            # Revoking twice keeps the first revocation time.
            changed = conn.execute(
                f"UPDATE api_keys SET revoked_at = ? WHERE {where} AND revoked_at IS NULL", (time.time(), arg)
            ).rowcount
            row = conn.execute(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE {where}", (arg,)).fetchone()
            if row is None:
                shown = "with that value" if keys.looks_like_key(key_or_id) else key_or_id
                raise KeyNotFound(f"no key {shown}")
            if changed:
                self._bump(conn)
        return _key_row(row)

    # budgets

    def set_budget(
        self, scope: str, limits: Mapping[Window, float | None], session_limit: float | None = None
    ) -> BudgetConfig:
        unknown = set(limits) - set(WINDOWS)
        if unknown:
            raise ValueError(f"unknown budget windows {sorted(unknown)}; expected some of {list(WINDOWS)}")
        budget = BudgetConfig.model_validate({"scope": scope, **limits, "session": session_limit})
        values = [getattr(budget, w) for w in WINDOWS]
        with self._tx() as conn:
            conn.execute(
                f"INSERT INTO budgets (scope, {', '.join(WINDOWS)}, session, updated_at) "
                f"VALUES (?, {', '.join('?' * len(WINDOWS))}, ?, ?) "
                f"ON CONFLICT (scope) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in (*WINDOWS, "session", "updated_at")),
                (scope, *values, budget.session, time.time()),
            )
            self._bump(conn)
        return budget

    def list_budgets(self) -> list[BudgetConfig]:
        cols = ("scope", *WINDOWS, "session")
        rows = self._conn().execute(f"SELECT {', '.join(cols)} FROM budgets ORDER BY scope")
        return [BudgetConfig.model_validate(dict(zip(cols, r, strict=True))) for r in rows]

    def remove_budget(self, scope: str) -> bool:
        with self._tx() as conn:
            removed = conn.execute("DELETE FROM budgets WHERE scope = ?", (scope,)).rowcount > 0
            if removed:
                self._bump(conn)
        return removed

    # incidents and standing state

    def add_incident(self, incident: Incident) -> str:
        incident_id = incident.incident_id or "inc_" + secrets.token_hex(8)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO incidents (incident_id, ts, org, fleet, agent, session, detector, action, "
                "evidence, call_ids, seqs, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        sql = "SELECT * FROM incidents WHERE ts >= ?"
        args: list[Any] = [since]
        if agent is not None:
            sql += " AND agent = ?"
            args.append(agent)
        sql += " ORDER BY ts DESC LIMIT ?"
        args.append(limit)
        return [_incident(r) for r in self._conn().execute(sql, args)]

    def resolve_incident(self, incident_id: str) -> bool:
        with self._tx() as conn:
            sql = "UPDATE incidents SET resolved = 1 WHERE incident_id = ?"
            return conn.execute(sql, (incident_id,)).rowcount > 0

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
        with self._tx() as conn:
            if state == "active":
                conn.execute("DELETE FROM standing WHERE scope_kind = ? AND name = ?", (scope_kind, name))
            else:
                conn.execute(
                    "INSERT INTO standing (scope_kind, name, state, reason, until_ts, incident_id, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope_kind, name) DO UPDATE SET "
                    "state = excluded.state, reason = excluded.reason, until_ts = excluded.until_ts, "
                    "incident_id = excluded.incident_id, updated_at = excluded.updated_at",
                    (scope_kind, name, state, reason, until_ts, incident_id, time.time()),
                )
            self._bump(conn)

    def get_standing_all(self) -> list[Standing]:
        rows = self._conn().execute(
            "SELECT scope_kind, name, state, reason, until_ts, incident_id, updated_at "
            "FROM standing ORDER BY scope_kind, name"
        )
        return [Standing(*r) for r in rows]

    # ledger

    def insert_calls(self, records: Sequence[CallRecord]) -> int:
        """Insert in one transaction; a call id already present is skipped. Returns rows inserted."""
        with self._tx() as conn:
            return conn.executemany(_INSERT_CALL, [call_to_row(r) for r in records]).rowcount

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
        sql = "SELECT COALESCE(SUM(cost_usd), 0) FROM calls WHERE ts >= ?"
        args: list[Any] = [since]
        if until is not None:
            sql += " AND ts < ?"
            args.append(until)
        for column, value in (("org", org), ("fleet", fleet), ("agent", agent), ("session", session)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        return float(self._conn().execute(sql, args).fetchone()[0])

    def report(self, since: float, until: float | None, by: ReportBy) -> list[ReportRow]:
        if by not in REPORT_BY:
            raise ValueError(f"cannot report by {by!r}; expected one of {list(REPORT_BY)}")
        group = _GROUP_EXPR[by]
        sql = (
            f"SELECT {group} AS k, COUNT(*), SUM(input_tokens), SUM(cached_input_tokens), "
            "SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd), "
            "SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END) FROM calls WHERE ts >= ?"
        )
        args: list[Any] = [since]
        if until is not None:
            sql += " AND ts < ?"
            args.append(until)
        sql += f" GROUP BY {group} ORDER BY SUM(cost_usd) DESC, k"
        return [ReportRow(*r) for r in self._conn().execute(sql, args)]

    def iter_records(self, since: float, until: float | None = None) -> Iterator[CallRecord]:
        sql = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE ts >= ?"
        args: list[Any] = [since]
        if until is not None:
            sql += " AND ts < ?"
            args.append(until)
        cursor = self._conn().execute(sql + " ORDER BY ts, call_id", args)
        while rows := cursor.fetchmany(1000):
            yield from (row_to_call(r) for r in rows)
