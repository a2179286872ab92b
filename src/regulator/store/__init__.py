"""The ledger and the registry (keys, budgets, incidents, standing state), behind one `Store` protocol.

`open_store` picks the backend from a URL: `sqlite:///path/to.db`, `postgresql://…` (or
`postgres://…`), or a data directory (its `regulator.db`).
"""

from __future__ import annotations

from pathlib import Path

from regulator.store.base import KeyNotFound, KeyRow, NameTaken, ReportRow, Store
from regulator.store.keys import hash_key
from regulator.store.ledger import Ledger, RecoveryReport

__all__ = [
    "DB_NAME",
    "JOURNAL_NAME",
    "KeyNotFound",
    "KeyRow",
    "Ledger",
    "NameTaken",
    "RecoveryReport",
    "ReportRow",
    "Store",
    "hash_key",
    "open_store",
    "sqlite_path",
]

DB_NAME = "regulator.db"
JOURNAL_NAME = "journal.log"


def sqlite_path(url_or_data_dir: str | Path) -> Path | None:
    """The SQLite file `open_store` opens for this target; None for a PostgreSQL URL."""
    target = str(url_or_data_dir)
    if target.startswith("sqlite:///"):
        return Path(target.removeprefix("sqlite:///") or DB_NAME)
    if target.startswith(("postgresql://", "postgres://")):
        return None
    if "://" in target:
        raise ValueError(
            f"unsupported store URL {target!r}: expected sqlite:///path, postgresql://… or a data directory"
        )
    return Path(target) / DB_NAME


def open_store(url_or_data_dir: str | Path) -> Store:
    path = sqlite_path(url_or_data_dir)
    if path is None:
        from regulator.store.postgres import PostgresStore

        return PostgresStore(str(url_or_data_dir))
    from regulator.store.sqlite import SQLiteStore

    return SQLiteStore(path)
