"""Serving an ASGI app with uvicorn: the settings every regulator server runs with, the limits on what
one client connection may hold, and a background thread for tests, the demo and the benchmarks.

uvicorn's httptools protocol only times out a keep-alive connection between requests, and any byte
received disarms that timer: a client that connects and sends nothing, or drips one header byte
every few seconds (slowloris), or a body the same way, holds its connection and its memory for as
long as it likes. With `limits`, the protocol is a subclass that adds, per connection:

- `header_timeout_s`: from the connection, or a request's first byte, until its head is complete;
  then 408 (if a request had begun) and close.
- `body_timeout_s`: from the end of the head until the body is complete; then the connection is
  closed (the app sees the client go away: the gateway forwards and charges nothing).
- `idle_timeout_s`: keep-alive between requests (uvicorn's own timer).
- `max_connections`: a connection beyond the cap is answered 503 and closed at once, so a flood
  costs no more than the cap in sockets and parsers; the timeouts then free the slots.
Timers are `loop.call_later` handles, re-armed per request, never per byte.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal, Self

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from regulator.types import ASGIApp


def listen_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening now lets callers connect as soon as the URL is known; uvicorn accepts them once up.
    sock.listen(2048)
    return sock


_TIMEOUT_408 = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_FULL_503 = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 1\r\nconnection: close\r\n\r\n"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout_s: float = 10.0
    body_timeout_s: float = 60.0
    idle_timeout_s: float = 5.0
    max_connections: int = 2048


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits = ConnectionLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_keep_alive = self.limits.idle_timeout_s  # type: ignore[assignment]
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float, reply: bytes) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, reply)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, reply: bytes) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            if reply:
                self.transport.write(reply)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            transport.write(_FULL_503)
            transport.close()
            return
        super().connection_made(transport)
        self._arm(self.limits.header_timeout_s, b"")  # connected, but no request yet

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is None:  # refused at the cap: never counted
            return
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self.limits.header_timeout_s, _TIMEOUT_408)

    def on_headers_complete(self) -> None:
        self._arm(self.limits.body_timeout_s, b"")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()


def limited_protocol(limits: ConnectionLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class to hand uvicorn (`http=`), with these limits."""
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})


def uvicorn_config(
    app: ASGIApp,
    *,
    lifespan: Literal["on", "off"],
    log_level: str = "warning",
    limits: ConnectionLimits | None = None,
    **options: Any,
) -> uvicorn.Config:
    """The settings every regulator server runs with: uvloop, httptools (with `limits`, if given), no
    access log."""
    return uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools" if limits is None else limited_protocol(limits),
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
