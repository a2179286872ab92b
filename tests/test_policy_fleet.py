"""Fleet correlation: agents of one fleet stuck on the same cause make one incident, paused by one action."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.events import CallRecord
from regulator.policy.fleet import FleetCorrelator
from regulator.policy.standing import MemoryStandingStore, StandingBook
from regulator.policy.supervisor import load_supervisor

CAUSE = "unreachable `port 6379`"


def _record(agent: str, ts: float, fleet: str = "coders") -> CallRecord:
    return CallRecord(f"{agent}:{ts}", ts, "org-1", fleet, agent, f"{agent}-run", "m", "u", "openai")


def _environment(agent: str, cause: str = CAUSE) -> list[Finding]:
    return [Finding("environment", f"{agent}-run", agent, 5, 0.65, f"blocked: {cause}", [5], key=cause)]


def test_three_agents_on_one_cause_raise_one_incident_naming_the_cause_and_the_agents() -> None:
    fleet = FleetCorrelator(window_s=600, min_agents=3)
    assert fleet.observe(_record("a1", 0), _environment("a1")) is None
    assert fleet.observe(_record("a1", 10), _environment("a1")) is None  # the same agent again is no fleet
    assert fleet.observe(_record("a2", 20), _environment("a2")) is None
    raised = fleet.observe(_record("a3", 30), _environment("a3"))
    assert raised is not None
    incident, entry = raised
    assert incident.detector == "fleet" and incident.fleet == "coders" and incident.agent == "*"
    assert CAUSE in incident.evidence and "a1, a2, a3" in incident.evidence
    fleet.register(entry, "inc-7")
    # More agents join the incident; no second incident.
    assert fleet.observe(_record("a4", 40), _environment("a4")) is None
    assert list(fleet.incident("inc-7").agents) == ["a1", "a2", "a3", "a4"]  # type: ignore[union-attr]


def test_hits_spread_beyond_the_window_other_causes_and_other_fleets_do_not_correlate() -> None:
    fleet = FleetCorrelator(window_s=600, min_agents=3)
    assert fleet.observe(_record("a1", 0), _environment("a1")) is None
    assert fleet.observe(_record("a2", 700), _environment("a2")) is None
    assert fleet.observe(_record("a3", 1400), _environment("a3")) is None  # a1 is too long ago
    assert fleet.observe(_record("b1", 1410, "other"), _environment("b1")) is None
    assert fleet.observe(_record("a4", 1420), _environment("a4", "missing module `x`")) is None


def test_pausing_a_fleet_incident_pauses_every_agent_of_it() -> None:
    store = MemoryStandingStore()
    supervisor = load_supervisor("default")
    supervisor.standing = StandingBook(store)
    refused = (
        "<returncode>1</returncode>\n"
        "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused."
    )
    attempts = [
        "pytest -q",
        "redis-server --daemonize yes && pytest -q",
        "REDIS_URL=redis://127.0.0.1:6380 pytest",
        "pytest -x",
    ]
    for n in range(4):
        session = ScriptedSession(session=f"run-{n}", agent=f"agent-{n}")
        for command in attempts * 2:
            supervisor.observe(session.call(command, refused, is_error=True))
    [fleet_incident] = [i for i in store.incidents if i.detector == "fleet"]
    assert "port 6379" in fleet_incident.evidence
    paused = supervisor.pause_fleet_incident(fleet_incident.incident_id)
    assert paused == ["agent-0", "agent-1", "agent-2", "agent-3"]
    for agent in paused:
        verdict = supervisor.verdict(agent, "a new session")
        assert verdict.state == "paused" and verdict.incident_id == fleet_incident.incident_id
    with pytest.raises(KeyError):
        supervisor.pause_fleet_incident("inc-unknown")
