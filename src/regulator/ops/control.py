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
from regulator.budget.model import BudgetEvent, BudgetStatus
from regulator.config import Config
from regulator.events import CallRecord
from regulator.store.base import ScopeKind, Store

Action = Literal["pause", "resume", "kill", "reinstate"]
ACTIONS: tuple[Action, ...] = ("pause", "resume", "kill", "reinstate")
# Which standing state each operator action leaves the agent or session in.
ACTION_STATE: dict[Action, str] = {
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


class LedgerView(Protocol):
    def queue_depth(self) -> int: ...

    def flush(self, timeout: float | None = None) -> bool: ...


class Standings(Protocol):
    """What the policy's standing state offers: a change applies to the very next call."""

    def set(
        self,
        scope_kind: ScopeKind,
        name: str,
        state: Any,
        reason: str = "",
        until_ts: float | None = None,
        incident_id: str | None = None,
    ) -> None: ...


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
    def policy(self) -> Any: ...

    def add_call_listener(self, listener: Callable[[CallRecord], None]) -> None: ...

    def add_budget_listener(self, listener: Callable[[BudgetEvent], None]) -> None: ...

    async def publish_standing(self, change: dict[str, Any]) -> None: ...

    def forget_keys(self) -> None: ...


def standings_of(gateway: OpsGateway) -> Standings | None:
    """The live standing state: the policy's own, or the policy itself if it is one."""
    for candidate in (getattr(gateway.policy, "standing", None), gateway.policy):
        if candidate is not None and callable(getattr(candidate, "set", None)):
            return candidate  # type: ignore[no-any-return]
    return None


def apply_action(gateway: OpsGateway, scope_kind: ScopeKind, name: str, action: Action, reason: str) -> str:
    """Change an agent's or session's standing; returns the new state.

    Through the policy's standing state when there is one (effective on the next call and
    persisted), else in the store alone (picked up when the policy next loads it).
    """
    state = ACTION_STATE[action]
    why = reason or f"{action} by operator at {time.strftime('%Y-%m-%d %H:%M:%S')}"
    standings = standings_of(gateway)
    if standings is not None:
        standings.set(scope_kind, name, state, why)
    else:
        gateway.store.set_standing(scope_kind, name, state, why)
    return state
