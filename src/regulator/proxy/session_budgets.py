"""Child budgets opened by header: `x-regulator-budget-usd: 0.20` on the first call of a session.

A delegated budget's key (store/delegations.py) may open a budget for one of its sessions: the call
names the session (`x-regulator-session`) and the amount; the session's calls are then charged to
it and to the key's whole chain, as a child key's would be. The first call fixes the cap (what was
asked, or what the key's budget has left if less); the header on later calls is ignored, and may be
left off. Ordinary keys pay nothing here; a delegated key's new session costs one store read per
replica (then cached), so a replica learns of a budget another opened from the store, never late:
a session without one is re-checked after `RECHECK_S`.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import replace

from regulator.budget.engine import BudgetEngine
from regulator.errors import BadRequest, Forbidden
from regulator.events import Identity
from regulator.store import Store
from regulator.store.delegations import Delegation

HEADER = "x-regulator-budget-usd"
RECHECK_S = 1.0  # how long "this session has no budget of its own" is believed
MAX_CACHED = 100_000


def _amount(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 < value <= 1e9:
        raise BadRequest(f"{HEADER}: expected an amount of USD above 0, got {text!r}")
    return value


class SessionBudgets:
    def __init__(self, store: Store, budget: BudgetEngine) -> None:
        self.store = store
        self.budget = budget
        # (key id, session) → the session's chain, or the time until which it is known to have none.
        self._known: dict[tuple[str, str], tuple[tuple[str, float], ...] | float] = {}

    async def resolve(self, identity: Identity, session: str, asked: str | None, explicit: bool) -> Identity:
        """`identity` with the session's delegated budget in front of its chain, if it has one."""
        if not identity.delegation:
            if asked is not None:
                raise BadRequest(
                    f"{HEADER} carves a session's budget from a delegated budget: this key has none "
                    "(open one with 'regulator delegations open')."
                )
            return identity
        if asked is not None and not explicit:
            raise BadRequest(f"{HEADER} needs the session named by x-regulator-session.")
        key = (identity.key_id, session)
        known = self._known.get(key)
        now = time.time()
        if isinstance(known, tuple):
            return replace(identity, delegation=known)
        if known is not None and now < known and asked is None:
            return identity
        chain = await asyncio.to_thread(self.store.delegation_chain, identity.key_id, session)
        if not chain and asked is not None:
            chain = await self._open(identity, session, _amount(asked))
        if len(self._known) >= MAX_CACHED:
            self._known.clear()
        if not chain:
            self._known[key] = now + RECHECK_S
            return identity
        if not chain[0].live(now):
            raise Forbidden("This session's delegated budget was closed or has expired.")
        delegation = tuple((d.delegation_id, d.cap_usd) for d in chain)
        self._known[key] = delegation
        return replace(identity, delegation=delegation)

    def forget(self) -> None:
        """The registry changed (a budget closed, another opened): read the store again."""
        self._known.clear()

    async def _open(self, identity: Identity, session: str, amount: float) -> list[Delegation]:
        left = await self.budget.delegation_remaining(identity.delegation, identity.org)
        if left <= 0:
            raise Forbidden("This key's delegated budget has nothing left to give a session.")
        parent = await asyncio.to_thread(self.store.get_delegation, identity.delegation[0][0])
        if parent is None:
            raise Forbidden("This key's delegated budget no longer exists.")
        return await asyncio.to_thread(self.store.open_session_delegation, parent, session, min(amount, left))
