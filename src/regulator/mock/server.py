"""A fake LLM provider on 127.0.0.1 speaking the OpenAI, Anthropic and Gemini APIs: how to run it.

`MockUpstream` (in `app`) is a raw ASGI app served by uvicorn with uvloop + httptools, the
fastest option measured (about 2.5x aiohttp.web on the same answers).

    with MockServer() as mock:                     # a background thread; mock.app is scriptable
    with run_mock_upstream(latency_ms=5) as url:   # thread, or subprocess=True (off this GIL)

`url` is the base without `/v1`: OpenAI clients use `url + "/v1"`, Anthropic and Google clients `url`.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import uvicorn

from regulator.mock.app import BrokenStream, MockUpstream, Script
from regulator.mock.inputs import encode_reply
from regulator.serving import ServerThread, uvicorn_config

__all__ = [
    "MockServer",
    "MockUpstream",
    "Script",
    "encode_reply",
    "mock_reset",
    "mock_script",
    "mock_stats",
    "run_mock_upstream",
    "uvicorn_server",
]


class _HideBrokenStreams(logging.Filter):
    """uvicorn logs the exception that ends a deliberately broken stream; that is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], BrokenStream))


def uvicorn_server(app: MockUpstream, log_level: str = "warning") -> uvicorn.Server:
    logging.getLogger("uvicorn.error").addFilter(_HIDE_BROKEN)
    return uvicorn.Server(uvicorn_config(app, lifespan="off", log_level=log_level))


_HIDE_BROKEN = _HideBrokenStreams()


class MockServer(ServerThread):
    """A `MockUpstream` served from a background thread; `url` is its base (no `/v1`)."""

    def __init__(self, app: MockUpstream | None = None, *, host: str = "127.0.0.1", port: int = 0, **options: Any):
        self.app = app or MockUpstream(**options)
        logging.getLogger("uvicorn.error").addFilter(_HIDE_BROKEN)
        super().__init__(uvicorn_config(self.app, lifespan="off"), host=host, port=port, name="mock upstream")


@contextmanager
def run_mock_upstream(
    *, latency_ms: float = 0.0, fail_rate: float = 0.0, seed: int = 0, subprocess: bool = False
) -> Iterator[str]:
    """Run a mock upstream and yield its base URL; `subprocess=True` keeps it off this process's GIL."""
    if not subprocess:
        with MockServer(latency_ms=latency_ms, fail_rate=fail_rate, seed=seed) as server:
            yield server.url
        return
    args = [
        "--port",
        "0",
        "--latency-ms",
        str(latency_ms),
        "--fail-rate",
        str(fail_rate),
        "--seed",
        str(seed),
    ]
    with _spawn(args) as url:
        yield url


@contextmanager
def _spawn(args: list[str]) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "regulator", "mock-upstream", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"the mock upstream did not start: {line!r}")
        yield line[line.index("http://") :].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _call(url: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if payload is None else orjson.dumps(payload)
    method = "GET" if path == "/mock/stats" else "POST"
    request = urllib.request.Request(url + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = orjson.loads(response.read())
    return result


def mock_stats(url: str) -> dict[str, Any]:
    """`GET /mock/stats` of a mock running anywhere (thread or subprocess)."""
    return _call(url, "/mock/stats")


def mock_reset(url: str) -> None:
    _call(url, "/mock/reset", {})


def mock_script(url: str, reply: dict[str, Any] | None = None, **rule: Any) -> None:
    """`MockUpstream.script` over HTTP: rule keys are contains, model, times, headers."""
    _call(url, "/mock/scripts", {"reply": reply, **rule})
