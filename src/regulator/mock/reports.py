"""The providers' usage and cost report endpoints, answered from what the mock billed (`billing`).

OpenAI's `GET /v1/organization/usage/completions`, `/usage/embeddings` and `/v1/organization/costs`;
Anthropic's `GET /v1/organizations/usage_report/messages` and `/v1/organizations/cost_report`, in
their own shapes: whole UTC-day buckets, paged by `limit`/`page`/`next_page`, grouped by `group_by`
(`group_by[]`, repeated or comma-separated), filtered by `api_key_ids`/`models`/`project_ids`. An
admin key is required in the provider's own header; any value is accepted.
"""

from __future__ import annotations

import base64
import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import orjson

from regulator.mock.billing import DAY_S, Billing, DayTotals, Provider, Served

PROJECT_ID = "proj_mock"
# The billing's cost kinds -> OpenAI line items and Anthropic token types.
_LINE_ITEMS = {"input": "input", "cached": "cached input", "write": "cache write", "output": "output"}
_TOKEN_TYPES = {
    "input": "uncached_input_tokens",
    "cached": "cache_read_input_tokens",
    "write": "cache_creation.ephemeral_5m_input_tokens",
    "output": "output_tokens",
}
PATHS: dict[str, tuple[Provider, str]] = {
    "/v1/organization/usage/completions": ("openai", "completions"),
    "/v1/organization/usage/embeddings": ("openai", "embeddings"),
    "/v1/organization/costs": ("openai", "costs"),
    "/v1/organizations/usage_report/messages": ("anthropic", "messages"),
    "/v1/organizations/cost_report": ("anthropic", "costs"),
}
Entry = tuple[str, str, str | None, DayTotals, float]  # endpoint, model, api key id, totals, price factor


class ReportError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer(billing: Billing, path: str, query: bytes, headers: dict[str, str]) -> bytes:
    provider, report = PATHS[path]
    if provider == "openai" and not headers.get("authorization", "").startswith("Bearer "):
        raise ReportError(401, "You didn't provide an API key (Authorization: Bearer <admin key>).")
    if provider == "anthropic" and not headers.get("x-api-key"):
        raise ReportError(401, "x-api-key header is required")
    q = _Query(query)
    names = ("start_time", "end_time") if provider == "openai" else ("starting_at", "ending_at")
    start, end = q.time(names[0], provider), q.time(names[1], provider)
    if start is None:
        raise ReportError(400, f"{names[0]} is required")
    if q.one("bucket_width", "1d") != "1d":
        raise ReportError(400, "the mock serves bucket_width=1d only")
    limit = q.limit(180 if report == "costs" and provider == "openai" else 31)
    days = _days(start, math.inf if end is None else end)
    offset = q.page()
    group_by = q.group_by()
    data = []
    for day in days[offset : offset + limit]:
        entries = [e for e in billing.day(day, provider) if q.keeps(e[1], e[2])]
        if report == "costs":
            results = _costs(provider, entries, group_by)
        else:
            results = _usage(provider, report, [e for e in entries if e[0] == report], group_by)
        data.append(_bucket(provider, day, results))
    more = offset + limit < len(days)
    body: dict[str, Any] = {"data": data, "has_more": more, "next_page": _cursor(offset + limit) if more else None}
    return orjson.dumps({"object": "page", **body} if provider == "openai" else body)


def inject_drift(billing: Billing, body: dict[str, Any]) -> None:
    """`POST /mock/drift`: {"price_factor": {model: factor}, "calls": [Served fields…]}."""
    factors = body.get("price_factor") or {}
    calls = body.get("calls") or []
    if not isinstance(factors, dict) or not isinstance(calls, list):
        raise ReportError(400, "price_factor must be an object and calls a list")
    try:
        billing.inject([Served(**call) for call in calls])
    except TypeError as exc:
        raise ReportError(400, f"a call is not a served call: {exc}") from exc
    for model, factor in factors.items():
        billing.price_factor(str(model), float(factor))


def _costs(provider: Provider, entries: list[Entry], group_by: set[str]) -> list[dict[str, Any]]:
    by_item = "line_item" in group_by or "description" in group_by
    amounts: dict[tuple[str | None, str | None, str | None], float] = {}
    for _, model, key_id, totals, factor in entries:
        for kind, usd in totals.usd.items():
            if not usd and kind != "input":
                continue
            where = (
                model if by_item else None,
                kind if by_item else None,
                key_id if "api_key_id" in group_by else None,
            )
            amounts[where] = amounts.get(where, 0.0) + usd * factor
    if provider == "openai":
        return [
            {
                "object": "organization.costs.result",
                "amount": {"value": usd, "currency": "usd"},
                "line_item": None if model is None else f"{model}, {_LINE_ITEMS[str(kind)]}",
                "project_id": PROJECT_ID if "project_id" in group_by else None,
                "api_key_id": key_id,
            }
            for (model, kind, key_id), usd in amounts.items()
        ]
    return [
        {
            "currency": "USD",
            "amount": f"{usd * 100:.10f}",  # cents, as a decimal string
            "workspace_id": None,
            "description": None if model is None else f"{model} Usage - {_TOKEN_TYPES[str(kind)]}",
            "cost_type": "tokens" if by_item else None,
            "model": model,
            "token_type": None if kind is None else _TOKEN_TYPES[kind],
            "service_tier": "standard" if by_item else None,
            "context_window": "0-200k" if by_item else None,
        }
        for (model, kind, _), usd in amounts.items()
    ]


def _usage(provider: Provider, report: str, entries: list[Entry], group_by: set[str]) -> list[dict[str, Any]]:
    rows: dict[tuple[str | None, str | None], DayTotals] = {}
    for _, model, key_id, totals, _ in entries:
        where = (model if "model" in group_by else None, key_id if "api_key_id" in group_by else None)
        row = rows.setdefault(where, DayTotals())
        row.calls += totals.calls
        row.input_tokens += totals.input_tokens
        row.cached_tokens += totals.cached_tokens
        row.cache_write_tokens += totals.cache_write_tokens
        row.output_tokens += totals.output_tokens
    return [_usage_row(provider, report, model, key_id, t, group_by) for (model, key_id), t in rows.items()]


def _usage_row(
    provider: Provider, report: str, model: str | None, key_id: str | None, t: DayTotals, group_by: set[str]
) -> dict[str, Any]:
    uncached = t.input_tokens - t.cached_tokens - t.cache_write_tokens
    if provider == "anthropic":
        return {
            "uncached_input_tokens": uncached,
            "cache_read_input_tokens": t.cached_tokens,
            "cache_creation": {"ephemeral_5m_input_tokens": t.cache_write_tokens, "ephemeral_1h_input_tokens": 0},
            "output_tokens": t.output_tokens,
            "server_tool_use": {"web_search_requests": 0},
            "api_key_id": key_id,
            "workspace_id": None,
            "model": model,
            "service_tier": None,
            "context_window": None,
        }
    row: dict[str, Any] = {
        "object": f"organization.usage.{report}.result",
        "input_tokens": t.input_tokens,
        "num_model_requests": t.calls,
        "model": model,
        "api_key_id": key_id,
        "project_id": PROJECT_ID if "project_id" in group_by else None,
        "user_id": None,
    }
    if report == "completions":
        row |= {
            "input_cached_tokens": t.cached_tokens,
            "input_cache_write_tokens": t.cache_write_tokens,
            "input_uncached_tokens": uncached,
            "output_tokens": t.output_tokens,
            "batch": None,
        }
    return row


def _bucket(provider: Provider, day: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    if provider == "openai":
        return {"object": "bucket", "start_time": day, "end_time": day + DAY_S, "results": results}
    return {"starting_at": _rfc3339(day), "ending_at": _rfc3339(day + DAY_S), "results": results}


def _days(start: float, end: float) -> list[int]:
    """The UTC days a report covers: a partial day at either end counts whole."""
    first = int(start // DAY_S * DAY_S)
    if math.isinf(end):
        end = max(datetime.now(UTC).timestamp(), start + 1)
    return list(range(first, int(end), DAY_S)) or [first]


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cursor(offset: int) -> str:
    return "page_" + base64.urlsafe_b64encode(str(offset).encode()).decode()


class _Query:
    def __init__(self, raw: bytes) -> None:
        self.pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)

    def all(self, name: str) -> list[str]:
        values = [v for k, v in self.pairs if k in (name, name + "[]")]
        return [part for v in values for part in v.split(",") if part]

    def one(self, name: str, default: str | None = None) -> str | None:
        found = self.all(name)
        return found[0] if found else default

    def time(self, name: str, provider: Provider) -> float | None:
        """OpenAI's times are Unix seconds, Anthropic's RFC 3339."""
        text = self.one(name)
        if text is None:
            return None
        try:
            if provider == "openai":
                return float(int(text))
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError as exc:
            form = "an integer (Unix seconds)" if provider == "openai" else "an RFC 3339 timestamp"
            raise ReportError(400, f"{name} must be {form}") from exc

    def limit(self, most: int) -> int:
        text = self.one("limit", "7") or "7"
        if not text.isdigit() or not 1 <= int(text) <= most:
            raise ReportError(400, f"limit must be between 1 and {most}")
        return int(text)

    def page(self) -> int:
        text = self.one("page")
        if text is None:
            return 0
        try:
            return int(base64.urlsafe_b64decode(text.removeprefix("page_")).decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReportError(400, "page is not a cursor this report gave") from exc

    def group_by(self) -> set[str]:
        return set(self.all("group_by"))

    def keeps(self, model: str, key_id: str | None) -> bool:
        keys, models, projects = self.all("api_key_ids"), self.all("models"), self.all("project_ids")
        return (
            (not keys or key_id in keys)
            and (not models or model in models)
            and (not projects or PROJECT_ID in projects)
        )
