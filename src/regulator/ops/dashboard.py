"""The dashboard at `/dashboard`: a login that trades the admin token for a session cookie, and static files.

The page itself is plain HTML + JS in `ops/static/` (no build step); all its data comes from the
admin API and its live event stream, authenticated by the cookie (HttpOnly, SameSite=Strict,
signed, expiring, revoked by logout), so the token never sits in the browser's storage.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from regulator.ops.api_errors import error_response
from regulator.ops.auth import COOKIE_NAME, AdminAuth

STATIC = Path(__file__).parent / "static"
MAX_LOGIN_BODY = 4096


class Dashboard:
    def __init__(self, auth: AdminAuth) -> None:
        self.auth = auth
        self.app = Starlette(
            routes=[
                Route("/dashboard", self.index),
                Route("/dashboard/", self.index),
                Route("/dashboard/login", self.login_page),
                Route("/dashboard/login", self.login, methods=["POST"]),
                Route("/dashboard/logout", self.logout, methods=["POST"]),
                Mount("/dashboard/static", StaticFiles(directory=STATIC), name="static"),
            ]
        )

    async def index(self, request: Request) -> Response:
        if not await self.auth.check_cookie(request.cookies.get(COOKIE_NAME)):
            return RedirectResponse("/dashboard/login", status_code=303)
        return FileResponse(STATIC / "index.html", headers={"cache-control": "no-store"})

    async def login_page(self, request: Request) -> Response:
        return FileResponse(STATIC / "login.html", headers={"cache-control": "no-store"})

    async def login(self, request: Request) -> Response:
        """`{"token": …}` as JSON (login.js sends it; a cross-origin form cannot) → the session cookie."""
        body = await request.body()
        try:
            token = json.loads(body)["token"] if len(body) <= MAX_LOGIN_BODY else None
        except (ValueError, TypeError, KeyError):
            token = None
        if not isinstance(token, str) or not self.auth.check_token(token.strip()):
            return error_response(401, "invalid_token", "That is not the admin token.")
        response = JSONResponse({"signed_in": True})
        response.set_cookie(
            COOKIE_NAME,
            await self.auth.login(),
            max_age=self.auth.session_ttl_s,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        # Revoked in the store: the cookie is refused from now on even if a copy of it is replayed.
        await self.auth.logout(request.cookies.get(COOKIE_NAME))
        response = JSONResponse({"signed_out": True})
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
        return response
