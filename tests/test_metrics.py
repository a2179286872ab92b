"""`/metrics` parsed with the Prometheus client's own parser agrees with the ledger."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import RunningGateway
from regulator.events import Incident


def samples(gw: RunningGateway) -> dict[str, list[Any]]:
    text = httpx.get(gw.url + "/metrics").text
    out: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


def call(gw: RunningGateway, key: str, model: str = "gpt-4o-mini") -> None:
    response = httpx.post(
        gw.url + "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": f"hi {time.time()}"}]},
        headers={"authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert response.status_code == 200


def test_cost_tokens_and_calls_agree_with_the_ledger(start_gateway: Any) -> None:
    gw = start_gateway(budgets=[{"scope": "fleet:fleet-1", "day": 10.0}])
    other = gw.new_key("agent-2", "fleet-2")
    for _ in range(3):
        call(gw, gw.key)
    call(gw, other)
    gw.gateway.ledger.flush()
    records = list(gw.gateway.store.iter_records(0))
    m = samples(gw)
    cost = {s.labels["agent"]: s.value for s in m["regulator_cost_usd_total"]}
    for agent in ("agent-1", "agent-2"):
        assert cost[agent] == pytest.approx(sum(r.cost_usd for r in records if r.agent == agent))
    calls = sum(s.value for s in m["regulator_calls_total"])
    assert calls == len(records) == 4
    out = sum(s.value for s in m["regulator_tokens_total"] if s.labels["kind"] == "output")
    assert out == sum(r.usage.output_tokens for r in records)
    [util] = [s for s in m["regulator_budget_utilisation"] if s.labels["scope"] == "fleet:fleet-1"]
    fleet_spent = sum(r.cost_usd for r in records if r.fleet == "fleet-1")
    assert util.value == pytest.approx(fleet_spent / 10.0)
    assert m["regulator_upstream_latency_seconds_count"][0].value == 4
    assert m["regulator_gateway_overhead_seconds_count"][0].value == 4
    assert "regulator_ledger_queue_depth" in m


def test_agent_label_can_be_turned_off(start_gateway: Any) -> None:
    gw = start_gateway(metrics={"agent_label": False})
    call(gw, gw.key)
    m = samples(gw)
    assert all("agent" not in s.labels for s in m["regulator_cost_usd_total"])
    assert m["regulator_cost_usd_total"][0].labels["fleet"] == "fleet-1"


def test_incidents_are_counted_by_action(gateway: RunningGateway) -> None:
    for action in ("pause", "pause", "throttle"):
        gateway.gateway.store.add_incident(
            Incident(time.time(), "org-1", "fleet-1", "agent-1", "s", "burn", action, "Spent fast.")
        )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        counted = {s.labels["action"]: s.value for s in samples(gateway).get("regulator_incidents_total", [])}
        if counted == {"pause": 2, "throttle": 1}:
            break
        time.sleep(0.1)
    assert counted == {"pause": 2, "throttle": 1}
