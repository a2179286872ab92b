"""Delegated budgets in the registry: a cap carved from a parent's, to any depth.

A delegation is a cap on a key (`session` "": every call of that key) or on one session of its
key (opened by the `x-regulator-budget-usd` header on the session's first call). Its calls are
charged, in one atomic reservation, to its own counter and to every ancestor's (budget/engine.py),
so no child exceeds its cap and no parent's tree exceeds the parent's — across replicas, since the
counters are shared. `path` is the chain of ids from the root (`dlg_a/dlg_b/dlg_c`), which lets the
ledger re-count a delegation's whole subtree (`sum_cost(…, delegation=…)`) when a counter must be
rebuilt.
"""

from __future__ import annotations

import secrets
import time
from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import astuple, dataclass
from typing import Any

from regulator.store.base import KeyNotFound, KeyRow

_COLUMNS = (
    "delegation_id, key_id, session, parent_id, path, agent, fleet, org, cap_usd, created_at, expires_at, closed_at"
)
_INSERT = f"INSERT INTO delegations ({_COLUMNS}) VALUES ({', '.join('?' * 12)})"
# The ledger rows of a delegation's subtree (for `sum_cost`'s `delegation` filter): every call of
# a key delegation's key, and a session delegation's session of its key.
SUBTREE = (
    "EXISTS (SELECT 1 FROM delegations c, delegations d WHERE d.delegation_id = ? "
    "AND (c.path = d.path OR c.path LIKE d.path || '/%') "
    "AND c.key_id = calls.key_id AND (c.session = '' OR c.session = calls.session))"
)


class DelegationError(ValueError):
    """The parent cannot delegate (no budget of its own, closed, expired) or the request is invalid."""


@dataclass(slots=True, frozen=True)
class Delegation:
    delegation_id: str
    key_id: str
    session: str  # "" for a key's own budget; a session id for one opened by header on that session
    parent_id: str | None
    path: str
    agent: str
    fleet: str
    org: str
    cap_usd: float
    created_at: float
    expires_at: float | None
    closed_at: float | None

    def live(self, now: float) -> bool:
        return self.closed_at is None and (self.expires_at is None or now < self.expires_at)


class DelegationQueries:
    """The delegation queries of `SQLStore` (mixed into it)."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...

    @abstractmethod
    def create_key(self, agent: str, fleet: str = "default", org: str = "default") -> tuple[str, KeyRow]: ...

    @abstractmethod
    def revoke_key(self, key_or_id: str) -> KeyRow: ...

    @staticmethod
    @abstractmethod
    def _bump(db: Any) -> None: ...

    def get_delegation(self, delegation_id: str) -> Delegation | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM delegations WHERE delegation_id = ?", [delegation_id])
        return Delegation(*rows[0]) if rows else None

    def delegation_of_key(self, key_id: str) -> Delegation | None:
        return self.session_delegation(key_id, "")

    def session_delegation(self, key_id: str, session: str) -> Delegation | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM delegations WHERE key_id = ? AND session = ?", [key_id, session])
        return Delegation(*rows[0]) if rows else None

    def delegation_chain(self, key_id: str, session: str = "") -> list[Delegation]:
        """The key's (or its session's) delegation, then its parent's, … up to the root ([] if none)."""
        own = self.session_delegation(key_id, session)
        if own is None:
            return []
        ids = own.path.split("/")
        marks = ", ".join("?" * len(ids))
        rows = {
            r[0]: Delegation(*r)
            for r in self._all(f"SELECT {_COLUMNS} FROM delegations WHERE delegation_id IN ({marks})", ids)
        }
        return [rows[i] for i in reversed(ids)]

    def list_delegations(self) -> list[Delegation]:
        return [Delegation(*r) for r in self._all(f"SELECT {_COLUMNS} FROM delegations ORDER BY path")]

    def create_delegation(
        self,
        cap_usd: float,
        *,
        parent: Delegation | None = None,
        agent: str = "",
        fleet: str = "default",
        org: str = "default",
        expires_at: float | None = None,
    ) -> tuple[str, Delegation]:
        """A new key with its own cap: a root (`parent` None, naming agent/fleet/org) or a child of
        `parent` (the same fleet and org; the parent's agent unless named). Returns the key once."""
        now = time.time()
        if parent is not None:
            if not parent.live(now):
                raise DelegationError(f"delegation {parent.delegation_id} is closed or expired")
            fleet, org, agent = parent.fleet, parent.org, agent or parent.agent
            if parent.expires_at is not None:  # a child never outlives its parent
                expires_at = parent.expires_at if expires_at is None else min(expires_at, parent.expires_at)
        if not agent:
            raise DelegationError("agent: a root delegation names its agent")
        plaintext, key = self.create_key(agent, fleet, org)
        delegation_id = "dlg_" + secrets.token_hex(8)
        path = delegation_id if parent is None else f"{parent.path}/{delegation_id}"
        parent_id = parent.delegation_id if parent else None
        row = Delegation(
            delegation_id, key.key_id, "", parent_id, path, agent, fleet, org, cap_usd, now, expires_at, None
        )
        with self._write() as db:
            db.run(_INSERT, astuple(row))
        return plaintext, row

    def open_session_delegation(self, parent: Delegation, session: str, cap_usd: float) -> list[Delegation]:
        """The budget of `session` on `parent`'s key, carved from `parent`; when replicas open it at
        once the first to commit wins. Returns its chain, itself first."""
        delegation_id = "dlg_" + secrets.token_hex(8)
        row = Delegation(
            delegation_id,
            parent.key_id,
            session,
            parent.delegation_id,
            f"{parent.path}/{delegation_id}",
            parent.agent,
            parent.fleet,
            parent.org,
            cap_usd,
            time.time(),
            parent.expires_at,
            None,
        )
        with self._write() as db:
            db.run(_INSERT + " ON CONFLICT (key_id, session) DO NOTHING", astuple(row))
        return self.delegation_chain(parent.key_id, session)

    def close_delegation(self, delegation_id: str, now: float | None = None) -> list[Delegation]:
        """Close a delegation and its whole subtree, revoking their keys; returns what was closed."""
        at = time.time() if now is None else now
        rows = self._all(
            f"SELECT {_COLUMNS} FROM delegations c WHERE c.closed_at IS NULL AND EXISTS (SELECT 1 FROM "
            "delegations d WHERE d.delegation_id = ? AND (c.path = d.path OR c.path LIKE d.path || '/%'))",
            [delegation_id],
        )
        if not rows and not self._all("SELECT 1 FROM delegations WHERE delegation_id = ?", [delegation_id]):
            raise KeyNotFound(f"No delegation {delegation_id!r}.")
        closed = [Delegation(*r) for r in rows]
        with self._write() as db:
            db.run_many(
                "UPDATE delegations SET closed_at = ? WHERE delegation_id = ?", [(at, d.delegation_id) for d in closed]
            )
            self._bump(db)  # every replica re-reads what it cached of these budgets
        for d in closed:
            if not d.session:  # a session's budget has no key of its own: the gateway refuses its calls
                self.revoke_key(d.key_id)
        return closed
