"""Every API, plain and streamed: what regulator meters is the list price of what the provider billed,
to the millionth of a dollar, with cached input and reasoning tokens in the mix."""

from __future__ import annotations

from collections.abc import Callable

import anthropic
import openai
import pytest
from google import genai
from google.genai import types

from conftest import RunningGateway
from loadgen import billed_usd

# Long enough (>1,024 tokens) for the provider to cache it: the second call reads it from cache.
SYSTEM = "You are a careful engineer. " + " ".join(f"Rule {i}: keep the build green." for i in range(400))


def chat(gw: RunningGateway, stream: bool, turn: str) -> None:
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": turn}]
    answer = client.chat.completions.create(model="gpt-5-mini", messages=messages, stream=stream)
    if stream:
        list(answer)


def messages(gw: RunningGateway, stream: bool, turn: str) -> None:
    client = anthropic.Anthropic(base_url=gw.url, api_key=gw.key, max_retries=0)
    system = [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}]
    kwargs = {"model": "claude-sonnet-4-6", "max_tokens": 400, "system": system}
    if stream:
        with client.messages.stream(**kwargs, messages=[{"role": "user", "content": turn}]) as events:
            events.get_final_message()
    else:
        client.messages.create(**kwargs, messages=[{"role": "user", "content": turn}])


def responses(gw: RunningGateway, stream: bool, turn: str) -> None:
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    answer = client.responses.create(model="gpt-5.1-codex-mini", instructions=SYSTEM, input=turn, stream=stream)
    if stream:
        list(answer)


def gemini(gw: RunningGateway, stream: bool, turn: str) -> None:
    client = genai.Client(api_key=gw.key, http_options=types.HttpOptions(base_url=gw.url))
    config = types.GenerateContentConfig(system_instruction=SYSTEM)
    if stream:
        list(client.models.generate_content_stream(model="gemini-2.5-flash", contents=turn, config=config))
    else:
        client.models.generate_content(model="gemini-2.5-flash", contents=turn, config=config)


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
@pytest.mark.parametrize("call", [chat, messages, responses, gemini], ids=lambda f: f.__name__)
def test_metered_cost_is_the_list_price_of_what_the_provider_billed(
    gateway: RunningGateway, mock_upstream, call: Callable[[RunningGateway, bool, str], None], stream: bool
) -> None:
    for turn in ("Why does the build fail?", "And how do I fix it?", "Thanks, anything else?"):
        call(gateway, stream, turn)
    gateway.gateway.ledger.flush()
    rows = list(gateway.gateway.store.iter_records(0))
    assert len(rows) == 3 and all(row.outcome == "ok" for row in rows)
    assert any(row.usage.cached_input_tokens for row in rows), "the shared prefix was read from cache"
    if call is messages:
        assert rows[0].usage.cache_write_tokens > 0
    else:
        assert all(row.usage.reasoning_tokens for row in rows)
    # A millionth of a cent: only float rounding may part them.
    assert sum(row.cost_usd for row in rows) == pytest.approx(billed_usd(mock_upstream.url, rows[0].model), abs=1e-8)
    assert sum(row.cost_usd for row in rows) > 0
