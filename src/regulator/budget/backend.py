"""The counter backend interface: what the engine asks of in-process memory or Redis.

`reserve` is the one call that must be atomic: check every rate limit and every budget that
applies, pick how many output tokens the tightest budget affords, and — only if everything
admits — take the rate-limit units and reserve the cost on every budget, all at once. A refusal
changes nothing. The arithmetic is affine (`input_usd + n × usd_per_output_token`) so a Lua script
can do it without calling back into pricing.

Counters are keyed by `BudgetSlot.key`; a counter whose stored window start is older than the
slot's `start` has rolled over and restarts empty. On first sight of a counter the backend asks
its `SpendLoader` (the ledger) what was already spent in that window, so restarts and new sessions
start from the truth instead of zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from regulator.budget.ratelimit import BucketSpec, ConcurrencySpec, RateRefusal
from regulator.budget.slots import BudgetSlot

# (since, filters) → USD already spent; filters are ledger keyword arguments (agent=…, session=…).
SpendLoader = Callable[[float, dict[str, str]], float]


@dataclass(slots=True)
class ReserveRequest:
    reservation_id: str
    org: str  # every budget, bucket and reservation of one call belongs to the caller's org
    now: float
    expires_at: float
    budgets: Sequence[BudgetSlot]
    buckets: Sequence[BucketSpec]
    concurrency: Sequence[ConcurrencySpec]
    input_tokens: int
    input_usd: float
    usd_per_output_token: float
    max_output_tokens: int  # what the call wants
    min_output_tokens: int  # refuse below this
    # Who made the call, kept with a shared reservation so that a survivor can write its ledger row
    # if the replica that made it dies (`Expired.caller`); None where nobody else could (tests).
    caller: Caller | None = None


@dataclass(slots=True, frozen=True)
class Crossing:
    index: int  # into ReserveRequest.budgets
    threshold: float
    spent: float
    reserved: float


@dataclass(slots=True, frozen=True)
class BudgetRefusal:
    index: int  # the tightest budget
    spent: float
    reserved: float
    blocking: tuple[int, ...]  # every budget that cannot fit the smallest admissible call


@dataclass(slots=True)
class ReserveOutcome:
    output_tokens: int = 0
    reserved_usd: float = 0.0
    remaining_usd: float | None = None
    crossings: list[Crossing] = field(default_factory=list)
    refusal: BudgetRefusal | None = None
    rate_refusal: RateRefusal | None = None


@dataclass(slots=True, frozen=True)
class Overrun:
    index: int
    spent: float
    reserved: float


@dataclass(slots=True)
class SettleOutcome:
    reserved_usd: float = 0.0
    late: bool = False  # the reservation had expired; the cost was counted where its window remains
    # Late, and these counters were missing (Redis came back empty, not re-seeded yet): not counted.
    unseeded: tuple[BudgetSlot, ...] = ()
    overruns: list[Overrun] = field(default_factory=list)
    crossings: list[Crossing] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Caller:
    """The ledger's identity of a call: enough for a row that another replica can write."""

    ts: float  # when it was admitted: with the call id, the ledger's key
    org: str
    fleet: str
    agent: str
    session: str


@dataclass(slots=True, frozen=True)
class Expired:
    """A reservation past its TTL, released by the reaper. Counted at its reserved amount, unless
    `settled`: then its call was settled (and counted) but its ledger row was never reported
    committed, so the replica that made it died in between; `amount_usd` is what it settled at."""

    reservation_id: str
    amount_usd: float
    budgets: tuple[BudgetSlot, ...]
    caller: Caller | None = None  # set where the backend is shared (Redis): the row is the reaper's to write
    settled: bool = False


@dataclass(slots=True, frozen=True)
class CounterState:
    spent: float
    reserved: float


class CounterBackend(Protocol):
    def set_loader(self, loader: SpendLoader | None) -> None: ...

    async def reserve(self, request: ReserveRequest) -> ReserveOutcome: ...

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
        """Replace the reservation by `actual_usd`; `actual_tokens` corrects tokens-per-minute.

        Releasing is settling at 0 USD and 0 tokens. `budgets` lets a late settle (after expiry)
        still count the cost. `org` is the `ReserveRequest.org` the reservation was made with.
        """
        ...

    async def expire(self, now: float) -> list[Expired]: ...

    async def states(self, budgets: Sequence[BudgetSlot]) -> list[CounterState]: ...
