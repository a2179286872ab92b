"""The detector contract: one `CallEvent` in, zero or more `Finding`s out.

A detector holds per-session state and looks only at what a call added (`messages[new_from:]`
and the response), so its cost per call does not grow with the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from regulator.events import CallEvent


@dataclass(slots=True, frozen=True)
class Finding:
    """What a detector saw, with evidence a person can check against the calls it names.

    `severity` runs from 0 (a hint) to 1 (certain waste); `calls` are the session's `seq`s
    the evidence refers to; `scope` says whether the finding is about one session or the agent.
    """

    detector: str
    session: str
    agent: str
    seq: int
    severity: float
    evidence: str
    calls: list[int] = field(default_factory=list)
    scope: str = "session"
    # What repeats (a command, an error, a cause): the policy watches whether it comes back after a
    # nudge, the fleet correlator matches agents on it. Empty: the detector's name stands for it.
    key: str = ""

    @property
    def subject(self) -> str:
        return self.key or self.detector


class Detector(Protocol):
    """Keeps state per session only, unless it says `spans_sessions = True` (replay splits by session)."""

    name: str

    def observe(self, event: CallEvent) -> list[Finding]: ...

    def forget(self, session: str) -> None:
        """Drop a finished session's state."""


_State = TypeVar("_State")


class SessionStates(Generic[_State]):
    """What a detector keeps per session: made on the session's first call, dropped when it is forgotten."""

    def __init__(self, new: Callable[[], _State]) -> None:
        self._new = new
        self._states: dict[str, _State] = {}

    def of(self, session: str) -> _State:
        state = self._states.get(session)
        if state is None:
            state = self._states[session] = self._new()
        return state

    def forget(self, session: str) -> None:
        self._states.pop(session, None)

    def __contains__(self, session: object) -> bool:
        return session in self._states


def call_span(calls: list[int]) -> str:
    """`calls 31–38` or `calls 3, 9, 12` — how evidence names the calls it is about."""
    if not calls:
        return "no calls"
    ordered = sorted(set(calls))
    if len(ordered) == 1:
        return f"call {ordered[0]}"
    if ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"calls {ordered[0]}–{ordered[-1]}"
    if len(ordered) <= 6:
        return "calls " + ", ".join(map(str, ordered))
    return f"calls {ordered[0]}–{ordered[-1]} ({len(ordered)} of them)"


def quote(text: str, limit: int = 120) -> str:
    """Evidence quotes one line of text between backticks, cut to a readable length."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return "`" + line.replace("`", "'") + "`"
