"""Standing state per agent, session, fleet and org, read synchronously by the gateway on every call.

`verdict(agent, session, fleet=…, org=…)` is four dict lookups: paused and killed refuse the call
before any upstream work; throttled and downgraded change how it is served; a pending nudge is handed out once. Every
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

from regulator.events import SCOPE_KINDS, Incident, ScopeKind, Standing
from regulator.store.base import StandingStore

State = Literal["active", "throttled", "downgraded", "paused", "killed"]
RANK: dict[str, int] = {"active": 0, "throttled": 1, "downgraded": 2, "paused": 3, "killed": 4}


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

    def expire_standing(self, now: float) -> int:
        expired = [k for k, s in self.standing.items() if s.until_ts is not None and s.until_ts <= now]
        for key in expired:
            del self.standing[key]
        return len(expired)


@dataclass(slots=True, frozen=True)
class Verdict:
    state: State = "active"
    reason: str = ""
    incident_id: str | None = None
    until_ts: float | None = None
    nudge: str | None = None  # text to add to this call's request, handed out once
    scope_kind: ScopeKind = "agent"  # where the standing is held: a fleet pause names the fleet
    scope_name: str = ""

    @property
    def refused(self) -> bool:
        return self.state in ("paused", "killed")


ACTIVE = Verdict()


def _verdict_of(standing: Standing) -> Verdict:
    # An unknown state written by a newer version refuses rather than serves.
    state: State = standing.state if standing.state in RANK else "paused"  # type: ignore[assignment]
    return Verdict(
        state, standing.reason, standing.incident_id, standing.until_ts, None, standing.scope_kind, standing.name
    )


class StandingBook:
    """The live standing of agents, sessions, fleets and orgs.

    The request path reads it (`verdict`) on the event loop while the detection thread, the registry
    reload and operator actions write it. Readers never mutate the tables, so they need no lock;
    writers serialise on `_write_lock`. An expired cool-down is skipped by readers; it stays in
    the table until `expire` (the gateway's sweep), a resume or a reload removes it.
    """

    def __init__(self, store: StandingStore | None = None, clock: Callable[[], float] = time.time) -> None:
        self.store: StandingStore = store if store is not None else MemoryStandingStore()
        self.clock = clock
        self._nudges: dict[str, str] = {}
        self._write_lock = threading.Lock()
        self._swap({kind: {} for kind in SCOPE_KINDS})

    def _swap(self, tables: dict[ScopeKind, dict[str, Verdict]]) -> None:
        # One attribute per kind: the verdict reads each with a single lookup, no mapping in between.
        self._tables = tables
        self._agents, self._sessions = tables["agent"], tables["session"]
        self._fleets, self._orgs = tables["fleet"], tables["org"]

    def load(self) -> None:
        """Read the persisted standing back (a restart, or a change made by the CLI or a replica).

        The tables are rebuilt and swapped whole, so a resume made elsewhere is seen too.
        """
        tables: dict[ScopeKind, dict[str, Verdict]] = {kind: {} for kind in SCOPE_KINDS}
        for row in self.store.get_standing_all():
            if row.scope_kind in tables:  # a kind written by a newer version is not this one's to judge
                tables[row.scope_kind][row.name] = _verdict_of(row)
        with self._write_lock:
            self._swap(tables)

    def verdict(self, agent: str, session: str, now: float | None = None, *, fleet: str = "", org: str = "") -> Verdict:
        """The strongest standing over the agent, its session, its fleet and its org.

        Four dict lookups (fleet and org only while any is held); nothing more when none applies.
        """
        own, run = self._agents.get(agent), self._sessions.get(session)
        group = self._fleets.get(fleet) if self._fleets else None
        top = self._orgs.get(org) if self._orgs else None
        found = ACTIVE
        if own is not None or run is not None or group is not None or top is not None:
            found = self._strongest((own, run, group, top), now)
        nudge = self._nudges.pop(session, None) if self._nudges else None
        if nudge is not None and not found.refused:
            return dataclasses.replace(found, nudge=nudge)
        return found

    def _strongest(self, held: tuple[Verdict | None, ...], now: float | None) -> Verdict:
        found = ACTIVE
        for current in held:
            if current is None:
                continue
            if current.until_ts is not None and (now if now is not None else self.clock()) >= current.until_ts:
                continue  # a cool-down ran out: the scope is active again
            if RANK[current.state] > RANK[found.state]:
                found = current
        return found

    def set(self, standing: Standing) -> None:
        """Hold `standing` from the next verdict on, and persist it."""
        with self._write_lock:
            table = self._tables[standing.scope_kind]
            if standing.state == "active":
                table.pop(standing.name, None)
            else:
                table[standing.name] = _verdict_of(standing)
        self.store.set_standing(standing)

    def get(self, scope_kind: ScopeKind, name: str) -> Verdict | None:
        """The standing held for one scope, expired or not (None when active)."""
        return self._tables[scope_kind].get(name)

    def resume(self, scope_kind: ScopeKind, name: str) -> None:
        self.set(Standing(scope_kind, name, "active", "resumed"))

    def expire(self, now: float | None = None) -> int:
        """Drop the standing whose `until_ts` has passed, here and in the store; returns the rows the
        store dropped. Readers already skip them: this keeps the tables, the store and the dashboard
        from showing a pause that has lifted."""
        at = self.clock() if now is None else now
        dropped = 0
        with self._write_lock:
            for table in self._tables.values():
                for name in [n for n, v in table.items() if v.until_ts is not None and v.until_ts <= at]:
                    del table[name]
                    dropped += 1
        # Every replica loaded the same rows: the store is written only when one of them ran out.
        return self.store.expire_standing(at) if dropped else 0

    def nudge(self, session: str, text: str) -> None:
        self._nudges[session] = text
