"""Fleet-level correlation: several agents of one fleet stuck on the same cause are one incident.

When a hundred agents share one unfixable environment (a registry that is down, a system library
missing from the image), each of them is stopped on its own, one incident at a time, and nobody
sees that it is one problem. The correlator watches the `environment` findings (their `key` names
the cause) and, once `min_agents` different agents of a fleet have hit the same cause within
`window_s`, raises ONE fleet incident naming the cause and the agents. Agents that hit it later
join it without a new incident. `pause_all(incident_id)` is the operator's one action: it pauses
every agent of the incident through the standing book, as `regulator pause` would one by one.

State is bounded: per fleet at most `max_causes` causes and per cause at most `max_agents` agents,
the oldest dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from regulator.detect.base import Finding
from regulator.events import CallRecord, Incident

DETECTOR = "fleet"
FLEET_WIDE = "*"  # the `agent` of a fleet incident: it is about several agents, named in its evidence
SOURCE = "environment"  # the detector whose findings name a cause


@dataclass(slots=True)
class FleetIncident:
    org: str
    fleet: str
    cause: str
    agents: dict[str, float] = field(default_factory=dict)  # agent -> when it last hit the cause
    incident_id: str = ""  # set once raised

    def recent(self, now: float, window_s: float) -> list[str]:
        return [agent for agent, ts in self.agents.items() if now - ts <= window_s]


class FleetCorrelator:
    def __init__(
        self, window_s: float = 600.0, min_agents: int = 3, max_causes: int = 64, max_agents: int = 1000
    ) -> None:
        self.window_s = window_s
        self.min_agents = min_agents
        self.max_causes = max_causes
        self.max_agents = max_agents
        self._lock = threading.Lock()
        self._causes: dict[tuple[str, str], OrderedDict[str, FleetIncident]] = {}  # (org, fleet) -> cause -> record
        self._raised: dict[str, FleetIncident] = {}

    def observe(self, record: CallRecord, findings: list[Finding]) -> tuple[Incident, FleetIncident] | None:
        """The fleet incident this call's findings complete, if any (at most once per fleet and cause).

        The caller stores the incident and hands its id back with `register`.
        """
        causes = {f.key for f in findings if f.detector == SOURCE and f.key}
        if not causes:
            return None
        with self._lock:
            table = self._causes.setdefault((record.org, record.fleet), OrderedDict())
            raised: tuple[Incident, FleetIncident] | None = None
            for cause in causes:
                entry = table.pop(cause, None) or FleetIncident(record.org, record.fleet, cause)
                table[cause] = entry  # most recently hit last
                entry.agents.pop(record.agent, None)
                entry.agents[record.agent] = record.ts
                while len(entry.agents) > self.max_agents:
                    del entry.agents[next(iter(entry.agents))]
                agents = entry.recent(record.ts, self.window_s)
                if not entry.incident_id and len(agents) >= self.min_agents:
                    entry.incident_id = "pending"
                    raised = self._incident(record, entry, agents), entry
            while len(table) > self.max_causes:
                table.popitem(last=False)
            return raised

    def _incident(self, record: CallRecord, entry: FleetIncident, agents: list[str]) -> Incident:
        minutes = self.window_s / 60
        evidence = (
            f"{len(agents)} agents of fleet {entry.fleet!r} hit the same cause within {minutes:g} min: "
            f"{entry.cause}; agents: {', '.join(agents)}. One action pauses them all (and any agent that "
            "hits it later): `regulator pause --incident` with this incident's id"
        )
        return Incident(
            ts=record.ts,
            org=record.org,
            fleet=record.fleet,
            agent=FLEET_WIDE,
            session="",
            detector=DETECTOR,
            action="fleet",
            evidence=evidence,
        )

    def register(self, entry: FleetIncident, incident_id: str) -> None:
        """The id the store gave the incident: what the operator's action names."""
        with self._lock:
            entry.incident_id = incident_id
            self._raised[incident_id] = entry
            while len(self._raised) > self.max_causes:
                del self._raised[next(iter(self._raised))]

    def incident(self, incident_id: str) -> FleetIncident | None:
        with self._lock:
            return self._raised.get(incident_id)

    def open_incidents(self) -> list[FleetIncident]:
        with self._lock:
            return list(self._raised.values())
