"""A stream the upstream cuts or stalls fails in the caller's SDK, and the ledger says what it cost.

The real openai and anthropic SDKs read the gateway's streams while the mock provider drops the
connection after a few events (`x-mock-break-after`) or stalls between events past the gateway's
upstream timeout (`x-mock-latency-ms`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anthropic
import httpx
import openai
import pytest

from conftest import RunningGateway
from loadgen import billed_usd
from regulator.events import CallRecord
from regulator.mock.server import MockServer

CUT = {"x-mock-break-after": "3", "x-mock-output-tokens": "60"}
STALL = {"x-mock-latency-ms": "20000", "x-mock-output-tokens": "60"}
TIMEOUT_S = 0.5


@pytest.fixture
def gw(start_own_gateway: Callable[..., RunningGateway]) -> RunningGateway:
    return start_own_gateway(server={"upstream_timeout_s": TIMEOUT_S})


def billed_once(mock: MockServer, calls: int = 1) -> float:
    """What the mock billed, once it has: a stalled call is billed when the mock wakes up and sees
    the gateway gone (left to a later test, it would land in that test's numbers)."""
    deadline = time.monotonic() + 10
    while mock.app.stats()["requests"] < calls and time.monotonic() < deadline:
        time.sleep(0.05)
    return billed_usd(mock.url)


def only_row(gw: RunningGateway) -> CallRecord:
    gw.gateway.ledger.flush()
    [row] = list(gw.gateway.store.iter_records(0))
    return row


def openai_stream(gw: RunningGateway, headers: dict[str, str]) -> list[str]:
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    stream = client.chat.completions.create(
        model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "tell me"}], extra_headers=headers
    )
    return [c.choices[0].delta.content or "" for c in stream if c.choices]


def anthropic_stream(gw: RunningGateway, headers: dict[str, str]) -> str:
    client = anthropic.Anthropic(base_url=gw.url, api_key=gw.key, max_retries=0)
    with client.messages.stream(
        model="claude-haiku-4-5",
        max_tokens=200,
        messages=[{"role": "user", "content": "tell me"}],
        extra_headers=headers,
    ) as stream:
        return "".join(stream.text_stream)


@pytest.mark.parametrize(("headers", "outcome"), [(CUT, "cut"), (STALL, "timeout")], ids=["cut", "stalled"])
def test_openai_sdk_raises_on_a_broken_stream(
    gw: RunningGateway, own_mock: MockServer, headers: dict[str, str], outcome: str
) -> None:
    with pytest.raises(openai.APIError) as raised:
        openai_stream(gw, headers)
    assert ("timeout" if outcome == "timeout" else "stream_cut") in raised.value.message
    row = only_row(gw)
    assert (row.outcome, row.status) == (outcome, 200)
    # Metered for what was produced: never less than the provider billed, never more than reserved.
    assert 0 < billed_once(own_mock) <= row.cost_usd + 1e-12 <= row.reserved_usd + 1e-12


@pytest.mark.parametrize(("headers", "outcome"), [(CUT, "cut"), (STALL, "timeout")], ids=["cut", "stalled"])
def test_anthropic_sdk_raises_on_a_broken_stream(
    gw: RunningGateway, own_mock: MockServer, headers: dict[str, str], outcome: str
) -> None:
    with pytest.raises(anthropic.APIStatusError) as raised:
        anthropic_stream(gw, headers)
    assert raised.value.body["error"]["type"] == "api_error"  # type: ignore[index]
    row = only_row(gw)
    assert (row.outcome, row.status) == (outcome, 200)
    assert 0 < billed_once(own_mock) <= row.cost_usd + 1e-12 <= row.reserved_usd + 1e-12


def test_a_plain_http_client_sees_the_openai_stream_aborted(gw: RunningGateway) -> None:
    """Clients that do not read error events still fail: the chunked body never finishes."""
    body = {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "tell me"}]}
    headers = {"authorization": f"Bearer {gw.key}", **CUT}
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream("POST", gw.url + "/v1/chat/completions", json=body, headers=headers) as r,
    ):
        for _ in r.iter_bytes():
            pass


def test_a_stalled_first_byte_is_a_504_in_both_dialects(gw: RunningGateway, own_mock: MockServer) -> None:
    stall = {"x-mock-first-byte-ms": "3000"}
    with pytest.raises(openai.APIStatusError) as raised:
        openai_stream(gw, stall)
    assert raised.value.status_code == 504
    with pytest.raises(anthropic.APIStatusError) as raised_anthropic:
        anthropic_stream(gw, stall)
    assert raised_anthropic.value.status_code == 504
    billed_once(own_mock, calls=2)


def test_a_whole_stream_still_ends_cleanly(gw: RunningGateway, own_mock: MockServer) -> None:
    assert "".join(openai_stream(gw, {}))
    assert anthropic_stream(gw, {})
    gw.gateway.ledger.flush()
    assert [r.outcome for r in gw.gateway.store.iter_records(0)] == ["ok", "ok"]


def test_openai_sdk_raises_on_a_broken_responses_stream(gw: RunningGateway, own_mock: MockServer) -> None:
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    stream = client.responses.create(model="gpt-4o-mini", input="tell me", stream=True, extra_headers=CUT)
    with pytest.raises(openai.APIError):
        for _ in stream:
            pass
    assert only_row(gw).outcome == "cut"


def test_a_broken_gemini_stream_is_aborted(gw: RunningGateway, own_mock: MockServer) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "tell me"}]}]}
    url = gw.url + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    headers = {"x-goog-api-key": gw.key, **CUT}
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, json=body, headers=headers) as r:
        for _ in r.iter_bytes():
            pass
    assert only_row(gw).outcome == "cut"
