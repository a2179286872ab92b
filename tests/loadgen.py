"""Agents as the hard-cap tests drive them: official `openai` clients calling a gateway (or several
replicas of one) until the budget refuses for good, and what they saw."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import openai

from regulator.config import Config
from regulator.events import Usage
from regulator.mock.server import mock_stats
from regulator.pricing.catalog import PriceBook

MODEL = "gpt-4o-mini"
MAX_TOKENS = 100


@dataclass
class AgentRun:
    calls: int = 0  # answered 200
    cost_usd: float = 0.0  # the gateway's x-regulator-cost-usd of those (the reserved amount for streams)
    actions: list[str] = field(default_factory=list)  # x-regulator-action of each 200, when present
    errors: Counter[tuple[int, str]] = field(default_factory=Counter)  # (status, code) of retried 5xx answers
    failovers: int = 0  # replicas found dead, moved on from
    served_by: Counter[str] = field(default_factory=Counter)  # 200s per replica URL
    refused_by: Counter[str] = field(default_factory=Counter)  # budget refusals per replica URL


def _client(base_url: str, key: str, session: str | None) -> openai.AsyncOpenAI:
    headers = {"X-Regulator-Session": session} if session else {}
    return openai.AsyncOpenAI(base_url=base_url + "/v1", api_key=key, max_retries=0, default_headers=headers)


async def probe_call_cost(base_url: str, key: str) -> float:
    """What one agent call really costs (measured with a key no budget applies to)."""
    client = _client(base_url, key, None)
    raw = await client.chat.completions.with_raw_response.create(
        model=MODEL, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": "agent 0 turn 0: run the tests"}]
    )
    await client.close()
    return float(raw.headers["x-regulator-cost-usd"])


async def run_agent(
    base_urls: Sequence[str],
    key: str,
    index: int,
    *,
    stream: bool = False,
    session: str | None = None,
    stop: asyncio.Event | None = None,
) -> AgentRun:
    """Call until the budget refuses for good (or until `stop` is set).

    A budget refusal with Retry-After while calls in flight hold the rest is retried, as the SDKs
    do. A replica that stops answering is left for the next of `base_urls`, as a load balancer
    would. With `stop`, 5xx answers (counters unavailable) are counted and retried.
    """
    run = AgentRun()
    rng = random.Random(index)
    replica = 0
    client = _client(base_urls[0], key, session)
    try:
        for turn in range(1000):
            if stop is not None and stop.is_set():
                break
            extra = {"x-mock-latency-ms": str(rng.randint(50, 200))}
            messages = [{"role": "user", "content": f"agent {index} turn {turn}: run the tests"}]
            try:
                raw = await client.chat.completions.with_raw_response.create(
                    model=MODEL, max_tokens=MAX_TOKENS, messages=messages, stream=stream, extra_headers=extra
                )
                answer = raw.parse()
                if stream:
                    async for _ in answer:  # type: ignore[union-attr]
                        pass
                run.calls += 1
                run.served_by[base_urls[replica]] += 1
                run.cost_usd += float(raw.headers["x-regulator-cost-usd"])
                if "x-regulator-action" in raw.headers:
                    run.actions.append(raw.headers["x-regulator-action"])
            except openai.RateLimitError as exc:
                body = exc.body if isinstance(exc.body, dict) else {}
                assert body.get("code") == "budget_exceeded", exc.body
                run.refused_by[base_urls[replica]] += 1
                budget = body.get("budget", {})
                if not exc.response.headers.get("retry-after") or budget.get("window") != "total":
                    break
                if budget.get("reserved_usd", 0) <= 0:
                    break
                await asyncio.sleep(0.05)
            except openai.APIConnectionError:
                if replica + 1 >= len(base_urls):
                    raise
                replica += 1
                run.failovers += 1
                await client.close()
                client = _client(base_urls[replica], key, session)
            except openai.InternalServerError as exc:
                if stop is None:
                    raise
                body = exc.body if isinstance(exc.body, dict) else {}
                run.errors[(exc.status_code, str(body.get("code")))] += 1
                await asyncio.sleep(0.05)
    finally:
        await client.close()
    return run


def billed_usd(mock_url: str) -> float:
    """What the mock upstream billed since its last reset, priced as the gateway prices it."""
    prices = PriceBook(Config())
    total = 0.0
    for model, counts in mock_stats(mock_url)["models"].items():
        fields = {k: v for k, v in counts.items() if k in Usage.__slots__}
        total += prices.price(model).cost(Usage(**fields))
    return total
