from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import pytest

from regulator.budget.config import BudgetConfig
from regulator.budget.engine import BudgetEngine, affine_bound
from regulator.budget.memory import SESSION_COUNTER_IDLE_S, MemoryBackend
from regulator.budget.slots import Admission, AdmitRequest, BudgetEvent
from regulator.errors import BudgetExceeded
from regulator.events import Identity

NOON = datetime(2024, 5, 15, 12, 0, tzinfo=UTC).timestamp()
BOB = Identity(key_id="k1", agent="bob", fleet="ops", org="acme")
ALICE = Identity(key_id="k2", agent="alice", fleet="ops", org="acme")


@dataclass
class FakePrice:
    """$1 per million input tokens, $10 per million output tokens."""

    input_per_token: float = 1e-6
    output_per_token: float = 1e-5

    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * self.input_per_token + output_tokens * self.output_per_token


def request(
    call_id: str,
    *,
    who: Identity = BOB,
    session: str = "s1",
    max_tokens: int | None = 1000,
    input_tokens: int = 1000,
    now: float = NOON,
    model_max: int = 8000,
) -> AdmitRequest:
    return AdmitRequest(
        identity=who,
        session=session,
        call_id=call_id,
        price=FakePrice(),
        input_tokens=input_tokens,
        max_tokens=max_tokens,
        model_max_output_tokens=model_max,
        now=now,
    )


def engine(*budgets: BudgetConfig, **kwargs: object) -> BudgetEngine:
    return BudgetEngine(MemoryBackend(), list(budgets), [], **kwargs)  # type: ignore[arg-type]


# One call with 1000 input + 1000 output tokens costs at most $0.011.


async def test_admit_reserves_worst_case_on_every_applicable_budget() -> None:
    eng = engine(
        BudgetConfig(scope="org:acme", day=10, month=100),
        BudgetConfig(scope="fleet:ops", hour=5),
        BudgetConfig(scope="agent:bob", total=1),
        BudgetConfig(scope="agent:alice", day=0.001),  # not bob's: must not apply
    )
    admission = await eng.admit(request("c1"))
    assert admission.reserved_usd == pytest.approx(0.011)
    assert admission.max_tokens == 1000
    assert not admission.clamped
    assert admission.remaining_usd == pytest.approx(1 - 0.011)
    rows = {f"{s.scope} {s.window}": s for s in await eng.snapshot(NOON)}
    assert set(rows) == {
        "org:acme day",
        "org:acme month",
        "fleet:ops hour",
        "agent:bob total",
        "agent:alice day",
    }
    for key in ["org:acme day", "org:acme month", "fleet:ops hour", "agent:bob total"]:
        assert rows[key].reserved_usd == pytest.approx(0.011)
    assert rows["agent:alice day"].reserved_usd == 0

    await eng.settle(admission, 0.004, now=NOON)
    rows = {f"{s.scope} {s.window}": s for s in await eng.snapshot(NOON)}
    assert rows["org:acme day"].spent_usd == pytest.approx(0.004)
    assert rows["org:acme day"].reserved_usd == 0
    assert rows["org:acme day"].remaining_usd == pytest.approx(10 - 0.004)
    assert await eng.remaining(BOB, "s1", NOON) == pytest.approx(1 - 0.004)


async def test_missing_max_tokens_is_set_to_what_the_tightest_budget_affords() -> None:
    eng = engine(BudgetConfig(scope="fleet:ops", day=0.006), BudgetConfig(scope="org:acme", day=100))
    admission = await eng.admit(request("c1", max_tokens=None))
    # $0.001 of input leaves $0.005: 500 output tokens at $10/M.
    assert admission.clamped
    assert admission.max_tokens in (499, 500)
    assert admission.reserved_usd <= 0.006
    assert 0 <= (admission.remaining_usd or 0) < 1.1e-5  # less than one more output token


async def test_missing_max_tokens_is_capped_by_the_models_maximum() -> None:
    eng = engine(BudgetConfig(scope="fleet:ops", day=100))
    admission = await eng.admit(request("c1", max_tokens=None, model_max=4096))
    assert admission.max_tokens == 4096
    assert admission.clamped  # the gateway must write max_tokens into the body


async def test_callers_max_tokens_above_the_model_maximum_is_lowered() -> None:
    eng = engine()
    admission = await eng.admit(request("c1", max_tokens=100_000, model_max=4096))
    assert (admission.max_tokens, admission.clamped) == (4096, True)
    assert admission.remaining_usd is None


async def test_affordable_output_below_the_floor_is_refused() -> None:
    eng = engine(BudgetConfig(scope="fleet:ops", day=0.00115), min_output_tokens=16)
    # $0.001 of input leaves $0.00015: 15 output tokens, below the floor of 16.
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("c1", max_tokens=None))
    eng = engine(BudgetConfig(scope="fleet:ops", day=0.00117), min_output_tokens=16)
    admission = await eng.admit(request("c2", max_tokens=None))
    assert admission.max_tokens == 16


async def test_a_callers_max_tokens_is_clamped_to_what_the_budget_affords() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.05))
    admission = await eng.admit(request("c1", max_tokens=32_000, model_max=64_000))
    assert admission.clamped and 1024 <= admission.max_tokens < 32_000
    # the guarantee holds: the worst case of the clamped call fits what was left
    assert FakePrice().worst_case(1000, admission.max_tokens) <= 0.05


async def test_a_callers_max_tokens_is_refused_when_the_budget_affords_less_than_the_floor() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.005))
    with pytest.raises(BudgetExceeded) as caught:
        await eng.admit(request("c1", max_tokens=1000))
    assert caught.value.details["budget"]["requested_usd"] == pytest.approx(0.011)


async def test_refusal_names_the_budget_and_says_when_it_resets() -> None:
    eng = engine(BudgetConfig(scope="fleet:ops", day=0.02), BudgetConfig(scope="org:acme", month=50))
    first = await eng.admit(request("c1"))
    await eng.settle(first, 0.011, now=NOON)
    with pytest.raises(BudgetExceeded) as caught:
        await eng.admit(request("c2", now=NOON + 60))
    error = caught.value
    assert error.status == 429
    budget = error.details["budget"]
    assert budget["scope"] == "fleet:ops"
    assert budget["window"] == "day"
    assert budget["limit_usd"] == 0.02
    assert budget["spent_usd"] == pytest.approx(0.011)
    assert budget["reserved_usd"] == 0
    assert budget["resets_at"] == "2024-05-16T00:00:00Z"
    assert error.headers["Retry-After"] == str(12 * 3600 - 60)
    assert "fleet:ops (day)" in error.message
    body = error.body("openai")
    assert body["error"]["code"] == "budget_exceeded"
    assert body["error"]["budget"]["scope"] == "fleet:ops"
    # twelve hours is no wait: the refusal is final, in the type the dialect's harnesses stop on
    assert error.final
    assert orjson.loads(error.render("anthropic")[2])["error"]["code"] == "budget_exceeded"


async def test_total_budget_refusal_has_no_retry_after() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", total=0.005))
    with pytest.raises(BudgetExceeded) as caught:
        await eng.admit(request("c1"))
    assert "Retry-After" not in caught.value.headers
    assert caught.value.details["budget"]["resets_at"] is None


async def test_no_retry_after_when_the_call_would_not_fit_even_an_empty_window() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.005))
    with pytest.raises(BudgetExceeded) as caught:
        await eng.admit(request("c1"))
    assert "Retry-After" not in caught.value.headers


async def test_budget_reset_at_the_window_rollover() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.015))
    await eng.settle(await eng.admit(request("c1")), 0.011, now=NOON)
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("c2"))
    tomorrow = NOON + 86400
    admission = await eng.admit(request("c3", now=tomorrow))
    assert admission.remaining_usd == pytest.approx(0.015 - 0.011)


async def test_session_caps_apply_to_each_session_separately() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=100, session=0.02))
    a1 = await eng.admit(request("a1", session="task-a"))
    await eng.settle(a1, 0.011, now=NOON)
    with pytest.raises(BudgetExceeded) as caught:
        await eng.admit(request("a2", session="task-a"))
    budget = caught.value.details["budget"]
    assert budget["scope"] == "session:bob/task-a"
    assert budget["window"] == "total"
    assert budget["cap_from"] == "agent:bob"
    assert "Retry-After" not in caught.value.headers
    # Another session of the same agent has its own cap.
    b1 = await eng.admit(request("b1", session="task-b"))
    assert b1.remaining_usd == pytest.approx(0.02 - 0.011)


async def test_tightest_session_cap_among_org_fleet_and_agent_wins() -> None:
    eng = engine(
        BudgetConfig(scope="org:acme", session=5),
        BudgetConfig(scope="fleet:ops", session=0.05),
        BudgetConfig(scope="agent:bob", session=1),
    )
    admission = await eng.admit(request("c1"))
    assert admission.remaining_usd == pytest.approx(0.05 - 0.011)


async def test_soft_thresholds_are_reported_once_per_window() -> None:
    seen: list[BudgetEvent] = []
    eng = engine(BudgetConfig(scope="fleet:ops", day=0.04), on_event=seen.append)
    admissions: list[Admission] = []
    crossed: list[float | None] = []
    for i in range(3):
        admission = await eng.admit(request(f"c{i}"))
        admissions.append(admission)
        crossed += [e.threshold for e in admission.budget_events]
    # 0.011, 0.022 (55 %), 0.033 (82.5 %)
    assert crossed == [0.5, 0.8]
    assert [e.threshold for e in seen] == [0.5, 0.8]
    event = admissions[1].budget_events[0]
    assert (event.kind, event.scope, event.window, event.limit_usd) == ("threshold", "fleet:ops", "day", 0.04)
    for admission in admissions:
        await eng.release(admission, now=NOON)
    again = await eng.admit(request("c9"))
    again2 = await eng.admit(request("c10"))
    assert again.budget_events == again2.budget_events == []
    tomorrow = await eng.admit(request("t1", now=NOON + 86400, max_tokens=2000))
    assert [e.threshold for e in tomorrow.budget_events] == [0.5]


async def test_overrun_is_counted_and_reported() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.012))
    admission = await eng.admit(request("c1"))
    events = await eng.settle(admission, 0.015, now=NOON)
    overruns = [e for e in events if e.kind == "overrun"]
    assert len(overruns) == 1
    assert overruns[0].amount_usd == pytest.approx(0.015 - 0.011)
    assert overruns[0].spent_usd == pytest.approx(0.015)
    assert [e.threshold for e in events if e.kind == "threshold"] == [1.0]
    status = (await eng.snapshot(NOON))[0]
    assert status.spent_usd == pytest.approx(0.015)
    assert status.remaining_usd < 0


async def test_release_gives_the_whole_reservation_back() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=0.012))
    admission = await eng.admit(request("c1"))
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("c2"))
    await eng.release(admission, now=NOON)
    await eng.admit(request("c3"))


async def test_budgets_replaced_at_run_time_keep_their_counters() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", day=1))
    await eng.settle(await eng.admit(request("c1")), 0.011, now=NOON)
    eng.set_budgets([BudgetConfig(scope="agent:bob", day=0.02)])
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("c2"))
    eng.set_budgets([BudgetConfig(scope="agent:bob", day=0.03)])
    admission = await eng.admit(request("c3"))
    assert admission.remaining_usd == pytest.approx(0.03 - 0.022)
    eng.set_budgets([])
    assert (await eng.admit(request("c4"))).remaining_usd is None


async def test_counters_are_rebuilt_from_the_ledger_on_first_sight() -> None:
    queries: list[tuple[float, dict[str, str]]] = []

    def sum_cost(since: float, **scope: str) -> float:
        queries.append((since, scope))
        return 0.5 if "session" in scope else 0.9

    eng = engine(BudgetConfig(scope="fleet:ops", day=1), BudgetConfig(scope="agent:bob", session=0.6))
    eng.load_spend(sum_cost)
    admission = await eng.admit(request("c1"))
    assert admission.remaining_usd == pytest.approx(0.6 - 0.5 - 0.011)
    day_start = datetime(2024, 5, 15, tzinfo=UTC).timestamp()
    assert sorted(queries, key=str) == sorted(
        [(day_start, {"fleet": "ops"}), (0.0, {"agent": "bob", "session": "s1"})], key=str
    )
    await eng.admit(request("c2"))
    assert len(queries) == 2  # counted in memory from then on
    await eng.admit(request("c3", session="s2"))
    assert queries[-1] == (0.0, {"agent": "bob", "session": "s2"})


async def test_forgotten_reservation_expires_and_is_reported() -> None:
    seen: list[BudgetEvent] = []
    eng = engine(BudgetConfig(scope="agent:bob", day=0.012), reservation_ttl_s=60.0, on_event=seen.append)
    forgotten = await eng.admit(request("c1"))
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("c2", now=NOON + 30))
    await eng.admit(request("c3", now=NOON + 61))
    expired = [e for e in seen if e.kind == "reservation_expired"]
    assert [(e.scope, e.reservation_id) for e in expired] == [("agent:bob", "c1")]
    assert expired[0].amount_usd == pytest.approx(0.011)
    # A late settle still counts what was really billed.
    events = await eng.settle(forgotten, 0.002, now=NOON + 62)
    assert [e.kind for e in events if e.kind != "threshold"] == ["late_settle"]
    status = (await eng.snapshot(NOON + 62))[0]
    assert status.spent_usd == pytest.approx(0.002)


async def test_settled_calls_are_not_kept_until_their_reservation_would_have_expired() -> None:
    backend = MemoryBackend()
    eng = BudgetEngine(backend, [BudgetConfig(scope="agent:bob", day=100)], [], reservation_ttl_s=900.0)
    for i in range(1000):  # 1000 calls in 100 s, all well inside the 15-minute reservation TTL
        admission = await eng.admit(request(f"c{i}", now=NOON + i / 10))
        await eng.settle(admission, 0.001, now=NOON + i / 10 + 0.05)
    assert backend.awaiting_expiry == 0
    # A slow call keeps the calls admitted after it queued until it settles, no longer.
    slow = await eng.admit(request("slow", now=NOON + 200))
    for i in range(10):
        await eng.settle(await eng.admit(request(f"q{i}", now=NOON + 201)), 0.001, now=NOON + 202)
    assert backend.awaiting_expiry == 11
    await eng.settle(slow, 0.001, now=NOON + 203)
    assert backend.awaiting_expiry == 0


async def test_idle_session_counters_are_dropped_and_reread_from_the_ledger() -> None:
    ledger: dict[str, float] = {}
    queries: list[str] = []

    def sum_cost(since: float, **scope: str) -> float:
        queries.append(scope.get("session", ""))
        return ledger.get(scope.get("session", ""), 0.0)

    backend = MemoryBackend()
    eng = BudgetEngine(backend, [BudgetConfig(scope="agent:bob", session=0.02)], [])
    eng.load_spend(sum_cost)
    for i in range(500):
        admission = await eng.admit(request(f"c{i}", session=f"task-{i}", now=NOON + i))
        await eng.settle(admission, 0.011, now=NOON + i + 1)
        ledger[f"task-{i}"] = 0.011
    await eng.expire(NOON + 600)
    assert backend.session_counters == 500  # recently used: kept
    await eng.expire(NOON + 500 + SESSION_COUNTER_IDLE_S)
    assert backend.session_counters == 0
    # The session comes back: its spend is read from the ledger again, so its cap still holds.
    with pytest.raises(BudgetExceeded):
        await eng.admit(request("again", session="task-7", now=NOON + 2 * SESSION_COUNTER_IDLE_S))
    assert queries[-1] == "task-7"


async def test_settling_after_the_window_rolled_does_not_charge_the_new_window() -> None:
    eng = engine(BudgetConfig(scope="agent:bob", minute=0.02))
    admission = await eng.admit(request("c1", now=NOON + 59.5))
    await eng.settle(admission, 0.011, now=NOON + 60.5)
    fresh = await eng.admit(request("c2", now=NOON + 61))
    assert fresh.remaining_usd == pytest.approx(0.02 - 0.011)


async def test_admit_and_settle_are_fast_with_six_budgets() -> None:
    eng = engine(
        BudgetConfig(scope="org:acme", day=1e6, month=1e7),
        BudgetConfig(scope="fleet:ops", hour=1e5, day=1e6),
        BudgetConfig(scope="agent:bob", total=1e6, session=1e5),
    )
    n = 5000
    start = time.perf_counter()
    for i in range(n):
        admission = await eng.admit(request(f"c{i}"))
        await eng.settle(admission, 0.005, now=NOON)
    per_call_us = (time.perf_counter() - start) / n * 1e6
    assert len(admission.slots) == 6
    print(f"admit+settle with 6 budgets: {per_call_us:.1f} µs")
    assert per_call_us < 200


@dataclass
class TieredByTotal:
    """Doubles every price once input + output passes 2000 tokens."""

    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        rate = 2 if input_tokens + output_tokens > 2000 else 1
        return rate * (input_tokens * 1e-6 + output_tokens * 1e-5)


def test_affine_bound_covers_a_price_tier_that_jumps_with_the_output() -> None:
    price = TieredByTotal()
    base, per_token = affine_bound(price, 1500, 4000)
    for n in range(0, 4001, 50):
        assert base + n * per_token >= price.worst_case(1500, n)
    assert affine_bound(FakePrice(), 1000, 4000) == pytest.approx((0.001, 1e-5))
