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


def _message_key(message: dict[str, Any]) -> int:
    # Built-in hashing: fast (string hashes are computed once, in C) and only compared within this
    # process. Clients re-serialise history with varying key order and null fields, so hash the
    # fields that carry meaning rather than the raw JSON.
    content = message.get("content")
    if not isinstance(content, str):
        content = orjson.dumps(content, option=orjson.OPT_SORT_KEYS) if content is not None else None
    extra = message.get("tool_calls") or message.get("tool_call_id")
    return hash((message.get("role"), content, orjson.dumps(extra, option=orjson.OPT_SORT_KEYS) if extra else None))


def prefix_keys(scope: str, system: Any, messages: list[dict[str, Any]]) -> list[int]:
    """keys[i] identifies messages[:i+1] of this caller (and system prompt), within this process."""
    chain = hash((scope, orjson.dumps(system) if system is not None else None))
    keys = []
    for message in messages:
        chain = hash((chain, _message_key(message)))
        keys.append(chain)
    return keys


def opening_name(scope: str, system: Any, messages: list[dict[str, Any]]) -> str:
    """A stable name for a conversation, from its opening: every replica derives the same one."""
    head = orjson.dumps([scope, system, messages[: _opening_len(messages)]], option=orjson.OPT_SORT_KEYS)
    return "auto-" + hashlib.blake2b(head, digest_size=8).hexdigest()


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
        self._ends: OrderedDict[int, str] = OrderedDict()
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
        digests = prefix_keys(scope, system, messages)
        # The longest prefix that is some session's *latest* call: that session goes on. A prefix
        # that is only an older call of a session (a restart, or a run forked from the same start)
        # begins a new session.
        continuing: _Session | None = None
        matched_len = 0
        for length in range(len(digests), 0, -1):
            found = self._ends.get(digests[length - 1])
            if found is None:
                continue
            session = self._sessions.get(found)
            if session is not None and session.latest_len == length:
                continuing, matched_len = session, length
                break
        if continuing is not None:
            threaded = self._advance(continuing.session_id, len(messages), now, matched_len)
        else:
            # New conversation, or a fork of an older call: named by its opening, so replicas agree.
            name = self._unused_name(opening_name(scope, system, messages))
            threaded = self._advance(name, len(messages), now, 0)
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

    def _remember(self, digest: int, session_id: str) -> None:
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
