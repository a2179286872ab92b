"""Alerts on projection: a budget that will run out before it resets at the current burn, and an
agent burning several times its fleet's median, each with a link to the dashboard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from regulator.budget.slots import BudgetStatus
from regulator.events import CallRecord
from regulator.ops.config import AlertsConfig
from regulator.ops.projections import ProjectionAlerts
from regulator.store import Store, open_store
from regulator.store.prevented import DAY_S
from test_alerts import Receiver, wait_for

NOON = 20_000 * DAY_S + 12 * 3600.0


def spent(call_id: str, ts: float, usd: float, agent: str, fleet: str = "coders") -> CallRecord:
    return CallRecord(call_id, ts, "acme", fleet, agent, "s-" + agent, "m", "u", "openai", cost_usd=usd)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path)
    yield s
    s.close()


def day_budget(remaining: float, resets_at: float) -> BudgetStatus:
    return BudgetStatus("fleet:coders", "day", 10.0, 10.0 - remaining, 0.0, remaining, resets_at)


def test_a_fleet_burning_through_its_day_budget_before_midnight_is_alerted_once_with_the_time(store: Store) -> None:
    # $1 over the last 30 minutes: $2/h; $3 left at noon runs out at 13:30, before midnight.
    store.insert_calls([spent("c1", NOON - 1800, 0.5, "a1"), spent("c2", NOON - 60, 0.5, "a2")])
    rules = ProjectionAlerts(AlertsConfig(dashboard_url="https://reg.example/dashboard"))
    [alert] = rules.budgets(store, [day_budget(3.0, (20_000 + 1) * DAY_S)], NOON)
    assert alert.kind == "budget_projection"
    assert alert.title == "fleet coders will exhaust its day budget at 13:30 UTC"
    assert "$2.0000/h" in alert.text and alert.data["exhausted_at"] == pytest.approx(NOON + 5400)
    assert alert.link == "https://reg.example/dashboard#fleet/coders"
    assert rules.budgets(store, [day_budget(2.0, (20_000 + 1) * DAY_S)], NOON + 60) == [], "once per window"


def test_a_budget_that_resets_before_it_runs_out_or_a_scope_not_spending_is_not_alerted(store: Store) -> None:
    store.insert_calls([spent("c1", NOON - 1800, 0.5, "a1")])
    rules = ProjectionAlerts(AlertsConfig())
    assert rules.budgets(store, [day_budget(3.0, NOON + 3600)], NOON) == []  # $1/h: 3 h needed, resets in 1
    idle = BudgetStatus("fleet:idle", "day", 10.0, 0.0, 0.0, 10.0, NOON + 60)
    assert rules.budgets(store, [idle], NOON) == []


def test_an_agent_at_five_times_its_fleets_median_is_an_incident_and_an_alert_once_a_day(store: Store) -> None:
    usd = {"a1": 0.09, "a2": 0.1, "a3": 0.11, "hog": 0.6, "w1": 5.0}
    fleets = {a: "writers" if a == "w1" else "coders" for a in usd}
    store.insert_calls([spent(f"c-{a}", NOON - 1800, v, a, fleets[a]) for a, v in usd.items()])
    agents = {a: (fleets[a], "acme", f"s-{a}") for a in usd}
    rules = ProjectionAlerts(AlertsConfig())
    [outlier] = rules.outliers(store, agents, NOON)
    assert outlier.alert.title == "agent hog burns 6× its fleet's median"
    assert outlier.incident.detector == "burn_outlier" and outlier.incident.session == "s-hog"
    assert "fleet coders" in outlier.incident.evidence and "4 spending agents" in outlier.incident.evidence
    assert rules.outliers(store, agents, NOON + 60) == []
    assert ProjectionAlerts(AlertsConfig(outlier_min_agents=5)).outliers(store, agents, NOON) == []


def test_projection_and_outlier_alerts_reach_webhooks_with_links_to_the_dashboard(start_gateway: Any) -> None:
    receiver, slack = Receiver(), Receiver()
    try:
        gw = start_gateway(
            budgets=[{"scope": "fleet:burners", "day": 0.002}],
            alerts={
                "webhooks": [
                    {"url": receiver.url, "kinds": ["budget_projection", "burn_outlier"]},
                    {"url": slack.url, "format": "slack", "kinds": ["burn_outlier"]},
                ],
                "projection_every_s": 0.5,
                "dashboard_url": "https://reg.example/dashboard",
            },
        )
        keys = {name: gw.new_key(name, "burners") for name in ("b1", "b2", "b3", "hog")}
        for name, key in keys.items():
            for _ in range(24 if name == "hog" else 2):  # ~12x the others: answers vary in length
                body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"go {time.time()}"}]}
                response = httpx.post(
                    gw.url + "/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"}, timeout=10
                )
                assert response.status_code == 200
        gw.gateway.ledger.flush(5)
        wanted = {"budget_projection", "burn_outlier"}
        bodies = wait_for(lambda: {b["kind"] for b in receiver.bodies} >= wanted and receiver.bodies, timeout=20)
        assert bodies, f"no projection and outlier alerts within 20 s: {receiver.bodies}"
        [projection] = [b for b in bodies if b["kind"] == "budget_projection"]
        assert projection["title"].startswith("fleet burners will exhaust its day budget at ")
        assert projection["link"] == "https://reg.example/dashboard#fleet/burners"
        [outlier] = [b for b in bodies if b["kind"] == "burn_outlier"]
        assert outlier["data"]["agent"] == "hog"
        [incident] = [i for i in gw.gateway.store.list_incidents(0) if i.detector == "burn_outlier"]
        assert outlier["link"].endswith(f"&incident={incident.incident_id}")
        assert outlier["link"].startswith("https://reg.example/dashboard#agent/hog?session=")
        posted = wait_for(lambda: slack.bodies)
        assert f"<{outlier['link']}|Open in regulator>" in posted[0]["blocks"][1]["text"]["text"]
        time.sleep(1.2)
        assert sum(b["kind"] == "burn_outlier" for b in receiver.bodies) == 1, "alerted once"
    finally:
        receiver.close()
        slack.close()
