"""100 concurrent agents against a fleet budget worth about 40 calls: exact, and really used."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import pytest

from regulator.budget.config import BudgetConfig
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.slots import AdmitRequest
from regulator.errors import BudgetExceeded
from regulator.events import Identity

NOON = 1715774400.0


@dataclass
class FakePrice:
    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * 1e-6 + output_tokens * 1e-5


PRICE = FakePrice()


@pytest.mark.parametrize("session_cap", [None, 0.05])
async def test_hundred_concurrent_agents_never_overspend_and_use_the_budget(
    session_cap: float | None,
) -> None:
    # A typical call: 1000 input tokens, up to 2000 output, so at most $0.021; ~40 of them.
    limit = 40 * 0.021
    budgets = [BudgetConfig(scope="fleet:swarm", day=limit, session=session_cap), BudgetConfig(scope="org:o")]
    engine = BudgetEngine(MemoryBackend(), budgets, [], min_output_tokens=16)
    rng = random.Random(7)
    spent = 0.0
    calls = clamped = 0
    per_session: dict[str, float] = {}

    async def agent(n: int) -> None:
        nonlocal spent, calls, clamped
        who = Identity(key_id=f"k{n}", agent=f"agent-{n}", fleet="swarm", org="o")
        for i in range(1000):
            request = AdmitRequest(
                identity=who,
                session=f"run-{n}",
                call_id=f"{n}-{i}",
                price=PRICE,
                input_tokens=1000,
                max_tokens=None if n % 2 else 2000,
                model_max_output_tokens=2000,
                now=NOON,
            )
            try:
                admission = await engine.admit(request)
            except BudgetExceeded:
                return
            clamped += admission.max_tokens < 2000
            await asyncio.sleep(rng.uniform(0, 0.004))  # the upstream call
            actual = PRICE.worst_case(1000, rng.randint(admission.max_tokens // 2, admission.max_tokens))
            spent += actual
            per_session[request.session] = per_session.get(request.session, 0.0) + actual
            calls += 1
            await engine.settle(admission, actual, now=NOON)

    await asyncio.gather(*(agent(n) for n in range(100)))
    status = {s.scope: s for s in await engine.snapshot(NOON)}["fleet:swarm"]
    assert status.reserved_usd == 0
    assert status.spent_usd == pytest.approx(spent)
    if session_cap is None:
        assert spent <= limit
        assert spent >= 0.9 * limit, (spent, limit, calls)
        assert clamped > 0  # agents without max_tokens got clamped and still ran
    else:
        # 100 sessions × $0.05 > the fleet limit: the fleet budget still binds, and every session's cap holds.
        assert spent <= limit
        assert spent >= 0.9 * limit
        assert max(per_session.values()) <= session_cap
