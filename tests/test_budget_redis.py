"""Redis counters against real Redis servers: shared exactness across replicas, reaping, outages.

"Replicas" are separate `RedisBackend`s (own client, own engine) on one server. Outages use a
throwaway `redis-server` started here on a free port (stopped with SIGSTOP/SIGCONT or killed);
the machine's shared Redis is never stopped.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest
import redis as syncredis

from conftest import RunningGateway
from processes import ThrowawayRedis
from regulator.budget.backend import Caller, Expired
from regulator.budget.config import BudgetConfig, RateLimitConfig
from regulator.budget.engine import BudgetEngine
from regulator.budget.failover import FailoverBackend
from regulator.budget.memory import MemoryBackend
from regulator.budget.redis import RedisBackend, connect
from regulator.budget.slots import AdmitRequest
from regulator.errors import BudgetExceeded, CountersUnavailable, RateLimited
from regulator.events import Identity
from regulator.policy.standing_sync import StandingSync
from regulator.store import open_store

pytestmark = pytest.mark.redis
NOON = 1715774400.0


class Price:
    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * 1e-6 + output_tokens * 1e-5


PRICE = Price()


def admit_request(n: int, i: int, *, now: float = NOON, max_tokens: int | None = 2000) -> AdmitRequest:
    return AdmitRequest(
        identity=Identity(key_id=f"k{n}", agent=f"agent-{n}", fleet="swarm", org="o"),
        session=f"run-{n}",
        call_id=f"{n}-{i}",
        price=PRICE,
        input_tokens=1000,
        max_tokens=max_tokens,
        model_max_output_tokens=2000,
        now=now,
    )


class Clock:
    """The wall clock a backend stamps its seeds with, set by the test (commit times are given too)."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
async def replicas(redis_url: str, redis_prefix: str) -> AsyncIterator[list[RedisBackend]]:
    # These engines live at NOON: the seeds' wall clock must agree with the settles' clock.
    backends = [RedisBackend(connect(redis_url), prefix=redis_prefix, clock=Clock(NOON)) for _ in range(3)]
    yield backends
    for b in backends:
        await b.close()


@pytest.mark.parametrize("session_cap", [None, 0.05])
async def test_three_replicas_never_overspend_a_shared_budget_and_use_it(
    replicas: list[RedisBackend], session_cap: float | None
) -> None:
    limit = 40 * 0.021
    budgets = [BudgetConfig(scope="fleet:swarm", day=limit, session=session_cap), BudgetConfig(scope="org:o")]
    engines = [BudgetEngine(b, budgets, []) for b in replicas]
    rng = random.Random(7)
    spent = 0.0

    async def agent(n: int) -> None:
        nonlocal spent
        engine = engines[n % 3]
        for i in range(1000):
            try:
                admission = await engine.admit(admit_request(n, i, max_tokens=None if n % 2 else 2000))
            except BudgetExceeded:
                return
            await asyncio.sleep(rng.uniform(0, 0.004))
            actual = PRICE.worst_case(1000, rng.randint(admission.max_tokens // 2, admission.max_tokens))
            spent += actual
            await engine.settle(admission, actual, now=NOON)

    await asyncio.gather(*(agent(n) for n in range(100)))
    status = {s.scope: s for s in await engines[1].snapshot(NOON)}["fleet:swarm"]
    assert status.reserved_usd == 0
    assert status.spent_usd == pytest.approx(spent)
    assert 0.9 * limit <= spent <= limit


async def test_redis_decides_exactly_as_the_in_process_backend(redis_url: str, redis_prefix: str) -> None:
    budgets = [BudgetConfig(scope="agent:agent-1", hour=0.1, thresholds=[0.5, 0.9]), BudgetConfig(scope="org:o", day=1)]
    limits = [RateLimitConfig(scope="agent:*", tokens_per_minute=20000)]
    redis_backend = RedisBackend(connect(redis_url), prefix=redis_prefix)
    engines = [BudgetEngine(MemoryBackend(), budgets, limits), BudgetEngine(redis_backend, budgets, limits)]
    traces: list[list[object]] = [[], []]
    for engine, trace in zip(engines, traces, strict=True):
        for i in range(12):
            try:
                admission = await engine.admit(admit_request(1, i, now=NOON + i, max_tokens=None))
            except (BudgetExceeded, RateLimited) as exc:
                trace.append((type(exc).__name__, exc.details))
                continue
            trace.append((admission.max_tokens, round(admission.reserved_usd, 12), admission.budget_events))
            # Every third call bills more than reserved: an overrun, reported and counted.
            actual = admission.reserved_usd * (1.5 if i % 3 == 0 else 0.5)
            trace.append(await engine.settle(admission, actual, actual_tokens=1500, now=NOON + i))
        trace.append([(s.spent_usd, s.reserved_usd) for s in await engine.snapshot(NOON + 12)])
    assert traces[0] == traces[1]
    assert any("BudgetExceeded" in str(t) for t in traces[0])
    await redis_backend.close()


async def test_a_dropped_replicas_reservations_are_reaped_and_counted_at_their_reserved_amount(
    replicas: list[RedisBackend],
) -> None:
    budgets = [BudgetConfig(scope="fleet:swarm", day=10.0)]
    limits = [RateLimitConfig(scope="agent:*", concurrent=2)]
    dying, survivor = (BudgetEngine(b, budgets, limits, reservation_ttl_s=30) for b in replicas[:2])
    held = [await dying.admit(admit_request(1, i)) for i in range(2)]
    with pytest.raises(RateLimited):
        await survivor.admit(admit_request(1, 9))
    reserved = sum(a.reserved_usd for a in held)
    await replicas[0].close()  # the replica dies without settling

    events = await survivor.expire(NOON + 31)
    assert sorted(e.reservation_id for e in events) == ["1-0", "1-1"]
    assert {e.scope for e in events} == {"fleet:swarm"}
    status = (await survivor.snapshot(NOON + 31))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(reserved), 0.0)
    assert await survivor.expire(NOON + 40) == []
    # The concurrency slots came back, and a late settle counts only the difference.
    late = await survivor.admit(admit_request(1, 10, now=NOON + 31))
    await survivor.settle(late, 0.001, now=NOON + 32)
    assert (await survivor.settle(held[0], 0.002, now=NOON + 32))[0].kind == "late_settle"
    status = (await survivor.snapshot(NOON + 32))[0]
    assert status.spent_usd == pytest.approx(reserved - held[0].reserved_usd + 0.002 + 0.001)


async def test_a_dead_replicas_calls_reach_a_survivor_for_the_ledger_settled_or_not(
    replicas: list[RedisBackend], redis_url: str, redis_prefix: str
) -> None:
    budgets = [BudgetConfig(scope="fleet:swarm", day=10.0)]
    dying, survivor = (BudgetEngine(b, budgets, [], reservation_ttl_s=30) for b in replicas[:2])
    survivor.set_orgs({"fleet:swarm": "o"})
    reaped: list[Expired] = []
    survivor.on_reaped = reaped.append
    recorded, finished, in_flight, released = [await dying.admit(admit_request(1, i)) for i in range(4)]
    for admission, usd in ((recorded, 0.004), (finished, 0.003), (released, 0.0)):
        await dying.settle(admission, usd, now=NOON + 1)
    await replicas[0].rows_committed(["1-0"])  # only the first call's row reached the database
    inspect = syncredis.Redis.from_url(redis_url, decode_responses=True)
    assert sorted(inspect.hkeys(f"{redis_prefix}:{{o}}:held")) == ["1-1", "1-2"]  # nothing left of the release
    inspect.close()
    await replicas[0].close()  # the replica dies for good

    events = await survivor.expire(NOON + 31)
    assert [e.reservation_id for e in events] == ["1-2"]  # only a reservation expired
    by_id = {e.reservation_id: e for e in reaped}
    assert sorted(by_id) == ["1-1", "1-2"]
    assert by_id["1-1"].settled and by_id["1-1"].amount_usd == pytest.approx(0.003)
    assert not by_id["1-2"].settled and by_id["1-2"].amount_usd == pytest.approx(in_flight.reserved_usd)
    assert by_id["1-2"].caller == Caller(NOON, "o", "swarm", "agent-1", "run-1")
    status = (await survivor.snapshot(NOON + 31))[0]
    # Counted once each: the settled ones at what they cost, the one in flight at its reservation.
    assert status.spent_usd == pytest.approx(0.004 + 0.003 + in_flight.reserved_usd)
    assert status.reserved_usd == 0.0


async def test_a_counter_is_seeded_from_the_ledger_once_even_when_replicas_race(
    replicas: list[RedisBackend],
) -> None:
    asked: list[float] = []

    def ledger(since: float, filters: dict[str, str]) -> float:
        asked.append(since)
        time.sleep(0.02)  # both replicas miss before either writes
        return 1.25

    for b in replicas:
        b.set_loader(ledger)
    engines = [BudgetEngine(b, [BudgetConfig(scope="fleet:swarm", day=5.0)], []) for b in replicas]
    await asyncio.gather(*(e.admit(admit_request(n, 0)) for n, e in enumerate(engines)))
    status = (await engines[0].snapshot(NOON))[0]
    assert status.spent_usd == 1.25 and len(asked) >= 2


async def test_window_counters_expire_after_their_window_and_total_counters_do_not(
    replicas: list[RedisBackend], redis_url: str
) -> None:
    engine = BudgetEngine(replicas[0], [BudgetConfig(scope="fleet:swarm", day=5.0, total=50.0)], [])
    admission = await engine.admit(admit_request(1, 0))
    client = syncredis.Redis.from_url(redis_url)
    day, total = (replicas[0].counter_key(s) for s in admission.slots)
    assert 86400 < client.ttl(day) <= 86400 + 900 + 3600
    assert client.ttl(total) == -1
    client.close()


async def test_an_idle_session_caps_counter_expires_and_is_reread_from_the_ledger(
    replicas: list[RedisBackend], redis_url: str
) -> None:
    ledger: list[float] = []
    replicas[0].set_loader(lambda since, filters: sum(ledger) if filters.get("session") == "run-1" else 0.0)
    engine = BudgetEngine(replicas[0], [BudgetConfig(scope="fleet:swarm", session=1.0, total=50.0)], [])
    admission = await engine.admit(admit_request(1, 0))
    await engine.settle(admission, 0.25, now=NOON)
    ledger.append(0.25)
    client = syncredis.Redis.from_url(redis_url)
    [session_key] = [replicas[0].counter_key(s) for s in admission.slots if s.scope.startswith("session:")]
    assert 0 < client.ttl(session_key) <= 900 + 3600  # refreshed by each reservation of the session
    client.delete(session_key)  # what the TTL does to a session idle that long
    again = await engine.admit(admit_request(1, 1))
    [cap] = [s for s in again.slots if s.scope.startswith("session:")]
    [state] = await replicas[0].states([cap])
    assert state.spent == pytest.approx(0.25)  # the session's spend came back from the ledger
    client.close()


async def test_rate_limits_are_shared_across_replicas(replicas: list[RedisBackend]) -> None:
    engines = [BudgetEngine(b, [], [RateLimitConfig(scope="org:o", requests_per_minute=5)]) for b in replicas]
    for i in range(5):
        await engines[i % 3].admit(admit_request(1, i))
    with pytest.raises(RateLimited) as refused:
        await engines[2].admit(admit_request(1, 5))
    assert refused.value.headers["Retry-After"] == "12"


async def test_every_key_a_call_touches_carries_its_orgs_hash_tag(
    replicas: list[RedisBackend], redis_url: str, redis_prefix: str
) -> None:
    """So a Redis Cluster runs each script in one slot, and orgs spread over the cluster."""
    budgets = [
        BudgetConfig(scope="org:o", day=5.0),
        BudgetConfig(scope="fleet:swarm", day=5.0, session=1.0),
        BudgetConfig(scope="org:p", day=5.0),
    ]
    limits = [RateLimitConfig(scope="agent:*", requests_per_minute=100, tokens_per_minute=10**6, concurrent=5)]
    engine = BudgetEngine(replicas[0], budgets, limits, reservation_ttl_s=30)
    other = replace(admit_request(2, 0), identity=Identity(key_id="k2", agent="bot", fleet="crew", org="p"))
    held = [await engine.admit(admit_request(1, 0)), await engine.admit(other)]
    client = syncredis.Redis.from_url(redis_url, decode_responses=True)
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    client.close()
    tags: dict[str, set[str]] = {}
    for key in keys:
        tag, rest = key.removeprefix(f"{redis_prefix}:{{").split("}:", 1)
        tags.setdefault(tag, set()).add(rest.split("|")[0].split("@")[0])
    assert tags["*"] == {"orgs", "reaper"}  # fleet-wide, touched by no script with an org's keys
    assert tags["o"] == {
        "held",
        "exp",
        "c:org:o",
        "c:fleet:swarm",
        "c:session:agent-1/run-1",
        "rl:agent:agent-1",
    }
    assert tags["p"] == {"held", "exp", "c:org:p", "rl:agent:bot"}
    # Settling, reaping and reporting find each org's keys again.
    await engine.settle(held[0], 0.01, now=NOON)
    assert [e.reservation_id for e in await engine.expire(NOON + 31)] == ["2-0"]
    spent = {s.scope: s.spent_usd for s in await engine.snapshot(NOON + 31)}
    assert spent == {"org:o": 0.01, "fleet:swarm": 0.01, "org:p": pytest.approx(held[1].reserved_usd)}


async def test_a_replica_reports_an_orgs_fleet_budget_it_never_served(replicas: list[RedisBackend]) -> None:
    budgets = [BudgetConfig(scope="fleet:swarm", day=5.0)]
    serving, reporting = (BudgetEngine(b, budgets, []) for b in replicas[:2])
    admission = await serving.admit(admit_request(1, 0))
    reporting.set_orgs({"fleet:swarm": "o"})  # what the gateway learns from the key registry
    [status] = await reporting.snapshot(NOON)
    assert status.reserved_usd == pytest.approx(admission.reserved_usd)


# -- outages, on a throwaway Redis server --------------------------------------------------------


async def test_redis_gone_fails_closed_and_service_resumes_from_the_ledger(throwaway: ThrowawayRedis) -> None:
    ledger: list[float] = []
    backend = RedisBackend(connect(throwaway.url, timeout_s=0.3))
    backend.set_loader(lambda since, filters: sum(ledger))
    engine = BudgetEngine(backend, [BudgetConfig(scope="fleet:swarm", day=1.0)], [])
    admission = await engine.admit(admit_request(1, 0))
    await engine.settle(admission, 0.01, now=NOON)
    ledger.append(0.01)

    throwaway.kill()
    with pytest.raises(CountersUnavailable) as down:
        await engine.admit(admit_request(1, 1))
    assert down.value.status == 503
    assert down.value.render("anthropic")[0] == 503

    throwaway.start()  # empty: its counters come back from the ledger, counted once
    admission = await engine.admit(admit_request(1, 2))
    await engine.settle(admission, 0.02, now=NOON)
    assert (await engine.snapshot(NOON))[0].spent_usd == pytest.approx(0.03)
    await backend.close()


async def committed(backend: FailoverBackend, call_ids: list[str], at: float) -> None:
    """What the gateway's ledger writer reports once these calls' rows are in the database."""
    backend.rows_committed(call_ids, at)
    await asyncio.sleep(0)  # it reaches the backend through the event loop, as from the writer thread


async def test_fail_open_degrades_to_local_counters_and_pushes_their_spend_once_their_rows_are_in(
    throwaway: ThrowawayRedis,
) -> None:
    seen: list[bool] = []
    backend = FailoverBackend(
        RedisBackend(connect(throwaway.url, timeout_s=0.2), clock=Clock(NOON)),
        fail_open=True,
        probe_interval_s=0.0,
        on_degraded=seen.append,
    )
    engine = BudgetEngine(backend, [BudgetConfig(scope="fleet:swarm", day=1.0)], [])
    first = await engine.admit(admit_request(1, 0))
    await engine.settle(first, 0.01, now=NOON)
    in_flight = await engine.admit(admit_request(1, 1))

    throwaway.pause(True)  # unreachable, data kept
    local = await engine.admit(admit_request(1, 2))
    assert backend.is_degraded(local.reservation_id) and not backend.is_degraded(in_flight.reservation_id)
    await engine.settle(local, 0.02, now=NOON)
    await engine.settle(in_flight, 0.04, now=NOON)  # queued for replay
    throwaway.pause(False)

    again = await engine.admit(admit_request(1, 3))
    assert seen == [True, False] and not backend.is_degraded(again.reservation_id)
    await engine.settle(again, 0.08, now=NOON)
    await backend.sync()
    # The outage's spend waits for its ledger rows; the in-flight reservation still holds its worst case.
    status = (await engine.snapshot(NOON))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.09), pytest.approx(0.021))
    await committed(backend, [local.reservation_id, in_flight.reservation_id], NOON + 0.2)
    await backend.sync()
    await backend.sync()  # nothing left: a no-op
    status = (await engine.snapshot(NOON))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.15), 0.0)
    # The same push id again (a retry after a lost reply) changes nothing.
    slot = first.slots[0]
    assert await backend.primary.push_spend("retry", {slot: {int(NOON * 10): 1.0}}) == 1
    assert await backend.primary.push_spend("retry", {slot: {int(NOON * 10): 1.0}}) == -1
    await backend.primary.close()


def ledgered_backend(throwaway: ThrowawayRedis) -> tuple[FailoverBackend, BudgetEngine, list[float], Clock]:
    """A fail-closed backend whose re-seeds read `ledger` (the USD of each recorded call) at `clock`."""
    ledger: list[float] = []
    clock = Clock(NOON)
    backend = FailoverBackend(RedisBackend(connect(throwaway.url, timeout_s=0.2), clock=clock))
    backend.set_loader(lambda since, filters: sum(ledger))
    return backend, BudgetEngine(backend, [BudgetConfig(scope="fleet:swarm", day=1.0)], []), ledger, clock


async def test_calls_in_flight_when_redis_dies_are_counted_once_when_it_comes_back_empty(
    throwaway: ThrowawayRedis,
) -> None:
    """Their settles are replayed; the counters re-seeded from the ledger (which has them) keep them once."""
    backend, engine, ledger, clock = ledgered_backend(throwaway)
    in_flight = [await engine.admit(admit_request(n, 0)) for n in range(3)]
    throwaway.kill()
    for admission in in_flight:
        await engine.settle(admission, 0.01, now=NOON + 1)  # no error: the caller gets its answer
        ledger.append(0.01)  # and the gateway records the call
    await committed(backend, [a.reservation_id for a in in_flight], NOON + 1.2)
    throwaway.start()
    clock.t = NOON + 10
    later = await engine.admit(admit_request(9, 0, now=NOON + 10))
    await engine.settle(later, 0.02, now=NOON + 10)
    await backend.sync()
    status = (await engine.snapshot(NOON + 10))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.05), 0.0)
    await backend.primary.close()


async def test_a_call_whose_ledger_row_lands_after_the_reseed_is_counted_once(throwaway: ThrowawayRedis) -> None:
    """Settled before Redis came back empty, committed to a slow ledger only after a replica re-seeded:
    the seed did not read it, so its replayed settle must add it (a settle-time rule would drop it)."""
    backend, engine, ledger, clock = ledgered_backend(throwaway)
    fast, slow = [await engine.admit(admit_request(n, 0)) for n in range(2)]
    throwaway.kill()
    await engine.settle(fast, 0.01, now=NOON + 1)
    ledger.append(0.01)
    await committed(backend, [fast.reservation_id], NOON + 1.1)
    await engine.settle(slow, 0.02, now=NOON + 1)  # its row waits in the ledger writer's queue
    throwaway.start()
    clock.t = NOON + 3
    later = await engine.admit(admit_request(9, 0, now=NOON + 3))  # the seed reads 0.01
    ledger.append(0.02)
    await committed(backend, [slow.reservation_id], NOON + 4)
    await engine.settle(later, 0.04, now=NOON + 4)
    await backend.sync()
    status = (await engine.snapshot(NOON + 4))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.07), 0.0)
    await backend.primary.close()


async def test_a_late_settle_onto_a_counter_not_yet_reseeded_is_counted_once_its_row_is_in(
    throwaway: ThrowawayRedis,
) -> None:
    """Redis came back empty while a call ran; it settles before any call re-seeds its counter."""
    backend, engine, ledger, clock = ledgered_backend(throwaway)
    running = await engine.admit(admit_request(1, 0))
    throwaway.kill()
    throwaway.start()
    await engine.settle(running, 0.01, now=NOON + 1)  # reservation and counter both gone
    clock.t = NOON + 2
    later = await engine.admit(admit_request(9, 0, now=NOON + 2))  # re-seeded before the row is in
    ledger.append(0.01)
    await committed(backend, [running.reservation_id], NOON + 3)
    await engine.settle(later, 0.02, now=NOON + 3)
    await backend.sync()
    status = (await engine.snapshot(NOON + 3))[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.03), 0.0)
    await backend.primary.close()


async def test_a_gateway_stopping_after_an_outage_pushes_the_spend_it_counted_locally(
    throwaway: ThrowawayRedis, start_gateway: Callable[..., RunningGateway]
) -> None:
    """Its rows reach the ledger only at shutdown (a long flush interval): the sweep had nothing to
    push, so only the stop can bring that spend to a Redis that kept its data."""
    gw = start_gateway(
        counters={"url": throwaway.url, "fail_open": True},
        storage={"ledger_flush_ms": 60_000},
        budgets=[{"scope": "fleet:fleet-1", "total": 100.0}],
    )
    body = {"model": "gpt-4o-mini", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    async with httpx.AsyncClient(base_url=gw.url, headers={"authorization": f"Bearer {gw.key}"}) as client:
        answers = [await client.post("/v1/chat/completions", json=body)]
        throwaway.pause(True)
        answers += [await client.post("/v1/chat/completions", json=body) for _ in range(3)]
        throwaway.pause(False)
    assert [a.status_code for a in answers] == [200] * 4
    assert all("degraded-counters" in a.headers.get("x-regulator-action", "") for a in answers[1:])
    gw.server.stop()
    store = open_store(gw.data_dir)
    billed = store.sum_cost(0)
    store.close()
    client = syncredis.Redis.from_url(throwaway.url, decode_responses=True)
    spent = client.hget("rg:{org-1}:c:fleet:fleet-1|total@0", "spent")  # the gateway's key's org
    assert float(spent or 0) == pytest.approx(billed, rel=1e-9)
    client.close()


async def test_fail_closed_is_the_default(throwaway: ThrowawayRedis) -> None:
    backend = FailoverBackend(RedisBackend(connect(throwaway.url, timeout_s=0.2)))
    engine = BudgetEngine(backend, [BudgetConfig(scope="fleet:swarm", day=1.0)], [])
    throwaway.kill()
    with pytest.raises(CountersUnavailable):
        await engine.admit(admit_request(1, 0))
    await backend.primary.close()


# -- standing state across replicas --------------------------------------------------------------


async def test_a_pause_published_on_one_replica_reaches_the_others_within_a_second(
    redis_url: str, redis_prefix: str
) -> None:
    channel = f"{redis_prefix}:standing"
    heard: list[asyncio.Queue[dict[str, object] | None]] = [asyncio.Queue() for _ in range(2)]
    buses = [StandingSync(connect(redis_url), channel=channel, interval_s=0.3) for _ in range(3)]
    for bus, queue in zip(buses[1:], heard, strict=True):
        await bus.start(queue.put)
    started = time.monotonic()
    assert await buses[0].publish({"scope_kind": "agent", "name": "bob", "state": "paused"}) == 2
    for queue in heard:
        change = await asyncio.wait_for(queue.get(), 1.0)
        assert change == {"scope_kind": "agent", "name": "bob", "state": "paused"}
    assert time.monotonic() - started < 1.0
    # The periodic reload runs even with nothing published.
    assert await asyncio.wait_for(heard[0].get(), 1.0) is None
    for bus in buses:
        await bus.stop()
        await bus.client.aclose()
