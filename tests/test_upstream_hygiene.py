"""What reaches an upstream and what comes back from one: only the headers it needs, errors the
SDKs can parse; and the data files the gateway writes are its owner's alone."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from regulator.app import GatewayServer
from regulator.config import Config
from regulator.mock.server import MockServer
from regulator.proxy.routing import DEFAULT_UPSTREAM
from regulator.proxy.upstream import KEEPALIVE_S
from regulator.serving import ConnectionLimits
from regulator.store import DB_NAME, JOURNAL_NAME

CHAT = {"model": "gpt-4o-mini", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
MESSAGES = {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>"


def serve(upstream_url: str, data_dir: Path, **upstream: object) -> GatewayServer:
    config = Config.model_validate(
        {
            "upstreams": [{"name": DEFAULT_UPSTREAM, "base_url": upstream_url + "/v1", "dialect": "both", **upstream}],
            "trace": {"enabled": True},
        }
    )
    return GatewayServer(config, data_dir).start()


def call(server: GatewayServer, path: str, body: dict[str, object], **headers: str) -> httpx.Response:
    key, _ = server.gateway.store.create_key("agent-1")
    headers = {"authorization": f"Bearer {key}", **headers}
    if path == "/v1/messages":
        headers["anthropic-version"] = "2023-06-01"
    return httpx.post(server.url + path, json=body, headers=headers)


def test_mock_headers_reach_only_an_upstream_marked_for_them(mock_upstream: MockServer, tmp_path: Path) -> None:
    plain = serve(mock_upstream.url, tmp_path / "plain")
    marked = serve(mock_upstream.url, tmp_path / "marked", mock_headers=True)
    try:
        assert call(plain, "/v1/chat/completions", CHAT, **{"x-mock-status": "503"}).status_code == 200
        assert call(marked, "/v1/chat/completions", CHAT, **{"x-mock-status": "503"}).status_code == 503
    finally:
        plain.stop()
        marked.stop()


class _HTMLErrors(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(502)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(HTML)))
        self.end_headers()
        self.wfile.write(HTML)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def html_upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HTMLErrors)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_html_error_page_is_told_as_json_in_the_callers_dialect(html_upstream: str, tmp_path: Path) -> None:
    server = serve(html_upstream, tmp_path)
    try:
        r = call(server, "/v1/chat/completions", CHAT)
        assert r.status_code == 502 and r.headers["content-type"] == "application/json"
        error = r.json()["error"]
        assert (
            error["type"] == "upstream_error" and "text/html" in error["message"] and "Bad Gateway" in error["message"]
        )
        r = call(server, "/v1/messages", MESSAGES)
        assert r.status_code == 502 and r.headers["content-type"] == "application/json"
        assert r.json()["type"] == "error" and r.json()["error"]["type"] == "api_error"
    finally:
        server.stop()


def test_data_files_are_readable_by_their_owner_only(mock_upstream: MockServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = serve(mock_upstream.url, data_dir)
    try:
        assert call(server, "/v1/chat/completions", CHAT).status_code == 200
        server.gateway.ledger.flush()
    finally:
        server.stop()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    written = [data_dir / DB_NAME, data_dir / JOURNAL_NAME, *data_dir.glob("traces/*")]
    assert len(written) >= 3
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_pooled_upstream_connections_are_dropped_before_a_5_s_server_drops_them() -> None:
    # A call sent on a keep-alive connection the server is just closing fails as a 502; servers such
    # as uvicorn (vLLM, the mock, regulator itself) and Node close idle ones after 5 s.
    assert KEEPALIVE_S < ConnectionLimits().idle_timeout_s == 5.0
