"""The operator surfaces against a hostile page: foreign origins and CORS-free content types cannot
change anything, and no answer may be framed or sniffed."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from conftest import RunningGateway
from regulator.ops.browser import parse_origin
from test_admin_api import ADMIN, admin, call

KILL = {"name": "agent-1", "action": "kill"}


def own(gateway: RunningGateway) -> str:
    return gateway.url  # http://127.0.0.1:PORT, what a browser on the dashboard sends as Origin


def test_a_state_change_from_another_port_or_host_is_refused(gateway: RunningGateway) -> None:
    port = int(gateway.url.rsplit(":", 1)[1])
    foreign = [f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}", "http://evil.example", "null", "x"]
    with admin(gateway) as client:
        for origin in foreign:
            refused = client.post(ADMIN + "/actions", json=KILL, headers={"origin": origin})
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "cross_origin", origin
            put = client.put(ADMIN + "/budgets/agent:agent-1", json={"day": 1}, headers={"origin": origin})
            assert put.status_code == 403, origin
        assert call(gateway).status_code == 200  # nothing was killed
        same = client.post(ADMIN + "/actions", json={**KILL, "action": "pause"}, headers={"origin": own(gateway)})
        assert same.status_code == 200
    assert httpx.post(gateway.url + "/dashboard/logout", headers={"origin": "http://evil.example"}).status_code == 403


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_admin_bodies_must_be_declared_json(gateway: RunningGateway, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    with admin(gateway) as client:
        refused = client.post(ADMIN + "/actions", content=b'{"name": "agent-1", "action": "kill"}', headers=headers)
        assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_media_type"
        assert call(gateway).status_code == 200
        charset = client.post(
            ADMIN + "/keys", json={"agent": "a2"}, headers={"content-type": "application/json; charset=utf-8"}
        )
        assert charset.status_code == 201


@pytest.mark.parametrize(
    "path", [ADMIN + "/summary", ADMIN + "/openapi.json", "/dashboard/login", "/dashboard/static/app.js"]
)
def test_operator_answers_forbid_framing_and_sniffing(gateway: RunningGateway, path: str) -> None:
    response = httpx.get(gateway.url + path)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_allowed_origin_from_config_is_accepted(start_gateway: Callable[..., RunningGateway]) -> None:
    gateway = start_gateway(admin={"allowed_origins": ["https://regulator.example.com"]})
    with admin(gateway) as client:
        ok = client.post(ADMIN + "/actions", json=KILL, headers={"origin": "https://regulator.example.com:443"})
        assert ok.status_code == 200
        other = client.post(ADMIN + "/actions", json=KILL, headers={"origin": "https://regulator.example.com:8443"})
        assert other.status_code == 403


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("http://127.0.0.1:8080", ("http", "127.0.0.1", 8080)),
        ("HTTPS://Example.COM", ("https", "example.com", 443)),
        ("http://[::1]:9", ("http", "::1", 9)),
        ("null", None),
        ("http://a:99999", None),
        ("ftp://a", None),
        ("http://a/path", None),
    ],
)
def test_origins_are_compared_by_scheme_host_and_port(text: str, parsed: tuple[str, str, int] | None) -> None:
    assert parse_origin(text) == parsed
