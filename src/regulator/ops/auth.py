"""The admin token, and the dashboard's server-side login sessions.

The token comes from the environment variable named by `admin.token_env`; when it is unset a random
one is generated at start and written to `<data_dir>/admin_token` (mode 0600) so the operator on
the machine can read it and nobody else can. It is compared in constant time. Agent keys (`rg-…`)
are refused outright, so a leaked agent key can never steer the fleet.

A dashboard login trades the token for a cookie `<session id>.<hmac>`. The session lives in the
store (only the SHA-256 of its id, with its expiry), so a logout deletes it and the cookie is
refused from then on by every replica sharing the store. The HMAC, keyed from the token, turns a
forged cookie away without a store query, and changing the token logs every browser out.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

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


class SessionStore(Protocol):
    """Where dashboard sessions live: the registry store, shared by every replica."""

    def start_dashboard_session(self, session_hash: str, expires_at: float) -> None: ...
    def dashboard_session_expiry(self, session_hash: str) -> float | None: ...
    def end_dashboard_session(self, session_hash: str) -> None: ...


class AdminAuth:
    def __init__(self, token: str, session_ttl_s: int, sessions: SessionStore) -> None:
        self._token = token.encode()
        self._secret = hmac.new(self._token, b"regulator dashboard session", hashlib.sha256).digest()
        self.session_ttl_s = session_ttl_s
        self._sessions = sessions

    def check_token(self, presented: str | None) -> bool:
        if not presented or looks_like_key(presented):
            return False
        return hmac.compare_digest(presented.encode(), self._token)

    async def check_headers(self, authorization: str | None, cookie: str | None) -> bool:
        if authorization:
            scheme, _, value = authorization.partition(" ")
            return scheme.lower() == "bearer" and self.check_token(value.strip())
        return await self.check_cookie(cookie)

    def _sign(self, session_id: str) -> str:
        return hmac.new(self._secret, session_id.encode(), hashlib.sha256).hexdigest()

    def _session_hash(self, cookie: str | None) -> str | None:
        """The stored name of the session this cookie claims, if its signature is ours."""
        session_id, _, signature = (cookie or "").partition(".")
        if not session_id or not hmac.compare_digest(signature.encode(), self._sign(session_id).encode()):
            return None
        return hashlib.sha256(session_id.encode()).hexdigest()

    async def login(self) -> str:
        """A new session; returns the cookie value that names it."""
        session_id = secrets.token_urlsafe(32)
        expires_at = time.time() + self.session_ttl_s
        digest = hashlib.sha256(session_id.encode()).hexdigest()
        await asyncio.to_thread(self._sessions.start_dashboard_session, digest, expires_at)
        return f"{session_id}.{self._sign(session_id)}"

    async def check_cookie(self, cookie: str | None) -> bool:
        digest = self._session_hash(cookie)
        if digest is None:
            return False
        expires_at = await asyncio.to_thread(self._sessions.dashboard_session_expiry, digest)
        return expires_at is not None and expires_at > time.time()

    async def logout(self, cookie: str | None) -> None:
        digest = self._session_hash(cookie)
        if digest is not None:
            await asyncio.to_thread(self._sessions.end_dashboard_session, digest)
