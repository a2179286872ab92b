from __future__ import annotations

from dataclasses import dataclass

import pytest

from regulator.budget.config import BudgetConfig, RateLimitConfig
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.ratelimit import BucketSpec, RateLimits, TokenBucket
from regulator.budget.slots import Admission, AdmitRequest
from regulator.errors import BudgetExceeded, RateLimited
from regulator.events import Identity

T0 = 1715774400.0
BOB = Identity(key_id="k1", agent="bob", fleet="ops", org="acme")
ALICE = Identity(key_id="k2", agent="alice", fleet="ops", org="acme")


@dataclass
class FakePrice:
    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * 1e-6 + output_tokens * 1e-5


class Calls:
    """An engine plus a fake clock and unique call ids."""

    def __init__(self, limits: list[RateLimitConfig], budgets: list[BudgetConfig] | None = None) -> None:
        self.engine = BudgetEngine(MemoryBackend(), budgets or [], limits)
        self.now = T0
        self.n = 0

    async def admit(self, who: Identity = BOB, *, input_tokens: int = 1000, max_tokens: int | None = 1000) -> Admission:
        self.n += 1
        return await self.engine.admit(
            AdmitRequest(
                identity=who,
                session="",
                call_id=f"c{self.n}",
                price=FakePrice(),
                input_tokens=input_tokens,
                max_tokens=max_tokens,
                model_max_output_tokens=4000,
                now=self.now,
            )
        )


def test_bucket_refills_at_its_per_minute_rate_up_to_capacity() -> None:
    spec = BucketSpec("k", "agent:bob", "requests_per_minute", 60.0)
    bucket = TokenBucket(60.0, T0)
    bucket.level = 0.0
    assert bucket.shortfall(spec, 1, T0) == pytest.approx(1.0)
    assert bucket.shortfall(spec, 1, T0 + 0.5) == pytest.approx(0.5)
    assert bucket.shortfall(spec, 1, T0 + 1) == 0.0
    assert bucket.refill(spec, T0 + 3600) == 60.0


def test_charge_larger_than_the_bucket_passes_when_the_bucket_is_full() -> None:
    spec = BucketSpec("k", "agent:bob", "tokens_per_minute", 1000.0)
    bucket = TokenBucket(1000.0, T0)
    assert bucket.shortfall(spec, 5000, T0) == 0.0
    bucket.level = 999.0
    assert bucket.shortfall(spec, 5000, T0) == pytest.approx(0.06)


def test_explicit_scope_replaces_the_wildcard_for_that_entity() -> None:
    limits = RateLimits(
        [
            RateLimitConfig(scope="agent:*", requests_per_minute=10),
            RateLimitConfig(scope="agent:bob", requests_per_minute=100, concurrent=2),
            RateLimitConfig(scope="fleet:ops", tokens_per_minute=5000),
        ]
    )
    buckets, slots = limits.for_identity(BOB)
    assert [(b.scope, b.kind, b.per_minute) for b in buckets] == [
        ("fleet:ops", "tokens_per_minute", 5000),
        ("agent:bob", "requests_per_minute", 100),
    ]
    assert [(s.scope, s.limit) for s in slots] == [("agent:bob", 2)]
    buckets, _ = limits.for_identity(ALICE)
    assert ("agent:alice", 10) in [(b.scope, b.per_minute) for b in buckets]


def test_wildcard_is_refused_in_budget_scopes() -> None:
    with pytest.raises(ValueError, match="only allowed in rate limits"):
        BudgetConfig(scope="agent:*", day=1)
    with pytest.raises(ValueError, match="expected org:NAME"):
        RateLimitConfig(scope="team:x", requests_per_minute=1)


async def test_requests_per_minute_refuses_with_retry_after_then_refills() -> None:
    calls = Calls([RateLimitConfig(scope="agent:*", requests_per_minute=3)])
    for _ in range(3):
        await calls.admit()
    with pytest.raises(RateLimited) as caught:
        await calls.admit()
    error = caught.value
    assert error.status == 429
    assert error.headers["Retry-After"] == "20"  # one request refills every 20 s
    assert error.details["rate_limit"] == {
        "scope": "agent:bob",
        "limit": "requests_per_minute",
        "value": 3,
        "retry_after_s": 20,
    }
    assert error.body("openai")["error"]["code"] == "rate_limit_exceeded"
    # Each agent has its own bucket under `agent:*`.
    await calls.admit(ALICE)
    calls.now += 20
    await calls.admit()
    with pytest.raises(RateLimited):
        await calls.admit()


async def test_tokens_per_minute_charges_input_plus_max_tokens_and_corrects_at_settle() -> None:
    calls = Calls([RateLimitConfig(scope="fleet:ops", tokens_per_minute=10_000)])
    held = [await calls.admit(input_tokens=1000, max_tokens=1000) for _ in range(5)]  # 2000 each
    with pytest.raises(RateLimited) as caught:
        await calls.admit(input_tokens=1000, max_tokens=1000)
    # Needs 1000 input + 1000 output = 2000 tokens at 10000/60 per second.
    assert caught.value.headers["Retry-After"] == "12"
    # Each call really used 1200 tokens: 800 × 5 come back, enough for two more calls.
    for admission in held:
        await calls.engine.settle(admission, 0.001, actual_tokens=1200, now=calls.now)
    await calls.admit(input_tokens=1000, max_tokens=1000)
    await calls.admit(input_tokens=1000, max_tokens=1000)
    with pytest.raises(RateLimited):
        await calls.admit(input_tokens=1000, max_tokens=1000)


async def test_concurrency_slot_is_released_at_settle_and_release() -> None:
    calls = Calls([RateLimitConfig(scope="agent:bob", concurrent=2)])
    first, second = await calls.admit(), await calls.admit()
    with pytest.raises(RateLimited) as caught:
        await calls.admit()
    assert caught.value.details["rate_limit"]["limit"] == "concurrent"
    await calls.admit(ALICE)  # the limit is bob's alone
    await calls.engine.settle(first, 0.001, now=calls.now)
    third = await calls.admit()
    with pytest.raises(RateLimited):
        await calls.admit()
    await calls.engine.release(second, now=calls.now)
    await calls.engine.release(third, now=calls.now)
    await calls.admit()
    await calls.admit()


async def test_budget_refusal_consumes_no_rate_limit_tokens() -> None:
    calls = Calls(
        [RateLimitConfig(scope="agent:bob", requests_per_minute=2, tokens_per_minute=4000, concurrent=1)],
        [BudgetConfig(scope="agent:bob", day=0.001)],
    )
    for _ in range(10):
        with pytest.raises(BudgetExceeded):
            await calls.admit()
    calls.engine.set_budgets([BudgetConfig(scope="agent:bob", day=100)])
    first = await calls.admit()  # 2000 tokens, 1 request, the one slot: all still there
    await calls.engine.release(first, now=calls.now)
    await calls.admit()


async def test_rate_limits_are_checked_before_budgets() -> None:
    calls = Calls(
        [RateLimitConfig(scope="org:acme", requests_per_minute=1)],
        [BudgetConfig(scope="org:acme", day=0.012)],
    )
    await calls.admit()
    with pytest.raises(RateLimited):
        await calls.admit()  # both would refuse: the rate limit is reported


async def test_clamped_call_is_charged_its_clamped_tokens() -> None:
    calls = Calls(
        [RateLimitConfig(scope="agent:bob", tokens_per_minute=6000)],
        [BudgetConfig(scope="agent:bob", day=0.006)],
    )
    admission = await calls.admit(max_tokens=None)  # $0.001 input leaves room for ~500 output tokens
    assert admission.max_tokens < 510
    calls.engine.set_budgets([])
    # 6000 − (1000 + ~500) leaves ~4500 tokens: room for 1000 input + 3000 output, not 4000.
    await calls.admit(max_tokens=3000)
    with pytest.raises(RateLimited):
        await calls.admit(max_tokens=1000)
