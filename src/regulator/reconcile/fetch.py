"""Reading a provider's paged admin reports: one GET per page until `has_more` is false.

Both providers page their usage and cost reports the same way (`data` buckets, `has_more`,
`next_page` passed back as `page`). Failures become one `ProviderError` whose message names the
provider and what to do; the admin key itself never appears in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx

from regulator.reconcile.config import ProviderConfig

Params = list[tuple[str, str | int | float | bool | None]]
MAX_PAGES = 1000  # a cursor that never ends is a provider bug, not a reason to loop forever


class ProviderError(Exception):
    """A provider's report could not be read; the message says which and why."""


def admin_key(provider: ProviderConfig) -> str:
    key = os.environ.get(provider.admin_key_env, "")
    if not key:
        raise ProviderError(
            f"{provider.name}: no admin key: set the environment variable {provider.admin_key_env} "
            f"(reconcile.providers[].admin_key_env) to an {provider.kind} Admin API key"
        )
    return key


def buckets(
    client: httpx.Client,
    provider: ProviderConfig,
    path: str,
    params: Params,
    headers: dict[str, str],
) -> Iterator[dict[str, Any]]:
    """Every bucket of every page of one report."""
    page: str | None = None
    for _ in range(MAX_PAGES):
        query = params if page is None else [*params, ("page", page)]
        body = _get(client, provider, path, query, headers)
        data = body.get("data")
        if not isinstance(data, list):
            raise ProviderError(f"{provider.name}: {path} answered without a 'data' list")
        yield from (b for b in data if isinstance(b, dict))
        page = body.get("next_page")
        if not body.get("has_more") or not isinstance(page, str) or not page:
            return
    raise ProviderError(f"{provider.name}: {path} still had more pages after {MAX_PAGES}")


def _get(
    client: httpx.Client,
    provider: ProviderConfig,
    path: str,
    query: Params,
    headers: dict[str, str],
) -> dict[str, Any]:
    try:
        response = client.get(provider.url + path, params=query, headers=headers)
    except httpx.HTTPError as exc:
        raise ProviderError(f"{provider.name}: cannot reach {provider.url}: {type(exc).__name__}") from exc
    if response.status_code in (401, 403):
        raise ProviderError(
            f"{provider.name}: {path} refused the admin key in ${provider.admin_key_env} "
            f"({response.status_code}); reports need an Admin API key, not a project or API key"
        )
    if response.status_code >= 400:
        raise ProviderError(f"{provider.name}: {path} answered {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise ProviderError(f"{provider.name}: {path} did not answer JSON") from exc
    if not isinstance(body, dict):
        raise ProviderError(f"{provider.name}: {path} did not answer a JSON object")
    return body


def results(bucket: dict[str, Any]) -> list[dict[str, Any]]:
    found = bucket.get("results")
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def number(value: Any) -> float:
    """A report field as a number; absent or null fields count as zero."""
    if isinstance(value, bool) or value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
