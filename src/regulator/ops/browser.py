"""What the admin API and the dashboard ask of a browser before it may change anything.

SameSite=Strict does not separate the ports of one host: a page on `http://127.0.0.1:OTHER` is
same-site with the gateway, so a logged-in browser attaches the dashboard cookie to that page's
`no-cors` POST. `BrowserGuard` wraps the operator apps so that:
- a state-changing request (any method but GET, HEAD, OPTIONS) that carries `Origin` comes from the
  gateway's own origin (scheme, host and port, as the browser addressed it) or one listed in
  `admin.allowed_origins`, else 403. Browsers send `Origin` on every such request; the CLI and
  scripts send none and authenticate with the token, which no other page can read;
- where bodies are JSON (the admin API), a request with a body says `application/json`, else 415:
  the content types a page may send cross-origin without a CORS preflight (text/plain, forms) are
  exactly the ones refused;
- every answer forbids framing (CSP `frame-ancestors 'none'`, `X-Frame-Options`) and MIME sniffing,
  and lets a page load scripts and data from the gateway only.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from regulator.ops.api_errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(text: str) -> Origin | None:
    """`scheme://host[:port]` as (scheme, host, port), the port filled in; None if it is not one."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host or parts.path not in ("", "/"):
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def own_origin(scope: Scope) -> Origin | None:
    """The origin the browser addressed this request to: the scheme it arrived by and its Host."""
    host = _header(scope, b"host")
    if host is None:
        server = scope.get("server")
        if not server:
            return None
        host = f"{server[0]}:{server[1]}"
    return parse_origin(f"{scope.get('scheme', 'http')}://{host}")


def _media_type(scope: Scope) -> str:
    return (_header(scope, b"content-type") or "").partition(";")[0].strip().lower()


class BrowserGuard:
    def __init__(self, app: ASGIApp, *, json_bodies: bool, allowed_origins: Sequence[str] = ()) -> None:
        self.app = app
        self.json_bodies = json_bodies
        self.allowed = {o for o in map(parse_origin, allowed_origins) if o is not None}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        refusal = self._refusal(scope)
        await (refusal or self.app)(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> JSONResponse | None:
        method = scope["method"]
        if method in SAFE_METHODS:
            return None
        origin = _header(scope, b"origin")
        if origin is not None:
            claimed = parse_origin(origin)
            if claimed is None or (claimed != own_origin(scope) and claimed not in self.allowed):
                return error_response(
                    403, "cross_origin", f"{method} from origin {origin!r} refused: not this gateway's."
                )
        if self.json_bodies and method in BODY_METHODS and _media_type(scope) != "application/json":
            return error_response(
                415, "unsupported_media_type", "Send the body as JSON (content-type: application/json)."
            )
        return None
