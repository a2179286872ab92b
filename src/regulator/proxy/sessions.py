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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson


def _message_key(message: dict[str, Any]) -> int:
    # Built-in hashing: fast (string hashes are computed once, in C) and only compared within this
    # process. Clients re-serialise history with varying key order and null fields, so hash the
    # fields that carry meaning rather than the raw JSON.
    if "content" not in message:
        parts = message.get("parts")
        if isinstance(parts, list):
            # A Gemini turn: its text parts hash as the strings they are, like chat content.
            key = _part_key(parts[0]) if len(parts) == 1 else tuple(map(_part_key, parts))
            return hash((message.get("role"), key))
        # A Responses API item (function_call, function_call_output, reasoning): all of it carries meaning.
        return hash(_part_key(message))
    content = message["content"]
    if not isinstance(content, str):
        content = orjson.dumps(content, option=orjson.OPT_SORT_KEYS) if content is not None else None
    extra = message.get("tool_calls") or message.get("tool_call_id")
    return hash((message.get("role"), content, orjson.dumps(extra, option=orjson.OPT_SORT_KEYS) if extra else None))


def _part_key(part: Any) -> Any:
    """A hashable key of JSON data whose strings hash as they are (in C, never copied or escaped): a
    tool's long output costs a string hash, not a serialisation. A Gemini text part is its text."""
    if isinstance(part, str):
        return part
    if isinstance(part, dict):
        if len(part) == 1 and isinstance(part.get("text"), str):
            return part["text"]
        return tuple(sorted((k, _part_key(v)) for k, v in part.items()))
    if isinstance(part, list):
        return tuple(map(_part_key, part))
    return part


def prefix_keys(scope: str, system: Any, messages: list[dict[str, Any]]) -> list[int]:
    """keys[i] identifies messages[:i+1] of this caller (and system prompt), within this process."""
    chain = hash((scope, _part_key(system)))
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
    ends: list[int] = field(default_factory=list)  # prefix keys that point at this session


@dataclass(slots=True)
class Threaded:
    session: str
    seq: int  # 0-based index of this call within the session
    new_from: int  # first message the session's previous call did not have
    length: int = 0  # messages in this call
    end_key: int | None = None  # what the next call of this conversation will extend


class SessionThreader:
    """`thread()` only looks; `commit()` makes the call the session's latest. The pipeline commits
    once a call is admitted, so a refused call (paused, throttled, over budget) does not count as
    the session's progress: its messages are seen by the detectors with the next forwarded call."""

    def __init__(
        self,
        max_tracked: int = 100_000,
        idle_timeout_s: float = 3600.0,
        on_forget: Callable[[str], None] | None = None,
    ):
        self.max_tracked = max_tracked
        self.idle_timeout_s = idle_timeout_s
        self.on_forget = on_forget
        # key of a call's full message list → session it belongs to
        self._ends: dict[int, str] = {}
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def thread(
        self,
        scope: str,
        system: Any,
        messages: list[dict[str, Any]],
        explicit: str | None = None,
    ) -> Threaded:
        if explicit or not messages:
            # Embeddings carry no conversation: they count in the caller's standing session.
            return self._next(explicit or f"auto-{scope}", len(messages), None)
        keys = prefix_keys(scope, system, messages)
        # The longest prefix that is some session's *latest* call: that session goes on. A prefix
        # that is only an older call of a session (a restart, or a run forked from the same start)
        # begins a new session.
        for length in range(len(keys), 0, -1):
            found = self._ends.get(keys[length - 1])
            session = self._sessions.get(found) if found is not None else None
            if session is not None and session.latest_len == length:
                return self._next(session.session_id, len(messages), length, keys[-1])
        # New conversation, or a fork of an older call: named by its opening, so replicas agree.
        name = self._unused_name(opening_name(scope, system, messages))
        return Threaded(name, 0, 0, len(messages), keys[-1])

    def commit(self, threaded: Threaded, now: float | None = None) -> None:
        now = time.time() if now is None else now
        session = self._sessions.get(threaded.session)
        if session is None:
            session = self._sessions[threaded.session] = _Session(threaded.session, threaded.length, threaded.seq, now)
            self._evict(now)
        else:
            self._sessions.move_to_end(threaded.session)
            session.seq = max(session.seq, threaded.seq)
            session.latest_len, session.last_seen = threaded.length, now
        if threaded.end_key is not None:
            self._ends[threaded.end_key] = threaded.session
            session.ends.append(threaded.end_key)

    def _next(self, session_id: str, length: int, matched: int | None, end_key: int | None = None) -> Threaded:
        session = self._sessions.get(session_id)
        if session is None:
            return Threaded(session_id, 0, 0, length, end_key)
        start = session.latest_len if matched is None else matched
        return Threaded(session_id, session.seq + 1, min(start, length), length, end_key)

    def _unused_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._sessions:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    def _evict(self, now: float) -> None:
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if len(self._sessions) <= self.max_tracked and now - oldest.last_seen < self.idle_timeout_s:
                break
            del self._sessions[oldest_id]
            for key in oldest.ends:
                if self._ends.get(key) == oldest_id:
                    del self._ends[key]
            if self.on_forget is not None:
                self.on_forget(oldest_id)


class AnswerChains:
    """The session of each recent answer, for calls that continue one by its id (the Responses
    API's `previous_response_id`): their bodies carry only what is new, so prefix threading alone
    would start a session per call and the detectors would never see a chain's loop. Keyed by the
    caller's key too, so an id learnt elsewhere does not join another caller's session."""

    def __init__(self, max_tracked: int = 100_000) -> None:
        self.max_tracked = max_tracked
        self._sessions: OrderedDict[tuple[str, str], str] = OrderedDict()

    def session_of(self, scope: str, answer_id: str | None) -> str | None:
        return None if answer_id is None else self._sessions.get((scope, answer_id))

    def remember(self, scope: str, answer_id: str, session: str) -> None:
        self._sessions[(scope, answer_id)] = session
        if len(self._sessions) > self.max_tracked:
            self._sessions.popitem(last=False)
