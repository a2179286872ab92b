"""The admin API's OpenAPI 3.0 building blocks and component schemas (the paths are in openapi.py).

The helpers keep their leading underscore: they are the schema's private vocabulary, shared by
its two modules only.
"""

from __future__ import annotations

from typing import Any

from regulator.budget.config import MAX_LIMIT
from regulator.events import SCOPE_KINDS
from regulator.ops.control import ACTIONS

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
    "NewDelegation": _obj(
        {
            "budget_usd": _NUM | {"exclusiveMinimum": True, "minimum": 0, "maximum": 1e9},
            "parent": _nullable(_STR | {"minLength": 1}),
            "agent": _nullable(_STR | {"minLength": 1}),
            "fleet": _STR | {"minLength": 1},
            "org": _STR | {"minLength": 1},
            "ttl_s": _nullable(_NUM | {"exclusiveMinimum": True, "minimum": 0, "maximum": 366 * 86400}),
        },
        ["budget_usd"],
    ),
    "Delegation": _obj(
        {
            "delegation_id": _STR,
            "key_id": _STR,
            "parent_id": _nullable(_STR),
            "path": _STR,
            "agent": _STR,
            "fleet": _STR,
            "org": _STR,
            "cap_usd": _NUM,
            "created_at": _NUM,
            "expires_at": _nullable(_NUM),
            "closed_at": _nullable(_NUM),
            "spent_usd": _NUM,
            "reserved_usd": _NUM,
            "live": _BOOL,
            "key": _STR,
            "requested_usd": _NUM,
        },
        ["delegation_id", "key_id", "path", "cap_usd"],
    ),
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
            "summary": _nullable(_STR | {"maxLength": 200}),
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
            "target": {"type": "string", "enum": list(SCOPE_KINDS), "default": "agent"},
            "name": _STR | {"minLength": 1},
            "action": {"type": "string", "enum": list(ACTIONS)},
            "reason": _STR,
            "for_s": _nullable(_NUM | {"exclusiveMinimum": True, "minimum": 0, "maximum": 366 * 86400}),
        },
        ["name", "action"],
    ),
    "ActionResult": _obj(
        {
            "target": _STR,
            "name": _STR,
            "action": _STR,
            "state": _STR,
            "until_ts": _nullable(_NUM),
            "agents": _INT,
        },
        ["target", "name", "action", "state", "until_ts", "agents"],
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
    "Fleet": _obj(
        {
            "fleet": _STR,
            "org": _STR,
            "agents": _INT,
            "spend_today_usd": _NUM,
            "status": _STR,
            "status_scope": _nullable({"type": "string", "enum": ["fleet", "org"]}),
            "until_ts": _nullable(_NUM),
            "status_reason": _STR,
            "prevented_today_usd": _NUM,
        },
        ["fleet", "org", "agents", "status"],
    ),
    "PreventedDay": _obj(
        {"day": _STR, "fleet": _STR, "spend_usd": _NUM, "prevented_usd": _NUM},
        ["day", "fleet", "spend_usd", "prevented_usd"],
    ),
    "PreventedStop": _obj(
        {
            "day": _INT,
            "scope": _STR,
            "ts": _NUM,
            "org": _STR,
            "fleet": _STR,
            "agent": _STR,
            "session": _STR,
            "burn_usd_per_hour": _NUM,
            "end_ts": _NUM,
            "usd": _NUM,
            "basis": {"type": "string", "enum": ["burn", "simulated"]},
        },
        ["scope", "ts", "fleet", "agent", "usd", "basis"],
    ),
    "FleetSeries": _obj(
        {
            "ts": {"type": "array", "items": _NUM},
            "spend_usd": {"type": "array", "items": _NUM},
            "prevented_usd": {"type": "array", "items": _NUM},
        },
        ["ts", "spend_usd", "prevented_usd"],
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
            "prevented_today_usd": _NUM,
            "budgets": {"type": "array", "items": _ref("BudgetStatus")},
            "fleets": {"type": "array", "items": _ref("Fleet")},
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
