"""The admin API's OpenAPI 3.0 schema, written out by hand so it says exactly what the routes do."""

from __future__ import annotations

from functools import cache
from typing import Any

from regulator.ops.live import EVENT_KINDS
from regulator.ops.openapi_schemas import (
    _INT,
    _NUM,
    _STR,
    _TIME,
    SCHEMAS,
    _json,
    _list_of,
    _nullable,
    _obj,
    _op,
    _p,
    _q,
    _ref,
)
from regulator.store.base import REPORT_BY


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
        "/admin/v1/delegations": {
            "get": _op(
                "Delegated budgets with what each (its subtree included) has spent and holds",
                _json(_list_of("delegations", _ref("Delegation"))),
            ),
            "post": _op(
                "Open a delegated budget: a new key capped at budget_usd, or at what its parent has left",
                _json(_ref("Delegation"), "Created"),
                status="201",
                body=_ref("NewDelegation"),
                extra=("404", "409"),
            ),
        },
        "/admin/v1/delegations/{delegation_id}": {
            "delete": _op(
                "Close a delegated budget and its subtree (their keys are revoked)",
                _json(_obj({"closed": {"type": "array", "items": _STR}}, ["closed"])),
                params=[_p("delegation_id", "dlg_…")],
                extra=("404",),
            ),
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
                "A session's calls from the ledger, with what the agent did on each, and its incidents",
                _json(
                    _obj(
                        {
                            "session": _STR,
                            "agent": _STR,
                            "calls": {"type": "array", "items": _ref("Call")},
                            "incidents": {"type": "array", "items": _ref("Incident")},
                        },
                        ["session", "agent", "calls", "incidents"],
                    )
                ),
                params=[
                    _p("session", "session id"),
                    _q("limit", _INT | {"minimum": 1, "maximum": 5000}, "the latest this many calls"),
                ],
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
                "Pause, resume, kill or reinstate an agent, a session, a fleet or an org (for_s: lifts by itself)",
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
        "/admin/v1/reports/prevented": {
            "get": _op(
                "Per UTC day and fleet: spend beside the spend regulator prevented, and the stops behind it",
                _json(
                    _obj(
                        {
                            "since": _NUM,
                            "prevented_usd": _NUM,
                            "days": {"type": "array", "items": _ref("PreventedDay")},
                            "stops": {"type": "array", "items": _ref("PreventedStop")},
                        },
                        ["since", "prevented_usd", "days", "stops"],
                    )
                ),
                params=[_q("since", _TIME, "default 7d (from the start of that UTC day)")],
            ),
        },
        "/admin/v1/fleets/series": {
            "get": _op(
                "Per fleet: spend and spend prevented per time step (the dashboard's chart)",
                _json(
                    _obj(
                        {
                            "since": _NUM,
                            "step_s": _INT,
                            "fleets": {"type": "object", "additionalProperties": _ref("FleetSeries")},
                        },
                        ["since", "step_s", "fleets"],
                    )
                ),
                params=[
                    _q("hours", _INT | {"minimum": 1, "maximum": 744}, "how far back (default 24)"),
                    _q("step", _INT | {"minimum": 60, "maximum": 86400}, "seconds per point (default 600)"),
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
