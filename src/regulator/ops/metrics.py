"""Prometheus metrics at `/metrics`: calls, tokens and cost, budgets, incidents, latency, queues.

Per-call counters are updated from the gateway's call listener. The label children for each
(fleet, model, agent) are looked up once and cached, so a call costs a dict lookup and a few
additions. Budget and queue gauges are read when Prometheus scrapes, not on the request path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from regulator.budget.slots import BudgetStatus
from regulator.events import CallRecord

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
OVERHEAD_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)
_Children = tuple[Any, Any, Any, Any, Any, Any]


class _LiveGauges(Collector):
    """Gauges read at scrape time from the budget snapshot and the gateway's queues."""

    def __init__(self, queues: Callable[[], dict[str, float]]) -> None:
        self.statuses: list[BudgetStatus] = []
        self.queues = queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        labels = ["scope", "window"]
        util = GaugeMetricFamily(
            "regulator_budget_utilisation", "(spent + reserved) / limit of each budget window", labels=labels
        )
        spent = GaugeMetricFamily("regulator_budget_spent_usd", "USD settled in the current window", labels=labels)
        held = GaugeMetricFamily("regulator_budget_reserved_usd", "USD reserved by calls in flight", labels=labels)
        limit = GaugeMetricFamily("regulator_budget_limit_usd", "the budget's limit in USD", labels=labels)
        for s in self.statuses:
            key = [s.scope, s.window]
            util.add_metric(key, (s.spent_usd + s.reserved_usd) / s.limit_usd if s.limit_usd else 0.0)
            spent.add_metric(key, s.spent_usd)
            held.add_metric(key, s.reserved_usd)
            limit.add_metric(key, s.limit_usd)
        yield from (util, spent, held, limit)
        for name, value in self.queues().items():
            yield GaugeMetricFamily(f"regulator_{name}", name.replace("_", " "), value=value)


class Metrics:
    def __init__(self, agent_label: bool, queues: Callable[[], dict[str, float]]) -> None:
        self.agent_label = agent_label
        self.registry = CollectorRegistry(auto_describe=True)
        names = ["fleet", "model", "agent"] if agent_label else ["fleet", "model"]
        r = self.registry
        self.calls = Counter("regulator_calls", "calls through the gateway", [*names, "outcome"], registry=r)
        self.cost = Counter("regulator_cost_usd", "settled cost in USD", names, registry=r)
        self.tokens = Counter("regulator_tokens", "tokens billed", [*names, "kind"], registry=r)
        self.incidents = Counter("regulator_incidents", "incidents by policy action", ["action"], registry=r)
        self.latency = Histogram(
            "regulator_upstream_latency_seconds",
            "upstream time per call",
            ["upstream"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.overhead = Histogram(
            "regulator_gateway_overhead_seconds",
            "time regulator itself added to a call",
            buckets=OVERHEAD_BUCKETS,
            registry=r,
        )
        self.live = _LiveGauges(queues)
        r.register(self.live)
        self._children: dict[tuple[str, ...], _Children] = {}
        self._latency: dict[str, Any] = {}

    def _for(self, key: tuple[str, ...], outcome: str) -> _Children:
        children = self._children.get((*key, outcome))
        if children is None:
            children = (
                self.calls.labels(*key, outcome),
                self.cost.labels(*key),
                self.tokens.labels(*key, "input"),
                self.tokens.labels(*key, "cached_input"),
                self.tokens.labels(*key, "output"),
                self.tokens.labels(*key, "reasoning"),
            )
            self._children[(*key, outcome)] = children
        return children

    def on_call(self, rec: CallRecord) -> None:
        model = rec.served_model or rec.model
        key = (rec.fleet, model, rec.agent) if self.agent_label else (rec.fleet, model)
        calls, cost, tin, tcached, tout, treason = self._for(key, rec.outcome)
        u = rec.usage
        calls.inc()
        if rec.cost_usd:
            cost.inc(rec.cost_usd)
        if u.input_tokens:
            tin.inc(u.input_tokens)
        if u.cached_input_tokens:
            tcached.inc(u.cached_input_tokens)
        if u.output_tokens:
            tout.inc(u.output_tokens)
        if u.reasoning_tokens:
            treason.inc(u.reasoning_tokens)
        latency = self._latency.get(rec.upstream)
        if latency is None:
            latency = self._latency[rec.upstream] = self.latency.labels(rec.upstream)
        latency.observe(rec.latency_ms / 1000)
        self.overhead.observe(rec.overhead_ms / 1000)

    def on_incident(self, action: str) -> None:
        self.incidents.labels(action).inc()

    def render(self, statuses: list[BudgetStatus]) -> bytes:
        self.live.statuses = statuses
        return generate_latest(self.registry)
