"""Redis down, fail closed: `/readyz` fails so a load balancer stops sending calls, and every 503 says
when to retry without naming where Redis lives (that goes to the log)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from conftest import RunningGateway
from processes import ThrowawayRedis
from test_admin_api import ADMIN, admin, call


def assert_no_internals(text: str, redis: ThrowawayRedis) -> None:
    for leak in ("127.0.0.1", str(redis.port), "redis://", "Error ", "Connection refused", "Errno"):
        assert leak not in text, f"{leak!r} in {text}"


def test_readiness_fails_while_calls_cannot_be_admitted_and_503s_say_when_to_retry(
    start_gateway: Callable[..., RunningGateway], throwaway: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = start_gateway(counters={"url": throwaway.url}, budgets=[{"scope": "org:org-1", "day": 10}])
    assert httpx.get(gateway.url + "/readyz").json() == {"status": "ready"}
    assert call(gateway).status_code == 200

    throwaway.kill()
    with caplog.at_level(logging.ERROR, logger="regulator.budget.redis"):
        refused = call(gateway)
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "counters_unavailable"
    assert refused.headers["retry-after"] == "2"
    assert_no_internals(refused.text, throwaway)
    # The operator still learns where and why, from the log.
    assert any(str(throwaway.port) in r.getMessage() for r in caplog.records), caplog.text

    not_ready = httpx.get(gateway.url + "/readyz")
    assert not_ready.status_code == 503 and not_ready.headers["retry-after"] == "2"
    assert not_ready.json() == {"status": "not_ready", "reason": "budget counters unreachable"}
    assert httpx.get(gateway.url + "/healthz").status_code == 200  # alive, only not ready
    with admin(gateway) as client:
        budgets = client.get(ADMIN + "/budgets")
    assert budgets.status_code == 503 and budgets.headers["retry-after"] == "2"
    assert_no_internals(budgets.text, throwaway)
    metrics = httpx.get(gateway.url + "/metrics")
    assert metrics.status_code == 503
    assert_no_internals(metrics.text, throwaway)

    throwaway.start()
    assert httpx.get(gateway.url + "/readyz").status_code == 200
    assert call(gateway).status_code == 200


def test_fail_open_stays_ready_through_a_redis_outage(
    start_gateway: Callable[..., RunningGateway], throwaway: ThrowawayRedis
) -> None:
    gateway = start_gateway(counters={"url": throwaway.url, "fail_open": True})
    throwaway.kill()
    assert call(gateway).status_code == 200
    assert httpx.get(gateway.url + "/readyz").status_code == 200
