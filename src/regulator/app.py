"""The composition root: builds the gateway and its operator surfaces, and starts and stops them.

Dependencies point one way from here: `cli` and `sim` use this module; it wires `proxy` (the call
path) to `ops` (admin API, dashboard, metrics, alerts), which know each other only through the
`OpsGateway` protocol. `GatewayServer` runs the whole thing in a background thread for tests, the
demo and the benchmarks; `regulator serve` hands `RegulatorApp` to uvicorn.
"""

from __future__ import annotations

import logging
from pathlib import Path

from regulator.config import Config, ServerConfig
from regulator.ops.app import build_ops
from regulator.proxy.app import GatewayApp
from regulator.proxy.gateway import Gateway
from regulator.serving import ConnectionLimits, ServerThread, uvicorn_config
from regulator.types import Receive, Scope, Send

log = logging.getLogger("regulator")


class RegulatorApp:
    """The gateway with the admin API, dashboard and metrics mounted beside it, as one ASGI app.

    Start-up order matters: the gateway (ledger recovery, counters, registry) before the operator
    surfaces that read it; shut-down runs the other way, so alerts and live feeds see the last calls.
    """

    def __init__(self, config: Config, data_dir: Path) -> None:
        self.gateway = Gateway(config, data_dir)
        self.ops, mounts = build_ops(self.gateway)
        self.http = GatewayApp(self.gateway, mounts)

    async def start(self) -> None:
        await self.gateway.start()
        await self.ops.start()

    async def stop(self) -> None:
        await self.ops.stop()
        await self.gateway.stop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except Exception as exc:
                    log.exception("regulator failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def connection_limits(server: ServerConfig) -> ConnectionLimits:
    """What one client connection may hold, from the `server` section (see `regulator.serving`)."""
    return ConnectionLimits(
        server.header_timeout_s, server.body_timeout_s, server.idle_timeout_s, server.max_connections
    )


class GatewayServer(ServerThread):
    """regulator on a free port in a background thread: `with GatewayServer(cfg, dir) as gw: gw.url`."""

    def __init__(self, config: Config, data_dir: Path, host: str = "127.0.0.1", port: int = 0):
        self.app = RegulatorApp(config, data_dir)
        self.gateway = self.app.gateway
        settings = uvicorn_config(self.app, lifespan="on", limits=connection_limits(config.server))
        super().__init__(settings, host=host, port=port, name="gateway")
