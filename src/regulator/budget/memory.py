"""In-process counters: the embedded default (one gateway process).

Every method runs to completion without awaiting, on the event loop thread, so each `reserve` —
rate limits checked, budgets checked, everything taken — is atomic with respect to every other
call. Cost is O(applicable budgets + buckets) dictionary work: a few microseconds.

A rolled-over window gets a fresh counter object; reservations keep a reference to the counter
they were charged to, so settling a call whose window has since rolled changes only the dropped
counter (the ledger still has the call at its admit time, where a rebuild would count it).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence

from regulator.budget.backend import (
    BudgetRefusal,
    CounterState,
    Crossing,
    Expired,
    Overrun,
    ReserveOutcome,
    ReserveRequest,
    SettleOutcome,
    SpendLoader,
)
from regulator.budget.ratelimit import BucketSpec, ConcurrencySpec, RateRefusal, TokenBucket
from regulator.budget.slots import BudgetSlot

# Relative slack before a settle above the reservation counts as an overrun (float rounding only).
OVERRUN_TOLERANCE = 1e-9
# A session cap's counter unused this long, with nothing reserved, is dropped: every session ever
# seen would otherwise keep one. Should the session come back, its spend is read from the ledger
# again, which has long had all of it.
SESSION_COUNTER_IDLE_S = 3600.0


class _Counter:
    __slots__ = ("holds", "notified", "reserved", "spent", "start")

    def __init__(self, start: float, spent: float) -> None:
        self.start = start
        self.spent = spent
        self.reserved = 0.0
        self.holds = 0  # reservations outstanding: at zero, `reserved` is reset to exactly 0.0
        self.notified = 0.0  # highest soft threshold already reported in this window


class _Held:
    __slots__ = ("amount", "buckets", "budgets", "concurrency", "counters", "tokens")

    def __init__(
        self,
        amount: float,
        budgets: tuple[BudgetSlot, ...],
        counters: list[_Counter],
        buckets: tuple[BucketSpec, ...],
        concurrency: tuple[ConcurrencySpec, ...],
        tokens: int,
    ) -> None:
        self.amount = amount
        self.budgets = budgets
        self.counters = counters
        self.buckets = buckets
        self.concurrency = concurrency
        self.tokens = tokens  # charged to tokens-per-minute buckets


def _cross(index: int, slot: BudgetSlot, counter: _Counter, out: list[Crossing]) -> None:
    committed = counter.spent + counter.reserved
    for threshold in slot.thresholds:
        if committed < threshold * slot.limit:
            break
        if threshold > counter.notified:
            out.append(Crossing(index, threshold, counter.spent, counter.reserved))
            counter.notified = threshold


class MemoryBackend:
    def __init__(self, loader: SpendLoader | None = None) -> None:
        self._loader = loader
        self._counters: dict[str, _Counter] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._running: dict[str, int] = {}
        self._held: dict[str, _Held] = {}
        # (expires_at, reservation id) in admit order; settled ids are skipped when they surface.
        self._expiry: deque[tuple[float, str]] = deque()
        # Session caps' counter keys, least recently reserved first, with when that was.
        self._session_use: OrderedDict[str, float] = OrderedDict()

    def set_loader(self, loader: SpendLoader | None) -> None:
        self._loader = loader

    @property
    def outstanding(self) -> int:
        return len(self._held)

    @property
    def awaiting_expiry(self) -> int:
        """Entries of the expiry queue: about `outstanding`, plus settled calls queued behind a slow one."""
        return len(self._expiry)

    @property
    def session_counters(self) -> int:
        return len(self._session_use)

    def _counter(self, slot: BudgetSlot) -> _Counter:
        counter = self._counters.get(slot.key)
        if counter is None:
            spent = self._loader(slot.start, dict(slot.filters)) if self._loader is not None else 0.0
            counter = self._counters[slot.key] = _Counter(slot.start, spent)
        elif counter.start < slot.start:
            # Every call of the new window has come through this process: it starts from zero.
            counter = self._counters[slot.key] = _Counter(slot.start, 0.0)
        return counter

    def _rate_check(self, request: ReserveRequest) -> RateRefusal | None:
        for conc in request.concurrency:
            if self._running.get(conc.key, 0) >= conc.limit:
                return RateRefusal(conc.scope, "concurrent", conc.limit, 1.0)
        for spec in request.buckets:
            bucket = self._buckets.get(spec.key)
            if bucket is None:
                bucket = self._buckets[spec.key] = TokenBucket(spec.per_minute, request.now)
            if spec.kind == "requests_per_minute":
                need = 1.0
            else:
                need = float(request.input_tokens + request.min_output_tokens)
            wait = bucket.shortfall(spec, need, request.now)
            if wait > 0:
                return RateRefusal(spec.scope, spec.kind, spec.per_minute, wait)
        return None

    async def reserve(self, request: ReserveRequest) -> ReserveOutcome:
        if request.reservation_id in self._held:
            raise ValueError(f"reservation {request.reservation_id!r} is already held")
        rate_refusal = self._rate_check(request)
        if rate_refusal is not None:
            return ReserveOutcome(rate_refusal=rate_refusal)

        slots = request.budgets
        counters = [self._counter(slot) for slot in slots]
        for slot in slots:
            if slot.cap_from:
                self._session_use[slot.key] = request.now
                self._session_use.move_to_end(slot.key)
        avail = float("inf")
        tight = -1
        for i, (slot, counter) in enumerate(zip(slots, counters, strict=True)):
            room = slot.limit - counter.spent - counter.reserved
            if room < avail:
                avail, tight = room, i

        price, base = request.usd_per_output_token, request.input_usd
        tokens = request.max_output_tokens
        if base + tokens * price > avail:
            tokens = -1 if base > avail else (tokens if price <= 0 else min(tokens, int((avail - base) / price)))
        amount = base + tokens * price
        # Float rounding can leave `amount` an ulp above the room it was computed from.
        for _ in range(2):
            if tokens < request.min_output_tokens or all(
                c.spent + c.reserved + amount <= s.limit for s, c in zip(slots, counters, strict=True)
            ):
                break
            tokens = tokens - 1 if price > 0 else -1
            amount = base + tokens * price
        else:
            tokens = -1
        if tokens < request.min_output_tokens:
            smallest = base + request.min_output_tokens * price
            blocking = tuple(
                i
                for i, (s, c) in enumerate(zip(slots, counters, strict=True))
                if c.spent + c.reserved + smallest > s.limit
            )
            counter = counters[tight]
            refusal = BudgetRefusal(tight, counter.spent, counter.reserved, blocking or (tight,))
            return ReserveOutcome(refusal=refusal)

        outcome = ReserveOutcome(output_tokens=tokens, reserved_usd=amount)
        remaining = float("inf")
        for i, (slot, counter) in enumerate(zip(slots, counters, strict=True)):
            counter.reserved += amount
            counter.holds += 1
            remaining = min(remaining, slot.limit - counter.spent - counter.reserved)
            _cross(i, slot, counter, outcome.crossings)
        outcome.remaining_usd = remaining if slots else None

        charged = request.input_tokens + tokens
        for spec in request.buckets:
            self._buckets[spec.key].level -= 1.0 if spec.kind == "requests_per_minute" else charged
        for conc in request.concurrency:
            self._running[conc.key] = self._running.get(conc.key, 0) + 1
        self._held[request.reservation_id] = _Held(
            amount, tuple(slots), counters, tuple(request.buckets), tuple(request.concurrency), charged
        )
        self._expiry.append((request.expires_at, request.reservation_id))
        return outcome

    async def settle(
        self,
        reservation_id: str,
        budgets: Sequence[BudgetSlot],
        actual_usd: float,
        actual_tokens: int | None,
        now: float,
        *,
        org: str = "",
    ) -> SettleOutcome:
        held = self._held.pop(reservation_id, None)
        if held is None:
            return self._settle_late(budgets, actual_usd)
        # Calls mostly settle in admit order: drop settled ids from the front of the expiry queue now,
        # or it holds every call of the last `reservation_ttl_s` (15 min), long after they settled.
        expiry = self._expiry
        while expiry and expiry[0][1] not in self._held:
            expiry.popleft()
        return self._settle(held, actual_usd, actual_tokens, now)

    def _settle(self, held: _Held, actual_usd: float, actual_tokens: int | None, now: float) -> SettleOutcome:
        outcome = SettleOutcome(reserved_usd=held.amount)
        over = actual_usd > held.amount * (1 + OVERRUN_TOLERANCE)
        for i, (slot, counter) in enumerate(zip(held.budgets, held.counters, strict=True)):
            counter.holds -= 1
            counter.reserved = counter.reserved - held.amount if counter.holds > 0 else 0.0
            counter.reserved = max(counter.reserved, 0.0)
            counter.spent += actual_usd
            if over:
                outcome.overruns.append(Overrun(i, counter.spent, counter.reserved))
                _cross(i, slot, counter, outcome.crossings)
        if actual_tokens is not None:
            refund = held.tokens - actual_tokens
            for spec in held.buckets:
                if spec.kind == "tokens_per_minute":
                    bucket = self._buckets[spec.key]
                    bucket.level = min(spec.per_minute, bucket.refill(spec, now) + refund)
        for conc in held.concurrency:
            self._running[conc.key] -= 1
        return outcome

    def _settle_late(self, budgets: Sequence[BudgetSlot], actual_usd: float) -> SettleOutcome:
        # The reservation expired (already released and reported); the call was real, so its cost
        # still counts wherever its window is still the current one.
        outcome = SettleOutcome(late=True)
        for i, slot in enumerate(budgets):
            counter = self._counters.get(slot.key)
            if counter is not None and counter.start == slot.start:
                counter.spent += actual_usd
                _cross(i, slot, counter, outcome.crossings)
        return outcome

    async def expire(self, now: float) -> list[Expired]:
        expired: list[Expired] = []
        while self._expiry and self._expiry[0][0] <= now:
            _, reservation_id = self._expiry.popleft()
            held = self._held.pop(reservation_id, None)
            if held is not None:
                self._settle(held, 0.0, None, now)
                expired.append(Expired(reservation_id, held.amount, held.budgets))
        if self._loader is not None:  # without a ledger to re-read, a dropped counter would lose its spend
            self._drop_idle_sessions(now)
        return expired

    def _drop_idle_sessions(self, now: float) -> None:
        use = self._session_use
        while use:
            key, last = next(iter(use.items()))
            if now - last < SESSION_COUNTER_IDLE_S:
                return
            counter = self._counters.get(key)
            if counter is not None and counter.holds:  # a call still in flight: look again later
                use[key] = now
                use.move_to_end(key)
                continue
            del use[key]
            self._counters.pop(key, None)

    async def states(self, budgets: Sequence[BudgetSlot]) -> list[CounterState]:
        states = []
        for slot in budgets:
            counter = self._counter(slot)
            states.append(CounterState(counter.spent, counter.reserved))
        return states
