"""Which session (agent run / task) a call belongs to.

An explicit `X-Regulator-Session` header wins. Otherwise calls are threaded into conversations by
message-prefix digests: agents resend their whole conversation, so a call whose messages extend the
messages of the latest call of a session continues that session. A call that extends an *older*
call of a session (two runs that began alike and then diverged, or a rewind) starts a fork.

New session ids are derived from the digests themselves, so every replica names the same
conversation the same way without sharing state.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson

_SEP = b"\x1e"


def _message_digest(message: dict[str, Any]) -> bytes:
    # Canonical form: clients re-serialise history with varying key order and null fields.
    canonical = orjson.dumps({k: v for k, v in message.items() if v is not None}, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16).digest()


def prefix_digests(scope: str, system: Any, messages: list[dict[str, Any]]) -> list[bytes]:
    """digests[i] identifies messages[:i+1] of this caller (and system prompt)."""
    head = scope.encode() + _SEP + (orjson.dumps(system) if system is not None else b"")
    chain = hashlib.blake2b(head, digest_size=16).digest()
    digests = []
    for message in messages:
        chain = hashlib.blake2b(chain + _message_digest(message), digest_size=16).digest()
        digests.append(chain)
    return digests


def _opening_len(messages: list[dict[str, Any]]) -> int:
    """Messages up to and including the first user message: what names a new conversation."""
    for i, message in enumerate(messages):
        if message.get("role") == "user":
            return i + 1
    return len(messages)


@dataclass(slots=True)
class _Session:
    session_id: str
    latest_len: int
    seq: int
    last_seen: float


@dataclass(slots=True)
class Threaded:
    session: str
    seq: int  # 0-based index of this call within the session
    new_from: int  # first message the session's previous call did not have


class SessionThreader:
    def __init__(self, max_tracked: int = 100_000, idle_timeout_s: float = 3600.0):
        self.max_tracked = max_tracked
        self.idle_timeout_s = idle_timeout_s
        # digest of a call's full message list → session it belongs to
        self._ends: OrderedDict[bytes, str] = OrderedDict()
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def thread(
        self,
        scope: str,
        system: Any,
        messages: list[dict[str, Any]],
        explicit: str | None = None,
        now: float | None = None,
    ) -> Threaded:
        now = time.time() if now is None else now
        if explicit:
            return self._advance(explicit, len(messages), now, None)
        if not messages:
            # Embeddings carry no conversation: they count in the caller's standing session.
            return self._advance(f"auto-{scope}", 0, now, None)
        digests = prefix_digests(scope, system, messages)
        found: str | None = None
        matched_len = 0
        for length in range(len(digests), 0, -1):
            found = self._ends.get(digests[length - 1])
            if found is not None:
                matched_len = length
                break
        session = self._sessions.get(found) if found else None
        if session is None or matched_len < session.latest_len:
            # New conversation (named by its opening, so replicas agree), or a fork of an older call.
            base = digests[-1] if session is not None else digests[_opening_len(messages) - 1]
            threaded = self._advance(self._unused_name("auto-" + base[:8].hex()), len(messages), now, 0)
        else:
            threaded = self._advance(session.session_id, len(messages), now, matched_len)
        self._remember(digests[-1], threaded.session)
        return threaded

    def _unused_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._sessions:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    def _advance(self, session_id: str, length: int, now: float, new_from: int | None) -> Threaded:
        session = self._sessions.get(session_id)
        if session is None:
            session = _Session(session_id, length, 0, now)
            self._sessions[session_id] = session
            self._evict(now)
            return Threaded(session_id, 0, 0)
        self._sessions.move_to_end(session_id)
        seq = session.seq + 1
        start = session.latest_len if new_from is None else new_from
        session.seq, session.latest_len, session.last_seen = seq, length, now
        return Threaded(session_id, seq, min(start, length))

    def _remember(self, digest: bytes, session_id: str) -> None:
        self._ends[digest] = session_id
        self._ends.move_to_end(digest)
        while len(self._ends) > self.max_tracked * 4:
            self._ends.popitem(last=False)

    def _evict(self, now: float) -> None:
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if len(self._sessions) <= self.max_tracked and now - oldest.last_seen < self.idle_timeout_s:
                break
            del self._sessions[oldest_id]
