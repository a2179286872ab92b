"""Wire the operator surfaces to a gateway: the apps to mount and their start/stop with the server."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from regulator.ops.admin_api import PREFIX, AdminApi, error_response
from regulator.ops.control import OpsGateway
from regulator.ops.dashboard import Dashboard
from regulator.ops.metrics import CONTENT_TYPE
from regulator.ops.runtime import Ops
from regulator.proxy.app import GatewayApp
from regulator.proxy.gateway import Gateway


def metrics_app(ops: Ops) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        response: Response
        if ops.metrics is None:
            response = error_response(404, "not_found", "metrics are disabled (metrics.enabled: false)")
        elif request.method != "GET":
            response = error_response(405, "method_not_allowed", "GET /metrics")
        else:
            response = Response(ops.metrics.render(await ops.gateway.budget.snapshot()), media_type=CONTENT_TYPE)
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
    mounts: dict[str, ASGIApp] = {
        PREFIX: AdminApi(ops),
        "/dashboard": Dashboard(ops.auth).app,
        "/metrics": metrics_app(ops),
    }
    return ops, mounts


class GatewayWithOps(GatewayApp):
    """The gateway app with the operator apps mounted, starting `ops` once the gateway has started
    and stopping it before the gateway stops."""

    def __init__(self, gateway: Gateway, ops: Ops, mounts: dict[str, ASGIApp]) -> None:
        super().__init__(gateway, mounts)  # type: ignore[arg-type]
        self.ops = ops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] != "lifespan":
            await super().__call__(scope, receive, send)  # type: ignore[arg-type]
            return

        async def receive_() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.ops.stop()
            return message

        async def send_(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await self.ops.start()
            await send(message)

        await super().__call__(scope, receive_, send_)  # type: ignore[arg-type]


def gateway_app(gateway: Gateway) -> GatewayWithOps:
    """What `regulator serve` runs: the gateway plus admin API, dashboard and metrics."""
    ops, mounts = build_ops(gateway)
    return GatewayWithOps(gateway, ops, mounts)
