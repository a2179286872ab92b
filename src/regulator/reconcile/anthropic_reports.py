"""Anthropic's Admin API usage and cost reports, read into reconcile totals.

`GET /organizations/usage_report/messages` per day, grouped by model (and API key when
configured): `uncached_input_tokens`, `cache_read_input_tokens`, `cache_creation` (5-minute and
1-hour writes) and `output_tokens` (thinking included). `GET /organizations/cost_report` per day,
grouped by description (which carries the model): `amount` is in cents, as a decimal string, and
cannot be grouped by key, so dollars are compared per day and model only. Times are RFC 3339.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from regulator.reconcile.config import ProviderConfig
from regulator.reconcile.fetch import Params, buckets, number, results
from regulator.reconcile.totals import Group, Report, canonical_model, totals_at

USAGE_PATH = "/organizations/usage_report/messages"
COST_PATH = "/organizations/cost_report"
ANTHROPIC_VERSION = "2023-06-01"


def read_anthropic(client: httpx.Client, provider: ProviderConfig, key: str, since: int, until: int) -> Report:
    headers = {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION}
    keyed = bool(provider.key_ids)
    window: Params = [("starting_at", _rfc3339(since)), ("ending_at", _rfc3339(until))]
    window += [("bucket_width", "1d"), ("limit", 31)]
    report: Report = {}
    params = [*window, ("group_by[]", "model"), *[("api_key_ids[]", k) for k in provider.key_ids]]
    if keyed:
        params.append(("group_by[]", "api_key_id"))
    for bucket in buckets(client, provider, USAGE_PATH, params, headers):
        day = str(bucket.get("starting_at", ""))[:10]
        for row in results(bucket):
            key_id = row.get("api_key_id") if keyed else None
            totals = totals_at(report, Group(provider.name, day, _model(row), key_id or ""))
            writes = row.get("cache_creation")
            write = 0.0
            if isinstance(writes, dict):
                write = number(writes.get("ephemeral_5m_input_tokens")) + number(
                    writes.get("ephemeral_1h_input_tokens")
                )
            totals.add_tokens(
                int(number(row.get("uncached_input_tokens"))),
                int(number(row.get("cache_read_input_tokens"))),
                int(write),
                int(number(row.get("output_tokens"))),
                None,
            )
    for bucket in buckets(client, provider, COST_PATH, [*window, ("group_by[]", "description")], headers):
        day = str(bucket.get("starting_at", ""))[:10]
        for row in results(bucket):
            cents = number(row.get("amount"))
            totals_at(report, Group(provider.name, day, _model(row), "")).add("usd", cents / 100)
    return report


def _model(row: dict[str, Any]) -> str:
    model = row.get("model")
    return canonical_model(model) if isinstance(model, str) else ""


def _rfc3339(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
