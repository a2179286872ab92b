"""The budget engine: which budgets and rate limits apply to a call, and the one atomic reservation.

    admit   resolve org / fleet / agent budgets × windows (+ the session cap) and rate limits,
            reserve the worst-case cost on all of them in one backend call, clamp max_tokens
    settle  replace the reservation by the actual cost (an excess is counted and reported)
    release a failed call with nothing billed

Per identity, the resolved budgets are cached until a window rolls over or the budgets change, so
the hot path is one dictionary lookup plus the backend's work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from regulator.budget.backend import Caller, CounterBackend, Crossing, Expired, ReserveRequest, SettleOutcome
from regulator.budget.config import BudgetConfig, RateLimitConfig
from regulator.budget.ratelimit import BucketSpec, ConcurrencySpec, RateLimits
from regulator.budget.refusal import budget_exceeded, rate_limited
from regulator.budget.slots import (
    Admission,
    AdmitRequest,
    BudgetEvent,
    BudgetSlot,
    BudgetStatus,
    EventKind,
    PriceBound,
    identity_scopes,
    scope_filters,
)
from regulator.budget.windows import WindowClock
from regulator.events import Identity
from regulator.types import WINDOWS

# Reservations are taken this much above the price bound so float rounding in pricing can never
# make a real cost exceed its reservation (a billionth: invisible in any budget).
HEADROOM = 1.0 + 1e-9
SumCost = Callable[..., float]

_Plan = tuple[tuple[BudgetSlot, ...], tuple[BucketSpec, ...], tuple[ConcurrencySpec, ...]]


def affine_bound(price: PriceBound, input_tokens: int, want: int) -> tuple[float, float]:
    """(base, per output token) with base + n × per ≥ price.worst_case(input_tokens, n) for 0 ≤ n ≤ want.

    The slope is the first output token's price; the base is raised, if needed, so the line also
    covers the bound at `want`: a price tier that jumps with the output size is then still covered.
    """
    base = price.worst_case(input_tokens, 0)
    per_token = price.worst_case(input_tokens, 1) - base
    return max(base, price.worst_case(input_tokens, want) - want * per_token), per_token


class BudgetEngine:
    def __init__(
        self,
        backend: CounterBackend,
        budgets: list[BudgetConfig],
        rate_limits: list[RateLimitConfig],
        *,
        tz: str = "UTC",
        min_output_tokens: int = 16,
        clamp_floor_tokens: int = 1024,
        reservation_ttl_s: float = 900.0,
        on_event: Callable[[BudgetEvent], None] | None = None,
    ) -> None:
        self.backend = backend
        self.clock = WindowClock(tz)
        self.min_output_tokens = min_output_tokens
        self.clamp_floor_tokens = clamp_floor_tokens
        self.reservation_ttl_s = reservation_ttl_s
        self.on_event = on_event
        # Told of each reservation the reaper released whose ledger row falls to this replica to write.
        self.on_reaped: Callable[[Expired], None] | None = None
        self._plans: dict[tuple[str, str, str], _Plan] = {}
        self._delegations: dict[tuple[tuple[str, float], ...], tuple[BudgetSlot, ...]] = {}
        # Which org a fleet or agent scope belongs to, for reports that name no caller (`snapshot`).
        self._orgs: dict[str, str] = {}
        self._valid_from = self._valid_until = 0.0
        self._next_sweep = 0.0
        self.set_budgets(budgets)
        self.set_rate_limits(rate_limits)

    # -- configuration -------------------------------------------------------------------------

    def set_budgets(self, budgets: list[BudgetConfig]) -> None:
        """Replace every budget; counters are keyed by scope and window, so none are lost."""
        self._budgets = {b.scope: b for b in budgets}
        self._plans.clear()

    def set_rate_limits(self, rate_limits: list[RateLimitConfig]) -> None:
        self._rate_limits = RateLimits(rate_limits)
        self._plans.clear()

    def set_orgs(self, orgs: dict[str, str]) -> None:
        """Tell the engine which org each `fleet:…` / `agent:…` scope belongs to (from the key registry).

        Calls teach it too; this covers scopes this process has not served yet, so that its reports
        read the same per-org counters as the replicas that did.
        """
        self._orgs = {**self._orgs, **orgs}

    @property
    def budgets(self) -> list[BudgetConfig]:
        return list(self._budgets.values())

    def load_spend(self, sum_cost: SumCost) -> None:
        """Rebuild counters from the ledger: `sum_cost(since, org=…, fleet=…, agent=…, session=…)`.

        Each counter asks once, on first sight (sessions included), then counts in memory; a session
        cap's counter dropped after an idle hour (in-process counters) asks again if the session returns.
        """
        self.backend.set_loader(lambda since, filters: float(sum_cost(since, **filters)))

    # -- resolution ------------------------------------------------------------------------------

    def _slots_for(self, config: BudgetConfig, now: float, org: str) -> list[BudgetSlot]:
        filters = scope_filters(config.scope)
        thresholds = tuple(config.thresholds)
        slots = []
        for window in WINDOWS:
            limit: float | None = getattr(config, window)
            if limit is None:
                continue
            start, reset = self.clock.bounds(window, now)
            key = f"{config.scope}|{window}"
            slots.append(BudgetSlot(key, config.scope, window, limit, start, reset, filters, thresholds, "", org))
        return slots

    def _plan(self, identity: Identity, now: float) -> _Plan:
        if not self._valid_from <= now < self._valid_until:
            # Some window rolled over: every cached window start is stale.
            self._plans.clear()
            bounds = [self.clock.bounds(window, now) for window in WINDOWS if window != "total"]
            self._valid_from = max(start for start, _ in bounds)
            self._valid_until = min(reset for _, reset in bounds if reset is not None)
        plan_key = (identity.org, identity.fleet, identity.agent)
        plan = self._plans.get(plan_key)
        if plan is None:
            slots: list[BudgetSlot] = []
            for scope in identity_scopes(identity):
                self._orgs[scope] = identity.org
                config = self._budgets.get(scope)
                if config is not None:
                    slots.extend(self._slots_for(config, now, identity.org))
            buckets, concurrency = self._rate_limits.for_identity(identity)
            plan = self._plans[plan_key] = (tuple(slots), buckets, concurrency)
        return plan

    def _session_slot(self, identity: Identity, session: str) -> BudgetSlot | None:
        cap: float | None = None
        cap_from = ""
        thresholds: tuple[float, ...] = ()
        for scope in identity_scopes(identity):
            config = self._budgets.get(scope)
            if config is not None and config.session is not None and (cap is None or config.session < cap):
                cap, cap_from, thresholds = config.session, scope, tuple(config.thresholds)
        if cap is None:
            return None
        scope = f"session:{identity.agent}/{session}"
        filters = (("agent", identity.agent), ("session", session))
        return BudgetSlot(f"{scope}|total", scope, "total", cap, 0.0, None, filters, thresholds, cap_from, identity.org)

    def delegation_slots(self, chain: tuple[tuple[str, float], ...], org: str) -> tuple[BudgetSlot, ...]:
        """A delegated budget and each of its ancestors as a total-window slot: one reservation
        charges the call to all of them, so no child exceeds its cap and no tree its root's."""
        cached = self._delegations.get(chain)
        if cached is None:
            cached = self._delegations[chain] = tuple(
                BudgetSlot(
                    f"delegation:{d}|total",
                    f"delegation:{d}",
                    "total",
                    cap,
                    0.0,
                    None,
                    (("delegation", d),),
                    (),
                    "",
                    org,
                )
                for d, cap in chain
            )
        return cached

    def _applicable(self, identity: Identity, session: str, now: float) -> _Plan:
        slots, buckets, concurrency = self._plan(identity, now)
        session_slot = self._session_slot(identity, session) if session else None
        if session_slot is not None:
            slots = (*slots, session_slot)
        if identity.delegation:
            slots = (*slots, *self.delegation_slots(identity.delegation, identity.org))
        return slots, buckets, concurrency

    async def delegation_status(self, delegation_id: str, cap: float, org: str) -> tuple[float, float]:
        """(spent, reserved) of one delegated budget, its subtree's calls included."""
        [state] = await self.backend.states(self.delegation_slots(((delegation_id, cap),), org))
        return state.spent, state.reserved

    async def delegation_remaining(self, chain: tuple[tuple[str, float], ...], org: str) -> float:
        """What a delegated budget can still spend: the least any of its chain has left."""
        slots = self.delegation_slots(chain, org)
        states = await self.backend.states(slots)
        return min(s.limit - st.spent - st.reserved for s, st in zip(slots, states, strict=True))

    # -- the call path ---------------------------------------------------------------------------

    async def admit(self, req: AdmitRequest) -> Admission:
        now = req.now
        if now >= self._next_sweep:
            self._next_sweep = now + 1.0
            await self.expire(now)
        slots, buckets, concurrency = self._applicable(req.identity, req.session, now)
        model_max = req.model_max_output_tokens
        want = model_max if req.max_tokens is None else min(req.max_tokens, model_max)
        # A caller's max_tokens is lowered to what the tightest budget affords, down to a floor below
        # which an answer is no longer useful (harnesses ask for 32k-64k on every call).
        floor = min(self.clamp_floor_tokens if req.max_tokens is not None else self.min_output_tokens, want)
        input_usd, per_token = affine_bound(req.price, req.input_tokens, want)
        request = ReserveRequest(
            reservation_id=req.call_id,
            org=req.identity.org,
            now=now,
            expires_at=now + self.reservation_ttl_s,
            budgets=slots,
            buckets=buckets,
            concurrency=concurrency,
            input_tokens=req.input_tokens,
            input_usd=input_usd * HEADROOM,
            usd_per_output_token=per_token * HEADROOM,
            max_output_tokens=want,
            min_output_tokens=floor,
            caller=Caller(now, req.identity.org, req.identity.fleet, req.identity.agent, req.session),
        )
        outcome = await self.backend.reserve(request)
        if outcome.rate_refusal is not None:
            raise rate_limited(outcome.rate_refusal)
        if outcome.refusal is not None:
            refusal = outcome.refusal
            smallest = request.input_usd + floor * request.usd_per_output_token
            raise budget_exceeded(
                slots,
                refusal.index,
                refusal.spent,
                refusal.reserved,
                refusal.blocking,
                smallest,
                now,
                caller_max=req.max_tokens,
            )
        events = self._crossing_events(slots, outcome.crossings, now)
        return Admission(
            reservation_id=req.call_id,
            reserved_usd=outcome.reserved_usd,
            max_tokens=outcome.output_tokens,
            remaining_usd=outcome.remaining_usd,
            budget_events=events,
            clamped=req.max_tokens is None or outcome.output_tokens != req.max_tokens,
            input_tokens=req.input_tokens,
            slots=slots,
            buckets=buckets,
            concurrency=concurrency,
            call_id=req.call_id,
            org=req.identity.org,
        )

    async def settle(
        self,
        admission: Admission,
        actual_cost_usd: float,
        *,
        actual_tokens: int | None = None,
        now: float | None = None,
    ) -> list[BudgetEvent]:
        """Count the actual cost in place of the reservation; `actual_tokens` corrects tokens/min."""
        at = time.time() if now is None else now
        outcome = await self.backend.settle(
            admission.reservation_id, admission.slots, actual_cost_usd, actual_tokens, at, org=admission.org
        )
        return self._settle_events(admission, outcome, actual_cost_usd, at)

    async def release(self, admission: Admission, *, now: float | None = None) -> list[BudgetEvent]:
        """A call that failed with nothing billed: give everything back (the request unit stays used)."""
        return await self.settle(admission, 0.0, actual_tokens=0, now=now)

    async def expire(self, now: float | None = None) -> list[BudgetEvent]:
        """Release reservations older than their TTL (forgotten calls) and report each."""
        at = time.time() if now is None else now
        events = []
        for expired in await self.backend.expire(at):
            if expired.caller is not None and self.on_reaped is not None:
                self.on_reaped(expired)
            if expired.settled:
                continue  # its reservation was settled long ago: only its ledger row was missing
            for slot in expired.budgets:
                events.append(
                    self._event(
                        "reservation_expired",
                        slot,
                        0.0,
                        0.0,
                        at,
                        amount=expired.amount_usd,
                        reservation_id=expired.reservation_id,
                    )
                )
        self._emit(events)
        return events

    # -- reporting -------------------------------------------------------------------------------

    async def remaining(self, identity: Identity, session: str = "", now: float | None = None) -> float | None:
        """Tightest remaining USD over the budgets that apply (None: none apply)."""
        at = time.time() if now is None else now
        slots, _, _ = self._applicable(identity, session, at)
        if not slots:
            return None
        states = await self.backend.states(slots)
        return min(s.limit - st.spent - st.reserved for s, st in zip(slots, states, strict=True))

    async def snapshot(self, now: float | None = None) -> list[BudgetStatus]:
        at = time.time() if now is None else now
        slots = [
            slot for config in self._budgets.values() for slot in self._slots_for(config, at, self._org_of(config))
        ]
        states = await self.backend.states(slots)
        return [
            BudgetStatus(
                s.scope,
                s.window,
                s.limit,
                st.spent,
                st.reserved,
                s.limit - st.spent - st.reserved,
                s.resets_at,
            )
            for s, st in zip(slots, states, strict=True)
        ]

    def _org_of(self, config: BudgetConfig) -> str:
        kind, _, name = config.scope.partition(":")
        return name if kind == "org" else self._orgs.get(config.scope, "default")

    # -- events -----------------------------------------------------------------------

    def _event(
        self,
        kind: EventKind,
        slot: BudgetSlot,
        spent: float,
        reserved: float,
        at: float,
        *,
        threshold: float | None = None,
        amount: float = 0.0,
        reservation_id: str = "",
    ) -> BudgetEvent:
        return BudgetEvent(
            kind, slot.scope, slot.window, slot.limit, spent, reserved, at, threshold, amount, reservation_id
        )

    def _crossing_events(self, slots: Sequence[BudgetSlot], crossings: list[Crossing], at: float) -> list[BudgetEvent]:
        if not crossings:
            return []
        events = [
            self._event("threshold", slots[c.index], c.spent, c.reserved, at, threshold=c.threshold) for c in crossings
        ]
        self._emit(events)
        return events

    def _settle_events(
        self, admission: Admission, outcome: SettleOutcome, actual: float, at: float
    ) -> list[BudgetEvent]:
        slots = admission.slots
        events: list[BudgetEvent] = []
        rid = admission.reservation_id
        if outcome.late:
            events += [self._event("late_settle", s, 0.0, 0.0, at, amount=actual, reservation_id=rid) for s in slots]
        for o in outcome.overruns:
            events.append(
                self._event(
                    "overrun",
                    slots[o.index],
                    o.spent,
                    o.reserved,
                    at,
                    amount=actual - outcome.reserved_usd,
                    reservation_id=rid,
                )
            )
        self._emit(events)
        return events + self._crossing_events(slots, outcome.crossings, at)

    def _emit(self, events: list[BudgetEvent]) -> None:
        if self.on_event is not None:
            for event in events:
                self.on_event(event)
