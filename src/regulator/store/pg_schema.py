"""PostgreSQL's migration steps: the shared registry DDL, and a ledger partitioned by day.

Step N here is step N of `schema.MIGRATIONS` (the version numbers mean the same schema on both
backends), with one difference: `calls` is range-partitioned on `ts`, one partition per UTC day,
created on demand by the writer. A partitioned table's unique keys must include the partition key,
so the primary key is `(call_id, ts)`; a call id is re-inserted only by journal recovery, with the
same `ts`, so duplicates are still skipped. Indexes declared on the parent apply to every partition.
"""

from __future__ import annotations

from regulator.store.schema import MIGRATIONS, calls_table

DAY_SECONDS = 86400
_PARTITION_PREFIX = "calls_d"


def _partitioned(step: list[str]) -> list[str]:
    return [calls_table(partitioned=True) if s.startswith("CREATE TABLE calls ") else s for s in step]


PG_MIGRATIONS: list[list[str]] = [
    # 1: registry and ledger indexes as shared, ledger partitioned
    _partitioned(MIGRATIONS[0]),
    # 2: dashboard sessions, as shared
    MIGRATIONS[1],
    # 3: as shared (a column added to the partitioned parent is added to every partition)
    MIGRATIONS[2],
    # 4: the same for the summary column
    MIGRATIONS[3],
    # 5, 6: spend prevented, delegated budgets, as shared
    MIGRATIONS[4],
    MIGRATIONS[5],
]

# Serialises migrations and partition creation between replicas starting or writing at once.
MIGRATION_LOCK = 0x7265_6701
PARTITION_LOCK = 0x7265_6702


def partition_name(day: int) -> str:
    """`calls_d19876` for the UTC day number 19876 (days since the epoch)."""
    return f"{_PARTITION_PREFIX}{day}"


def partition_day(name: str) -> int:
    """The UTC day number a partition named by `partition_name` holds."""
    return int(name.removeprefix(_PARTITION_PREFIX))


def create_partition(day: int) -> str:
    start = day * DAY_SECONDS
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF calls "
        f"FOR VALUES FROM ({start}) TO ({start + DAY_SECONDS})"
    )
