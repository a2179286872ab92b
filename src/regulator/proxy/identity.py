"""From a regulator key to an agent identity, without a database round trip per call.

Lookups are cached in memory. A key created by the CLI is found on the first miss; a revocation
(or any registry change) bumps the store's registry version, which a background task polls every
`poll_s` and which clears the cache, so changes made on the data directory take effect at once.
"""

from __future__ import annotations

import asyncio
import contextlib

from regulator.errors import Forbidden, Unauthorized
from regulator.events import Identity
from regulator.store import Store
from regulator.store.keys import hash_key

KEY_PREFIX = "rg-"


def key_from_headers(headers: dict[str, str]) -> str | None:
    auth = headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    key = headers.get("x-api-key")
    return key.strip() if key else None


class KeyCache:
    def __init__(self, store: Store, poll_s: float = 0.25):
        self.store = store
        self.poll_s = poll_s
        self._cache: dict[str, Identity | None] = {}
        self._revoked: set[str] = set()
        self._version = -1
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._version = await asyncio.to_thread(self.store.registry_version)
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def invalidate(self) -> None:
        self._cache.clear()
        self._revoked.clear()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                version = await asyncio.to_thread(self.store.registry_version)
            except Exception:  # a transient store error must not kill the poller
                continue
            if version != self._version:
                self._version = version
                self.invalidate()

    async def identify(self, key: str | None) -> Identity:
        if not key:
            raise Unauthorized(
                "No API key. Send your regulator key as 'Authorization: Bearer rg-…' or 'x-api-key: rg-…'."
            )
        digest = hash_key(key)
        if digest in self._revoked:
            raise Forbidden("This regulator key has been revoked. Ask your operator for a new key.")
        if digest in self._cache:
            identity = self._cache[digest]
        else:
            row = await asyncio.to_thread(self.store.lookup_key, digest)
            if row is not None and row.revoked_at is not None:
                self._revoked.add(digest)
                raise Forbidden("This regulator key has been revoked. Ask your operator for a new key.")
            identity = Identity(row.key_id, row.agent, row.fleet, row.org) if row is not None else None
            self._cache[digest] = identity
        if identity is None:
            raise Unauthorized(
                "Invalid regulator key. Create one with 'regulator keys create --agent NAME'"
                " and send it as the API key."
            )
        return identity
