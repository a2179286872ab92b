"""Which session (agent run / task) a call belongs to.

An explicit `X-Regulator-Session` header wins, then a task id the harness sends by itself
(Claude Code's `X-Claude-Code-Session-Id`, shared by its sub-agents). Otherwise calls are threaded
into conversations by message-prefix keys (`message_keys`, which ignore per-call markers):
agents resend their whole conversation, so a call whose messages extend the messages of a
conversation's latest call continues it. A call may also continue the latest call *minus its last
message*: OpenClaw ends every request with a throwaway context message that the next one replaces.
A call that extends an *older* call (two runs that began alike and then diverged, or a rewind)
starts a fork.

A conversation whose opening quotes a recent answer of the same caller continues that answer's
session: a harness compacting its history into a summary the model wrote, or a sub-agent started
with a prompt its parent wrote. One session can so hold several conversations ("branches"), each
threaded on its own.

New session ids are derived from the digests themselves, so every replica names the same
conversation the same way without sharing state.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from regulator.proxy.message_keys import opening_len, opening_name, prefix_keys

# Answers shorter than this are too generic to prove that a new conversation quotes them.
_QUOTE_MIN_CHARS = 80
_QUOTE_CHARS = 48
_QUOTES_PER_SCOPE = 32


def harness_session(headers: Mapping[str, str], names: Iterable[str]) -> str | None:
    """The task id a harness sends on its own, if it sends one."""
    for name in names:
        value = headers.get(name)
        if value:
            return value
    return None


def answer_texts(answer: dict[str, Any] | None) -> list[str]:
    """Every string an answer holds, in any API's shape, tool-call arguments decoded: what a summary
    or a sub-agent's prompt may quote. Ids, roles and reasons are too short for `quotable`."""
    return _strings(answer)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key == "arguments" and isinstance(value, str):  # chat and Responses: JSON in a string
                with contextlib.suppress(orjson.JSONDecodeError):
                    value = orjson.loads(value)
            found += _strings(value)
        return found
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return []


def quotable(texts: Iterable[str]) -> list[str]:
    """A fragment from the middle of each long text: what a summary or a sub-agent prompt keeps."""
    found = []
    for text in texts:
        text = text.strip()
        if len(text) >= _QUOTE_MIN_CHARS:
            middle = len(text) // 2
            found.append(text[middle - _QUOTE_CHARS // 2 : middle + _QUOTE_CHARS // 2])
    return found


@dataclass(slots=True)
class _Branch:
    session_id: str
    latest_len: int = 0


@dataclass(slots=True)
class _Session:
    session_id: str
    seq: int
    last_seen: float
    latest_len: int  # messages in its latest call (of any branch): where an explicit session's next call starts
    ends: list[int] = field(default_factory=list)  # prefix keys that point at a branch of this session


@dataclass(slots=True)
class Threaded:
    session: str
    seq: int  # 0-based index of this call within the session
    new_from: int  # first message the session's previous call did not have
    length: int = 0  # messages in this call
    end_keys: tuple[int, ...] = ()  # what the next call of this conversation may extend
    branch: _Branch | None = None  # the conversation it continues; None: a new one


class SessionThreader:
    """`thread()` only looks; `commit()` makes the call the session's latest. The pipeline commits
    once a call is admitted, so a refused call (paused, throttled, over budget) does not count as
    the session's progress: its messages are seen by the detectors with the next forwarded call."""

    def __init__(
        self,
        max_tracked: int = 20_000,
        idle_timeout_s: float = 3600.0,
        on_forget: Callable[[str], None] | None = None,
        max_new: int = 1_000,
    ):
        self.max_tracked = max_tracked
        self.idle_timeout_s = idle_timeout_s
        self.on_forget = on_forget
        self._ends: dict[int, _Branch] = {}
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._quotes: dict[str, deque[tuple[str, str]]] = {}  # scope -> recent (fragment, session)
        self.max_new = max_new
        # Sessions of one call so far, oldest first. They go first when more than `max_new` wait for
        # a second call: a harness that does not thread its calls makes every call a new session, and
        # that churn must neither grow memory nor push out the sessions that are going on.
        self._new: OrderedDict[str, None] = OrderedDict()

    def thread(self, scope: str, messages: list[dict[str, Any]], explicit: str | None = None) -> Threaded:
        if explicit or not messages:
            # Embeddings carry no conversation: they count in the caller's standing session.
            return self._next(explicit or f"auto-{scope}", len(messages), None)
        keys = prefix_keys(scope, messages)
        ends = self._end_keys(keys, opening_len(messages))
        # The longest prefix that is a branch's latest call (or that call without its last message)
        # goes on. A prefix that is only an older call of a branch (a restart, or a run forked from
        # the same start) begins a new session.
        for length in range(len(keys), 0, -1):
            branch = self._ends.get(keys[length - 1])
            if branch is not None and branch.session_id in self._sessions and length >= branch.latest_len - 1:
                return self._next(branch.session_id, len(messages), min(length, branch.latest_len), ends, branch)
        quoted = self._quoted_by(scope, messages)
        if quoted is not None:
            return self._next(quoted, len(messages), 0, ends)
        # New conversation, or a fork of an older call: named by its opening, so replicas agree.
        name = self._unused_name(opening_name(scope, messages))
        return Threaded(name, 0, 0, len(messages), ends)

    def commit(self, threaded: Threaded, now: float | None = None) -> None:
        now = time.time() if now is None else now
        session = self._sessions.get(threaded.session)
        if session is None:
            session = self._sessions[threaded.session] = _Session(threaded.session, threaded.seq, now, threaded.length)
            self._new[threaded.session] = None
            self._evict(now)
        else:
            self._sessions.move_to_end(threaded.session)
            self._new.pop(threaded.session, None)
            session.seq = max(session.seq, threaded.seq)
            session.last_seen, session.latest_len = now, threaded.length
        if not threaded.end_keys:
            return
        branch = threaded.branch or _Branch(threaded.session)
        branch.latest_len = threaded.length
        for key in threaded.end_keys:
            self._ends[key] = branch
            session.ends.append(key)

    def remember_answer(self, scope: str, session: str, texts: Iterable[str]) -> None:
        """Fragments of an answer that a later conversation of this caller may open with."""
        fragments = quotable(texts)
        if fragments:
            recent = self._quotes.setdefault(scope, deque(maxlen=_QUOTES_PER_SCOPE))
            recent.extend((fragment, session) for fragment in fragments)

    def _quoted_by(self, scope: str, messages: list[dict[str, Any]]) -> str | None:
        recent = self._quotes.get(scope)
        if not recent:
            return None
        opening = "\n".join(
            text
            for m in messages[:2]
            if m.get("role") not in ("assistant", "model")
            for text in _strings(m.get("content", m.get("parts")))
        )
        for fragment, session in reversed(recent):
            if fragment in opening and session in self._sessions:
                return session
        return None

    @staticmethod
    def _end_keys(keys: list[int], opening: int) -> tuple[int, ...]:
        # The call itself, and the call without its last message (which the next call may replace)
        # unless that would leave less than the opening: two tasks may share a system prompt.
        return (keys[-1], keys[-2]) if len(keys) - 1 >= opening else (keys[-1],)

    def _next(
        self,
        session_id: str,
        length: int,
        matched: int | None,
        end_keys: tuple[int, ...] = (),
        branch: _Branch | None = None,
    ) -> Threaded:
        session = self._sessions.get(session_id)
        if session is None:
            return Threaded(session_id, 0, 0, length, end_keys, branch)
        start = session.latest_len if matched is None else matched
        return Threaded(session_id, session.seq + 1, min(start, length), length, end_keys, branch)

    def _unused_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._sessions:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    def _evict(self, now: float) -> None:
        while len(self._new) > self.max_new:
            self._forget(next(iter(self._new)))
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if len(self._sessions) <= self.max_tracked and now - oldest.last_seen < self.idle_timeout_s:
                break
            self._forget(oldest_id)

    def _forget(self, session_id: str) -> None:
        session = self._sessions.pop(session_id)
        self._new.pop(session_id, None)
        for key in session.ends:
            branch = self._ends.get(key)
            if branch is not None and branch.session_id == session_id:
                del self._ends[key]
        if self.on_forget is not None:
            self.on_forget(session_id)


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
