"""`SQLStore`: the `Store` logic both SQL backends share, written once in portable SQL.

SQLite and PostgreSQL accept the same statements here (upserts with `ON CONFLICT … DO UPDATE`,
row-value comparisons, `COALESCE`/`NULLIF`); what differs is left to the subclasses: how
connections and transactions are held (`_transaction`, `_cursor`), the parameter style, the
migration steps and the ledger's conflict key. Statements are written with `?` placeholders; `Db`
rewrites them for a driver that uses `%s` (psycopg).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar, Literal, Protocol

from pydantic import ValidationError

from regulator.budget.config import BudgetConfig
from regulator.events import SCOPE_KINDS, CallRecord, Incident, Standing
from regulator.store import keys
from regulator.store.base import (
    REPORT_BY,
    KeyNotFound,
    KeyRow,
    NameTaken,
    ReportBy,
    ReportRow,
)
from regulator.store.delegations import SUBTREE, DelegationQueries
from regulator.store.prevented import PreventedQueries
from regulator.store.reconcile import ReconcileStore
from regulator.store.schema import CALL_COLUMNS, CREATE_VERSION_TABLE, call_to_row, row_to_call
from regulator.types import WINDOWS, Window

_KEY_COLUMNS = "key_id, agent, fleet, org, created_at, revoked_at, prefix"
_INCIDENT_COLUMNS = "incident_id, ts, org, fleet, agent, session, detector, action, evidence, call_ids, seqs, resolved"
_STANDING_COLUMNS = "scope_kind, name, state, reason, until_ts, incident_id, updated_at"
_BUDGET_COLUMNS = ("scope", *WINDOWS, "session")
# `model` reports what was billed: the served model when a downgrade swapped it.
_GROUP_EXPR: dict[ReportBy, str] = {
    "agent": "agent",
    "fleet": "fleet",
    "org": "org",
    "session": "session",
    "model": "COALESCE(NULLIF(served_model, ''), model)",
}
_PAGE = 1000  # rows per `iter_records` page
_REPLACE_REAPED = ", ".join(f"{c} = excluded.{c}" for c in CALL_COLUMNS if c not in ("call_id", "ts"))

log = logging.getLogger(__name__)


def _stored_budget(row: dict[str, Any]) -> BudgetConfig | None:
    """A stored budget without the limits that are invalid now (an older version accepted `inf`):
    one bad row must not take the gateway's budgets, the dashboard and the admin API down with it."""
    try:
        return BudgetConfig.model_validate(row)
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        log.error("stored budget %r: ignoring invalid %s; set it again", row["scope"], ", ".join(sorted(bad)))
    try:
        return BudgetConfig.model_validate({k: v for k, v in row.items() if k not in bad})
    except ValidationError:
        return None


class Cursor(Protocol):
    """What the shared code needs of a DB-API cursor; sqlite3's and psycopg's both fit."""

    @property
    def rowcount(self) -> int: ...
    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: Any, params: Any, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Db:
    """One cursor, spoken to in `?`-style SQL whatever the driver's parameter style."""

    __slots__ = ("_cur", "_format")

    def __init__(self, cur: Cursor, paramstyle: Literal["qmark", "format"]) -> None:
        self._cur = cur
        self._format = paramstyle == "format"

    def _sql(self, sql: str) -> str:
        # A literal % means "placeholder follows" to a format-style driver, so it is doubled first.
        return sql.replace("%", "%%").replace("?", "%s") if self._format else sql

    def run(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        self._cur.execute(self._sql(sql), args)
        return self._cur

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Execute once per row; returns the rows changed in all."""
        self._cur.executemany(self._sql(sql), rows)
        return self._cur.rowcount


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


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


def _window(since: float, until: float | None) -> tuple[str, list[Any]]:
    """`ts` in [since, until) as a WHERE clause and its arguments."""
    if until is None:
        return "ts >= ?", [since]
    return "ts >= ? AND ts < ?", [since, until]


class SQLStore(ReconcileStore, PreventedQueries, DelegationQueries, ABC):
    """`Store` over a SQL database; subclasses supply connections, transactions and migrations."""

    paramstyle: ClassVar[Literal["qmark", "format"]]
    migrations: ClassVar[list[list[str]]]
    call_key: ClassVar[str]  # the ledger's unique key, the conflict target of a re-inserted call

    # what a backend provides

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Cursor]:
        """A cursor inside a write transaction, committed on exit, rolled back on an exception."""

    @abstractmethod
    def _cursor(self) -> AbstractContextManager[Cursor]:
        """A cursor for reads (autocommit), held no longer than the `with` block."""

    @abstractmethod
    def close(self) -> None: ...

    # shared plumbing

    @contextmanager
    def _write(self) -> Iterator[Db]:
        with self._transaction() as cur:
            yield Db(cur, self.paramstyle)

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        with self._cursor() as cur:
            return Db(cur, self.paramstyle).run(sql, args).fetchone()

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self._cursor() as cur:
            return Db(cur, self.paramstyle).run(sql, args).fetchall()

    def _migrate(self) -> None:
        with self._write() as db:
            self._apply_migrations(db)

    def _apply_migrations(self, db: Db) -> None:
        """Run the steps of `migrations` this database has not seen, recording each one."""
        db.run(CREATE_VERSION_TABLE)
        current = db.run("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        for number, step in enumerate(self.migrations[current:], start=current + 1):
            for statement in step:
                db.run(statement)
            db.run("INSERT INTO schema_version (version) VALUES (?)", (number,))

    def schema_version(self) -> int:
        return int(self._one("SELECT MAX(version) FROM schema_version")[0] or 0)

    @staticmethod
    def _bump(db: Db) -> None:
        db.run("UPDATE registry_version SET version = version + 1 WHERE id = 1")

    def registry_version(self) -> int:
        return int(self._one("SELECT version FROM registry_version WHERE id = 1")[0])

    # keys

    def create_key(self, agent: str, fleet: str = "default", org: str = "default") -> tuple[str, KeyRow]:
        plaintext = keys.generate_key()
        row = KeyRow(keys.generate_key_id(), agent, fleet, org, time.time(), None, keys.display_prefix(plaintext))
        with self._write() as db:
            # First: the version row's lock makes key creations on every replica take turns, so the
            # check below sees any key another one just committed (PostgreSQL reads committed rows).
            self._bump(db)
            taken = db.run(
                "SELECT agent, fleet, org FROM api_keys WHERE (agent = ? OR fleet = ?) AND org <> ? LIMIT 1",
                (agent, fleet, org),
            ).fetchone()
            if taken is not None:
                kind, name = ("agent", agent) if taken[0] == agent else ("fleet", fleet)
                raise NameTaken(
                    f"{kind} {name!r} belongs to org {taken[2]!r}; give the one in org {org!r} another name "
                    "(budgets and pauses name agents and fleets without their org)"
                )
            db.run(
                f"INSERT INTO api_keys (key_hash, {_KEY_COLUMNS}) VALUES ({_placeholders(8)})",
                (keys.hash_key(plaintext), row.key_id, agent, fleet, org, row.created_at, None, row.prefix),
            )
        return plaintext, row

    def lookup_key(self, key_hash: str) -> KeyRow | None:
        row = self._one(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?", (key_hash,))
        return None if row is None else KeyRow(*row)

    def list_keys(self) -> list[KeyRow]:
        return [KeyRow(*r) for r in self._all(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, key_id")]

    def revoke_key(self, key_or_id: str) -> KeyRow:
        if keys.looks_like_key(key_or_id):
            where, arg = "key_hash = ?", keys.hash_key(key_or_id)
        else:
            where, arg = "key_id = ?", key_or_id
        with self._write() as db:
            # Revoking twice keeps the first revocation time.
            changed = db.run(
                f"UPDATE api_keys SET revoked_at = ? WHERE {where} AND revoked_at IS NULL", (time.time(), arg)
            ).rowcount
            row = db.run(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE {where}", (arg,)).fetchone()
            if row is None:
                shown = "with that value" if keys.looks_like_key(key_or_id) else key_or_id
                raise KeyNotFound(f"no key {shown}")
            if changed:
                self._bump(db)
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
        updated = (*WINDOWS, "session", "updated_at")
        with self._write() as db:
            db.run(
                f"INSERT INTO budgets ({', '.join(_BUDGET_COLUMNS)}, updated_at) "
                f"VALUES ({_placeholders(len(_BUDGET_COLUMNS) + 1)}) "
                "ON CONFLICT (scope) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updated),
                (scope, *values, budget.session, time.time()),
            )
            self._bump(db)
        return budget

    def list_budgets(self) -> list[BudgetConfig]:
        rows = self._all(f"SELECT {', '.join(_BUDGET_COLUMNS)} FROM budgets ORDER BY scope")
        budgets = (_stored_budget(dict(zip(_BUDGET_COLUMNS, r, strict=True))) for r in rows)
        return [b for b in budgets if b is not None]

    def remove_budget(self, scope: str) -> bool:
        with self._write() as db:
            removed = db.run("DELETE FROM budgets WHERE scope = ?", (scope,)).rowcount > 0
            if removed:
                self._bump(db)
        return removed

    # incidents and standing state

    def add_incident(self, incident: Incident) -> str:
        incident_id = incident.incident_id or "inc_" + secrets.token_hex(8)
        i = incident
        with self._write() as db:
            db.run(
                f"INSERT INTO incidents ({_INCIDENT_COLUMNS}) VALUES ({_placeholders(12)})",
                (
                    *(incident_id, i.ts, i.org, i.fleet, i.agent, i.session, i.detector, i.action, i.evidence),
                    *(json.dumps(i.call_ids), json.dumps(i.seqs), int(i.resolved)),
                ),
            )
        incident.incident_id = incident_id
        return incident_id

    def list_incidents(self, since: float, agent: str | None = None, limit: int = 100) -> list[Incident]:
        sql = f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE ts >= ?"
        args: list[Any] = [since]
        if agent is not None:
            sql += " AND agent = ?"
            args.append(agent)
        return [_incident(r) for r in self._all(sql + " ORDER BY ts DESC LIMIT ?", [*args, limit])]

    def resolve_incident(self, incident_id: str) -> bool:
        with self._write() as db:
            return db.run("UPDATE incidents SET resolved = 1 WHERE incident_id = ?", (incident_id,)).rowcount > 0

    def set_standing(self, standing: Standing) -> None:
        """Record a standing state; `active` (the default state) removes the row."""
        scope_kind, name = standing.scope_kind, standing.name
        if scope_kind not in SCOPE_KINDS:
            raise ValueError(f"scope_kind must be one of {', '.join(SCOPE_KINDS)}, not {scope_kind!r}")
        with self._write() as db:
            if standing.state == "active":
                db.run("DELETE FROM standing WHERE scope_kind = ? AND name = ?", (scope_kind, name))
            else:
                db.run(
                    f"INSERT INTO standing ({_STANDING_COLUMNS}) VALUES ({_placeholders(7)}) "
                    "ON CONFLICT (scope_kind, name) DO UPDATE SET state = excluded.state, "
                    "reason = excluded.reason, until_ts = excluded.until_ts, "
                    "incident_id = excluded.incident_id, updated_at = excluded.updated_at",
                    (
                        scope_kind,
                        name,
                        standing.state,
                        standing.reason,
                        standing.until_ts,
                        standing.incident_id,
                        time.time(),
                    ),
                )
            self._bump(db)

    def get_standing_all(self) -> list[Standing]:
        return [Standing(*r) for r in self._all(f"SELECT {_STANDING_COLUMNS} FROM standing ORDER BY scope_kind, name")]

    def expire_standing(self, now: float) -> int:
        """Remove the standing whose `until_ts` has passed (a cool-down, a `--for` pause); a pause set
        again meanwhile without an expiry, or with a later one, stays."""
        with self._write() as db:
            dropped = db.run("DELETE FROM standing WHERE until_ts IS NOT NULL AND until_ts <= ?", (now,)).rowcount
            if dropped:
                self._bump(db)
        return dropped

    # ledger

    # dashboard sessions

    def start_dashboard_session(self, session_hash: str, expires_at: float) -> None:
        with self._write() as db:
            db.run("DELETE FROM dashboard_sessions WHERE expires_at < ?", (time.time(),))
            db.run(
                "INSERT INTO dashboard_sessions (session_hash, expires_at) VALUES (?, ?)", (session_hash, expires_at)
            )

    def dashboard_session_expiry(self, session_hash: str) -> float | None:
        row = self._one("SELECT expires_at FROM dashboard_sessions WHERE session_hash = ?", (session_hash,))
        return None if row is None else float(row[0])

    def end_dashboard_session(self, session_hash: str) -> None:
        with self._write() as db:
            db.run("DELETE FROM dashboard_sessions WHERE session_hash = ?", (session_hash,))

    def insert_calls(self, records: Sequence[CallRecord]) -> int:
        """Insert in one transaction; a call id already present is skipped (a `reaped` row is replaced
        by the call's own). Returns rows inserted or replaced."""
        with self._write() as db:
            return self._insert_calls(db, records)

    def _insert_calls(self, db: Db, records: Sequence[CallRecord]) -> int:
        # A call already present is skipped, unless what is present is a row a survivor wrote for it
        # (`reaped`, at its reservation) and this is the call's own, with what it really cost.
        sql = (
            f"INSERT INTO calls ({', '.join(CALL_COLUMNS)}) VALUES ({_placeholders(len(CALL_COLUMNS))}) "
            f"ON CONFLICT ({self.call_key}) DO UPDATE SET {_REPLACE_REAPED} "
            "WHERE calls.outcome = 'reaped' AND excluded.outcome <> 'reaped'"
        )
        return db.run_many(sql, [call_to_row(r) for r in records])

    def set_call_summaries(self, summaries: Sequence[tuple[str, float, str]]) -> int:
        """Attach `(call_id, ts, summary)` to rows already inserted; `ts` finds PostgreSQL's partition."""
        with self._write() as db:
            return db.run_many(
                "UPDATE calls SET summary = ? WHERE call_id = ? AND ts = ?",
                [(summary, call_id, ts) for call_id, ts, summary in summaries],
            )

    def session_records(self, session: str, limit: int = 500) -> list[CallRecord]:
        """A session's latest `limit` calls, oldest first."""
        rows = self._all(
            f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE session = ? ORDER BY ts DESC, call_id DESC LIMIT ?",
            [session, limit],
        )
        return [row_to_call(r) for r in reversed(rows)]

    def sum_cost(
        self,
        since: float,
        until: float | None = None,
        *,
        org: str | None = None,
        fleet: str | None = None,
        agent: str | None = None,
        session: str | None = None,
        delegation: str | None = None,
    ) -> float:
        where, args = _window(since, until)
        for column, value in (("org", org), ("fleet", fleet), ("agent", agent), ("session", session)):
            if value is not None:
                where += f" AND {column} = ?"
                args.append(value)
        if delegation is not None:  # a delegated budget counts its whole subtree's calls
            where += f" AND {SUBTREE}"
            args.append(delegation)
        return float(self._one(f"SELECT COALESCE(SUM(cost_usd), 0) FROM calls WHERE {where}", args)[0])

    def report(self, since: float, until: float | None, by: ReportBy) -> list[ReportRow]:
        if by not in REPORT_BY:
            raise ValueError(f"cannot report by {by!r}; expected one of {list(REPORT_BY)}")
        group = _GROUP_EXPR[by]
        where, args = _window(since, until)
        sql = (
            f"SELECT {group} AS k, COUNT(*), SUM(input_tokens), SUM(cached_input_tokens), "
            "SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd), "
            f"SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END) FROM calls WHERE {where} "
            f"GROUP BY {group} ORDER BY SUM(cost_usd) DESC, k"
        )
        # PostgreSQL sums BIGINT columns as NUMERIC: back to int here.
        return [
            ReportRow(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), float(r[6]), int(r[7]))
            for r in self._all(sql, args)
        ]

    def iter_records(self, since: float, until: float | None = None) -> Iterator[CallRecord]:
        # Keyset pages: no cursor or lock is held while the caller consumes rows.
        select = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE"
        order = f"ORDER BY ts, call_id LIMIT {_PAGE}"
        bound = "" if until is None else " AND ts < ?"
        tail: list[Any] = [] if until is None else [until]
        rows = self._all(f"{select} ts >= ?{bound} {order}", [since, *tail])
        while rows:
            yield from (row_to_call(r) for r in rows)
            if len(rows) < _PAGE:
                return
            last = rows[-1]
            rows = self._all(f"{select} (ts, call_id) > (?, ?){bound} {order}", [last[1], last[0], *tail])
