"""Serving an ASGI app with uvicorn from a background thread: the gateway and the mock provider in
tests, the demo and the benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal, Self

import uvicorn

from regulator.types import ASGIApp


def listen_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening now lets callers connect as soon as the URL is known; uvicorn accepts them once up.
    sock.listen(2048)
    return sock


def uvicorn_config(
    app: ASGIApp, *, lifespan: Literal["on", "off"], log_level: str = "warning", **options: Any
) -> uvicorn.Config:
    """The settings every regulator server runs with: uvloop, httptools, no access log."""
    return uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        ws="none",
        lifespan=lifespan,
        access_log=False,
        log_config=None,
        log_level=log_level,
        **options,
    )


class ServerThread:
    """`config`'s app served on `host:port` (0: a free port) from a daemon thread; `url` is its base."""

    def __init__(self, config: uvicorn.Config, *, host: str = "127.0.0.1", port: int = 0, name: str = "server"):
        self.name = name
        self._sock = listen_socket(host, port)
        bound_host, bound_port = self._sock.getsockname()[:2]
        self.url = f"http://{bound_host}:{bound_port}"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self, timeout_s: float = 15.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {self.name} did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self._sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
