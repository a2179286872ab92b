"""From a regulator key to an agent identity, without a database round trip per call.

Lookups are cached in memory. A key created by the CLI is found on the first miss; a revocation
(or any registry change) bumps the store's registry version, which the gateway polls
(`Gateway._watch_registry`) and answers with `invalidate()`, so changes take effect at once.
Unknown keys are not cached: a flood of made-up keys must not fill memory.
"""

from __future__ import annotations

import asyncio
import time

from regulator.errors import Forbidden, Unauthorized
from regulator.events import Identity
from regulator.store import Store
from regulator.store.base import KeyRow
from regulator.store.delegations import Delegation
from regulator.store.keys import hash_key

KEY_PREFIX = "rg-"
_EXPIRED = "This key's delegated budget has expired. Ask your orchestrator or operator for a new one."


def key_from_headers(headers: dict[str, str]) -> str | None:
    auth = headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    key = headers.get("x-api-key") or headers.get("x-goog-api-key")
    return key.strip() if key else None


class KeyCache:
    def __init__(self, store: Store):
        self.store = store
        self._cache: dict[str, Identity] = {}
        self._revoked: set[str] = set()

    def invalidate(self) -> None:
        self._cache.clear()
        self._revoked.clear()

    async def identify(self, key: str | None) -> Identity:
        if not key:
            raise Unauthorized(
                "No API key. Send your regulator key as 'Authorization: Bearer rg-…', 'x-api-key: rg-…' "
                "or 'x-goog-api-key: rg-…'."
            )
        digest = hash_key(key)
        if digest in self._revoked:
            raise Forbidden("This regulator key has been revoked. Ask your operator for a new key.")
        identity = self._cache.get(digest)
        if identity is not None:
            if identity.expires_at is not None and time.time() >= identity.expires_at:
                raise Forbidden(_EXPIRED)
            return identity
        row, chain = await asyncio.to_thread(self._lookup, digest)
        if row is None:
            raise Unauthorized(
                "Invalid regulator key. Create one with 'regulator keys create --agent NAME'"
                " and send it as the API key."
            )
        if row.revoked_at is not None:
            self._revoked.add(digest)
            raise Forbidden("This regulator key has been revoked. Ask your operator for a new key.")
        now = time.time()
        if any(d.closed_at is not None for d in chain):
            raise Forbidden("This key's delegated budget was closed. Ask your orchestrator or operator for a new one.")
        expires = min((d.expires_at for d in chain if d.expires_at is not None), default=None)
        if expires is not None and now >= expires:
            raise Forbidden(_EXPIRED)
        delegation = tuple((d.delegation_id, d.cap_usd) for d in chain)
        identity = self._cache[digest] = Identity(row.key_id, row.agent, row.fleet, row.org, delegation, expires)
        return identity

    def _lookup(self, digest: str) -> tuple[KeyRow | None, list[Delegation]]:
        """The key and, for a delegated budget's key, its chain of delegations (a cache miss only)."""
        row = self.store.lookup_key(digest)
        return row, ([] if row is None else self.store.delegation_chain(row.key_id))
