"""The admin token, and the dashboard's signed session cookie.

The token comes from the environment variable named by `admin.token_env`; when it is unset a random
one is generated at start and written to `<data_dir>/admin_token` (mode 0600) so the operator on
the machine can read it and nobody else can. It is compared in constant time. Agent keys (`rg-…`)
are refused outright, so a leaked agent key can never steer the fleet.

A dashboard login trades the token for a cookie `<expiry>.<hmac>`, signed with a secret derived
from the token: changing the token logs every browser out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

from regulator.store.keys import looks_like_key

log = logging.getLogger("regulator.admin")
TOKEN_FILE = "admin_token"
COOKIE_NAME = "regulator_session"


def resolve_token(token_env: str, data_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    token = env.get(token_env, "").strip()
    if token:
        return token
    path = data_dir / TOKEN_FILE
    if path.exists():
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            log.info("admin token read from %s", path)
            return existing
    token = "adm-" + secrets.token_urlsafe(32)
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    os.chmod(path, 0o600)
    log.warning("%s is not set: generated an admin token and wrote it to %s", token_env, path)
    return token


class AdminAuth:
    def __init__(self, token: str, session_ttl_s: int) -> None:
        self._token = token.encode()
        self._secret = hmac.new(self._token, b"regulator dashboard session", hashlib.sha256).digest()
        self.session_ttl_s = session_ttl_s

    def check_token(self, presented: str | None) -> bool:
        if not presented or looks_like_key(presented):
            return False
        return hmac.compare_digest(presented.encode(), self._token)

    def check_headers(self, authorization: str | None, cookie: str | None) -> bool:
        if authorization:
            scheme, _, value = authorization.partition(" ")
            return scheme.lower() == "bearer" and self.check_token(value.strip())
        return self.check_cookie(cookie)

    def _sign(self, expiry: str) -> str:
        return hmac.new(self._secret, expiry.encode(), hashlib.sha256).hexdigest()

    def make_cookie(self, now: float | None = None) -> str:
        expiry = str(int((time.time() if now is None else now) + self.session_ttl_s))
        return f"{expiry}.{self._sign(expiry)}"

    def check_cookie(self, value: str | None, now: float | None = None) -> bool:
        if not value:
            return False
        expiry, _, signature = value.partition(".")
        if not expiry.isdigit() or not hmac.compare_digest(signature.encode(), self._sign(expiry).encode()):
            return False
        return int(expiry) > (time.time() if now is None else now)
