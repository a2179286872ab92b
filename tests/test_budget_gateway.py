"""Hard caps through the real HTTP gateway: 100 concurrent agents (official async clients, on chat
completions, the Responses API or Gemini) against the mock upstream at 50–200 ms latency never
overspend a budget, and do use it."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import openai
import pytest

from conftest import RunningGateway
from loadgen import APIS, run_agent
from loadgen import probe_call_cost as probe_call_cost_at

AGENTS = 100


async def probe_call_cost(gw: RunningGateway, api: str = "chat") -> float:
    """What one agent call really costs (measured through an unbudgeted fleet)."""
    return await probe_call_cost_at(gw.url, gw.new_key("probe", "probe-fleet"), api)


def fleet_spend(gw: RunningGateway) -> dict[str, float]:
    gw.gateway.ledger.flush()
    spend: dict[str, float] = defaultdict(float)
    for row in gw.gateway.store.iter_records(0):
        if row.fleet == "fleet-1":
            spend[row.session] += row.cost_usd
    return spend


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streaming"])
@pytest.mark.parametrize("api", APIS)
async def test_fleet_budget_holds_under_100_concurrent_agents(start_gateway, stream: bool, api: str) -> None:
    gw = start_gateway()
    limit = round(40 * await probe_call_cost(gw, api), 8)
    await set_budget(gw, "fleet:fleet-1", {"total": limit})
    keys = [gw.new_key(f"agent-{i}", "fleet-1") for i in range(AGENTS)]
    runs = await asyncio.gather(*(run_agent([gw.url], k, i, stream=stream, api=api) for i, k in enumerate(keys)))
    spent = sum(fleet_spend(gw).values())
    assert spent <= limit, f"overspent: {spent} > {limit}"
    assert spent >= 0.9 * limit, f"budget under-used: {spent / limit:.1%} ({sum(r.calls for r in runs)} calls)"


async def test_per_session_caps_hold_for_every_session(start_gateway) -> None:
    """10 sessions of 10 concurrent agents each (one shared agent identity per session's team),
    every session capped at ~40 calls' worth."""
    gw = start_gateway()
    cap = round(40 * await probe_call_cost(gw), 8)
    await set_budget(gw, "fleet:fleet-1", {}, session=cap)
    keys = [gw.new_key(f"team-{i % 10}", "fleet-1") for i in range(AGENTS)]
    await asyncio.gather(*(run_agent([gw.url], k, i, session=f"task-{i % 10}") for i, k in enumerate(keys)))
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


async def test_a_call_the_byte_bound_refuses_is_admitted_on_a_real_token_count(start_gateway) -> None:
    """gpt-4's tokenizer ships offline: when the cheap bytes bound does not fit the budget, the
    gateway counts tokens for real before refusing."""
    gw = start_gateway()
    text = "Please review the failing test output and explain the root cause in plain words. " * 50
    bytes_worst = len(text) * 30e-6  # gpt-4 input at $30 per million tokens, one token per byte
    await set_budget(gw, "agent:agent-1", {"total": round(bytes_worst / 2, 6)})
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    raw = await client.chat.completions.with_raw_response.create(
        model="gpt-4", max_tokens=10, messages=[{"role": "user", "content": text}]
    )
    await client.close()
    assert raw.status_code == 200
    gw.gateway.ledger.flush()
    [row] = list(gw.gateway.store.iter_records(0))
    assert row.reserved_usd < bytes_worst / 2
