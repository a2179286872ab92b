"""The official openai SDK against the real gateway and mock upstream over HTTP."""

from __future__ import annotations

import asyncio

import openai
import pytest

from conftest import RunningGateway
from regulator.app import GatewayServer
from regulator.config import Config

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "run_shell",
            "description": "Run a shell command",
            "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}, "required": ["cmd"]},
        },
    }
]


def client(gw: RunningGateway, **headers: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0, default_headers=headers)


def ledger_rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


def test_non_streamed_answer_carries_cost_matching_the_ledger(gateway: RunningGateway) -> None:
    raw = client(gateway).chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Summarise the build log."}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content
    cost = float(raw.headers["x-regulator-cost-usd"])
    [row] = ledger_rows(gateway)
    assert row.cost_usd == pytest.approx(cost, abs=1e-6)
    assert cost > 0
    assert row.usage.input_tokens == completion.usage.prompt_tokens
    assert row.usage.output_tokens == completion.usage.completion_tokens
    assert row.agent == "agent-1" and row.fleet == "fleet-1" and row.org == "org-1"
    assert raw.headers["x-regulator-session"] == row.session


def test_stream_is_metered_and_extra_usage_chunk_hidden(gateway: RunningGateway) -> None:
    stream = client(gateway).chat.completions.create(
        model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "Explain the failing test."}]
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    assert all(c.choices for c in chunks), "the usage-only chunk regulator asked for must not reach the caller"
    assert all(c.usage is None for c in chunks)
    [row] = ledger_rows(gateway)
    assert row.stream and row.outcome == "ok"
    assert row.usage.output_tokens > 0 and row.cost_usd > 0


def test_stream_keeps_usage_chunk_when_caller_asked_for_it(gateway: RunningGateway) -> None:
    stream = client(gateway).chat.completions.create(
        model="gpt-4o-mini",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "hi"}],
    )
    chunks = list(stream)
    usage = [c.usage for c in chunks if c.usage is not None]
    assert len(usage) == 1
    [row] = ledger_rows(gateway)
    assert row.usage.output_tokens == usage[0].completion_tokens


def test_tool_calls_pass_through_streamed_and_not(gateway: RunningGateway) -> None:
    messages = [{"role": "user", "content": "List the repository files."}]
    completion = client(gateway).chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS)
    call = completion.choices[0].message.tool_calls[0]
    assert call.function.name == "run_shell"
    stream = client(gateway).chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS, stream=True)
    arguments = "".join(
        tc.function.arguments or ""
        for chunk in stream
        if chunk.choices
        for tc in chunk.choices[0].delta.tool_calls or []
    )
    assert arguments == call.function.arguments


async def test_async_client_concurrent_calls_all_metered(gateway: RunningGateway) -> None:
    async_client = openai.AsyncOpenAI(base_url=gateway.url + "/v1", api_key=gateway.key, max_retries=0)
    results = await asyncio.gather(
        *(
            async_client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": f"task {i}"}], stream=i % 2 == 0
            )
            for i in range(20)
        )
    )
    for result in results:
        if isinstance(result, openai.AsyncStream):
            async for _ in result:
                pass
    await async_client.close()
    assert len(ledger_rows(gateway)) == 20


def test_embeddings_are_metered_at_the_configured_price(start_gateway) -> None:
    price = {"input": 0.02, "output": 0.0}
    gw = start_gateway(models=[{"name": "text-embedding-3-small", "upstream": "default", "price": price}])
    result = client(gw).embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert len(result.data) == 2
    [row] = ledger_rows(gw)
    assert row.endpoint == "embeddings" and row.usage.input_tokens > 0
    assert row.cost_usd == pytest.approx(row.usage.input_tokens * 0.02 / 1e6)


def test_models_lists_what_the_single_upstream_offers(gateway: RunningGateway) -> None:
    ids = [m.id for m in client(gateway).models.list()]
    assert "gpt-4o" in ids and "gpt-4o-mini" in ids


def test_models_lists_the_configured_models(mock_upstream, tmp_path) -> None:
    config = Config.model_validate(
        {
            "upstreams": [{"name": "mock", "base_url": mock_upstream.url + "/v1", "dialect": "both"}],
            "models": [{"name": "gpt-4o", "upstream": "mock"}, {"name": "fast", "upstream": "mock"}],
        }
    )
    with GatewayServer(config, tmp_path) as server:
        key, _ = server.gateway.store.create_key("a")
        listing = openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0).models.list()
        assert [m.id for m in listing] == ["fast", "gpt-4o"]


def test_explicit_session_header_groups_calls(gateway: RunningGateway) -> None:
    c = client(gateway, **{"X-Regulator-Session": "task-42"})
    for text in ("one", "two"):
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    assert {row.session for row in ledger_rows(gateway)} == {"task-42"}


def test_client_disconnect_mid_stream_is_metered_for_what_was_produced(gateway: RunningGateway, mock_upstream) -> None:
    c = client(gateway)
    stream = c.chat.completions.create(
        model="gpt-4o-mini",
        stream=True,
        messages=[{"role": "user", "content": "write a long essay"}],
        extra_headers={"x-mock-output-tokens": "2000", "x-mock-latency-ms": "2000"},
    )
    for i, _ in enumerate(stream):
        if i == 3:
            break
    stream.close()
    for _ in range(100):
        rows = ledger_rows(gateway)
        if rows:
            break
        asyncio.run(asyncio.sleep(0.05))
    [row] = rows
    assert row.outcome == "client_gone"
    assert 0 < row.usage.output_tokens < 2000
    assert row.cost_usd > 0
