"""The mock's usage and cost reports: the providers' own formats, paging, grouping and filters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from regulator.mock.billing import Served, api_key_id
from regulator.mock.server import MockServer
from regulator.reconcile.totals import DAY_S

OPENAI_ADMIN = {"authorization": "Bearer sk-admin-test"}
ANTHROPIC_ADMIN = {"x-api-key": "sk-ant-admin01-test", "anthropic-version": "2023-06-01"}
DAY0 = (int(time.time()) // DAY_S - 3) * DAY_S  # three days ago, midnight UTC


def served(provider: Any, day: int, model: str, key: str | None, **tokens: int) -> Served:
    endpoint = "completions" if provider == "openai" else "messages"
    return Served(DAY0 + day * DAY_S + 3600, provider, endpoint, model, key, **tokens)


@pytest.fixture
def mock_upstream() -> Iterator[MockServer]:
    """A mock of this module's own, for each test: a call another test left in flight on the shared
    mock could otherwise bill into these reports after its reset."""
    with MockServer() as server:
        yield server


@pytest.fixture
def mock(mock_upstream: MockServer) -> MockServer:
    mock_upstream.app.billing.inject(
        [
            served("openai", 0, "gpt-4o-mini", "key_a", input_tokens=2000, cached_tokens=1024, output_tokens=50),
            served("openai", 0, "gpt-4o-mini", "key_b", input_tokens=100, output_tokens=10),
            served("openai", 2, "o3-mini", "key_a", input_tokens=300, output_tokens=90, reasoning_tokens=40),
            served("anthropic", 1, "claude-sonnet-4-5", "apikey_x", input_tokens=5000, cache_write_tokens=4000),
        ]
    )
    return mock_upstream


def get(mock: MockServer, path: str, params: Any, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(mock.url + path, params=params, headers=headers)


def test_openai_completions_usage_pages_daily_buckets_and_groups_by_model_and_key(mock: MockServer) -> None:
    params: list[tuple[str, Any]] = [("start_time", DAY0), ("end_time", DAY0 + 3 * DAY_S), ("limit", 2)]
    params += [("group_by[]", "model"), ("group_by[]", "api_key_id")]
    first = get(mock, "/v1/organization/usage/completions", params, OPENAI_ADMIN).json()
    assert first["object"] == "page" and first["has_more"] is True
    assert [b["start_time"] for b in first["data"]] == [DAY0, DAY0 + DAY_S]
    rows = {(r["model"], r["api_key_id"]): r for r in first["data"][0]["results"]}
    assert rows["gpt-4o-mini", "key_a"]["input_tokens"] == 2000
    assert rows["gpt-4o-mini", "key_a"]["input_cached_tokens"] == 1024
    assert rows["gpt-4o-mini", "key_a"]["object"] == "organization.usage.completions.result"
    assert rows["gpt-4o-mini", "key_b"]["num_model_requests"] == 1
    second = get(mock, "/v1/organization/usage/completions", [*params, ("page", first["next_page"])], OPENAI_ADMIN)
    body = second.json()
    assert body["has_more"] is False and body["next_page"] is None
    (row,) = body["data"][0]["results"]
    assert (row["model"], row["output_tokens"]) == ("o3-mini", 90)


def test_openai_usage_without_group_by_sums_the_day_and_filters_by_key(mock: MockServer) -> None:
    params = {"start_time": DAY0, "end_time": DAY0 + DAY_S, "api_key_ids": "key_b"}
    (bucket,) = get(mock, "/v1/organization/usage/completions", params, OPENAI_ADMIN).json()["data"]
    (row,) = bucket["results"]
    assert row["model"] is None and row["api_key_id"] is None and row["input_tokens"] == 100


def test_openai_costs_are_dollars_per_line_item(mock: MockServer) -> None:
    params = [("start_time", DAY0), ("end_time", DAY0 + DAY_S), ("group_by", "line_item,api_key_id")]
    (bucket,) = get(mock, "/v1/organization/costs", params, OPENAI_ADMIN).json()["data"]
    items = {(r["line_item"], r["api_key_id"]): r["amount"] for r in bucket["results"]}
    # gpt-4o-mini: $0.15 per million uncached input, $0.075 cached, $0.60 output.
    assert items["gpt-4o-mini, input", "key_a"] == {"value": pytest.approx(976 * 0.15 / 1e6), "currency": "usd"}
    assert items["gpt-4o-mini, cached input", "key_a"]["value"] == pytest.approx(1024 * 0.075 / 1e6)
    assert items["gpt-4o-mini, output", "key_b"]["value"] == pytest.approx(10 * 0.6 / 1e6)


def test_anthropic_usage_report_splits_cache_reads_and_writes(mock: MockServer) -> None:
    params = {
        "starting_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DAY0)),
        "ending_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DAY0 + 3 * DAY_S)),
        "group_by[]": ["model", "api_key_id"],
    }
    data = get(mock, "/v1/organizations/usage_report/messages", params, ANTHROPIC_ADMIN).json()
    assert "object" not in data and data["has_more"] is False
    assert [b["starting_at"][:10] for b in data["data"]] == [
        time.strftime("%Y-%m-%d", time.gmtime(DAY0 + i * DAY_S)) for i in range(3)
    ]
    (row,) = data["data"][1]["results"]
    assert row["uncached_input_tokens"] == 1000 and row["cache_read_input_tokens"] == 0
    assert row["cache_creation"] == {"ephemeral_5m_input_tokens": 4000, "ephemeral_1h_input_tokens": 0}
    assert (row["model"], row["api_key_id"]) == ("claude-sonnet-4-5", "apikey_x")


def test_anthropic_cost_report_amounts_are_cents_as_decimal_strings(mock: MockServer) -> None:
    params = {
        "starting_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DAY0 + DAY_S)),
        "group_by[]": "description",
    }
    bucket = get(mock, "/v1/organizations/cost_report", params, ANTHROPIC_ADMIN).json()["data"][0]
    amounts = {r["token_type"]: r for r in bucket["results"]}
    write = amounts["cache_creation.ephemeral_5m_input_tokens"]
    assert write["currency"] == "USD" and isinstance(write["amount"], str)
    assert float(write["amount"]) == pytest.approx(4000 * 3.75 / 1e6 * 100)  # $3.75 per MTok, in cents
    assert write["model"] == "claude-sonnet-4-5"


def test_a_price_factor_bills_one_model_off_the_catalog(mock: MockServer) -> None:
    params = {"start_time": DAY0, "end_time": DAY0 + 3 * DAY_S}
    before = sum(
        r["amount"]["value"]
        for b in get(mock, "/v1/organization/costs", params, OPENAI_ADMIN).json()["data"]
        for r in b["results"]
    )
    mock.app.billing.price_factor("o3-mini", 2.0)
    after = sum(
        r["amount"]["value"]
        for b in get(mock, "/v1/organization/costs", params, OPENAI_ADMIN).json()["data"]
        for r in b["results"]
    )
    o3 = (300 * 1.1 + 90 * 4.4) / 1e6  # o3-mini: $1.10 in, $4.40 out per MTok
    assert after - before == pytest.approx(o3)


def test_reports_need_an_admin_key_and_say_what_is_wrong_with_a_query(mock: MockServer) -> None:
    params = {"start_time": DAY0}
    assert get(mock, "/v1/organization/usage/completions", params, {}).status_code == 401
    missing = get(mock, "/v1/organizations/usage_report/messages", {}, ANTHROPIC_ADMIN)
    assert missing.status_code == 400 and "starting_at" in missing.json()["error"]["message"]
    hourly = get(mock, "/v1/organization/costs", params | {"bucket_width": "1h"}, OPENAI_ADMIN)
    assert hourly.status_code == 400
    assert get(mock, "/v1/organization/costs", params | {"page": "nope"}, OPENAI_ADMIN).status_code == 400


def test_calls_served_through_the_mock_are_billed_to_the_key_they_came_with(mock_upstream: MockServer) -> None:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    answer = httpx.post(mock_upstream.url + "/v1/chat/completions", json=body, headers={"authorization": "Bearer sk-1"})
    (call,) = [s for s in mock_upstream.app.billing.served() if s.model == "gpt-4o-mini" and s.ts > DAY0 + 3 * DAY_S]
    assert call.api_key_id == api_key_id("openai", "sk-1") and call.request_id == answer.headers["x-request-id"]


def test_drift_is_injected_over_http(mock_upstream: MockServer) -> None:
    call = {"ts": DAY0, "provider": "anthropic", "endpoint": "messages", "model": "claude-haiku-4-5"}
    drift = {"price_factor": {"claude-haiku-4-5": 1.1}, "calls": [call | {"api_key_id": None, "input_tokens": 10}]}
    assert httpx.post(mock_upstream.url + "/mock/drift", json=drift).status_code == 200
    assert [s.model for s in mock_upstream.app.billing.served()] == ["claude-haiku-4-5"]
    assert httpx.post(mock_upstream.url + "/mock/drift", json={"calls": [{"nope": 1}]}).status_code == 400


def test_the_billing_record_keeps_day_totals_and_only_the_latest_calls_whole() -> None:
    from regulator.mock.billing import RECENT, Billing, Caller

    billing = Billing()
    for i in range(RECENT + 5):
        billing.bill(Caller("openai", "sk-1", f"req_{i}", "completions"), "gpt-4o-mini", 10, 0, 0, 5, 0)
    served = billing.served()
    assert len(served) == RECENT and served[-1].request_id == f"req_{RECENT + 4}"
    day = int(served[-1].ts // DAY_S * DAY_S)
    ((endpoint, model, _, totals, factor),) = billing.day(day, "openai")
    assert (endpoint, model, totals.calls, totals.output_tokens, factor) == (
        "completions",
        "gpt-4o-mini",
        RECENT + 5,
        5 * (RECENT + 5),
        1.0,
    )


def test_responses_calls_are_in_openais_report_and_gemini_calls_in_none(mock_upstream: MockServer) -> None:
    url = mock_upstream.url
    r = httpx.post(
        url + "/v1/responses", json={"model": "o3-mini", "input": "hi"}, headers={"authorization": "Bearer sk-2"}
    )
    assert r.status_code == 200
    g = httpx.post(
        url + "/v1beta/models/gemini-2.5-flash:generateContent",
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        headers={"x-goog-api-key": "g-1"},
    )
    assert g.status_code == 200
    served = {s.model: s for s in mock_upstream.app.billing.served()}
    assert served["o3-mini"].request_id == r.headers["x-request-id"]
    assert (served["o3-mini"].provider, served["gemini-2.5-flash"].provider) == ("openai", "google")
    today = int(time.time()) // DAY_S * DAY_S
    usage = get(
        mock_upstream, "/v1/organization/usage/completions", {"start_time": today, "group_by": "model"}, OPENAI_ADMIN
    )
    (bucket,) = usage.json()["data"]
    assert [row["model"] for row in bucket["results"]] == ["o3-mini"]
