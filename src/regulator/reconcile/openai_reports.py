"""OpenAI's organization usage and costs reports, read into reconcile totals.

`GET /organization/usage/completions` (and `/usage/embeddings`) per day, grouped by model (and API
key when configured): `input_tokens` includes cached reads (`input_cached_tokens`) and cache
writes (`input_cache_write_tokens`); `output_tokens` includes reasoning. `GET /organization/costs`
per day, grouped by line item (`"gpt-4o-2024-08-06, input"`: the model before the comma) and key;
`amount.value` is in dollars. Both take Unix seconds, `start_time` inclusive, `end_time` exclusive.
"""

from __future__ import annotations

from typing import Any

import httpx

from regulator.reconcile.config import ProviderConfig
from regulator.reconcile.fetch import Params, buckets, number, results
from regulator.reconcile.totals import Group, Report, canonical_model, day_of, totals_at

USAGE_PATHS = ("/organization/usage/completions", "/organization/usage/embeddings")
COSTS_PATH = "/organization/costs"


def read_openai(client: httpx.Client, provider: ProviderConfig, key: str, since: int, until: int) -> Report:
    headers = {"authorization": f"Bearer {key}"}
    keyed = bool(provider.key_ids)
    common: Params = [("start_time", since), ("end_time", until), ("bucket_width", "1d")]
    common += [("api_key_ids[]", k) for k in provider.key_ids]
    if provider.project_id:
        common.append(("project_ids[]", provider.project_id))
    by_key = [("group_by[]", "api_key_id")] if keyed else []
    report: Report = {}
    for path in USAGE_PATHS:
        params = [*common, ("group_by[]", "model"), *by_key, ("limit", 31)]
        for bucket in buckets(client, provider, path, params, headers):
            day = day_of(number(bucket.get("start_time")))
            for row in results(bucket):
                totals = totals_at(report, _group(provider, day, row.get("model"), row, keyed))
                cached = int(number(row.get("input_cached_tokens")))
                write = int(number(row.get("input_cache_write_tokens")))
                uncached = int(number(row.get("input_tokens"))) - cached - write
                totals.add_tokens(uncached, cached, write, int(number(row.get("output_tokens"))), None)
                totals.calls += int(number(row.get("num_model_requests")))
    params = [*common, ("group_by[]", "line_item"), *by_key, ("limit", 180)]
    for bucket in buckets(client, provider, COSTS_PATH, params, headers):
        day = day_of(number(bucket.get("start_time")))
        for row in results(bucket):
            item = row.get("line_item")
            model = item.split(",", 1)[0].strip() if isinstance(item, str) else None
            amount = row.get("amount")
            value = number(amount.get("value")) if isinstance(amount, dict) else 0.0
            totals_at(report, _group(provider, day, model, row, keyed)).add("usd", value)
    return report


def _group(provider: ProviderConfig, day: str, model: Any, row: dict[str, Any], keyed: bool) -> Group:
    key = row.get("api_key_id") if keyed else None
    return Group(provider.name, day, canonical_model(model if isinstance(model, str) else ""), key or "")
