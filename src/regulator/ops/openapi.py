"""The admin API's OpenAPI 3.0 schema, written out by hand so it says exactly what the routes do."""

from __future__ import annotations

from functools import cache
from typing import Any

from regulator.budget.config import MAX_LIMIT
from regulator.ops.control import ACTIONS
from regulator.ops.live import EVENT_KINDS
from regulator.store.base import REPORT_BY

_NUM = {"type": "number"}
_INT = {"type": "integer"}
_STR = {"type": "string"}
_BOOL = {"type": "boolean"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema | {"nullable": True}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(field: str, item: dict[str, Any]) -> dict[str, Any]:
    return _obj({field: {"type": "array", "items": item}}, [field])


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERR = {"$ref": "#/components/responses/Error"}
_ERRORS = {"400": _ERR, "401": _ERR, "403": _ERR}


def _op(
    summary: str,
    ok: dict[str, Any],
    *,
    status: str = "200",
    params: list[Any] | None = None,
    body: dict[str, Any] | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {status: ok, **_ERRORS}}
    for code in extra:
        op["responses"][code] = _ERR
    if params:
        op["parameters"] = params
    if body is not None:
        op["responses"]["415"] = _ERR  # a body not sent as application/json
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _q(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _p(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _STR, "description": description}


_TIME = {
    "type": "string",
    "description": "unix seconds, a duration back from now (15m, 24h, 7d), or an ISO date",
}

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"code": _STR, "message": _STR}, ["code", "message"])}, ["error"]),
    "Key": _obj(
        {
            "key_id": _STR,
            "agent": _STR,
            "fleet": _STR,
            "org": _STR,
            "created_at": _NUM,
            "revoked_at": _nullable(_NUM),
            "prefix": _STR,
            "revoked": _BOOL,
        },
        ["key_id", "agent", "fleet", "org", "created_at", "revoked"],
    ),
    "NewKey": _obj({"agent": _STR | {"minLength": 1}, "fleet": _STR, "org": _STR}, ["agent"]),
    "LastIncident": _nullable(_obj({"incident_id": _STR, "ts": _NUM, "detector": _STR, "action": _STR})),
    "Agent": _obj(
        {
            "agent": _STR,
            "fleet": _STR,
            "org": _STR,
            "status": {"type": "string", "enum": ["active", "throttled", "downgraded", "paused", "killed"]},
            "status_reason": _STR,
            "spend_today_usd": _NUM,
            "spend_month_usd": _NUM,
            "burn_rate_usd_per_hour": _NUM,
            "calls_today": _INT,
            "errors_today": _INT,
            "session": _STR,
            "last_call_ts": _nullable(_NUM),
            "last_incident": _ref("LastIncident"),
        },
        ["agent", "status", "spend_today_usd", "burn_rate_usd_per_hour", "calls_today"],
    ),
    "Call": _obj(
        {
            "call_id": _STR,
            "ts": _NUM,
            "agent": _STR,
            "fleet": _STR,
            "session": _STR,
            "model": _STR,
            "cost_usd": _NUM,
            "reserved_usd": _NUM,
            "input_tokens": _INT,
            "output_tokens": _INT,
            "status": _INT,
            "outcome": _STR,
            "latency_ms": _NUM,
            "action": _nullable(_STR),
            "provider_request_id": _STR,
        },
        ["call_id", "ts", "agent", "session", "cost_usd"],
    ),
    "Session": _obj(
        {
            "session": _STR,
            "agent": _STR,
            "calls": _INT,
            "cost_usd": _NUM,
            "first_ts": _NUM,
            "last_ts": _NUM,
            "status": _STR,
        },
        ["session", "agent", "calls", "cost_usd", "status"],
    ),
    "BudgetStatus": _obj(
        {
            "scope": _STR,
            "window": _STR,
            "limit_usd": _NUM,
            "spent_usd": _NUM,
            "reserved_usd": _NUM,
            "remaining_usd": _NUM,
            "resets_at": _nullable(_NUM),
        },
        ["scope", "window", "limit_usd", "spent_usd", "reserved_usd", "remaining_usd"],
    ),
    "BudgetLimits": _obj(
        {
            w: _NUM | {"exclusiveMinimum": True, "minimum": 0, "maximum": MAX_LIMIT}
            for w in ("minute", "hour", "day", "week", "month", "total", "session")
        }
    ),
    "Budget": _obj(
        {"scope": _STR}
        | {w: _nullable(_NUM) for w in ("minute", "hour", "day", "week", "month", "total", "session")}
        | {"thresholds": {"type": "array", "items": _NUM}},
        ["scope"],
    ),
    "Incident": _obj(
        {
            "incident_id": _STR,
            "ts": _NUM,
            "org": _STR,
            "fleet": _STR,
            "agent": _STR,
            "session": _STR,
            "detector": _STR,
            "action": _STR,
            "evidence": _STR,
            "call_ids": {"type": "array", "items": _STR},
            "seqs": {"type": "array", "items": _INT},
            "resolved": _BOOL,
        },
        ["incident_id", "ts", "agent", "detector", "action", "evidence"],
    ),
    "ActionRequest": _obj(
        {
            "target": {"type": "string", "enum": ["agent", "session"], "default": "agent"},
            "name": _STR | {"minLength": 1},
            "action": {"type": "string", "enum": list(ACTIONS)},
            "reason": _STR,
        },
        ["name", "action"],
    ),
    "ActionResult": _obj(
        {"target": _STR, "name": _STR, "action": _STR, "state": _STR}, ["target", "name", "action", "state"]
    ),
    "ReportRow": _obj(
        {
            "key": _STR,
            "calls": _INT,
            "input_tokens": _INT,
            "cached_input_tokens": _INT,
            "output_tokens": _INT,
            "reasoning_tokens": _INT,
            "cost_usd": _NUM,
            "errors": _INT,
        },
        ["key", "calls", "cost_usd"],
    ),
    "Summary": _obj(
        {
            "ts": _NUM,
            "spend_today_usd": _NUM,
            "spend_month_usd": _NUM,
            "calls_today": _INT,
            "errors_today": _INT,
            "burn_rate_usd_per_hour": _NUM,
            "month_end_projection_usd": _NUM,
            "day_budget_usd": _nullable(_NUM),
            "month_budget_usd": _nullable(_NUM),
            "agents": _INT,
            "agents_paused": _INT,
            "agents_killed": _INT,
            "budgets": {"type": "array", "items": _ref("BudgetStatus")},
            "rows": {"type": "array", "items": _ref("Agent")},
        },
        ["spend_today_usd", "spend_month_usd", "burn_rate_usd_per_hour", "month_end_projection_usd"],
    ),
    "ReconcileRun": _obj(
        {
            "run_id": _STR,
            "ts": _NUM,
            "since": _NUM,
            "until": _NUM,
            "providers": {"type": "array", "items": _STR},
            "drifts": {"type": "array", "items": {"type": "object"}},
            "errors": {"type": "array", "items": _STR},
            "summary": {"type": "object"},
        },
        ["run_id", "ts", "drifts"],
    ),
}


@cache
def openapi_schema() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/admin/v1/summary": {"get": _op("Fleet spend, burn rate and projection", _json(_ref("Summary")))},
        "/admin/v1/keys": {
            "get": _op("List agents' keys (never the keys themselves)", _json(_list_of("keys", _ref("Key")))),
            "post": _op(
                "Create a key; the plaintext is in this answer only",
                _json(_ref("Key"), "Created"),
                status="201",
                body=_ref("NewKey"),
                extra=("409",),
            ),
        },
        "/admin/v1/keys/{key_id}": {
            "delete": _op("Revoke a key", _json(_ref("Key")), params=[_p("key_id", "key_…")], extra=("404",)),
        },
        "/admin/v1/agents": {
            "get": _op(
                "Agents with status, spend, burn rate and calls",
                _json(_list_of("agents", _ref("Agent"))),
                params=[
                    _q("status", _STR, "only agents in this state"),
                    _q("fleet", _STR, "only this fleet"),
                ],
            ),
        },
        "/admin/v1/agents/{agent}": {
            "get": _op(
                "One agent: spend over time and its session's calls",
                _json(
                    {
                        "allOf": [
                            _ref("Agent"),
                            _obj(
                                {
                                    "series": {"type": "array", "items": {"type": "array", "items": _NUM}},
                                    "session_calls": {"type": "array", "items": _ref("Call")},
                                    "sessions": {"type": "array", "items": _STR},
                                }
                            ),
                        ]
                    }
                ),
                params=[
                    _p("agent", "agent name"),
                    _q("minutes", _INT | {"minimum": 1, "maximum": 1440}, "how far back the series goes"),
                    _q("step", _INT | {"minimum": 1, "maximum": 60}, "minutes per point"),
                    _q("session", _STR, "the session whose calls to list (default: the latest)"),
                ],
                extra=("404",),
            ),
        },
        "/admin/v1/sessions": {
            "get": _op(
                "Recent sessions, newest first",
                _json(_list_of("sessions", _ref("Session"))),
                params=[
                    _q("agent", _STR, "only this agent's"),
                    _q("limit", _INT | {"minimum": 1, "maximum": 5000}, "at most this many"),
                ],
            ),
        },
        "/admin/v1/sessions/{session}/calls": {
            "get": _op(
                "A session's recent calls (its timeline)",
                _json(_obj({"session": _STR, "agent": _STR, "calls": {"type": "array", "items": _ref("Call")}})),
                params=[_p("session", "session id")],
                extra=("404",),
            ),
        },
        "/admin/v1/budgets": {
            "get": _op(
                "Budgets with spent, reserved, remaining and reset time",
                _json(
                    _obj(
                        {
                            "budgets": {"type": "array", "items": _ref("BudgetStatus")},
                            "definitions": {"type": "array", "items": _ref("Budget")},
                        }
                    )
                ),
            ),
        },
        "/admin/v1/budgets/{scope}": {
            "put": _op(
                "Set a scope's budget (replaces its limits)",
                _json(_ref("Budget")),
                params=[_p("scope", "org:NAME, fleet:NAME or agent:NAME")],
                body=_ref("BudgetLimits"),
            ),
            "delete": _op(
                "Remove a budget set through the API",
                _json(_obj({"removed": _STR})),
                params=[_p("scope", "org:NAME, fleet:NAME or agent:NAME")],
                extra=("404", "409"),
            ),
        },
        "/admin/v1/incidents": {
            "get": _op(
                "Incidents with their evidence, newest first",
                _json(_list_of("incidents", _ref("Incident"))),
                params=[
                    _q("since", _TIME, "default 7 days ago"),
                    _q("agent", _STR, "only this agent's"),
                    _q("limit", _INT | {"minimum": 1, "maximum": 1000}, "at most this many"),
                ],
            ),
        },
        "/admin/v1/incidents/{incident_id}/pause": {
            "post": _op(
                "Pause every agent of a fleet incident (one cause shared by several agents)",
                _json(_obj({"incident": _STR, "agents": {"type": "array", "items": _STR}, "state": _STR})),
                params=[_p("incident_id", "the fleet incident's id")],
                body=_obj({"reason": _STR}),
                extra=("404",),
            ),
        },
        "/admin/v1/actions": {
            "post": _op(
                "Pause, resume, kill or reinstate an agent or a session",
                _json(_ref("ActionResult")),
                body=_ref("ActionRequest"),
                extra=("409",),
            ),
        },
        "/admin/v1/reports/spend": {
            "get": _op(
                "Spend and tokens grouped by agent, fleet, model, session or org over a time range",
                _json(
                    _obj(
                        {
                            "by": _STR,
                            "since": _NUM,
                            "until": _nullable(_NUM),
                            "total_cost_usd": _NUM,
                            "rows": {"type": "array", "items": _ref("ReportRow")},
                        }
                    )
                ),
                params=[
                    _q("by", {"type": "string", "enum": list(REPORT_BY)}, "grouping"),
                    _q("since", _TIME, "default 24h"),
                    _q("until", _TIME, "default now"),
                ],
            ),
        },
        "/admin/v1/reconcile": {
            "get": _op(
                "The last reconcile of the ledger against the providers' reports (null before the first)",
                _json(_obj({"run": _nullable({"allOf": [_ref("ReconcileRun")]})}, ["run"])),
            ),
        },
        "/admin/v1/events": {
            "get": _op(
                "Live events (server-sent events): " + ", ".join(EVENT_KINDS),
                {
                    "description": "an endless text/event-stream",
                    "content": {"text/event-stream": {"schema": _STR}},
                },
                params=[_q("types", _STR, "comma-separated event kinds (default: all)")],
            ),
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "regulator admin API",
            "version": "1",
            "description": "Operate a regulator gateway: keys, budgets, agents, incidents, actions.",
        },
        "servers": [{"url": "/"}],
        "security": [{"adminToken": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the admin token (never an agent's rg- key)",
                }
            },
            "schemas": SCHEMAS,
            "responses": {"Error": _json(_ref("Error"), "Error")},
        },
    }
