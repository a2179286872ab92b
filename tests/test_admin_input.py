"""Hostile numbers at the admin API: non-finite or out-of-range values are a 400 and store nothing,
and a bad value already in the store (written by an older version) does not take the API down."""

from __future__ import annotations

import time

import pytest

from conftest import RunningGateway
from test_admin_api import ADMIN, admin, call, wait_for

BUDGET_BODIES = [
    b'{"day": 1e999}',
    b'{"day": -1e999}',
    b'{"day": NaN}',
    b'{"day": Infinity}',
    b'{"hour": 1, "session": 1e400}',
    b'{"day": "inf"}',
    b'{"day": "nan"}',
    b'{"day": 1e13}',
    b'{"day": 0}',
]


@pytest.mark.parametrize("body", BUDGET_BODIES)
def test_a_budget_that_is_not_a_finite_positive_amount_is_refused_and_not_stored(
    gateway: RunningGateway, body: bytes
) -> None:
    with admin(gateway) as client:
        response = client.put(
            ADMIN + "/budgets/agent:agent-1", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "invalid_request"
        assert gateway.gateway.store.list_budgets() == []
        assert client.get(ADMIN + "/budgets").status_code == 200


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/reports/spend", "since=nan"),
        ("/reports/spend", "since=inf"),
        ("/reports/spend", "since=-inf"),
        ("/reports/spend", "until=1e400"),
        ("/reports/spend", "until=99999999999999"),
        ("/reports/spend", "since=1_000"),
        ("/reports/spend", "since=%D9%A1%D9%A2"),  # Arabic-Indic digits, which float() reads
        ("/reports/spend", "since=1%EF%BC%90d"),  # a full-width digit in a duration
        ("/reports/spend", "since=0001-01-01"),
        ("/incidents", "since=nan"),
        ("/incidents", "limit=%C2%B2"),  # '²': isdigit() is true, int() refuses it
        ("/incidents", "limit=%D9%A3"),  # Arabic-Indic 3: int() would take it
        ("/incidents", "limit=1e3"),
        ("/incidents", "limit=" + "9" * 400),
        ("/sessions", "limit=%C2%B2"),
        ("/agents/agent-1", "minutes=%C2%B2"),
    ],
)
def test_numbers_in_query_strings_are_ascii_finite_and_in_range(gateway: RunningGateway, path: str, param: str) -> None:
    if path.startswith("/agents/"):
        assert call(gateway).status_code == 200
    with admin(gateway) as client:
        response = client.get(f"{ADMIN}{path}?{param}")
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_request"


def test_unix_seconds_durations_and_dates_are_still_read(gateway: RunningGateway) -> None:
    with admin(gateway) as client:
        for param in (f"since={int(time.time()) - 60}", "since=1700000000.5", "since=15m", "since=2026-01-01"):
            assert client.get(f"{ADMIN}/reports/spend?{param}").status_code == 200, param
        assert client.get(f"{ADMIN}/incidents?limit=10").status_code == 200


def test_a_non_finite_budget_already_stored_is_ignored_not_a_server_error(gateway: RunningGateway) -> None:
    store = gateway.gateway.store
    store.set_budget("agent:agent-1", {"hour": 2.0})
    with store._write() as db:  # what an older version let through
        db.run("UPDATE budgets SET day = ?, session = ? WHERE scope = ?", (float("inf"), float("nan"), "agent:agent-1"))
        store._bump(db)
    [kept] = store.list_budgets()
    assert (kept.hour, kept.day, kept.session) == (2.0, None, None)  # the valid limit still holds
    with admin(gateway) as client:

        def windows() -> set[str]:
            statuses = client.get(ADMIN + "/budgets").json()["budgets"]
            return {s["window"] for s in statuses if s["scope"] == "agent:agent-1"}

        assert wait_for(windows) == {"hour"}  # the gateway reloaded the stored budget, minus `day`
        for path in ("/summary", "/budgets", "/agents"):
            assert client.get(ADMIN + path).status_code == 200, path
