"""Hard caps through the real HTTP gateway: 100 concurrent agents (async openai clients) against
the mock upstream at 50–200 ms latency never overspend a budget, and do use it."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import openai
import pytest
from conftest import RunningGateway

AGENTS = 100
MODEL = "gpt-4o-mini"
MAX_TOKENS = 100


async def probe_call_cost(gw: RunningGateway) -> float:
    """What one agent call really costs (measured through an unbudgeted fleet)."""
    key = gw.new_key("probe", "probe-fleet")
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0)
    raw = await client.chat.completions.with_raw_response.create(
        model=MODEL, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": "agent 0 turn 0: run the tests"}]
    )
    await client.close()
    return float(raw.headers["x-regulator-cost-usd"])


async def run_agent(gw: RunningGateway, key: str, index: int, stream: bool, session: str | None) -> int:
    """Call until the budget refuses for good; a refusal with Retry-After (calls in flight hold the
    rest) is retried, as the SDKs do."""
    headers = {"X-Regulator-Session": session} if session else {}
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0, default_headers=headers)
    rng = random.Random(index)
    calls = 0
    try:
        for turn in range(200):
            try:
                extra = {"x-mock-latency-ms": str(rng.randint(50, 200))}
                messages = [{"role": "user", "content": f"agent {index} turn {turn}: run the tests"}]
                if stream:
                    response = await client.chat.completions.create(
                        model=MODEL, max_tokens=MAX_TOKENS, messages=messages, stream=True, extra_headers=extra
                    )
                    async for _ in response:
                        pass
                else:
                    await client.chat.completions.create(
                        model=MODEL, max_tokens=MAX_TOKENS, messages=messages, extra_headers=extra
                    )
                calls += 1
            except openai.RateLimitError as exc:
                assert exc.body and exc.body.get("code") == "budget_exceeded", exc.body
                if not exc.response.headers.get("retry-after") or exc.body.get("budget", {}).get("window") != "total":
                    break
                if exc.body["budget"]["reserved_usd"] <= 0:
                    break
                await asyncio.sleep(0.05)
    finally:
        await client.close()
    return calls


def fleet_spend(gw: RunningGateway) -> dict[str, float]:
    gw.gateway.ledger.flush()
    spend: dict[str, float] = defaultdict(float)
    for row in gw.gateway.store.iter_records(0):
        if row.fleet == "fleet-1":
            spend[row.session] += row.cost_usd
    return spend


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streaming"])
async def test_fleet_budget_holds_under_100_concurrent_agents(start_gateway, stream: bool) -> None:
    gw = start_gateway()
    limit = round(40 * await probe_call_cost(gw), 8)
    await set_budget(gw, "fleet:fleet-1", {"total": limit})
    keys = [gw.new_key(f"agent-{i}", "fleet-1") for i in range(AGENTS)]
    calls = await asyncio.gather(*(run_agent(gw, k, i, stream, None) for i, k in enumerate(keys)))
    spent = sum(fleet_spend(gw).values())
    assert spent <= limit, f"overspent: {spent} > {limit}"
    assert spent >= 0.9 * limit, f"budget under-used: {spent / limit:.1%} ({sum(calls)} calls)"


async def test_per_session_caps_hold_for_every_session(start_gateway) -> None:
    """10 sessions of 10 concurrent agents each (one shared agent identity per session's team),
    every session capped at ~40 calls' worth."""
    gw = start_gateway()
    cap = round(40 * await probe_call_cost(gw), 8)
    await set_budget(gw, "fleet:fleet-1", {}, session=cap)
    keys = [gw.new_key(f"team-{i % 10}", "fleet-1") for i in range(AGENTS)]
    await asyncio.gather(*(run_agent(gw, k, i, False, f"task-{i % 10}") for i, k in enumerate(keys)))
    spend = fleet_spend(gw)
    assert len(spend) == 10
    for session, spent in spend.items():
        assert spent <= cap, f"{session} overspent: {spent} > {cap}"
        assert spent >= 0.9 * cap, f"{session} under-used: {spent / cap:.1%}"


async def set_budget(gw: RunningGateway, scope: str, limits: dict[str, float], session: float | None = None) -> None:
    """As an operator does (the store, which the CLI and admin API write): live within a second."""
    gw.gateway.store.set_budget(scope, limits, session)
    for _ in range(50):
        if any(b.scope == scope for b in gw.gateway.budget.budgets):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the running gateway did not pick up the budget within 1 s")
