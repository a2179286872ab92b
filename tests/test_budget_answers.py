"""`n` multiplies what the provider bills: the reservation covers every answer, so a budget holds.

The property: for any request the gateway accepts, what the mock provider billed for it is no
more than what was reserved for it.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RunningGateway
from regulator.config import Config
from regulator.events import CallRecord, Usage
from regulator.mock.server import MockServer
from regulator.pricing.catalog import PriceBook

MODEL = "gpt-4o"
PRICES = PriceBook(Config())
SESSION_CAP = 0.02  # USD: about 2,000 output tokens of gpt-4o


def billed(before: dict[str, int], after: dict[str, int]) -> float:
    usage = Usage(**{k: after[k] - before.get(k, 0) for k in Usage.__slots__})
    return PRICES.price(MODEL).cost(usage)


def totals(mock: MockServer) -> dict[str, int]:
    return dict(mock.app.stats()["models"].get(MODEL, {}))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    n=st.integers(min_value=1, max_value=8),
    max_tokens=st.none() | st.integers(min_value=1, max_value=3_000),
    output=st.integers(min_value=1, max_value=3_000),
    stream=st.booleans(),
)
def check_reservation_covers_the_bill(
    gw: RunningGateway, mock: MockServer, n: int, max_tokens: int | None, output: int, stream: bool
) -> None:
    session = f"s-{n}-{max_tokens}-{output}-{stream}"
    rows: list[CallRecord] = []
    gw.gateway.add_call_listener(lambda r: rows.append(r) if r.session == session else None)
    body = {"model": MODEL, "n": n, "stream": stream, "messages": [{"role": "user", "content": "go"}]}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    before = totals(mock)
    headers = {
        "authorization": f"Bearer {gw.key}",
        "x-regulator-session": session,
        "x-mock-output-tokens": str(output),
    }
    response = httpx.post(gw.url + "/v1/chat/completions", json=body, headers=headers, timeout=30)
    if response.status_code == 429:  # refused: a budget could not afford even the smallest answer
        assert totals(mock) == before
        return
    assert response.status_code == 200, response.text
    [row] = rows
    assert billed(before, totals(mock)) <= row.reserved_usd
    assert row.reserved_usd <= SESSION_CAP


def test_the_reservation_covers_every_answer_n_asks_for(
    start_own_gateway: Callable[..., RunningGateway], own_mock: MockServer
) -> None:
    # Every session has its own cap (each example a fresh one), so some calls are clamped, some refused.
    gw = start_own_gateway(budgets=[{"scope": "agent:agent-1", "session": SESSION_CAP}])
    check_reservation_covers_the_bill(gw, own_mock)


def test_one_call_with_n_cannot_overshoot_a_small_budget(
    start_own_gateway: Callable[..., RunningGateway], own_mock: MockServer
) -> None:
    """The issue's case: $0.05 a day, n=8, max_tokens 4000 — once reserved as one answer, billed as eight.
    Now the call is clamped so that eight answers fit (or refused when not even the floor does)."""
    gw = start_own_gateway(budgets=[{"scope": "agent:agent-1", "day": 0.05}])
    body = {"model": MODEL, "n": 8, "max_tokens": 4_000, "messages": [{"role": "user", "content": "go"}]}
    headers = {"authorization": f"Bearer {gw.key}", "x-mock-output-tokens": "4000"}
    for _ in range(3):
        response = httpx.post(gw.url + "/v1/chat/completions", json=body, headers=headers, timeout=30)
        if response.status_code == 200:
            assert len(response.json()["choices"]) == 8
            assert "clamped" in response.headers["x-regulator-action"]
        else:
            assert response.status_code in (400, 429) and "budget" in response.text
    assert billed({}, totals(own_mock)) <= 0.05  # the whole day's spend, eight answers a call
