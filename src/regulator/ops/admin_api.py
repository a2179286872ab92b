"""The admin API under `/admin/v1`: keys, agents, sessions, budgets, incidents, actions, reports, events.

Every route needs the admin token (`Authorization: Bearer …`) or a dashboard session cookie;
the OpenAPI schema at `/admin/v1/openapi.json` is public. Errors are JSON
`{"error": {"code", "message"}}` with a 4xx status; bad input never reaches a 500.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from regulator.budget.config import BudgetConfig, BudgetLimits
from regulator.errors import RegulatorError
from regulator.events import ScopeKind
from regulator.ops import delegations_api
from regulator.ops.api_errors import ApiError, error_response, parse_body
from regulator.ops.auth import COOKIE_NAME
from regulator.ops.control import Action, apply_action
from regulator.ops.live import EVENT_KINDS
from regulator.ops.openapi import openapi_schema
from regulator.ops.prevented import counted, daily, series
from regulator.ops.service import Ops, call_json, incident_json
from regulator.ops.stats import FleetStats
from regulator.store.base import REPORT_BY, KeyNotFound, KeyRow, NameTaken
from regulator.store.keys import looks_like_key
from regulator.store.prevented import DAY_S
from regulator.timeparse import parse_time
from regulator.types import WINDOWS

PREFIX = "/admin/v1"
# Unix seconds as typed in a query string: ASCII digits only (`float()` also takes nan, inf, 1e400,
# `1_0` and non-ASCII digits), up to the last second of year 9999, which every date type can hold.
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?", re.ASCII)
_LAST_SECOND = 253402300799.0


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent: str = Field(min_length=1, max_length=200)
    fleet: str = Field(default="default", min_length=1, max_length=200)
    org: str = Field(default="default", min_length=1, max_length=200)


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: ScopeKind = "agent"
    name: str = Field(min_length=1, max_length=500)
    action: Action
    reason: str = Field(default="", max_length=2000)
    # A pause or kill that lifts by itself this many seconds from now (`--for 30m`).
    for_s: float | None = Field(default=None, gt=0, le=366 * 86400, allow_inf_nan=False)


class PauseIncidentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=2000)


def key_json(row: KeyRow) -> dict[str, Any]:
    return asdict(row) | {"revoked": row.revoked}


def _time(request: Request, name: str, default: float | None) -> float | None:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    try:
        moment = float(text) if _UNIX_SECONDS.fullmatch(text) else parse_time(text)
    except (ValueError, OverflowError, OSError) as exc:
        raise ApiError(400, "invalid_request", f"{name}: {exc}") from exc
    if not 0 <= moment <= _LAST_SECOND:
        raise ApiError(400, "invalid_request", f"{name}: expected a time between 1970 and the year 9999")
    return moment


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    # ASCII only: `isdigit()` alone passes `²`, which `int()` then refuses.
    if not (text.isascii() and text.isdigit() and len(text) <= 18) or not low <= int(text) <= high:
        raise ApiError(400, "invalid_request", f"{name}: expected an integer in [{low}, {high}]")
    return int(text)


class AdminApi:
    def __init__(self, ops: Ops) -> None:
        self.ops = ops
        self.gw = ops.gateway
        p = PREFIX
        routes = [
            Route(f"{p}/openapi.json", self.openapi),
            Route(f"{p}/summary", self.summary),
            Route(f"{p}/keys", self.list_keys),
            Route(f"{p}/keys", self.create_key, methods=["POST"]),
            Route(p + "/keys/{key_id}", self.revoke_key, methods=["DELETE"]),
            Route(f"{p}/agents", self.list_agents),
            Route(p + "/agents/{agent}", self.get_agent),
            Route(f"{p}/sessions", self.list_sessions),
            Route(p + "/sessions/{session}/calls", self.session_calls),
            Route(f"{p}/budgets", self.list_budgets),
            Route(p + "/budgets/{scope}", self.set_budget, methods=["PUT"]),
            Route(p + "/budgets/{scope}", self.delete_budget, methods=["DELETE"]),
            Route(f"{p}/incidents", self.list_incidents),
            Route(p + "/incidents/{incident_id}/pause", self.pause_incident, methods=["POST"]),
            Route(f"{p}/actions", self.action, methods=["POST"]),
            Route(f"{p}/reports/spend", self.report),
            Route(f"{p}/reconcile", self.last_reconcile),
            Route(f"{p}/reports/prevented", self.prevented),
            Route(f"{p}/fleets/series", self.fleet_series),
            Route(f"{p}/events", self.events),
            Route(f"{p}/delegations", self.list_delegations),
            Route(f"{p}/delegations", self.create_delegation, methods=["POST"]),
            Route(p + "/delegations/{delegation_id}", self.close_delegation, methods=["DELETE"]),
        ]
        self.app = Starlette(
            routes=routes,
            exception_handlers={
                HTTPException: self._http_error,
                ApiError: self._api_error,
                RegulatorError: self._regulator_error,
                Exception: self._bug,
            },
        )

    # plumbing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != f"{PREFIX}/openapi.json":
            denied = await self._denied(scope)
            if denied is not None:
                await denied(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _denied(self, scope: Scope) -> ASGIApp | None:
        request = Request(scope)
        authorization = request.headers.get("authorization")
        if authorization is not None:
            token = authorization.partition(" ")[2].strip()
            if looks_like_key(token):
                return error_response(403, "agent_key", "Agent keys cannot use the admin API; use the admin token.")
        if await self.ops.auth.check_headers(authorization, request.cookies.get(COOKIE_NAME)):
            return None
        code = "missing_token" if authorization is None else "invalid_token"
        return error_response(401, code, "Admin token required: send 'Authorization: Bearer <admin token>'.")

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", exc.detail)

    async def _api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message)

    async def _regulator_error(self, request: Request, exc: Exception) -> Response:
        """The gateway's own refusals (Redis down: 503), with their status and headers (`Retry-After`)."""
        assert isinstance(exc, RegulatorError)
        response = error_response(exc.status, exc.code or "error", exc.message)
        response.headers.update(exc.headers)
        return response

    async def _bug(self, request: Request, exc: Exception) -> Response:
        return error_response(500, "internal_error", "regulator hit an internal error; it was logged.")

    # routes

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_schema())

    async def summary(self, request: Request) -> Response:
        return JSONResponse(self.ops.summary())

    async def list_keys(self, request: Request) -> Response:
        rows = await asyncio.to_thread(self.gw.store.list_keys)
        return JSONResponse({"keys": [key_json(r) for r in rows]})

    async def create_key(self, request: Request) -> Response:
        body: NewKey = await parse_body(request, NewKey)
        try:
            plaintext, row = await asyncio.to_thread(self.gw.store.create_key, body.agent, body.fleet, body.org)
        except NameTaken as exc:
            raise ApiError(409, "name_taken", str(exc)) from exc
        self.ops.stats.seed_agent(row.agent, row.fleet, row.org)
        return JSONResponse({"key": plaintext, **key_json(row)}, status_code=201)

    async def revoke_key(self, request: Request) -> Response:
        key_id = request.path_params["key_id"]
        if looks_like_key(key_id):
            raise ApiError(400, "invalid_request", "Revoke by key id (key_…), not by the key itself.")
        try:
            row = await asyncio.to_thread(self.gw.store.revoke_key, key_id)
        except KeyNotFound as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
        # This replica refuses the key from the very next call; others within their registry poll.
        self.gw.forget_keys()
        return JSONResponse(key_json(row))

    async def list_agents(self, request: Request) -> Response:
        rows = self.ops.agent_rows()
        status = request.query_params.get("status")
        fleet = request.query_params.get("fleet")
        rows = [r for r in rows if (status is None or r["status"] == status) and (fleet is None or r["fleet"] == fleet)]
        return JSONResponse({"agents": rows})

    async def get_agent(self, request: Request) -> Response:
        agent = request.path_params["agent"]
        stats = self.ops.stats.agents.get(agent)
        if stats is None:
            raise ApiError(404, "not_found", f"No agent {agent!r} has a key or has made a call.")
        span = _int(request, "minutes", 180, 1, 24 * 60)
        step = _int(request, "step", 1 if span <= 180 else 5, 1, 60)
        now = time.time()
        session = request.query_params.get("session") or stats.session
        calls = [call_json(r) for r in stats.recent if r.session == session]
        return JSONResponse(
            self.ops.agent_row(agent, now)
            | {
                "series": FleetStats.series(stats.minutes, now, span, step),
                "session_calls": calls,
                "sessions": sorted({r.session for r in stats.recent}),
            }
        )

    async def list_sessions(self, request: Request) -> Response:
        agent = request.query_params.get("agent")
        limit = _int(request, "limit", 100, 1, 5000)
        out = []
        for s in reversed(self.ops.stats.sessions.values()):
            if agent is not None and s.agent != agent:
                continue
            standing = self.ops.status_of("session", s.session)
            out.append(asdict(s) | {"status": standing.state if standing else "active"})
            if len(out) >= limit:
                break
        return JSONResponse({"sessions": out})

    async def session_calls(self, request: Request) -> Response:
        """A session's calls from the ledger (every replica's), with what the agent did on each, and
        the incidents raised on it (each citing its calls by id)."""
        session = request.path_params["session"]
        limit = _int(request, "limit", 500, 1, 5000)
        await asyncio.to_thread(self.gw.ledger.flush, 5.0)
        records = await asyncio.to_thread(self.gw.store.session_records, session, limit)
        if not records:
            raise ApiError(404, "not_found", f"No calls in session {session!r}.")
        agent = records[-1].agent
        incidents = await asyncio.to_thread(self.gw.store.list_incidents, records[0].ts - 1, agent, 1000)
        return JSONResponse(
            {
                "session": session,
                "agent": agent,
                "calls": [call_json(r) for r in records],
                "incidents": [incident_json(i) for i in reversed(incidents) if i.session == session],
            }
        )

    async def list_budgets(self, request: Request) -> Response:
        statuses = await self.gw.budget.snapshot()
        definitions = [b.model_dump() for b in self.gw.budget.budgets]
        return JSONResponse({"budgets": [asdict(s) for s in statuses], "definitions": definitions})

    def _scope(self, request: Request) -> str:
        scope: str = request.path_params["scope"]
        try:
            BudgetConfig(scope=scope)
        except ValidationError as exc:
            raise ApiError(
                400, "invalid_request", f"scope: expected org:NAME, fleet:NAME or agent:NAME, got {scope!r}"
            ) from exc
        return scope

    async def _reload_budgets(self) -> None:
        stored = {b.scope: b for b in await asyncio.to_thread(self.gw.store.list_budgets)}
        merged = {b.scope: b for b in self.gw.config.budgets} | stored
        self.gw.budget.set_budgets(list(merged.values()))

    async def set_budget(self, request: Request) -> Response:
        scope = self._scope(request)
        body: BudgetLimits = await parse_body(request, BudgetLimits)
        limits = {w: getattr(body, w) for w in WINDOWS if getattr(body, w) is not None}
        if not limits and body.session is None:
            raise ApiError(400, "invalid_request", "Give at least one limit (minute … total, or session).")
        budget = await asyncio.to_thread(self.gw.store.set_budget, scope, limits, body.session)
        await self._reload_budgets()
        return JSONResponse(budget.model_dump())

    async def delete_budget(self, request: Request) -> Response:
        scope = self._scope(request)
        removed = await asyncio.to_thread(self.gw.store.remove_budget, scope)
        if not removed:
            if any(b.scope == scope for b in self.gw.config.budgets):
                raise ApiError(409, "in_config", f"{scope} is defined in regulator.yaml; change it there.")
            raise ApiError(404, "not_found", f"No budget for {scope}.")
        await self._reload_budgets()
        return JSONResponse({"removed": scope})

    async def list_incidents(self, request: Request) -> Response:
        since = _time(request, "since", time.time() - 7 * 86400)
        limit = _int(request, "limit", 100, 1, 1000)
        agent = request.query_params.get("agent")
        rows = await asyncio.to_thread(self.gw.store.list_incidents, since or 0.0, agent, limit)
        fleet = self.gw.supervisor.fleet
        incidents = []
        for row in rows:
            found = incident_json(row)
            live = fleet.incident(row.incident_id) if fleet is not None and row.detector == "fleet" else None
            if live is not None:  # every agent that has hit the cause, those that joined after it was raised too
                found["agents"] = list(live.agents)
            incidents.append(found)
        return JSONResponse({"incidents": incidents})

    async def pause_incident(self, request: Request) -> Response:
        """A fleet incident's one action: pause every agent stuck on its cause."""
        incident_id = request.path_params["incident_id"]
        body: PauseIncidentRequest = await parse_body(request, PauseIncidentRequest)
        try:
            agents = self.gw.supervisor.pause_fleet_incident(incident_id, body.reason)
        except KeyError:
            raise ApiError(404, "not_found", f"{incident_id!r} is not a fleet incident open on this gateway") from None
        for agent in agents:
            await self.gw.publish_standing({"scope_kind": "agent", "name": agent, "state": "paused"})
        await self.ops.poll(summary=False)
        return JSONResponse({"incident": incident_id, "agents": agents, "state": "paused"})

    async def action(self, request: Request) -> Response:
        body: ActionRequest = await parse_body(request, ActionRequest)
        current = self.ops.status_of(body.target, body.name)
        if body.action == "resume" and current is not None and current.state == "killed":
            raise ApiError(
                409, "killed", f"{body.target} {body.name!r} was killed; use 'reinstate' to let it run again."
            )
        if body.for_s is not None and body.action not in ("pause", "kill"):
            raise ApiError(400, "invalid_request", f"for_s: only a pause or kill lifts by itself, not a {body.action}")
        until_ts = time.time() + body.for_s if body.for_s is not None else None
        state = apply_action(self.gw, body.target, body.name, body.action, body.reason, until_ts)
        # Other replicas hear of it now rather than at their next registry poll.
        await self.gw.publish_standing({"scope_kind": body.target, "name": body.name, "state": state})
        await self.ops.poll(summary=False)
        return JSONResponse(
            {
                "target": body.target,
                "name": body.name,
                "action": body.action,
                "state": state,
                "until_ts": until_ts,
                "agents": len(self.ops.agents_under(body.target, body.name)),
            }
        )

    async def report(self, request: Request) -> Response:
        by = request.query_params.get("by", "agent")
        if by not in REPORT_BY:
            raise ApiError(400, "invalid_request", f"by: expected one of {', '.join(REPORT_BY)}")
        since = _time(request, "since", time.time() - 86400)
        until = _time(request, "until", None)
        await asyncio.to_thread(self.gw.ledger.flush, 5.0)
        rows = await asyncio.to_thread(self.gw.store.report, since or 0.0, until, REPORT_BY[REPORT_BY.index(by)])
        return JSONResponse(
            {
                "by": by,
                "since": since,
                "until": until,
                "rows": [asdict(r) for r in rows],
                "total_cost_usd": sum(r.cost_usd for r in rows),
            }
        )

    async def last_reconcile(self, request: Request) -> Response:
        run = await asyncio.to_thread(self.gw.store.last_reconcile_run)
        if run is None:
            return JSONResponse({"run": None})
        result = run.result
        keep = ("run_id", "ts", "since", "until", "providers", "drifts", "errors", "summary")
        return JSONResponse({"run": {k: result.get(k) for k in keep}})

    async def prevented(self, request: Request) -> Response:
        """Per UTC day and fleet: spend beside the spend regulator prevented (ops/prevented.py)."""
        since = _time(request, "since", time.time() - 7 * DAY_S) or 0.0
        day_start = since - since % DAY_S  # whole UTC days
        await asyncio.to_thread(self.gw.ledger.flush, 5.0)
        rows = await asyncio.to_thread(self.gw.store.list_prevented, day_start)
        spend = await asyncio.to_thread(self.gw.store.spend_series, day_start, DAY_S)
        return JSONResponse(
            {
                "since": day_start,
                "days": daily(rows, spend),
                "stops": [asdict(r) for r in counted(rows)],
                "prevented_usd": sum(r.usd for r in counted(rows)),
            }
        )

    async def fleet_series(self, request: Request) -> Response:
        hours = _int(request, "hours", 24, 1, 24 * 31)
        step = _int(request, "step", 600, 60, DAY_S)
        now = time.time()
        since = now - hours * 3600
        since -= since % step  # buckets on round times
        rows = await asyncio.to_thread(self.gw.store.list_prevented, since)
        spend = await asyncio.to_thread(self.gw.store.spend_series, since, step)
        return JSONResponse({"since": since, "step_s": step, "fleets": series(rows, spend, since, step, now)})

    async def create_delegation(self, request: Request) -> Response:
        return await delegations_api.create(self, request)

    async def list_delegations(self, request: Request) -> Response:
        return await delegations_api.listing(self, request)

    async def close_delegation(self, request: Request) -> Response:
        return await delegations_api.close(self, request)

    async def events(self, request: Request) -> Response:
        asked = request.query_params.get("types")
        kinds = frozenset(asked.split(",")) if asked else frozenset(EVENT_KINDS)
        unknown = kinds - set(EVENT_KINDS)
        if unknown:
            raise ApiError(400, "invalid_request", f"types: unknown {sorted(unknown)}; expected {list(EVENT_KINDS)}")
        sub = self.ops.hub.subscribe(kinds)
        return StreamingResponse(
            self.ops.hub.stream(sub, self.ops.first_frames(kinds)),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )
