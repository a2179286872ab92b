"""Assemble the full ASGI app, and run it in a background thread (tests, the demo, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from regulator.config import Config
from regulator.proxy.app import GatewayApp
from regulator.proxy.gateway import Gateway


def build_asgi(config: Config, data_dir: Path) -> GatewayApp:
    """The gateway with the operator surfaces (admin API, dashboard, metrics) mounted beside it."""
    from regulator.ops.app import gateway_app

    return gateway_app(Gateway(config, data_dir))


class GatewayServer:
    """The gateway on a free port in a background thread: `with GatewayServer(cfg, dir) as gw: gw.url`."""

    def __init__(self, config: Config, data_dir: Path, host: str = "127.0.0.1", port: int = 0):
        self.app = build_asgi(config, data_dir)
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
