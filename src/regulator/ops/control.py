"""The slice of the gateway the operator surfaces use, as narrow protocols.

Ops reads and steers the gateway only through these, so the admin API, dashboard, alerts and
metrics can be built and tested against any object that has them (the real `Gateway` does).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

from regulator.budget.config import BudgetConfig
from regulator.budget.slots import BudgetEvent, BudgetStatus
from regulator.config import Config
from regulator.events import CallRecord, ScopeKind, Standing
from regulator.policy.standing import State
from regulator.policy.supervisor import Supervisor
from regulator.store.base import Store

Action = Literal["pause", "resume", "kill", "reinstate"]
ACTIONS: tuple[Action, ...] = ("pause", "resume", "kill", "reinstate")
# Which standing state each operator action leaves the agent, session, fleet or org in.
ACTION_STATE: dict[Action, State] = {
    "pause": "paused",
    "resume": "active",
    "kill": "killed",
    "reinstate": "active",
}


class BudgetView(Protocol):
    @property
    def budgets(self) -> list[BudgetConfig]: ...

    def set_budgets(self, budgets: list[BudgetConfig]) -> None: ...

    async def snapshot(self, now: float | None = None) -> list[BudgetStatus]: ...

    async def delegation_status(self, delegation_id: str, cap: float, org: str) -> tuple[float, float]: ...

    async def delegation_remaining(self, chain: tuple[tuple[str, float], ...], org: str) -> float: ...


class LedgerView(Protocol):
    def queue_depth(self) -> int: ...

    def flush(self, timeout: float | None = None) -> bool: ...


class OpsGateway(Protocol):
    # Read-only properties: a protocol attribute would have to match the gateway's types exactly.
    @property
    def config(self) -> Config: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def store(self) -> Store: ...
    @property
    def ledger(self) -> LedgerView: ...
    @property
    def budget(self) -> BudgetView: ...
    @property
    def supervisor(self) -> Supervisor: ...

    def add_call_listener(self, listener: Callable[[CallRecord], None]) -> None: ...

    def add_budget_listener(self, listener: Callable[[BudgetEvent], None]) -> None: ...

    async def publish_standing(self, change: dict[str, Any]) -> None: ...

    def forget_keys(self) -> None: ...


def apply_action(
    gateway: OpsGateway,
    scope_kind: ScopeKind,
    name: str,
    action: Action,
    reason: str,
    until_ts: float | None = None,
) -> str:
    """Change an agent's, session's, fleet's or org's standing; returns the new state.

    Through the supervisor's standing book: effective on this replica's next call, persisted in the
    store, and published to the other replicas by the caller. `until_ts` lifts a pause or kill by
    itself at that time.
    """
    state = ACTION_STATE[action]
    why = reason or f"{action} by operator at {time.strftime('%Y-%m-%d %H:%M:%S')}"
    gateway.supervisor.standing.set(Standing(scope_kind, name, state, why, until_ts if state != "active" else None))
    return state
