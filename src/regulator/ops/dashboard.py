"""The dashboard at `/dashboard`: a login that trades the admin token for a session cookie, and static files.

The page itself is plain HTML + JS in `ops/static/` (no build step); all its data comes from the
admin API and its live event stream, authenticated by the cookie (HttpOnly, SameSite=Strict,
signed, expiring, revoked by logout), so the token never sits in the browser's storage.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

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
        return self._login_html(error=False)

    def _login_html(self, *, error: bool) -> HTMLResponse:
        html = (STATIC / "login.html").read_text(encoding="utf-8")
        message = '<p class="error" role="alert">That is not the admin token.</p>' if error else ""
        return HTMLResponse(html.replace("<!--error-->", message), status_code=401 if error else 200)

    async def login(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_LOGIN_BODY:
            return self._login_html(error=True)
        token = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
        if not self.auth.check_token(token):
            return self._login_html(error=True)
        response = RedirectResponse("/dashboard", status_code=303)
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
        response = RedirectResponse("/dashboard/login", status_code=303)
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
        return response
