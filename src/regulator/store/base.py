"""The `Store` protocol and its row types: what every backend (SQLite, PostgreSQL) provides.

A store holds the registry (keys, budgets, incidents, standing state) and the ledger (one row per
call). It is synchronous: the gateway calls its reads through `asyncio.to_thread` on cache misses
only, and call records reach it only through the `Ledger`'s writer thread, in batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from regulator.budget.config import BudgetConfig
from regulator.events import CallRecord, Incident, Standing
from regulator.store.prevented import Burn, Prevented
from regulator.store.reconcile import DayTotal, ReconcileRun

if TYPE_CHECKING:
    from regulator.store.delegations import Delegation
from regulator.types import Window

ReportBy = Literal["agent", "fleet", "model", "session", "org"]
REPORT_BY: tuple[ReportBy, ...] = ("agent", "fleet", "model", "session", "org")


class KeyNotFound(LookupError):
    """No key has that plaintext or id."""


class NameTaken(ValueError):
    """An agent or fleet name already belongs to another org.

    Budgets, rate limits and pauses name agents and fleets without their org (`fleet:ops`), and the
    Redis counters of an org live under its hash tag: one name in two orgs would be one budget to the
    in-process counters and two to Redis. So a name belongs to the org of its first key.
    """


@dataclass(slots=True, frozen=True)
class KeyRow:
    """A regulator key as stored: never the key itself, only its id and a display prefix."""

    key_id: str
    agent: str
    fleet: str
    org: str
    created_at: float
    revoked_at: float | None
    prefix: str = ""  # first characters after `rg-`, enough for a person to tell keys apart

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(slots=True, frozen=True)
class ReportRow:
    """Totals of the calls that share one `by` value."""

    key: str
    calls: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost_usd: float
    errors: int  # calls whose outcome is not `ok`


class StandingStore(Protocol):
    """Where the policy keeps incidents and standing state: a `Store`, or memory in replay and tests."""

    def add_incident(self, incident: Incident) -> str: ...
    def set_standing(self, standing: Standing) -> None: ...
    def get_standing_all(self) -> list[Standing]: ...
    def expire_standing(self, now: float) -> int: ...


class Store(StandingStore, Protocol):
    """Registry and ledger storage. Every registry change bumps `registry_version()`."""

    # registry: keys
    def create_key(self, agent: str, fleet: str = "default", org: str = "default") -> tuple[str, KeyRow]: ...
    def lookup_key(self, key_hash: str) -> KeyRow | None: ...
    def list_keys(self) -> list[KeyRow]: ...
    def revoke_key(self, key_or_id: str) -> KeyRow: ...
    def registry_version(self) -> int: ...

    # registry: budgets (replaces the whole definition of `scope`)
    def set_budget(
        self, scope: str, limits: Mapping[Window, float | None], session_limit: float | None = None
    ) -> BudgetConfig: ...
    def list_budgets(self) -> list[BudgetConfig]: ...
    def remove_budget(self, scope: str) -> bool: ...

    # registry: incidents (added, and standing state kept, as a `StandingStore`)
    def list_incidents(self, since: float, agent: str | None = None, limit: int = 100) -> list[Incident]: ...
    def resolve_incident(self, incident_id: str) -> bool: ...

    # registry: dashboard logins (by the SHA-256 of the session id; the id itself is only in the cookie)
    def start_dashboard_session(self, session_hash: str, expires_at: float) -> None: ...
    def dashboard_session_expiry(self, session_hash: str) -> float | None: ...
    def end_dashboard_session(self, session_hash: str) -> None: ...

    # ledger
    def insert_calls(self, records: Sequence[CallRecord]) -> int: ...
    def set_call_summaries(self, summaries: Sequence[tuple[str, float, str]]) -> int: ...
    def session_records(self, session: str, limit: int = 500) -> list[CallRecord]: ...
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
    ) -> float: ...
    def report(self, since: float, until: float | None, by: ReportBy) -> list[ReportRow]: ...
    def iter_records(self, since: float, until: float | None = None) -> Iterator[CallRecord]: ...

    # reconcile (regulator.reconcile): the ledger per UTC day, and runs newest first
    def ledger_day_totals(self, since: float, until: float) -> list[DayTotal]: ...
    def add_reconcile_run(
        self, run_id: str, ts: float, since: float, until: float, drifts: int, result: dict[str, Any]
    ) -> None: ...
    def list_reconcile_runs(self, limit: int = 20) -> list[ReconcileRun]: ...
    def last_reconcile_run(self) -> ReconcileRun | None: ...
    # delegated budgets (store/delegations.py)
    def get_delegation(self, delegation_id: str) -> Delegation | None: ...
    def delegation_of_key(self, key_id: str) -> Delegation | None: ...
    def session_delegation(self, key_id: str, session: str) -> Delegation | None: ...
    def delegation_chain(self, key_id: str, session: str = "") -> list[Delegation]: ...
    def open_session_delegation(self, parent: Delegation, session: str, cap_usd: float) -> list[Delegation]: ...
    def list_delegations(self) -> list[Delegation]: ...
    def create_delegation(
        self,
        cap_usd: float,
        *,
        parent: Delegation | None = None,
        agent: str = "",
        fleet: str = "default",
        org: str = "default",
        expires_at: float | None = None,
    ) -> tuple[str, Delegation]: ...
    def close_delegation(self, delegation_id: str, now: float | None = None) -> list[Delegation]: ...

    # spend prevented (store/prevented.py)
    def record_prevented(self, rows: Sequence[Prevented]) -> None: ...
    def list_prevented(self, since: float, until: float | None = None) -> list[Prevented]: ...
    def clear_prevented(self, since: float) -> int: ...
    def burn_of(self, column: str, name: str, since: float) -> Burn | None: ...
    def spend_series(self, since: float, step_s: int) -> list[tuple[float, str, float]]: ...

    def close(self) -> None: ...
