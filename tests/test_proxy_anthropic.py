"""The official anthropic SDK against the real gateway and mock upstream over HTTP."""

from __future__ import annotations

import anthropic
import httpx
import pytest

from conftest import RunningGateway


def client(gw: RunningGateway) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gw.url, api_key=gw.key, max_retries=0)


def ledger_rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


def test_message_is_metered_from_anthropic_usage(gateway: RunningGateway) -> None:
    raw = client(gateway).messages.with_raw_response.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        messages=[{"role": "user", "content": "Why does the test fail?"}],
    )
    message = raw.parse()
    assert message.content[0].text
    [row] = ledger_rows(gateway)
    assert row.dialect == "anthropic"
    assert row.usage.input_tokens == message.usage.input_tokens
    assert row.usage.output_tokens == message.usage.output_tokens
    assert row.cost_usd == pytest.approx(float(raw.headers["x-regulator-cost-usd"]), abs=1e-6)
    assert row.cost_usd > 0


def test_stream_is_passed_through_and_metered(gateway: RunningGateway) -> None:
    with client(gateway).messages.stream(
        model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": "Explain."}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text
    [row] = ledger_rows(gateway)
    assert row.stream and row.outcome == "ok"
    assert row.usage.output_tokens == final.usage.output_tokens
    assert row.usage.input_tokens == final.usage.input_tokens


def test_tool_use_passes_through(gateway: RunningGateway) -> None:
    tools = [
        {
            "name": "run_shell",
            "description": "Run a shell command",
            "input_schema": {
                "type": "object",
                "properties": {"cmd": {"type": "string"}},
                "required": ["cmd"],
            },
        }
    ]
    message = client(gateway).messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        tools=tools,
        messages=[{"role": "user", "content": "List files."}],
    )
    assert any(block.type == "tool_use" and block.name == "run_shell" for block in message.content)
    with client(gateway).messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=256,
        tools=tools,
        messages=[{"role": "user", "content": "List files."}],
    ) as stream:
        final = stream.get_final_message()
    assert any(block.type == "tool_use" for block in final.content)


def test_missing_max_tokens_is_set_by_regulator(gateway: RunningGateway) -> None:
    """Anthropic requires max_tokens; regulator sets it from the budget and the model's limit."""
    response = httpx.post(
        gateway.url + "/v1/messages",
        headers={"x-api-key": gateway.key, "anthropic-version": "2023-06-01"},
        json={"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 200, response.text
    [row] = ledger_rows(gateway)
    assert row.usage.output_tokens > 0
