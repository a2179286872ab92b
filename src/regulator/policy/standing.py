"""Standing state per agent and per session, read synchronously by the gateway on every call.

`verdict(agent, session)` is a dict lookup: paused and killed refuse the call before any upstream
work; throttled and downgraded change how it is served; a pending nudge is handed out once. Every
change goes through a `StandingStore` (the SQLite/PostgreSQL store, or `MemoryStandingStore` in
tests and replay) so it survives a restart; `load()` reads it back.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from regulator.events import Incident, ScopeKind, Standing
from regulator.store.base import StandingStore

State = Literal["active", "throttled", "downgraded", "paused", "killed"]
_RANK: dict[str, int] = {"active": 0, "throttled": 1, "downgraded": 2, "paused": 3, "killed": 4}


class MemoryStandingStore:
    """A `StandingStore` in memory: for replay (shadow mode) and tests."""

    def __init__(self) -> None:
        self.incidents: list[Incident] = []
        self.standing: dict[tuple[str, str], Standing] = {}
        self._ids = itertools.count(1)

    def add_incident(self, incident: Incident) -> str:
        incident.incident_id = f"inc-{next(self._ids)}"
        self.incidents.append(incident)
        return incident.incident_id

    def set_standing(self, standing: Standing) -> None:
        key = (standing.scope_kind, standing.name)
        if standing.state == "active":
            self.standing.pop(key, None)
            return
        self.standing[key] = dataclasses.replace(standing, updated_at=time.time())

    def get_standing_all(self) -> list[Standing]:
        return list(self.standing.values())


@dataclass(slots=True, frozen=True)
class Verdict:
    state: State = "active"
    reason: str = ""
    incident_id: str | None = None
    until_ts: float | None = None
    nudge: str | None = None  # text to add to this call's request, handed out once

    @property
    def refused(self) -> bool:
        return self.state in ("paused", "killed")


ACTIVE = Verdict()


def _verdict_of(standing: Standing) -> Verdict:
    # An unknown state written by a newer version refuses rather than serves.
    state: State = standing.state if standing.state in _RANK else "paused"  # type: ignore[assignment]
    return Verdict(state, standing.reason, standing.incident_id, standing.until_ts)


class StandingBook:
    """The live standing of agents and sessions.

    The request path reads it (`verdict`) on the event loop while the detection thread, the registry
    reload and operator actions write it. Readers never mutate the tables, so they need no lock;
    writers serialise on `_write_lock`. An expired cool-down is skipped by readers; it stays in
    the table (one small entry per scope the store also holds) until a resume or reload replaces it.
    """

    def __init__(self, store: StandingStore | None = None, clock: Callable[[], float] = time.time) -> None:
        self.store: StandingStore = store if store is not None else MemoryStandingStore()
        self.clock = clock
        self._agents: dict[str, Verdict] = {}
        self._sessions: dict[str, Verdict] = {}
        self._nudges: dict[str, str] = {}
        self._write_lock = threading.Lock()

    def load(self) -> None:
        """Read the persisted standing back (a restart, or a change made by the CLI or a replica).

        The tables are rebuilt and swapped whole, so a resume made elsewhere is seen too.
        """
        agents: dict[str, Verdict] = {}
        sessions: dict[str, Verdict] = {}
        for row in self.store.get_standing_all():
            (agents if row.scope_kind == "agent" else sessions)[row.name] = _verdict_of(row)
        with self._write_lock:
            self._agents, self._sessions = agents, sessions

    def verdict(self, agent: str, session: str, now: float | None = None) -> Verdict:
        found = ACTIVE
        for table, name in ((self._agents, agent), (self._sessions, session)):
            current = table.get(name)
            if current is None:
                continue
            if current.until_ts is not None and (now if now is not None else self.clock()) >= current.until_ts:
                continue  # a cool-down ran out: the scope is active again
            if _RANK[current.state] > _RANK[found.state]:
                found = current
        nudge = self._nudges.pop(session, None) if self._nudges else None
        if nudge is not None and not found.refused:
            return Verdict(found.state, found.reason, found.incident_id, found.until_ts, nudge)
        return found

    def set(self, standing: Standing) -> None:
        """Hold `standing` from the next verdict on, and persist it."""
        with self._write_lock:
            table = self._agents if standing.scope_kind == "agent" else self._sessions
            if standing.state == "active":
                table.pop(standing.name, None)
            else:
                table[standing.name] = _verdict_of(standing)
        self.store.set_standing(standing)

    def get(self, scope_kind: ScopeKind, name: str) -> Verdict | None:
        """The standing held for one agent or session, expired or not (None when active)."""
        return (self._agents if scope_kind == "agent" else self._sessions).get(name)

    def resume(self, scope_kind: ScopeKind, name: str) -> None:
        self.set(Standing(scope_kind, name, "active", "resumed"))

    def nudge(self, session: str, text: str) -> None:
        self._nudges[session] = text
