"""The official openai SDK's Responses API (`client.responses`) against the real gateway and mock."""

from __future__ import annotations

import httpx
import openai
import orjson
import pytest

from conftest import RunningGateway
from regulator.proxy.pipeline import UNSEEN_INPUT_TOKENS

MODEL = "gpt-5.1-codex-mini"
TOOLS = [
    {
        "type": "function",
        "name": "exec_command",
        "description": "Run a shell command",
        "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}, "required": ["cmd"]},
    }
]


def client(gw: RunningGateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)


def ledger_rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


def test_a_response_is_metered_from_its_usage(gateway: RunningGateway) -> None:
    raw = client(gateway).responses.with_raw_response.create(model=MODEL, input="Why does the build fail?")
    response = raw.parse()
    assert response.output_text and response.status == "completed"
    [row] = ledger_rows(gateway)
    assert (row.dialect, row.endpoint, row.stream) == ("openai", "responses", False)
    assert row.usage.input_tokens == response.usage.input_tokens
    assert row.usage.output_tokens == response.usage.output_tokens
    assert row.usage.reasoning_tokens == response.usage.output_tokens_details.reasoning_tokens > 0
    assert row.cost_usd == pytest.approx(float(raw.headers["x-regulator-cost-usd"]), abs=1e-6)
    assert row.cost_usd > 0


def test_a_streamed_response_passes_every_event_and_is_metered(gateway: RunningGateway) -> None:
    events = list(client(gateway).responses.create(model=MODEL, input="Explain the failure.", stream=True))
    kinds = [event.type for event in events]
    assert kinds[:2] == ["response.created", "response.in_progress"] and kinds[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    final = events[-1].response
    assert text == final.output_text
    [row] = ledger_rows(gateway)
    assert row.stream and row.outcome == "ok"
    assert row.usage.output_tokens == final.usage.output_tokens
    assert row.usage.reasoning_tokens == final.usage.output_tokens_details.reasoning_tokens


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_a_function_call_round_trip(gateway: RunningGateway, stream: bool) -> None:
    """The model calls a tool; its result goes back as a function_call_output item; the model answers."""
    openai_client = client(gateway)
    task = [{"role": "user", "content": "List the repository files."}]
    if stream:
        with openai_client.responses.stream(model=MODEL, input=task, tools=TOOLS) as events:
            first = events.get_final_response()
    else:
        first = openai_client.responses.create(model=MODEL, input=task, tools=TOOLS)
    [call] = [item for item in first.output if item.type == "function_call"]
    assert call.name == "exec_command" and "cmd" in orjson.loads(call.arguments)
    followup = [*task, call.model_dump(exclude_none=True), _output(call.call_id, "README.md\nsrc/")]
    second = openai_client.responses.create(model=MODEL, input=followup, tools=TOOLS)
    assert second.output_text and not [item for item in second.output if item.type == "function_call"]
    first_row, second_row = ledger_rows(gateway)
    assert first_row.session == second_row.session, "the round trip threads into one session"
    assert second_row.usage.input_tokens == second.usage.input_tokens


def _output(call_id: str, text: str) -> dict[str, str]:
    return {"type": "function_call_output", "call_id": call_id, "output": text}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_max_output_tokens_is_reserved_and_set_when_absent(start_gateway, mock_upstream, stream: bool) -> None:
    """Without `max_output_tokens` the model's limit is reserved and sent: the mock, asked for a long
    answer, stops there."""
    gw = start_gateway(models=[{"name": MODEL, "upstream": "default", "max_output_tokens": 700}])
    mock_upstream.app.script(headers={"x-mock-output-tokens": "5000"})
    response = client(gw).responses.create(model=MODEL, input="Write the whole module.", stream=stream)
    if stream:
        response = list(response)[-1].response
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 700
    [row] = ledger_rows(gw)
    price = gw.gateway.prices.price(MODEL)
    assert price.worst_case(0, 700) < row.reserved_usd < price.worst_case(0, 701) + price.worst_case(2_000, 0)


def test_input_behind_previous_response_id_is_bounded_by_the_context_window(gateway: RunningGateway) -> None:
    openai_client = client(gateway)
    first = openai_client.responses.create(model=MODEL, input="Start the task.")
    second = openai_client.responses.create(model=MODEL, input="Go on.", previous_response_id=first.id)
    assert second.usage.input_tokens > first.usage.input_tokens + first.usage.output_tokens - 1
    rows = ledger_rows(gateway)
    assert rows[0].session == rows[1].session, "a chained call continues its response's session"
    price = gateway.gateway.prices.price(MODEL)
    assert price.context_window == 400_000
    # The reservation covers a whole context window of input, whatever the visible input.
    assert rows[1].reserved_usd >= price.worst_case(400_000, 0)
    assert rows[0].reserved_usd < price.worst_case(400_000, 0)
    assert rows[1].cost_usd == pytest.approx(price.cost(rows[1].usage))
    assert price.context_window < UNSEEN_INPUT_TOKENS


def test_background_responses_are_refused_in_openai_shape(gateway: RunningGateway) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client(gateway).responses.create(model=MODEL, input="hi", background=True)
    assert refused.value.body["param"] == "background"
    assert ledger_rows(gateway) == []


def test_stored_responses_and_input_token_counts_pass_through_unmetered(gateway: RunningGateway) -> None:
    openai_client = client(gateway)
    created = openai_client.responses.create(model=MODEL, input="hi")
    fetched = openai_client.responses.retrieve(created.id)
    assert fetched.id == created.id and fetched.output_text == created.output_text
    counted = openai_client.responses.input_tokens.count(model=MODEL, input="How many tokens is this?")
    assert counted.input_tokens > 0
    assert len(ledger_rows(gateway)) == 1  # only the generated response


def test_a_stream_past_its_reservation_ends_as_an_incomplete_response(gateway: RunningGateway, mock_upstream) -> None:
    mock_upstream.app.script(headers={"x-mock-ignore-max-tokens": "1"})
    events = list(client(gateway).responses.create(model=MODEL, input="go", max_output_tokens=40, stream=True))
    assert events[-1].type == "response.incomplete"
    assert events[-1].response.incomplete_details.reason == "max_output_tokens"
    [row] = ledger_rows(gateway)
    assert row.outcome == "cut" and row.cost_usd <= row.reserved_usd


def test_refusals_come_in_openai_shape(start_gateway) -> None:
    gw = start_gateway(budgets=[{"scope": "fleet:fleet-1", "total": 0.000001}])
    r = httpx.post(
        gw.url + "/v1/responses",
        json={"model": MODEL, "input": "hi", "max_output_tokens": 50},
        headers={"authorization": f"Bearer {gw.key}"},
    )
    assert r.status_code == 400 and r.headers["x-should-retry"] == "false"  # a total budget never resets: final
    assert r.json()["error"]["code"] == "budget_exceeded" and r.json()["error"]["type"] == "invalid_request_error"
