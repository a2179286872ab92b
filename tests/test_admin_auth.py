"""Dashboard sessions live in the store: a logout revokes the cookie, on every replica sharing it."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from conftest import RunningGateway
from regulator.ops.auth import COOKIE_NAME, AdminAuth
from regulator.store import open_store
from regulator.store.postgres import PostgresStore
from test_admin_api import ADMIN, admin_token


def login(gateway: RunningGateway) -> str:
    response = httpx.post(gateway.url + "/dashboard/login", json={"token": admin_token(gateway)})
    assert response.status_code == 200
    return response.cookies[COOKIE_NAME]


def test_a_cookie_is_refused_after_logout_even_when_replayed(gateway: RunningGateway) -> None:
    cookie = login(gateway)
    summary = gateway.url + ADMIN + "/summary"
    assert httpx.get(summary, cookies={COOKIE_NAME: cookie}).status_code == 200
    assert httpx.get(gateway.url + "/dashboard", cookies={COOKIE_NAME: cookie}).status_code == 200

    out = httpx.post(gateway.url + "/dashboard/logout", json={}, cookies={COOKIE_NAME: cookie})
    assert out.status_code == 200
    replayed = httpx.get(summary, cookies={COOKIE_NAME: cookie})
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "missing_token"
    assert httpx.get(gateway.url + "/dashboard", cookies={COOKIE_NAME: cookie}).status_code == 303
    # Another login is a new session, unaffected.
    assert httpx.get(summary, cookies={COOKIE_NAME: login(gateway)}).status_code == 200


def test_forged_expired_and_tampered_cookies_are_refused(gateway: RunningGateway) -> None:
    cookie = login(gateway)
    session_id, _, signature = cookie.partition(".")
    summary = gateway.url + ADMIN + "/summary"
    for bad in (f"{session_id}.{'0' * 64}", f"{session_id[:-1]}x.{signature}", session_id, "", "."):
        assert httpx.get(summary, cookies={COOKIE_NAME: bad}).status_code == 401, bad


async def test_sessions_expire_and_are_pruned(tmp_path: object) -> None:
    store = open_store(str(tmp_path))
    auth = AdminAuth("adm-test-token", 1, store)
    cookie = await auth.login()
    assert await auth.check_cookie(cookie)
    digest = auth._session_hash(cookie)
    assert digest is not None
    store.start_dashboard_session("other", time.time() - 1)  # long expired
    await asyncio.sleep(1.05)
    assert not await auth.check_cookie(cookie)
    await auth.login()  # a login prunes what has expired
    assert store.dashboard_session_expiry(digest) is None and store.dashboard_session_expiry("other") is None
    store.close()


async def test_logout_on_one_replica_revokes_the_cookie_on_another(pg_url: str, pg_schema: str) -> None:
    first, second = PostgresStore(pg_url, schema=pg_schema), PostgresStore(pg_url, schema=pg_schema)
    one, two = AdminAuth("adm-shared", 3600, first), AdminAuth("adm-shared", 3600, second)
    cookie = await one.login()
    assert await two.check_cookie(cookie)
    await two.logout(cookie)
    assert not await one.check_cookie(cookie) and not await two.check_cookie(cookie)
    # A replica with another admin token does not honour the first one's cookies at all.
    assert not await AdminAuth("adm-other", 3600, second).check_cookie(await one.login())
    first.close()
    second.close()


@pytest.mark.parametrize("body", [{"token": ""}, {"token": "rg-" + "x" * 40}, {"token": 1}, {}, [], "x" * 5000])
def test_login_refuses_an_empty_token_an_agent_key_or_a_bad_body(gateway: RunningGateway, body: object) -> None:
    response = httpx.post(gateway.url + "/dashboard/login", json=body)
    assert response.status_code == 401 and COOKIE_NAME not in response.cookies
    assert response.json()["error"]["code"] == "invalid_token"


def test_login_and_logout_take_json_only(gateway: RunningGateway) -> None:
    """A form or text/plain can be sent by any page without a preflight; JSON cannot."""
    token = admin_token(gateway)
    form = httpx.post(gateway.url + "/dashboard/login", data={"token": token})
    assert form.status_code == 415 and COOKIE_NAME not in form.cookies
    text = httpx.post(gateway.url + "/dashboard/logout", content=b"{}", headers={"content-type": "text/plain"})
    assert text.status_code == 415
