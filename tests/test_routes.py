"""What each route accepts and forwards: the extras real clients send, and unknown routes answered
in the caller's own dialect."""

from __future__ import annotations

from pathlib import Path

import anthropic
import httpx
import pytest

from conftest import RunningGateway
from regulator.app import GatewayServer
from regulator.config import Config

CLAUDE = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def ledger_rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


def test_anthropic_count_tokens_is_forwarded_and_not_metered(gateway: RunningGateway) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.key, max_retries=0)
    counted = client.messages.count_tokens(model=CLAUDE["model"], messages=CLAUDE["messages"])
    assert counted.input_tokens > 0
    assert ledger_rows(gateway) == []


def test_anthropic_beta_and_version_reach_the_provider_unchanged_and_query_strings_are_accepted(
    gateway: RunningGateway, mock_upstream
) -> None:
    beta = "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"
    r = httpx.post(
        gateway.url + "/v1/messages?beta=true",
        json=CLAUDE,
        headers={"x-api-key": gateway.key, "anthropic-version": "2023-06-01", "anthropic-beta": beta},
    )
    assert r.status_code == 200, r.text
    method, target, headers = mock_upstream.app.received[-1]
    assert (method, target) == ("POST", "/v1/messages")
    assert headers["anthropic-beta"] == beta and headers["anthropic-version"] == "2023-06-01"
    assert gateway.key not in headers.values(), "the caller's regulator key never reaches the provider"
    assert len(ledger_rows(gateway)) == 1


@pytest.mark.parametrize(
    ("path", "headers", "check"),
    [
        ("/v1/nothing", {}, lambda body: body["error"]["code"] == "not_found"),
        (
            "/v1/messages/batches",
            {"anthropic-version": "2023-06-01"},
            lambda body: body["type"] == "error" and body["error"]["code"] == "not_found",
        ),
        (
            "/v1beta/models/gemini-2.5-flash:embedContent",
            {},
            lambda body: (
                body["error"]["status"] == "NOT_FOUND" and body["error"]["details"][0]["reason"] == "not_found"
            ),
        ),
    ],
    ids=["openai", "anthropic", "google"],
)
def test_an_unknown_route_is_404_not_found_in_the_callers_dialect(
    gateway: RunningGateway, path: str, headers: dict[str, str], check
) -> None:
    r = httpx.post(gateway.url + path, json={}, headers=headers)
    assert r.status_code == 404
    assert check(r.json()), r.json()


def test_a_model_whose_upstream_speaks_another_dialect_is_refused_clearly(mock_upstream, tmp_path: Path) -> None:
    config = Config.model_validate(
        {
            "upstreams": [{"name": "openai", "base_url": mock_upstream.url + "/v1", "dialects": ["openai"]}],
            "models": [{"name": "gpt-5", "upstream": "openai"}],
        }
    )
    with GatewayServer(config, tmp_path) as server:
        key, _ = server.gateway.store.create_key("a")
        r = httpx.post(
            server.url + "/v1beta/models/gpt-5:generateContent",
            json={"contents": [{"parts": [{"text": "hi"}]}]},
            headers={"x-goog-api-key": key},
        )
        assert r.status_code == 400
        assert "speaks openai, not google" in r.json()["error"]["message"]
        assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
        served = httpx.post(
            server.url + "/v1/responses",
            json={"model": "gpt-5", "input": "hi"},
            headers={"authorization": f"Bearer {key}"},
        )
        assert served.status_code == 200


def test_one_dialect_word_still_declares_an_upstream() -> None:
    config = Config.model_validate(
        {
            "upstreams": [
                {"name": "a", "base_url": "http://x/v1", "dialect": "both"},
                {"name": "g", "base_url": "http://y", "dialect": "google"},
            ]
        }
    )
    assert [u.dialects for u in config.upstreams] == [["openai", "anthropic"], ["google"]]
