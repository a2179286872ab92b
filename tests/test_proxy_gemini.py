"""The official google-genai SDK against the real gateway and mock, on Google's native Gemini API."""

from __future__ import annotations

import httpx
import orjson
import pytest
from google import genai
from google.genai import errors, types

from conftest import RunningGateway
from regulator.errors import RateLimited

MODEL = "gemini-2.5-flash"
RUN = types.FunctionDeclaration(
    name="run_shell_command",
    description="Run a shell command",
    parameters_json_schema={"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
)


_CLIENTS: list[genai.Client] = []  # a client closes its connections when collected: keep each alive


def client(gw: RunningGateway, key: str | None = None, api_version: str | None = None) -> genai.Client:
    options = types.HttpOptions(
        base_url=gw.url, api_version=api_version, retry_options=types.HttpRetryOptions(attempts=1)
    )
    _CLIENTS.append(genai.Client(api_key=key or gw.key, http_options=options))
    return _CLIENTS[-1]


def ledger_rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


@pytest.mark.parametrize("api_version", [None, "v1beta"], ids=["sdk-default-v1", "v1beta"])
def test_generate_content_is_metered_from_usage_metadata(gateway: RunningGateway, api_version: str | None) -> None:
    answer = client(gateway, api_version=api_version).models.generate_content(
        model=MODEL, contents="Why does the build fail?"
    )
    assert answer.text
    meta = answer.usage_metadata
    [row] = ledger_rows(gateway)
    assert (row.dialect, row.endpoint, row.stream) == ("google", "gemini", False)
    assert row.usage.input_tokens == meta.prompt_token_count
    assert row.usage.reasoning_tokens == meta.thoughts_token_count > 0
    assert row.usage.output_tokens == meta.candidates_token_count + meta.thoughts_token_count
    assert row.cost_usd == pytest.approx(gateway.gateway.prices.price(MODEL).cost(row.usage))


def test_generate_content_stream_is_passed_through_and_metered(gateway: RunningGateway) -> None:
    chunks = list(client(gateway).models.generate_content_stream(model=MODEL, contents="Explain the failure."))
    assert len(chunks) > 1 and chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    text = "".join(c.text or "" for c in chunks)
    assert text
    meta = chunks[-1].usage_metadata
    [row] = ledger_rows(gateway)
    assert row.stream and row.outcome == "ok"
    assert row.usage.output_tokens == meta.candidates_token_count + meta.thoughts_token_count


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_a_function_call_round_trip(gateway: RunningGateway, stream: bool) -> None:
    gemini = client(gateway)
    config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=[RUN])])
    task = [types.Content(role="user", parts=[types.Part(text="List the repository files.")])]
    if stream:
        parts = [
            p
            for c in gemini.models.generate_content_stream(model=MODEL, contents=task, config=config)
            for p in c.candidates[0].content.parts or []
        ]
    else:
        parts = gemini.models.generate_content(model=MODEL, contents=task, config=config).candidates[0].content.parts
    [call] = [p.function_call for p in parts if p.function_call]
    assert call.name == "run_shell_command" and call.args["command"], call
    result = types.Part.from_function_response(name=call.name, response={"output": "README.md\nsrc/"})
    history = [
        *task,
        types.Content(role="model", parts=[types.Part(function_call=call)]),
        types.Content(role="user", parts=[result]),
    ]
    answer = gemini.models.generate_content(model=MODEL, contents=history, config=config)
    assert answer.text and not answer.function_calls
    first, second = ledger_rows(gateway)
    assert first.session == second.session, "the round trip threads into one session"


def test_max_output_tokens_is_set_when_absent_and_candidates_multiply_the_bound(start_gateway, mock_upstream) -> None:
    gw = start_gateway(models=[{"name": MODEL, "upstream": "default", "max_output_tokens": 300}])
    mock_upstream.app.script(headers={"x-mock-output-tokens": "5000"})
    gemini = client(gw)
    answer = gemini.models.generate_content(
        model=MODEL, contents="Write the whole module.", config=types.GenerateContentConfig(temperature=0.5)
    )
    assert answer.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert answer.usage_metadata.candidates_token_count + answer.usage_metadata.thoughts_token_count == 300
    gemini.models.generate_content(
        model=MODEL,
        contents="Two drafts.",
        config=types.GenerateContentConfig(candidate_count=2, max_output_tokens=100),
    )
    one, two = ledger_rows(gw)
    price = gw.gateway.prices.price(MODEL)
    assert price.worst_case(0, 300) < one.reserved_usd < price.worst_case(0, 301) + price.worst_case(2_000, 0)
    assert price.worst_case(0, 200) < two.reserved_usd < price.worst_case(0, 201) + price.worst_case(2_000, 0)


def test_the_json_array_stream_without_alt_sse_is_metered(gateway: RunningGateway) -> None:
    r = httpx.post(
        gateway.url + f"/v1beta/models/{MODEL}:streamGenerateContent",
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        headers={"x-goog-api-key": gateway.key},
    )
    chunks = orjson.loads(r.content)
    assert r.status_code == 200 and isinstance(chunks, list) and len(chunks) > 1
    [row] = ledger_rows(gateway)
    meta = chunks[-1]["usageMetadata"]
    assert row.stream and row.outcome == "ok"
    assert row.usage.output_tokens == meta["candidatesTokenCount"] + meta.get("thoughtsTokenCount", 0)


def test_the_key_may_come_in_the_query_string(gateway: RunningGateway) -> None:
    r = httpx.post(
        gateway.url + f"/v1beta/models/{MODEL}:generateContent?key={gateway.key}",
        json={"contents": [{"parts": [{"text": "hi"}]}]},
    )
    assert r.status_code == 200, r.text
    assert len(ledger_rows(gateway)) == 1


def test_count_tokens_passes_through_unmetered(gateway: RunningGateway) -> None:
    counted = client(gateway).models.count_tokens(model=MODEL, contents="How many tokens is this?")
    assert counted.total_tokens > 0
    assert ledger_rows(gateway) == []


def test_cached_content_is_bounded_by_the_context_window(gateway: RunningGateway) -> None:
    client(gateway).models.generate_content(
        model=MODEL, contents="Go on.", config=types.GenerateContentConfig(cached_content="cachedContents/abc")
    )
    [row] = ledger_rows(gateway)
    price = gateway.gateway.prices.price(MODEL)
    assert row.reserved_usd >= price.worst_case(price.context_window, 0)


def test_refusals_come_in_google_shape(start_gateway) -> None:
    gw = start_gateway(budgets=[{"scope": "fleet:fleet-1", "total": 0.000001}])
    with pytest.raises(errors.ClientError) as refused:
        client(gw).models.generate_content(model=MODEL, contents="hi")
    assert (refused.value.code, refused.value.status) == (429, "RESOURCE_EXHAUSTED")
    error = refused.value.details["error"]
    assert error["details"][0]["reason"] == "budget_exceeded" and error["budget"]["scope"] == "fleet:fleet-1"
    # A spent total budget does not come back by waiting: RetryInfo says so the way Google clients
    # read it (gemini-cli gives up at once instead of retrying for minutes).
    assert error["details"][1] == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "86400s"}
    with pytest.raises(errors.ClientError) as unknown:
        client(gw, key="rg-not-a-key").models.generate_content(model=MODEL, contents="hi")
    assert (unknown.value.code, unknown.value.status) == (401, "UNAUTHENTICATED")
    r = httpx.post(
        gw.url + f"/v1beta/models/{MODEL}:generateContent", content=b"{oops", headers={"x-goog-api-key": gw.key}
    )
    assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert set(r.json()["error"]) >= {"code", "message", "status"}


def test_a_refusal_that_passes_says_when_to_retry_in_retry_info() -> None:
    body = RateLimited("rate limit reached for agent:a", headers={"Retry-After": "20"}).body("google")
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert body["error"]["details"][1] == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "20s"}
