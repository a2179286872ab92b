"""The ASGI entry point: routes, request bodies with a size limit, and errors in the caller's dialect.

The LLM routes are plain ASGI (no framework on the hot path); operator routes (admin API, dashboard,
metrics) are mounted from `regulator.ops` as their own ASGI apps.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

from regulator.errors import BodyTooLarge, CountersUnavailable, RegulatorError, RouteNotFound
from regulator.proxy import routes
from regulator.proxy.identity import key_from_headers
from regulator.proxy.passthrough import forward_unmetered
from regulator.proxy.pipeline import handle_call
from regulator.proxy.stream_failure import HIDE_ABORTS, StreamAborted
from regulator.types import ASGIApp, Dialect, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from regulator.proxy.gateway import Gateway

log = logging.getLogger("regulator.proxy")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BodyTooLarge(f"Request body of {int(value)} bytes is over this gateway's limit of {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionAbortedError("client went away while sending its request")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"Request body is over this gateway's limit of {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def send_error(send: Send, error: RegulatorError, dialect: Dialect, extra: list[tuple[bytes, bytes]]) -> None:
    status, headers, body = error.render(dialect)
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, payload: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": orjson.dumps(payload)})


class GatewayApp:
    def __init__(self, gateway: Gateway, mounts: dict[str, ASGIApp] | None = None):
        self.gateway = gateway
        self.mounts = mounts or {}
        logging.getLogger("uvicorn.error").addFilter(HIDE_ABORTS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        route = routes.match(method, path, scope.get("query_string", b""))
        if route is not None:
            await self._llm_call(route, scope, receive, send)
        elif method == "GET" and path == "/v1/models":
            await self._models(scope, send)
        elif path in ("/healthz", "/health"):  # liveness: the process answers
            await send_json(send, 200, {"status": "ok"})
        elif path == "/readyz":  # readiness: a call would be admitted now
            await self._ready(send)
        else:
            for prefix, app in self.mounts.items():
                if path == prefix or path.startswith(prefix + "/") or prefix == "":
                    await app(scope, receive, send)
                    return
            dialect = routes.caller_dialect(path, _headers(scope))
            await send_error(send, RouteNotFound(f"No route for {method} {path}.", param=None), dialect, [])

    async def _llm_call(self, route: routes.Route, scope: Scope, receive: Receive, send: Send) -> None:
        dialect = route.api.dialect
        headers = _headers(scope)
        if dialect == "google" and "x-goog-api-key" not in headers:
            # Google also takes the key in the query string (`?key=`).
            key = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("key")
            if key:
                headers["x-goog-api-key"] = key
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        failure: RegulatorError
        try:
            raw = await read_body(scope, receive, self.gateway.config.server.max_body_bytes)
            if route.forward is not None:
                await forward_unmetered(self.gateway, route, scope["method"], raw, headers, tracked_send)
            else:
                await handle_call(self.gateway, route.api, route.target, raw, headers, tracked_send, receive)
            return
        except RegulatorError as refusal:
            failure = refusal
        except ConnectionAbortedError:
            return
        except StreamAborted:
            raise  # the server drops the connection: how a broken stream fails where no event says so
        except Exception:
            # A bug must still answer in the caller's dialect, and must not leak internals.
            log.exception("unexpected error on %s", scope["path"])
            failure = RegulatorError(
                "regulator hit an internal error on this call; it was logged. Retry, or report it."
            )
        if not started:  # once a response has begun, a second status line is impossible
            await send_error(send, failure, dialect, [])

    async def _ready(self, send: Send) -> None:
        reason = await self.gateway.ready()
        if reason is None:
            await send_json(send, 200, {"status": "ready"})
        else:
            retry = [(b"retry-after", str(CountersUnavailable.retry_after_s).encode())]
            await send_json(send, 503, {"status": "not_ready", "reason": reason}, retry)

    async def _models(self, scope: Scope, send: Send) -> None:
        headers = _headers(scope)
        try:
            await self.gateway.keys.identify(key_from_headers(headers))
        except RegulatorError as refusal:
            await send_error(send, refusal, "openai", [])
            return
        names = self.gateway.router.listed_models()
        fallback = self.gateway.router.fallback
        if fallback is not None:
            # `serve --upstream URL` routes every model there: list what that server offers.
            names = sorted(set(names) | set(await self.gateway.upstreams.model_ids(fallback)))
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "regulator"} for name in names]
        await send_json(send, 200, {"object": "list", "data": data})
