"""PostgreSQL's migration steps: the shared registry DDL, and a ledger partitioned by day.

Step N here is step N of `schema.MIGRATIONS` (the version numbers mean the same schema on both
backends), with one difference: `calls` is range-partitioned on `ts`, one partition per UTC day,
created on demand by the writer. A partitioned table's unique keys must include the partition key,
so the primary key is `(call_id, ts)`; a call id is re-inserted only by journal recovery, with the
same `ts`, so duplicates are still skipped. Indexes declared on the parent apply to every partition.
"""

from __future__ import annotations

from regulator.store.schema import MIGRATIONS

DAY_SECONDS = 86400

_LEDGER = [
    """CREATE TABLE calls (
        call_id TEXT NOT NULL,
        ts DOUBLE PRECISION NOT NULL,
        org TEXT NOT NULL,
        fleet TEXT NOT NULL,
        agent TEXT NOT NULL,
        session TEXT NOT NULL,
        model TEXT NOT NULL,
        upstream TEXT NOT NULL,
        dialect TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        served_model TEXT NOT NULL,
        input_tokens BIGINT NOT NULL,
        cached_input_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        reasoning_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        reserved_usd DOUBLE PRECISION NOT NULL,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        overhead_ms DOUBLE PRECISION NOT NULL,
        stream INTEGER NOT NULL,
        action TEXT,
        key_id TEXT NOT NULL,
        PRIMARY KEY (call_id, ts)
    ) PARTITION BY RANGE (ts)""",
    "CREATE INDEX calls_ts ON calls (ts)",
    "CREATE INDEX calls_agent_ts ON calls (agent, ts)",
    "CREATE INDEX calls_fleet_ts ON calls (fleet, ts)",
    "CREATE INDEX calls_org_ts ON calls (org, ts)",
    "CREATE INDEX calls_session ON calls (session)",
]


def _is_ledger_ddl(statement: str) -> bool:
    return statement.startswith(("CREATE TABLE calls", "CREATE INDEX calls_"))


PG_MIGRATIONS: list[list[str]] = [
    # 1: registry as shared, ledger partitioned
    [s for s in MIGRATIONS[0] if not _is_ledger_ddl(s)] + _LEDGER,
]

# Serialises migrations and partition creation between replicas starting or writing at once.
MIGRATION_LOCK = 0x7265_6701
PARTITION_LOCK = 0x7265_6702


def partition_name(day: int) -> str:
    """`calls_d19876` for the UTC day number 19876 (days since the epoch)."""
    return f"calls_d{day}"


def create_partition(day: int) -> str:
    start = day * DAY_SECONDS
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF calls "
        f"FOR VALUES FROM ({start}) TO ({start + DAY_SECONDS})"
    )
