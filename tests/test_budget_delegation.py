"""Delegated budgets: a tree of caps, each call charged to its node and every ancestor at once.

Property: on random trees with random caps, many calls from every node at once — through three
engines sharing one in-process backend, and through three Redis "replicas" — no node's subtree
ever spends more than its cap, and what is not spent is not held.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regulator.budget.backend import CounterBackend
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.redis import RedisBackend, connect
from regulator.budget.slots import AdmitRequest
from regulator.errors import BudgetExceeded
from regulator.events import Identity

NOON = 1715774400.0


class Price:
    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        return input_tokens * 1e-6 + output_tokens * 1e-5


# A tree: node i > 0 hangs under a node before it; caps in USD (a call costs up to ~$0.0021).
trees = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.tuples(*(st.integers(0, max(0, i - 1)) for i in range(n))),
        st.lists(st.floats(0.002, 0.05), min_size=n, max_size=n),
    )
)


def chains(parents: Sequence[int], caps: Sequence[float]) -> list[tuple[tuple[str, float], ...]]:
    """Each node's chain from itself up to the root (node 0)."""
    out = []
    for i in range(len(parents)):
        chain, node = [], i
        while True:
            chain.append((f"d{node}", caps[node]))
            if node == 0:
                break
            node = parents[node]
        out.append(tuple(chain))
    return out


async def spend_concurrently(
    backends: Sequence[CounterBackend], parents: Sequence[int], caps: Sequence[float], seed: int
) -> dict[int, float]:
    """Every node calls until refused, all at once, spread over the engines; returns spend per node."""
    engines = [BudgetEngine(b, [], [], reservation_ttl_s=1e9) for b in backends]
    rng = random.Random(seed)
    spent: dict[int, float] = defaultdict(float)
    calls = 0

    async def node(i: int, chain: tuple[tuple[str, float], ...]) -> None:
        nonlocal calls
        identity = Identity(f"k{i}", f"a{i}", "f", "acme", chain)
        for _ in range(40):
            calls += 1
            engine = engines[rng.randrange(len(engines))]
            request = AdmitRequest(
                identity,
                f"s{i}",
                f"c{seed}-{calls}",
                Price(),
                rng.randrange(10, 200),
                rng.randrange(16, 200),
                4096,
                NOON,
            )
            try:
                admission = await engine.admit(request)
            except BudgetExceeded:
                return
            await asyncio.sleep(rng.random() * 0.002)
            cost = admission.reserved_usd * rng.choice([0.0, 0.3, 1.0])
            spent[i] += cost
            await engine.settle(admission, cost, now=NOON)

    await asyncio.gather(*(node(i, c) for i, c in enumerate(chains(parents, caps))))
    return spent


def check_tree(parents: Sequence[int], caps: Sequence[float], spent: dict[int, float]) -> None:
    subtree = [spent[i] for i in range(len(parents))]
    for i in range(len(parents) - 1, 0, -1):  # children come after their parents
        subtree[parents[i]] += subtree[i]
    for i, cap in enumerate(caps):
        assert subtree[i] <= cap * (1 + 1e-9), f"node {i}'s tree spent {subtree[i]} > cap {cap}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, seed=st.integers(0, 10_000))
def test_no_subtree_ever_spends_more_than_its_cap_in_process(
    tree: tuple[tuple[int, ...], list[float]], seed: int
) -> None:
    parents, caps = tree
    shared = MemoryBackend()
    spent = asyncio.run(spend_concurrently([shared, shared, shared], parents, caps, seed))
    check_tree(parents, caps, spent)


@pytest.mark.redis
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(tree=trees, seed=st.integers(0, 10_000))
def test_no_subtree_ever_spends_more_than_its_cap_across_redis_replicas(
    redis_url: str, redis_prefix: str, tree: tuple[tuple[int, ...], list[float]], seed: int
) -> None:
    parents, caps = tree

    async def run() -> dict[int, float]:
        backends = [RedisBackend(connect(redis_url), prefix=f"{redis_prefix}:{seed}:{id(tree)}") for _ in range(3)]
        try:
            spent = await spend_concurrently(backends, parents, caps, seed)
            # Nothing is held once every call settled: a child's unspent cap was never the parent's loss.
            engine = BudgetEngine(backends[0], [], [])
            for d, cap in chains(parents, caps)[0]:
                assert (await engine.delegation_status(d, cap, "acme"))[1] == 0.0
            return spent
        finally:
            for b in backends:
                await b.close()

    check_tree(parents, caps, asyncio.run(run()))


async def test_a_childs_spend_counts_against_its_parent_at_once_and_its_unspent_cap_stays_the_parents() -> None:
    engine = BudgetEngine(MemoryBackend(), [], [], reservation_ttl_s=1e9)
    parent, child = (("p", 0.01),), (("c", 0.004), ("p", 0.01))
    call = 0

    async def admit(chain: tuple[tuple[str, float], ...], max_tokens: int) -> float:
        nonlocal call
        call += 1
        identity = Identity("k", "a", "f", "acme", chain)
        admission = await engine.admit(AdmitRequest(identity, "s", f"c{call}", Price(), 0, max_tokens, 4096, NOON))
        return admission.reserved_usd

    held = await admit(child, 300)  # $0.003 reserved: the parent sees it while it is in flight
    assert await engine.delegation_remaining(parent, "acme") == pytest.approx(0.01 - held)
    with pytest.raises(BudgetExceeded):
        await admit(child, 200)  # $0.002 more would take the child past $0.004
    assert await engine.delegation_remaining(child, "acme") == pytest.approx(0.004 - held)
    assert await admit(parent, 600) == pytest.approx(0.006)  # the parent still has what the child did not take
