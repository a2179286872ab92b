"""Versioned schema (numbered migration steps, recorded in `schema_version`) and the ledger row mapping.

The DDL is plain SQL that SQLite and PostgreSQL both accept (TEXT, BIGINT, DOUBLE PRECISION,
INTEGER flags, ids generated in Python rather than autoincrement), so one list serves every
backend. A new change is a new step appended at the end; a shipped step is never edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from regulator.events import CallRecord, Usage
from regulator.store.reconcile import CREATE_RECONCILE_RUNS

# The ledger's columns in CallRecord order, usage flattened, with their SQL types; backends build
# their SQL from this.
_CALL_COLUMN_TYPES: tuple[tuple[str, str], ...] = (
    ("call_id", "TEXT NOT NULL"),
    ("ts", "DOUBLE PRECISION NOT NULL"),
    ("org", "TEXT NOT NULL"),
    ("fleet", "TEXT NOT NULL"),
    ("agent", "TEXT NOT NULL"),
    ("session", "TEXT NOT NULL"),
    ("model", "TEXT NOT NULL"),
    ("upstream", "TEXT NOT NULL"),
    ("dialect", "TEXT NOT NULL"),
    ("endpoint", "TEXT NOT NULL"),
    ("served_model", "TEXT NOT NULL"),
    ("input_tokens", "BIGINT NOT NULL"),
    ("cached_input_tokens", "BIGINT NOT NULL"),
    ("cache_write_tokens", "BIGINT NOT NULL"),
    ("output_tokens", "BIGINT NOT NULL"),
    ("reasoning_tokens", "BIGINT NOT NULL"),
    ("cost_usd", "DOUBLE PRECISION NOT NULL"),
    ("reserved_usd", "DOUBLE PRECISION NOT NULL"),
    ("status", "INTEGER NOT NULL"),
    ("outcome", "TEXT NOT NULL"),
    ("latency_ms", "DOUBLE PRECISION NOT NULL"),
    ("overhead_ms", "DOUBLE PRECISION NOT NULL"),
    ("stream", "INTEGER NOT NULL"),
    ("action", "TEXT"),
    ("key_id", "TEXT NOT NULL"),
)
# Columns added to the ledger by later steps (ALTER TABLE), in the order they were added.
_ADDED_CALL_COLUMNS: tuple[tuple[str, str], ...] = (("provider_request_id", "TEXT NOT NULL DEFAULT ''"),)
# `summary` (step 4) is written after the row, by its own UPDATE (store/ledger.py).
CALL_COLUMNS: tuple[str, ...] = (*(name for name, _ in _CALL_COLUMN_TYPES + _ADDED_CALL_COLUMNS), "summary")
SUMMARY_MAX = 200  # characters of a call's summary the ledger keeps


def calls_table(*, partitioned: bool) -> str:
    """The ledger's DDL as step 1 created it: keyed by `call_id`, or range-partitioned on `ts`
    (PostgreSQL; see pg_schema). Later columns come from later steps' ALTER TABLE.

    The unpartitioned text is exactly what migration step 1 shipped with.
    """
    columns = [f"{name} {sql_type}" for name, sql_type in _CALL_COLUMN_TYPES]
    if partitioned:
        columns.append("PRIMARY KEY (call_id, ts)")
    else:
        columns[0] = "call_id TEXT PRIMARY KEY"
    body = ",\n            ".join(columns)
    return f"CREATE TABLE calls (\n            {body}\n        )" + (" PARTITION BY RANGE (ts)" if partitioned else "")


MIGRATIONS: list[list[str]] = [
    # 1: registry and ledger
    [
        "CREATE TABLE registry_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
        "INSERT INTO registry_version (id, version) VALUES (1, 0)",
        """CREATE TABLE api_keys (
            key_id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            agent TEXT NOT NULL,
            fleet TEXT NOT NULL,
            org TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            revoked_at DOUBLE PRECISION
        )""",
        """CREATE TABLE budgets (
            scope TEXT PRIMARY KEY,
            minute DOUBLE PRECISION,
            hour DOUBLE PRECISION,
            day DOUBLE PRECISION,
            week DOUBLE PRECISION,
            month DOUBLE PRECISION,
            total DOUBLE PRECISION,
            session DOUBLE PRECISION,
            updated_at DOUBLE PRECISION NOT NULL
        )""",
        """CREATE TABLE incidents (
            incident_id TEXT PRIMARY KEY,
            ts DOUBLE PRECISION NOT NULL,
            org TEXT NOT NULL,
            fleet TEXT NOT NULL,
            agent TEXT NOT NULL,
            session TEXT NOT NULL,
            detector TEXT NOT NULL,
            action TEXT NOT NULL,
            evidence TEXT NOT NULL,
            call_ids TEXT NOT NULL,
            seqs TEXT NOT NULL,
            resolved INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX incidents_ts ON incidents (ts)",
        "CREATE INDEX incidents_agent_ts ON incidents (agent, ts)",
        """CREATE TABLE standing (
            scope_kind TEXT NOT NULL,
            name TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            until_ts DOUBLE PRECISION,
            incident_id TEXT,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (scope_kind, name)
        )""",
        calls_table(partitioned=False),
        "CREATE INDEX calls_ts ON calls (ts)",
        "CREATE INDEX calls_agent_ts ON calls (agent, ts)",
        "CREATE INDEX calls_fleet_ts ON calls (fleet, ts)",
        "CREATE INDEX calls_org_ts ON calls (org, ts)",
        "CREATE INDEX calls_session ON calls (session)",
    ],
    # 2: dashboard logins, kept server-side so that a logout revokes the cookie on every replica
    [
        """CREATE TABLE dashboard_sessions (
            session_hash TEXT PRIMARY KEY,
            expires_at DOUBLE PRECISION NOT NULL
        )""",
    ],
    # 3: the provider's request id per call, and reconcile runs
    [
        *(f"ALTER TABLE calls ADD COLUMN {name} {sql_type}" for name, sql_type in _ADDED_CALL_COLUMNS),
        CREATE_RECONCILE_RUNS,
        "CREATE INDEX reconcile_runs_ts ON reconcile_runs (ts)",
    ],
    # 4: what the agent did, per call (written after the row, by the detection thread's summary)
    [
        "ALTER TABLE calls ADD COLUMN summary TEXT",
    ],
    # 5: spend regulator prevented, one row per stopped agent or session per UTC day (store/prevented.py)
    [
        """CREATE TABLE prevented (
            day INTEGER NOT NULL,
            scope TEXT NOT NULL,
            ts DOUBLE PRECISION NOT NULL,
            org TEXT NOT NULL,
            fleet TEXT NOT NULL,
            agent TEXT NOT NULL,
            session TEXT NOT NULL,
            burn_usd_per_hour DOUBLE PRECISION NOT NULL,
            end_ts DOUBLE PRECISION NOT NULL,
            usd DOUBLE PRECISION NOT NULL,
            basis TEXT NOT NULL,
            PRIMARY KEY (day, scope)
        )""",
        "CREATE INDEX prevented_ts ON prevented (ts)",
    ],
    # 6: delegated budgets (store/delegations.py)
    [
        """CREATE TABLE delegations (
            delegation_id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            session TEXT NOT NULL,
            parent_id TEXT,
            path TEXT NOT NULL,
            agent TEXT NOT NULL,
            fleet TEXT NOT NULL,
            org TEXT NOT NULL,
            cap_usd DOUBLE PRECISION NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION,
            closed_at DOUBLE PRECISION,
            UNIQUE (key_id, session)
        )""",
        "CREATE INDEX delegations_path ON delegations (path)",
        "CREATE INDEX calls_key_id ON calls (key_id)",
    ],
]

CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"


def call_to_row(rec: CallRecord) -> tuple[object, ...]:
    u = rec.usage
    return (
        rec.call_id,
        rec.ts,
        rec.org,
        rec.fleet,
        rec.agent,
        rec.session,
        rec.model,
        rec.upstream,
        rec.dialect,
        rec.endpoint,
        rec.served_model,
        u.input_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.output_tokens,
        u.reasoning_tokens,
        rec.cost_usd,
        rec.reserved_usd,
        rec.status,
        rec.outcome,
        rec.latency_ms,
        rec.overhead_ms,
        int(rec.stream),
        rec.action,
        rec.key_id,
        rec.provider_request_id,
        rec.summary,
    )


def row_to_call(row: Sequence[Any]) -> CallRecord:
    return CallRecord(
        call_id=row[0],
        ts=row[1],
        org=row[2],
        fleet=row[3],
        agent=row[4],
        session=row[5],
        model=row[6],
        upstream=row[7],
        dialect=row[8],
        endpoint=row[9],
        served_model=row[10],
        usage=Usage(row[11], row[12], row[13], row[14], row[15]),
        cost_usd=row[16],
        reserved_usd=row[17],
        status=row[18],
        outcome=row[19],
        latency_ms=row[20],
        overhead_ms=row[21],
        stream=bool(row[22]),
        action=row[23],
        key_id=row[24],
        provider_request_id=row[25],
        summary=row[26],
    )
