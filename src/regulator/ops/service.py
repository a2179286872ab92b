"""`Ops`: the operator side of one gateway, wired to it once.

It listens to every settled call (fleet stats, metrics, live call events, failure-spike alerts)
and to the budget engine's events (threshold, exhausted and overrun alerts), and a background
task polls the store twice a second for what the policy wrote there (new incidents, standing
changes), so alerts and the dashboard hear of them within a second whichever component made
them. Once a second it publishes one fleet summary with only the agents that changed: the
dashboard redraws at most once a second however many calls flow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict
from itertools import islice
from typing import Any

import httpx

from regulator.budget.slots import BudgetEvent, BudgetStatus
from regulator.errors import CountersUnavailable
from regulator.events import CallRecord, Incident, ScopeKind, Standing
from regulator.ops.alert_rules import FailureSpike, budget_alert, drift_alert, incident_alert, incident_link
from regulator.ops.alerts import AlertDispatcher
from regulator.ops.auth import AdminAuth, resolve_token
from regulator.ops.control import OpsGateway
from regulator.ops.fleets import fleet_rows, live_standing
from regulator.ops.live import LiveFeed, sse_frame
from regulator.ops.metrics import Metrics
from regulator.ops.prevented import STOPPED, by_fleet, on_lift, on_stop
from regulator.ops.projections import OUTLIER, ProjectionAlerts
from regulator.ops.stats import AgentStats, FleetStats
from regulator.policy.fleet import FLEET_WIDE
from regulator.policy.standing import RANK
from regulator.reconcile.compare import Drift
from regulator.reconcile.schedule import ReconcileScheduler
from regulator.store.prevented import Prevented

log = logging.getLogger("regulator.ops")
POLL_S = 0.5
SEED_SERIES_S = 3 * 3600
SEED_SERIES_MAX = 200_000
INCIDENT_HISTORY_S = 30 * 86400


def incident_json(incident: Incident) -> dict[str, Any]:
    return asdict(incident)


def call_json(rec: CallRecord) -> dict[str, Any]:
    u = rec.usage
    return {
        "call_id": rec.call_id,
        "ts": rec.ts,
        "agent": rec.agent,
        "fleet": rec.fleet,
        "session": rec.session,
        "model": rec.served_model or rec.model,
        "cost_usd": rec.cost_usd,
        "reserved_usd": rec.reserved_usd,
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "status": rec.status,
        "outcome": rec.outcome,
        "latency_ms": round(rec.latency_ms, 2),
        "action": rec.action,
        "provider_request_id": rec.provider_request_id,
        "summary": rec.summary,
    }


class Ops:
    def __init__(
        self,
        gateway: OpsGateway,
        *,
        environ: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        config = gateway.config
        self.gateway = gateway
        self.auth = AdminAuth(
            resolve_token(config.admin.token_env, gateway.data_dir, environ),
            config.admin.session_ttl_s,
            gateway.store,
        )
        self.stats = FleetStats()
        self.hub = LiveFeed()
        self.alerts = AlertDispatcher(config.alerts, gateway.data_dir, transport)
        self.failures = FailureSpike(config.alerts.failure_spike_count, config.alerts.failure_window_s)
        self.projections = ProjectionAlerts(config.alerts)
        self.metrics = Metrics(config.metrics.agent_label, self._queues) if config.metrics.enabled else None
        self.standing: dict[tuple[ScopeKind, str], Standing] = {}
        self.last_incident: dict[str, Incident] = {}
        self.budgets: list[BudgetStatus] = []
        self.prevented: list[Prevented] = []  # today's, refreshed with the summary
        self._seen_incidents: set[str] = set()
        self._incident_since = 0.0
        self._registry_version = -1
        self._task: asyncio.Task[None] | None = None
        self.reconcile = ReconcileScheduler(config, gateway.store, self.on_drift)
        gateway.add_call_listener(self.on_call)
        gateway.add_budget_listener(self.on_budget_event)

    # lifecycle

    async def start(self) -> None:
        await self._seed()
        await self.alerts.start()
        self._task = asyncio.create_task(self._poll_forever())
        await self.reconcile.start()

    async def stop(self) -> None:
        await self.reconcile.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.alerts.stop()

    async def _seed(self) -> None:
        store, now = self.gateway.store, time.time()
        await self._refresh_keys()
        today = await asyncio.to_thread(store.report, self.stats.day_start, now, "agent")
        month = await asyncio.to_thread(store.report, self.stats.month_start, now, "agent")
        self.stats.seed_totals(today, month)
        recent = await asyncio.to_thread(
            lambda: list(islice(store.iter_records(now - SEED_SERIES_S, now), SEED_SERIES_MAX))
        )
        self.stats.seed_series(recent)
        history = await asyncio.to_thread(store.list_incidents, now - INCIDENT_HISTORY_S, None, 1000)
        for incident in reversed(history):
            self._note_incident(incident)
        self._incident_since = max((i.ts for i in history), default=now - 1)
        self.standing = {(s.scope_kind, s.name): s for s in await asyncio.to_thread(store.get_standing_all)}
        self.budgets = await self.gateway.budget.snapshot()
        self.prevented = await asyncio.to_thread(store.list_prevented, self.stats.day_start)
        self.stats.take_dirty()

    # listeners (called by the gateway and the budget engine, on the event loop)

    def on_call(self, rec: CallRecord) -> None:
        self.stats.add(rec)
        if self.metrics is not None:
            self.metrics.on_call(rec)
        spike = self.failures.check(rec)
        if spike is not None:
            self.alerts.send(spike)
        if self.hub.wants("call"):
            self.hub.publish("call", call_json(rec))

    def on_budget_event(self, event: BudgetEvent) -> None:
        alert = budget_alert(event)
        if alert is not None:
            self.alerts.send(alert)
        self.hub.publish("budget", {**asdict(event), "alert": alert.kind if alert else None})

    def on_drift(self, drifts: list[Drift]) -> None:
        """New drifts found by a scheduled reconcile: one alert each."""
        for drift in drifts:
            self.alerts.send(drift_alert(drift))

    # polling the store

    async def _poll_forever(self) -> None:
        tick = 0
        counters_down = False
        project_every = max(1, round(self.gateway.config.alerts.projection_every_s / POLL_S))
        while True:
            await asyncio.sleep(POLL_S)
            tick += 1
            try:
                await self.poll(summary=tick % 2 == 0)
                if tick % project_every == 0:
                    await self.check_projections()
                counters_down = False
            except CountersUnavailable as exc:
                # Said once per outage: the gateway's own refusals already tell every caller.
                if not counters_down:
                    log.warning("ops: budget counters unavailable, live budget figures paused: %s", exc.message)
                counters_down = True
            except Exception:  # the poller must outlive a transient store error
                log.exception("ops poll failed")

    async def poll(self, summary: bool = True) -> None:
        store = self.gateway.store
        incidents = await asyncio.to_thread(store.list_incidents, self._incident_since, None, 500)
        for incident in reversed(incidents):
            if incident.incident_id in self._seen_incidents:
                continue
            self._note_incident(incident)
            self._incident_since = max(self._incident_since, incident.ts)
            if self.metrics is not None:
                self.metrics.on_incident(incident.action)
            if incident.detector != OUTLIER:  # its own alert went out when it was found
                self.alerts.send(incident_alert(incident, self.gateway.config.alerts.dashboard_url))
            self.hub.publish("incident", incident_json(incident))
        standing = {(s.scope_kind, s.name): s for s in await asyncio.to_thread(store.get_standing_all)}
        if standing != self.standing:
            await asyncio.to_thread(self._account_prevented, self.standing, standing)
            for key in standing.keys() ^ self.standing.keys() | {
                k for k in standing.keys() & self.standing.keys() if standing[k] != self.standing[k]
            }:
                row = standing.get(key)
                self.hub.publish(
                    "standing",
                    {
                        "scope_kind": key[0],
                        "name": key[1],
                        "state": row.state if row else "active",
                        "reason": row.reason if row else "",
                    },
                )
                # A fleet's or org's change is every agent beneath it changing status.
                self.stats.dirty.update(self.agents_under(key[0], key[1]))
            self.standing = standing
        await self._refresh_keys()
        if summary:
            self.budgets = await self.gateway.budget.snapshot()
            self.prevented = await asyncio.to_thread(store.list_prevented, self.stats.day_start)
            if self.hub.wants("summary"):
                dirty = self.stats.take_dirty()
                self.hub.publish("summary", self.summary(rows=[self.agent_row(a) for a in sorted(dirty)]))

    async def check_projections(self, now: float | None = None) -> None:
        """Budgets that will run out before they reset, agents far above their fleet's burn (ops/projections.py)."""
        store, at = self.gateway.store, time.time() if now is None else now
        for alert in await asyncio.to_thread(self.projections.budgets, store, self.budgets, at):
            self.alerts.send(alert)
        agents = {a: (s.fleet, s.org, s.session) for a, s in self.stats.agents.items()}
        for outlier in await asyncio.to_thread(self.projections.outliers, store, agents, at):
            await asyncio.to_thread(store.add_incident, outlier.incident)
            outlier.alert.link = incident_link(self.gateway.config.alerts.dashboard_url, outlier.incident)
            outlier.alert.data["incident_id"] = outlier.incident.incident_id
            self.alerts.send(outlier.alert)

    def _account_prevented(
        self, before: dict[tuple[ScopeKind, str], Standing], after: dict[tuple[ScopeKind, str], Standing]
    ) -> None:
        """A stop starts a projection of the spend it prevents; a lift ends it (ops/prevented.py)."""
        now = time.time()
        flushed = False
        for key in before.keys() | after.keys():
            was, now_is = before.get(key), after.get(key)
            stopped_before = was is not None and was.state in STOPPED
            if now_is is not None and now_is.state in STOPPED and not stopped_before:
                if not flushed:  # the burn is read from the ledger: the calls just made count
                    self.gateway.ledger.flush(2.0)
                    flushed = True
                on_stop(self.gateway.store, key, now_is, now)
            elif stopped_before and (now_is is None or now_is.state not in STOPPED):
                on_lift(self.gateway.store, key, now)

    def _note_incident(self, incident: Incident) -> None:
        self._seen_incidents.add(incident.incident_id)
        if incident.agent == FLEET_WIDE:
            return  # a fleet incident is about several agents, not an agent of its own
        self.stats.seed_agent(incident.agent, incident.fleet, incident.org)
        current = self.last_incident.get(incident.agent)
        if current is None or incident.ts >= current.ts:
            self.last_incident[incident.agent] = incident
            self.stats.dirty.add(incident.agent)

    async def _refresh_keys(self) -> None:
        store = self.gateway.store
        version = await asyncio.to_thread(store.registry_version)
        if version == self._registry_version:
            return
        self._registry_version = version
        for key in await asyncio.to_thread(store.list_keys):
            if key.agent not in self.stats.agents:
                self.stats.seed_agent(key.agent, key.fleet, key.org)
                self.stats.dirty.add(key.agent)

    # read models

    def status_of(self, scope_kind: ScopeKind, name: str) -> Standing | None:
        return self.standing.get((scope_kind, name))

    def effective_standing(self, agent: str, session: str | None) -> Standing | None:
        """The strongest standing over the agent: its own, its fleet's or org's, its current session's.
        The policy pauses sessions and operators pause fleets; an operator looking at the agent must
        see that it is stopped. A standing whose expiry has passed no longer counts."""
        stats = self.stats.agents.get(agent)
        scopes: list[tuple[ScopeKind, str]] = [("agent", agent)]
        if session:
            scopes.append(("session", session))
        if stats is not None:
            scopes += [("fleet", stats.fleet), ("org", stats.org)]
        now = time.time()
        found: Standing | None = None
        for key in scopes:
            row = live_standing(self.standing.get(key), now)
            if row is None:
                continue
            if found is None or RANK.get(row.state, 3) > RANK.get(found.state, 3):
                found = row
        return found

    def agents_under(self, scope_kind: ScopeKind, name: str) -> list[str]:
        """The agents a fleet or org action stands on (those with a key or a call seen here)."""
        if scope_kind in ("agent", "session"):
            return [name] if scope_kind == "agent" else []
        attr = "fleet" if scope_kind == "fleet" else "org"
        return sorted(a for a, s in self.stats.agents.items() if getattr(s, attr) == name)

    def agent_row(self, agent: str, now: float | None = None) -> dict[str, Any]:
        at = time.time() if now is None else now
        stats = self.stats.agents.get(agent) or AgentStats(agent, "default", "default")
        standing = self.effective_standing(agent, stats.session)
        incident = self.last_incident.get(agent)
        return {
            "agent": agent,
            "fleet": stats.fleet,
            "org": stats.org,
            "status": standing.state if standing else "active",
            "status_reason": standing.reason if standing else "",
            "spend_today_usd": stats.spend_today,
            "spend_month_usd": stats.spend_month,
            "burn_rate_usd_per_hour": FleetStats.burn_rate(stats.minutes, at),
            "calls_today": stats.calls_today,
            "errors_today": stats.errors_today,
            "session": stats.session,
            "last_call_ts": stats.last_ts or None,
            "last_incident": None
            if incident is None
            else {
                "incident_id": incident.incident_id,
                "ts": incident.ts,
                "detector": incident.detector,
                "action": incident.action,
            },
        }

    def agent_rows(self) -> list[dict[str, Any]]:
        now = time.time()
        return [self.agent_row(agent, now) for agent in sorted(self.stats.agents)]

    def summary(self, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        now = time.time()
        s = self.stats
        org_budgets = [b for b in self.budgets if b.scope.startswith("org:")]
        day = [b for b in org_budgets if b.window == "day"]
        month = [b for b in org_budgets if b.window == "month"]
        standings = (self.effective_standing(agent, a.session) for agent, a in s.agents.items())
        states = [st.state for st in standings if st is not None]
        return {
            "ts": now,
            "spend_today_usd": s.spend_today,
            "spend_month_usd": s.spend_month,
            "calls_today": s.calls_today,
            "errors_today": s.errors_today,
            "burn_rate_usd_per_hour": FleetStats.burn_rate(s.minutes, now),
            "month_end_projection_usd": s.month_end_projection(now),
            "day_budget_usd": sum(b.limit_usd for b in day) if day else None,
            "month_budget_usd": sum(b.limit_usd for b in month) if month else None,
            "agents": len(s.agents),
            "agents_paused": states.count("paused"),
            "agents_killed": states.count("killed"),
            "prevented_today_usd": sum(by_fleet(self.prevented).values()),
            "budgets": [asdict(b) for b in self.budgets],
            "fleets": fleet_rows(s, self.standing, by_fleet(self.prevented), now),
            "rows": rows if rows is not None else [],
        }

    def first_frames(self, kinds: frozenset[str]) -> list[bytes]:
        """What a new live subscriber needs before deltas make sense: the full current picture."""
        if "summary" in kinds:
            return [sse_frame("summary", self.summary(rows=self.agent_rows()) | {"full": True})]
        return []

    def _queues(self) -> dict[str, float]:
        return {
            "ledger_queue_depth": float(self.gateway.ledger.queue_depth()),
            "alerts_pending": float(self.alerts.pending()),
            "alerts_dead_lettered": float(self.alerts.dead_lettered),
            "live_subscribers": float(self.hub.subscriber_count),
        }
