"""The composition root: builds the gateway and its operator surfaces, and starts and stops them.

Dependencies point one way from here: `cli` and `sim` use this module; it wires `proxy` (the call
path) to `ops` (admin API, dashboard, metrics, alerts), which know each other only through the
`OpsGateway` protocol. `GatewayServer` runs the whole thing in a background thread for tests, the
demo and the benchmarks; `regulator serve` hands `RegulatorApp` to uvicorn.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn

from regulator.config import Config
from regulator.ops.app import build_ops
from regulator.proxy.app import GatewayApp
from regulator.proxy.gateway import Gateway
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


class GatewayServer:
    """regulator on a free port in a background thread: `with GatewayServer(cfg, dir) as gw: gw.url`."""

    def __init__(self, config: Config, data_dir: Path, host: str = "127.0.0.1", port: int = 0):
        self.app = RegulatorApp(config, data_dir)
        self.gateway = self.app.gateway
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        bound_host, bound_port = self._sock.getsockname()[:2]
        self.url = f"http://{bound_host}:{bound_port}"
        server_config = uvicorn.Config(
            self.app,
            loop="uvloop",
            http="httptools",
            ws="none",
            lifespan="on",
            access_log=False,
            log_config=None,
            log_level="warning",
        )
        self._server = uvicorn.Server(server_config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> GatewayServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self._sock.close()

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
