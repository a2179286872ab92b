"""Redis counters with a configured answer to Redis being unreachable (`counters.fail_open`).

Fail closed (the default): every admission raises `CountersUnavailable` (503) until Redis answers.
Calls already admitted still finish and are recorded: a settle that cannot reach Redis is replayed
when it answers (until then the reservation holds their worst case, so nothing can overspend).

Fail open: admissions go to a local in-process `MemoryBackend` (seeded from the ledger), and each
such admission is marked degraded (`is_degraded(reservation_id)`) so the gateway can say so in a
header and an alert. While degraded, Redis is probed at most once per `probe_interval_s`, so calls
do not each wait for a connect timeout. Spend settled locally is accumulated per counter and pushed
to Redis when it answers again, under one push id: a push retried after a lost reply is applied
once. A settle of a Redis reservation that fails during the outage is replayed when Redis returns,
and so is a release of every admission attempt that failed over (its request may have reached
Redis and run after all). A settle whose reply alone was lost runs twice: that call is counted
twice (never under-counted), which is the safe side of the guarantee.

If Redis came back empty, its counters are re-seeded from the ledger, which may hold some of those
calls already. Which ones is decided by when their rows were committed, not when they settled (a
loaded database can take seconds): pushed spend and replayed settles wait for the ledger's word
that their rows are in (`rows_committed`, from its writer thread) and reach Redis stamped with that
time, and `RedisBackend` adds neither to a counter whose seed read began after it (its `seeded`
stamp). A row committed later is not in the seed and is added; so is a call settled late onto a
counter not yet re-seeded, once its row is in, if the seed came first.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Sequence

from regulator.budget.backend import (
    CounterState,
    Expired,
    ReserveOutcome,
    ReserveRequest,
    SettleOutcome,
    SpendLoader,
)
from regulator.budget.memory import MemoryBackend
from regulator.budget.redis import RedisBackend
from regulator.budget.slots import BudgetSlot
from regulator.errors import CountersUnavailable

log = logging.getLogger(__name__)

# reservation id, budgets, USD, tokens, when it settled (when its ledger row was committed, once it was), org
_Settle = tuple[str, tuple[BudgetSlot, ...], float, int | None, float, str]


class FailoverBackend:
    def __init__(
        self,
        primary: RedisBackend,
        *,
        fail_open: bool = False,
        probe_interval_s: float = 1.0,
        on_degraded: Callable[[bool], None] | None = None,
    ) -> None:
        self.primary = primary
        self.fail_open = fail_open
        self.probe_interval_s = probe_interval_s
        self.on_degraded = on_degraded
        self._loader: SpendLoader | None = None
        self._local: MemoryBackend | None = None
        self._local_ids: dict[str, MemoryBackend] = {}
        # Spend settled on local counters, per counter and tenth of a second (`RedisBackend.push_spend`).
        self._deltas: dict[BudgetSlot, dict[int, float]] = {}
        self._push_id = ""
        self._replay: list[_Settle] = []
        # Spend that reaches Redis only once its ledger row is committed (see the module docstring),
        # per call id: settled on local counters, and settles of Redis reservations to replay.
        self._local_spend: dict[str, tuple[tuple[BudgetSlot, ...], float]] = {}
        self._unreplayed: dict[str, _Settle] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cleanups: set[asyncio.Future[None]] = set()
        self._syncing = asyncio.Lock()
        self._degraded = False
        self._next_probe = 0.0

    @property
    def degraded(self) -> bool:
        return self._degraded

    def is_degraded(self, reservation_id: str) -> bool:
        """True when this reservation was admitted on local counters (Redis unreachable)."""
        return reservation_id in self._local_ids

    def set_loader(self, loader: SpendLoader | None) -> None:
        self._loader = loader
        self.primary.set_loader(loader)

    def rows_committed(self, call_ids: Sequence[str], at: float) -> None:
        """The ledger's writer thread: these calls' rows are in the database since `at` (wall clock)."""
        if (self._local_spend or self._unreplayed or self.primary.awaits_rows()) and self._loop is not None:
            self._loop.call_soon_threadsafe(self._committed, call_ids, at)

    def _committed(self, call_ids: Sequence[str], at: float) -> None:
        tick = int(at * 10)
        for call_id in call_ids:
            spend = self._local_spend.pop(call_id, None)
            if spend is not None:
                budgets, usd = spend
                for slot in budgets:
                    ticks = self._deltas.setdefault(slot, {})
                    ticks[tick] = ticks.get(tick, 0.0) + usd
            held = self._unreplayed.pop(call_id, None)
            if held is not None:
                rid, slots, usd, tokens, _, org = held
                self._replay.append((rid, slots, usd, tokens, at, org))
        if self.primary.awaits_rows():
            cleanup = asyncio.ensure_future(self.primary.rows_committed(call_ids))
            self._cleanups.add(cleanup)  # held until done: the loop keeps only weak references to tasks
            cleanup.add_done_callback(self._cleanups.discard)

    def _note_loop(self) -> None:
        """Commit notices arrive on the ledger's writer thread; they are handed to this event loop."""
        self._loop = asyncio.get_running_loop()

    def _replay_later(self, settle: _Settle) -> None:
        if settle[2]:
            self._note_loop()
            self._unreplayed[settle[0]] = settle
        else:  # a release: nothing the ledger could hold
            self._replay.append(settle)

    def _set_degraded(self, degraded: bool) -> None:
        if degraded == self._degraded:
            return
        self._degraded = degraded
        if degraded:
            log.error("Redis counters unreachable: admitting on local counters (fail_open)")
            self._local = MemoryBackend(self._loader)
        else:
            log.warning("Redis counters reachable again: local spend will be pushed once")
            self._local = None
        if self.on_degraded is not None:
            self.on_degraded(degraded)

    async def _recovered(self) -> None:
        self._set_degraded(False)
        await self.sync()

    async def sync(self) -> None:
        """Push local spend and replay failed settles; safe to call any time, a no-op when clean.

        One at a time: calls recovering together must not push or replay the same spend twice.
        """
        async with self._syncing:
            if self._deltas:
                if not self._push_id:
                    self._push_id = secrets.token_hex(8)
                deltas = {slot: dict(ticks) for slot, ticks in self._deltas.items()}
                await self.primary.push_spend(self._push_id, deltas)
                # Settles that landed while the push was in flight stay for the next one.
                for slot, ticks in deltas.items():
                    left = self._deltas[slot]
                    for tick, amount in ticks.items():
                        rest = left[tick] - amount
                        if rest:
                            left[tick] = rest
                        else:
                            del left[tick]
                    if not left:
                        del self._deltas[slot]
                self._push_id = ""
            while self._replay:
                rid, budgets, actual, tokens, at, org = self._replay[0]
                await self.primary.settle(rid, budgets, actual, tokens, at, org=org)
                self._replay.pop(0)

    async def reserve(self, request: ReserveRequest) -> ReserveOutcome:
        self._note_loop()
        if not self._degraded or time.monotonic() >= self._next_probe:
            try:
                outcome = await self.primary.reserve(request)
            except CountersUnavailable:
                if not self.fail_open:
                    raise
                self._set_degraded(True)
                self._next_probe = time.monotonic() + self.probe_interval_s
                # The attempt may still run when Redis comes back (a reply lost, not the request):
                # releasing it then is harmless if it never ran.
                self._replay_later((request.reservation_id, tuple(request.budgets), 0.0, 0, request.now, request.org))
            else:
                if self._degraded or self._deltas or self._replay:
                    await self._recovered_quietly()
                return outcome
        assert self._local is not None
        outcome = await self._local.reserve(request)
        if outcome.refusal is None and outcome.rate_refusal is None:
            self._local_ids[request.reservation_id] = self._local
        return outcome

    async def _recovered_quietly(self) -> None:
        try:
            await self._recovered()
        except CountersUnavailable:
            self._next_probe = time.monotonic() + self.probe_interval_s

    async def settle(
        self,
        reservation_id: str,
        budgets: Sequence[BudgetSlot],
        actual_usd: float,
        actual_tokens: int | None,
        now: float,
        *,
        org: str,
    ) -> SettleOutcome:
        local = self._local_ids.pop(reservation_id, None)
        if local is not None:
            outcome = await local.settle(reservation_id, budgets, actual_usd, actual_tokens, now, org=org)
            if actual_usd:
                self._note_loop()
                self._local_spend[reservation_id] = (tuple(budgets), actual_usd)
            return outcome
        try:
            outcome = await self.primary.settle(reservation_id, budgets, actual_usd, actual_tokens, now, org=org)
        except CountersUnavailable:
            # Fail open or closed, the call happened: it is recorded now and counted when Redis answers
            # (meanwhile its reservation, held in Redis, keeps its worst case counted).
            self._replay_later((reservation_id, tuple(budgets), actual_usd, actual_tokens, now, org))
            return SettleOutcome()
        if outcome.unseeded:
            self._replay_later((reservation_id, outcome.unseeded, actual_usd, actual_tokens, now, org))
        return outcome

    async def expire(self, now: float) -> list[Expired]:
        expired = await self.primary.expire(now)
        for local in {id(b): b for b in self._local_ids.values()}.values():
            for gone in await local.expire(now):
                self._local_ids.pop(gone.reservation_id, None)
                expired.append(gone)
        if self._degraded:
            # With no call coming in to probe Redis, the sweep does: local spend must not wait for traffic.
            if time.monotonic() >= self._next_probe:
                self._next_probe = time.monotonic() + self.probe_interval_s
                if await self.primary.ping():
                    await self._recovered_quietly()
        elif self._deltas or self._replay:
            await self._recovered_quietly()
        return expired

    async def states(self, budgets: Sequence[BudgetSlot]) -> list[CounterState]:
        try:
            return await self.primary.states(budgets)
        except CountersUnavailable:
            if not self.fail_open or self._local is None:
                raise
            return await self._local.states(budgets)
