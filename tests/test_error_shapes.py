"""Every refusal in the caller's dialect, with the right status: the error contract, pinned."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from conftest import RunningGateway
from regulator.app import GatewayServer
from regulator.config import Config
from regulator.errors import FINAL, SOON_S, AgentKilled, AgentPaused, BudgetExceeded, RateLimited, Refused

OPENAI = ("/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
ANTHROPIC = (
    "/v1/messages",
    {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]},
)


def assert_openai_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"message", "type", "code", "param"} <= set(error)
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def assert_anthropic_error(response: httpx.Response, status: int, type_: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    error = body["error"]
    assert {"type", "message"} <= set(error)
    if type_ is not None:
        assert error["type"] == type_
    return error


def post(
    gw: RunningGateway, path: str, content: bytes | None = None, json: Any = None, **headers: str
) -> httpx.Response:
    auth = {"authorization": f"Bearer {gw.key}"} if "/messages" not in path else {"x-api-key": gw.key}
    return httpx.post(gw.url + path, content=content, json=json, headers={**auth, **headers}, timeout=30)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b"{not json", None),
        (b"\xff\xfe{}", None),
        (b"[1, 2]", None),
        (b'{"messages": [{"role": "user", "content": "x"}]}', "model"),
        (b'{"model": "gpt-4o-mini"}', "messages"),
        (b'{"model": 7, "messages": [{"role": "user", "content": "x"}]}', "model"),
        (b'{"model": "m", "messages": "hello"}', "messages"),
        (b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": -5}', "max_tokens"),
        (
            b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 99999999999}',
            "max_tokens",
        ),
        (
            b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": "lots"}',
            "max_tokens",
        ),
        (b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}', "stream"),
    ],
)
def test_malformed_requests_get_400_in_both_dialects(gateway: RunningGateway, body: bytes, param: str | None) -> None:
    error = assert_openai_error(post(gateway, OPENAI[0], content=body), 400)
    if param:
        assert error["param"] == param
    assert_anthropic_error(post(gateway, ANTHROPIC[0], content=body), 400, "invalid_request_error")


def test_invalid_utf8_says_so(gateway: RunningGateway) -> None:
    error = assert_openai_error(post(gateway, OPENAI[0], content=b'{"model": "\xff"}'), 400, "invalid_json")
    assert "UTF-8" in error["message"]


def test_unknown_and_revoked_keys(gateway: RunningGateway) -> None:
    r = httpx.post(gateway.url + OPENAI[0], json=OPENAI[1], headers={"authorization": "Bearer rg-nope"})
    assert_openai_error(r, 401, "invalid_api_key")
    r = httpx.post(gateway.url + ANTHROPIC[0], json=ANTHROPIC[1])
    assert_anthropic_error(r, 401, "authentication_error")
    gateway.gateway.store.revoke_key(gateway.key)
    gateway.gateway.keys.invalidate()
    assert_openai_error(post(gateway, *OPENAI[:1], json=OPENAI[1]), 403, "key_revoked")
    assert_anthropic_error(post(gateway, ANTHROPIC[0], json=ANTHROPIC[1]), 403, "permission_error")


def test_body_over_the_limit_is_413(start_gateway) -> None:
    gw = start_gateway(server={"max_body_bytes": 1000})
    big = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x" * 5000}]}
    assert_openai_error(post(gw, OPENAI[0], json=big), 413, "request_too_large")
    assert_anthropic_error(post(gw, ANTHROPIC[0], json={**big, "max_tokens": 5}), 413, "request_too_large")


def test_unknown_model_is_404_naming_the_config_key(mock_upstream, tmp_path: Path) -> None:
    config = Config.model_validate(
        {
            "upstreams": [{"name": "mock", "base_url": mock_upstream.url + "/v1", "dialect": "both"}],
            "models": [{"name": "gpt-4o-mini", "upstream": "mock"}],
        }
    )
    with GatewayServer(config, tmp_path) as server:
        key, _ = server.gateway.store.create_key("a")
        r = httpx.post(
            server.url + OPENAI[0],
            json={**OPENAI[1], "model": "gpt-nonexistent"},
            headers={"authorization": f"Bearer {key}"},
        )
        error = assert_openai_error(r, 404, "model_not_found")
        assert "models:" in error["message"]


def test_model_without_a_price_is_refused_with_the_key_to_set(gateway: RunningGateway) -> None:
    error = assert_openai_error(post(gateway, OPENAI[0], json={**OPENAI[1], "model": "my-finetune-x"}), 400)
    assert "my-finetune-x" in error["message"] and "price" in error["message"]


@pytest.mark.parametrize("status", [400, 500, 503])
def test_upstream_errors_pass_through(gateway: RunningGateway, status: int) -> None:
    r = post(gateway, OPENAI[0], json=OPENAI[1], **{"x-mock-status": str(status)})
    assert r.status_code == status
    assert "error" in r.json()


def test_upstream_429_passes_retry_after(gateway: RunningGateway) -> None:
    r = post(gateway, OPENAI[0], json=OPENAI[1], **{"x-mock-status": "429"})
    assert r.status_code == 429 and r.headers.get("retry-after")
    r = post(gateway, ANTHROPIC[0], json=ANTHROPIC[1], **{"x-mock-status": "429"})
    assert_anthropic_error(r, 429)
    assert r.headers.get("retry-after")


def test_upstream_timeout_is_504_and_counted_at_its_reservation(start_gateway) -> None:
    """The provider may still finish (and bill) a call regulator stopped waiting for."""
    gw = start_gateway(server={"upstream_timeout_s": 0.3})
    r = post(gw, OPENAI[0], json=OPENAI[1], **{"x-mock-first-byte-ms": "2000"})
    assert_openai_error(r, 504, "upstream_timeout")
    gw.gateway.ledger.flush()
    [row] = list(gw.gateway.store.iter_records(0))
    assert row.outcome == "timeout"
    assert row.cost_usd == pytest.approx(row.reserved_usd, rel=1e-6)
    assert float(r.headers["x-regulator-cost-usd"]) == pytest.approx(row.cost_usd, abs=1e-6)
    assert r.headers["x-regulator-session"] == row.session


def test_upstream_connection_refused_is_502(mock_upstream, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = Config.model_validate(
        {
            "upstreams": [{"name": "down", "base_url": f"http://127.0.0.1:{port}/v1", "dialect": "both"}],
            "models": [{"name": "gpt-4o-mini", "upstream": "down"}],
        }
    )
    with GatewayServer(config, tmp_path) as server:
        key, _ = server.gateway.store.create_key("a")
        r = httpx.post(server.url + OPENAI[0], json=OPENAI[1], headers={"authorization": f"Bearer {key}"})
        assert_openai_error(r, 502, "upstream_unreachable")
        server.gateway.ledger.flush()
        [row] = list(server.gateway.store.iter_records(0))
        assert row.outcome == "unreachable" and row.cost_usd == 0


def test_a_budget_that_cannot_reset_is_a_final_refusal_in_both_dialects(start_gateway) -> None:
    """A total budget never resets: the answer is one that SDKs and harnesses do not retry (docs/agents.md)."""
    gw = start_gateway(budgets=[{"scope": "fleet:fleet-1", "total": 0.000001}])
    r = post(gw, OPENAI[0], json={**OPENAI[1], "max_tokens": 50})
    error = assert_openai_error(r, 400, "budget_exceeded")
    assert error["type"] == "invalid_request_error" and error["budget"]["scope"] == "fleet:fleet-1"
    assert r.headers["x-should-retry"] == "false" and "retry-after" not in r.headers
    assert error["message"].startswith("regulator refused this call") and "regulator budgets set" in error["message"]
    r = post(gw, ANTHROPIC[0], json=ANTHROPIC[1])
    error = assert_anthropic_error(r, 402, "billing_error")
    assert error["code"] == "budget_exceeded" and error["budget"]["limit_usd"] == 0.000001
    assert r.headers["x-should-retry"] == "false" and r.headers["x-regulator-error"] == "budget_exceeded"
    assert r.headers["x-regulator-session"]


@pytest.mark.parametrize("refusal", [BudgetExceeded, RateLimited, AgentPaused, AgentKilled])
def test_a_refusal_that_clears_soon_is_a_429_and_any_other_is_final(refusal: type[Refused]) -> None:
    soon = refusal("regulator: wait", headers={"Retry-After": "30"})
    for dialect in ("openai", "anthropic"):
        status, headers, _ = soon.render(dialect)
        assert status == 429 and (b"retry-after", b"30") in headers and (b"x-should-retry", b"false") not in headers
    for late in (refusal("regulator: stop"), refusal("regulator: stop", headers={"Retry-After": str(SOON_S + 1)})):
        for dialect, (final_status, final_type) in FINAL.items():
            status, headers, body = late.render(dialect)  # type: ignore[arg-type]
            assert (status, (b"x-should-retry", b"false") in headers) == (final_status, True)
            error = orjson.loads(body)["error"]
            assert (error["type"], error["code"]) == (final_type, refusal.code)


def test_an_unaffordable_max_tokens_is_clamped_and_served(start_gateway) -> None:
    """Claude Code asks for 32k-64k output tokens on every call; half a dollar left still buys an answer."""
    gw = start_gateway(budgets=[{"scope": "fleet:fleet-1", "total": 0.5}])
    r = post(gw, ANTHROPIC[0], json={**ANTHROPIC[1], "max_tokens": 64_000})
    assert r.status_code == 200, r.text
    assert r.headers["x-regulator-action"] == "clamped"
    assert float(r.headers["x-regulator-cost-usd"]) <= 0.5
