"""Agents as the hard-cap tests drive them: official clients calling a gateway (or several replicas of
one) until the budget refuses for good, and what they saw. An agent speaks one API: chat completions
or the Responses API (the `openai` SDK), or Gemini (`google-genai`)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from regulator.config import Config
from regulator.events import Usage
from regulator.mock.server import mock_stats
from regulator.pricing.catalog import PriceBook

MODEL = "gpt-4o-mini"
GEMINI_MODEL = "gemini-2.0-flash"
MAX_TOKENS = 100
APIS = ("chat", "responses", "gemini")


@dataclass
class AgentRun:
    calls: int = 0  # answered 200
    cost_usd: float = 0.0  # the gateway's x-regulator-cost-usd of those (the reserved amount for streams)
    actions: list[str] = field(default_factory=list)  # x-regulator-action of each 200, when present
    errors: Counter[tuple[int, str]] = field(default_factory=Counter)  # (status, code) of retried 5xx answers
    failovers: int = 0  # replicas found dead, moved on from
    served_by: Counter[str] = field(default_factory=Counter)  # 200s per replica URL
    refused_by: Counter[str] = field(default_factory=Counter)  # budget refusals per replica URL


class _Refused(Exception):
    """A budget refusal, whatever the API: its error body (regulator's fields) and Retry-After."""

    def __init__(self, body: dict[str, Any], retry_after: str | None):
        self.body, self.retry_after = body, retry_after


class _Unreachable(Exception):
    pass


class _Agent:
    """One agent's client for one API: `call` makes a call and says what it cost and what regulator did."""

    def __init__(self, api: str, base_url: str, key: str, session: str | None):
        headers = {"X-Regulator-Session": session} if session else {}
        self.api = api
        if api == "gemini":
            options = genai_types.HttpOptions(
                base_url=base_url, headers=headers, retry_options=genai_types.HttpRetryOptions(attempts=1)
            )
            self.gemini = genai.Client(api_key=key, http_options=options)
        else:
            self.openai = openai.AsyncOpenAI(
                base_url=base_url + "/v1", api_key=key, max_retries=0, default_headers=headers
            )

    async def call(self, text: str, stream: bool, extra: dict[str, str]) -> dict[str, str]:
        """The answer's headers, once the whole answer (or stream) is read."""
        try:
            if self.api == "gemini":
                return await self._gemini(text, stream, extra)
            if self.api == "responses":
                raw: Any = await self.openai.responses.with_raw_response.create(
                    model=MODEL, max_output_tokens=MAX_TOKENS, input=text, stream=stream, extra_headers=extra
                )
            else:
                raw = await self.openai.chat.completions.with_raw_response.create(
                    model=MODEL,
                    max_tokens=MAX_TOKENS,
                    messages=[{"role": "user", "content": text}],
                    stream=stream,
                    extra_headers=extra,
                )
            answer = raw.parse()
            if stream:
                async for _ in answer:
                    pass
            return dict(raw.headers)
        except (openai.RateLimitError, openai.BadRequestError) as exc:  # a final refusal is a 400
            body = exc.body if isinstance(exc.body, dict) else {}
            raise _Refused(body, exc.response.headers.get("retry-after")) from exc
        except openai.APIConnectionError as exc:
            raise _Unreachable() from exc

    async def _gemini(self, text: str, stream: bool, extra: dict[str, str]) -> dict[str, str]:
        config = genai_types.GenerateContentConfig(
            max_output_tokens=MAX_TOKENS, http_options=genai_types.HttpOptions(headers=extra)
        )
        models = self.gemini.aio.models
        try:
            if stream:
                chunks = [
                    c
                    async for c in await models.generate_content_stream(
                        model=GEMINI_MODEL, contents=text, config=config
                    )
                ]
                answered = chunks[-1]
            else:
                answered = await models.generate_content(model=GEMINI_MODEL, contents=text, config=config)
        except genai_errors.ClientError as exc:
            if exc.code != 429 or exc.response is None:
                raise
            error = (exc.details or {}).get("error", {})
            body = {**error, "code": (error.get("details") or [{}])[0].get("reason")}
            raise _Refused(body, exc.response.headers.get("retry-after")) from exc
        assert answered.sdk_http_response is not None and answered.sdk_http_response.headers is not None
        return answered.sdk_http_response.headers

    async def close(self) -> None:
        if self.api == "gemini":
            await self.gemini.aio.aclose()
        else:
            await self.openai.close()


async def probe_call_cost(base_url: str, key: str, api: str = "chat") -> float:
    """What one agent call really costs (measured with a key no budget applies to)."""
    agent = _Agent(api, base_url, key, None)
    headers = await agent.call("agent 0 turn 0: run the tests", False, {})
    await agent.close()
    return float(headers["x-regulator-cost-usd"])


async def run_agent(
    base_urls: Sequence[str],
    key: str,
    index: int,
    *,
    stream: bool = False,
    session: str | None = None,
    stop: asyncio.Event | None = None,
    api: str = "chat",
) -> AgentRun:
    """Call until the budget refuses for good (or until `stop` is set).

    A budget refusal with Retry-After while calls in flight hold the rest is retried, as the SDKs
    do. A replica that stops answering is left for the next of `base_urls`, as a load balancer
    would. With `stop`, 5xx answers (counters unavailable) are counted and retried.
    """
    run = AgentRun()
    rng = random.Random(index)
    replica = 0
    agent = _Agent(api, base_urls[0], key, session)
    try:
        for turn in range(1000):
            if stop is not None and stop.is_set():
                break
            extra = {"x-mock-latency-ms": str(rng.randint(50, 200))}
            try:
                headers = await agent.call(f"agent {index} turn {turn}: run the tests", stream, extra)
                run.calls += 1
                run.served_by[base_urls[replica]] += 1
                run.cost_usd += float(headers["x-regulator-cost-usd"])
                if "x-regulator-action" in headers:
                    run.actions.append(headers["x-regulator-action"])
            except _Refused as refused:
                assert refused.body.get("code") == "budget_exceeded", refused.body
                run.refused_by[base_urls[replica]] += 1
                budget = refused.body.get("budget", {})
                if not refused.retry_after or budget.get("window") != "total":
                    break
                if budget.get("reserved_usd", 0) <= 0:
                    break
                await asyncio.sleep(0.05)
            except _Unreachable:
                if replica + 1 >= len(base_urls):
                    raise
                replica += 1
                run.failovers += 1
                await agent.close()
                agent = _Agent(api, base_urls[replica], key, session)
            except openai.InternalServerError as exc:
                if stop is None:
                    raise
                body = exc.body if isinstance(exc.body, dict) else {}
                run.errors[(exc.status_code, str(body.get("code")))] += 1
                await asyncio.sleep(0.05)
    finally:
        await agent.close()
    return run


def billed_usd(mock_url: str, *models: str) -> float:
    """What the mock upstream billed since its last reset (for `models` only, when named: an earlier
    test's call the mock still answers after the reset bills too), priced as the gateway prices it."""
    prices = PriceBook(Config())
    total = 0.0
    for model, counts in mock_stats(mock_url)["models"].items():
        if models and model not in models:
            continue
        fields = {k: v for k, v in counts.items() if k in Usage.__slots__}
        total += prices.price(model).cost(Usage(**fields))
    return total
