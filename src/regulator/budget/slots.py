"""What the budget engine works with: budgets resolved for one call, admissions, events, status rows.

A `BudgetSlot` is one limit in one window as it applies to one call: `agent:bob` × `day`, or the
session cap of session `s1` of agent `bob`. Its `key` names the counter (the same for every call
that shares it); `start` says which window of that counter the call is charged to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from regulator.events import Identity
from regulator.types import Window

if TYPE_CHECKING:
    from regulator.budget.ratelimit import BucketSpec, ConcurrencySpec


class PriceBound(Protocol):
    """The slice of pricing's `ModelPrice` the engine needs: an upper bound on one call's cost.

    Must be affine in `output_tokens` for a given `input_tokens` (price tiers chosen by input size).
    """

    def worst_case(self, input_tokens: int, output_tokens: int) -> float: ...


@dataclass(slots=True, frozen=True)
class BudgetSlot:
    key: str  # counter name: "fleet:ops|day", "session:bob/run-7|total"
    scope: str  # "fleet:ops", or "session:bob/run-7" for a session cap
    window: Window
    limit: float
    start: float  # unix time the window began (0.0 for total)
    resets_at: float | None  # None for total
    # Ledger filters that select this counter's spend (org=…, fleet=…, agent=…, session=…).
    filters: tuple[tuple[str, str], ...]
    thresholds: tuple[float, ...]
    # Where a session cap comes from ("agent:bob"), for error messages; "" for ordinary budgets.
    cap_from: str = ""
    # The org whose calls this counter meters: Redis keeps each org's counters under its own hash tag.
    org: str = ""


EventKind = Literal["threshold", "overrun", "reservation_expired", "late_settle"]


@dataclass(slots=True, frozen=True)
class BudgetEvent:
    """Something alerts may want to know about one budget.

    threshold            spent + reserved reached `threshold` × limit (once per window)
    overrun              a provider billed more than was reserved; `amount_usd` is the excess
    reservation_expired  a reservation outlived its TTL and was released; `amount_usd` was held
    late_settle          a call settled after its reservation expired; `amount_usd` was counted
    """

    kind: EventKind
    scope: str
    window: Window
    limit_usd: float
    spent_usd: float
    reserved_usd: float
    at: float
    threshold: float | None = None
    amount_usd: float = 0.0
    reservation_id: str = ""


@dataclass(slots=True, frozen=True)
class BudgetStatus:
    """One row of `budgets list` and the admin API."""

    scope: str
    window: Window
    limit_usd: float
    spent_usd: float
    reserved_usd: float
    remaining_usd: float
    resets_at: float | None


@dataclass(slots=True)
class AdmitRequest:
    identity: Identity
    session: str
    call_id: str  # unique per call: it is the reservation id
    price: PriceBound
    input_tokens: int  # upper bound, as counted by pricing
    max_tokens: int | None  # what the caller asked for (None: regulator sets it)
    model_max_output_tokens: int
    now: float


@dataclass(slots=True)
class Admission:
    reservation_id: str
    reserved_usd: float
    max_tokens: int
    # Tightest applicable budget's remaining after this reservation (None: no budget applies).
    remaining_usd: float | None
    budget_events: list[BudgetEvent]
    # True when `max_tokens` differs from what the caller sent: the gateway must rewrite the body.
    clamped: bool
    input_tokens: int
    slots: tuple[BudgetSlot, ...] = field(repr=False)
    buckets: tuple[BucketSpec, ...] = field(repr=False)
    concurrency: tuple[ConcurrencySpec, ...] = field(repr=False)
    call_id: str = ""
    org: str = ""


def scope_filters(scope: str) -> tuple[tuple[str, str], ...]:
    kind, _, name = scope.partition(":")
    return ((kind, name),)


def identity_scopes(identity: Identity) -> tuple[str, str, str]:
    return f"org:{identity.org}", f"fleet:{identity.fleet}", f"agent:{identity.agent}"
