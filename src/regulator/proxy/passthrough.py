"""Provider endpoints that generate nothing, forwarded as they are and not metered: token counts
(`/v1/messages/count_tokens`, `/v1/responses/input_tokens`, Gemini's `:countTokens`) and a stored
response (`GET /v1/responses/{id}`). The caller's key must still be a valid regulator key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from regulator.proxy.identity import key_from_headers
from regulator.proxy.routes import Route
from regulator.types import Send

if TYPE_CHECKING:
    from regulator.proxy.gateway import Gateway


async def forward_unmetered(
    gw: Gateway, route: Route, method: str, raw: bytes, headers: dict[str, str], send: Send
) -> None:
    assert route.forward is not None
    await gw.keys.identify(key_from_headers(headers))
    dialect = route.api.dialect
    model = route.target.model or _model_of(raw)
    upstream = gw.router.route(model, dialect).upstream if model else gw.router.upstream_for(dialect)
    target = gw.upstreams.target(upstream)
    response = await gw.upstreams.request(
        method,
        target,
        route.forward,
        raw if method == "POST" else None,
        route.api.upstream_headers(target.api_key, headers),
        headers,
    )
    body = await response.read()
    response.release()
    passed = [(k.encode(), v.encode()) for k, v in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": passed})
    await send({"type": "http.response.body", "body": body})


def _model_of(raw: bytes) -> str | None:
    try:
        body = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else None
