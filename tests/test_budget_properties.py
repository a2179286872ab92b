"""Property: whatever the interleaving, no budget window is ever over-committed or overspent.

Random admits (with and without max_tokens), settles (at most what was reserved), releases,
failures that bill part of the call, and clock jumps across minute / hour / day rollovers, against
overlapping org + fleet + agent + session budgets. The machine keeps its own ledger of what it
settled per (counter, window) and what is still reserved, and checks it after every step.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from regulator.budget.config import BudgetConfig
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.slots import Admission, AdmitRequest, BudgetSlot
from regulator.errors import BudgetExceeded
from regulator.events import Identity

START = datetime(2024, 5, 15, 23, 59, 30, tzinfo=UTC).timestamp()  # rollovers come soon
AGENTS = {
    "bob": Identity(key_id="k1", agent="bob", fleet="ops", org="acme"),
    "alice": Identity(key_id="k2", agent="alice", fleet="ops", org="acme"),
    "carol": Identity(key_id="k3", agent="carol", fleet="research", org="acme"),
}
BUDGETS = [
    BudgetConfig(scope="org:acme", minute=0.12, day=0.6, total=2.0),
    BudgetConfig(scope="fleet:ops", hour=0.25, session=0.09),
    BudgetConfig(scope="fleet:research", minute=0.05),
    BudgetConfig(scope="agent:bob", day=0.15, session=0.06),
    BudgetConfig(scope="agent:alice", minute=0.04),
]
TOLERANCE = 1e-9  # relative: float summation order, far below one call's cost


@dataclass
class FakePrice:
    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * 1e-6 + output_tokens * 1e-5


PRICE = FakePrice()


class BudgetMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.backend = MemoryBackend()
        self.engine = BudgetEngine(self.backend, BUDGETS, [], min_output_tokens=16, reservation_ttl_s=1e9)
        self.now = START
        self.calls = 0
        self.outstanding: list[Admission] = []
        self.settled: dict[tuple[str, float], float] = defaultdict(float)
        self.limits: dict[tuple[str, float], float] = {}
        self.seen: dict[str, BudgetSlot] = {}

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def reserved(self) -> dict[tuple[str, float], float]:
        held: dict[tuple[str, float], float] = defaultdict(float)
        for admission in self.outstanding:
            for slot in admission.slots:
                held[(slot.key, slot.start)] += admission.reserved_usd
        return held

    @rule(
        agent=st.sampled_from(sorted(AGENTS)),
        session=st.sampled_from(["s1", "s2", "s3"]),
        max_tokens=st.one_of(st.none(), st.integers(1, 3000)),
        input_tokens=st.integers(0, 4000),
    )
    def admit(self, agent: str, session: str, max_tokens: int | None, input_tokens: int) -> None:
        self.calls += 1
        request = AdmitRequest(
            identity=AGENTS[agent],
            session=session,
            call_id=f"c{self.calls}",
            price=PRICE,
            input_tokens=input_tokens,
            max_tokens=max_tokens,
            model_max_output_tokens=2500,
            now=self.now,
        )
        try:
            admission = self.run(self.engine.admit(request))
        except BudgetExceeded as refused:
            # A refusal must be justified: the named budget truly cannot fit the smallest call.
            budget = refused.details["budget"]
            assert budget["spent_usd"] + budget["reserved_usd"] + budget["requested_usd"] > budget["limit_usd"] * (
                1 - TOLERANCE
            )
            return
        bound = PRICE.worst_case(input_tokens, admission.max_tokens)
        assert admission.reserved_usd >= bound
        if max_tokens is not None:  # clamped to what the budgets afford, never below the floor
            want = min(max_tokens, 2500)
            assert min(want, 1024) <= admission.max_tokens <= want
        else:
            assert 16 <= admission.max_tokens <= 2500
        for slot in admission.slots:
            self.limits[(slot.key, slot.start)] = slot.limit
            self.seen[slot.key] = slot
        self.outstanding.append(admission)

    def _take(self, index: int) -> Admission:
        return self.outstanding.pop(index % len(self.outstanding))

    def _settle(self, admission: Admission, actual: float) -> None:
        self.run(self.engine.settle(admission, actual, now=self.now))
        for slot in admission.slots:
            self.settled[(slot.key, slot.start)] += actual

    @precondition(lambda self: self.outstanding)
    @rule(index=st.integers(0, 100), fraction=st.floats(0, 1))
    def settle(self, index: int, fraction: float) -> None:
        admission = self._take(index)
        # What the provider can bill: at most the price bound of what was admitted.
        self._settle(admission, fraction * PRICE.worst_case(admission.input_tokens, admission.max_tokens))

    @precondition(lambda self: self.outstanding)
    @rule(index=st.integers(0, 100))
    def settle_in_full(self, index: int) -> None:
        admission = self._take(index)
        self._settle(admission, PRICE.worst_case(admission.input_tokens, admission.max_tokens))

    @precondition(lambda self: self.outstanding)
    @rule(index=st.integers(0, 100))
    def release(self, index: int) -> None:
        self.run(self.engine.release(self._take(index), now=self.now))

    @precondition(lambda self: self.outstanding)
    @rule(index=st.integers(0, 100))
    def failure_billing_input_only(self, index: int) -> None:
        admission = self._take(index)
        self._settle(admission, PRICE.worst_case(admission.input_tokens, 0))

    @rule(seconds=st.sampled_from([0.5, 10, 31, 59, 61, 600, 3600, 86400]))
    def advance_clock(self, seconds: float) -> None:
        self.now += seconds

    @invariant()
    def never_overcommitted_nor_overspent(self) -> None:
        held = self.reserved()
        for window, limit in self.limits.items():
            settled = self.settled.get(window, 0.0)
            assert settled <= limit * (1 + TOLERANCE), (window, settled, limit)
            assert settled + held.get(window, 0.0) <= limit * (1 + TOLERANCE), (window, settled, limit)

    @invariant()
    def engine_agrees_with_the_machine_on_current_windows(self) -> None:
        for status in self.run(self.engine.snapshot(self.now)):
            assert status.spent_usd + status.reserved_usd <= status.limit_usd * (1 + TOLERANCE)

    def teardown(self) -> None:
        while self.outstanding:
            self.run(self.engine.release(self.outstanding.pop(), now=self.now))
        assert self.backend.outstanding == 0
        for state in self.run(self.backend.states(list(self.seen.values()))):
            assert state.reserved == 0.0
        self.loop.close()


BudgetMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_budget_never_overspent = BudgetMachine.TestCase
