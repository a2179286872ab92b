"""The operator surfaces of a gateway: the ASGI apps to mount (admin API, dashboard, metrics) and their `Ops`."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from starlette.requests import Request
from starlette.responses import Response

from regulator.errors import CountersUnavailable
from regulator.ops.admin_api import PREFIX, AdminApi
from regulator.ops.api_errors import error_response
from regulator.ops.browser import BrowserGuard
from regulator.ops.control import OpsGateway
from regulator.ops.dashboard import Dashboard
from regulator.ops.metrics import CONTENT_TYPE
from regulator.ops.service import Ops
from regulator.types import ASGIApp, Receive, Scope, Send


def metrics_app(ops: Ops) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        response: Response
        if ops.metrics is None:
            response = error_response(404, "not_found", "metrics are disabled (metrics.enabled: false)")
        elif request.method != "GET":
            response = error_response(405, "method_not_allowed", "GET /metrics")
        else:
            try:
                response = Response(ops.metrics.render(await ops.gateway.budget.snapshot()), media_type=CONTENT_TYPE)
            except CountersUnavailable as exc:
                response = error_response(exc.status, "counters_unavailable", exc.message)
                response.headers.update(exc.headers)
        await response(scope, receive, send)

    return app


def build_ops(
    gateway: OpsGateway,
    *,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Ops, dict[str, ASGIApp]]:
    """The `Ops` for this gateway and the ASGI apps to mount by path prefix."""
    ops = Ops(gateway, environ=environ, transport=transport)
    origins = gateway.config.admin.allowed_origins
    mounts: dict[str, ASGIApp] = {
        PREFIX: BrowserGuard(AdminApi(ops), json_bodies=True, allowed_origins=origins),
        "/dashboard": BrowserGuard(Dashboard(ops.auth).app, json_bodies=True, allowed_origins=origins),
        "/metrics": metrics_app(ops),
    }
    return ops, mounts
