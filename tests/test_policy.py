from __future__ import annotations

from pathlib import Path

import pytest

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.detect.config import DetectConfig
from regulator.detect.registry import build_detectors
from regulator.events import Standing
from regulator.policy.config import LadderOverride, LadderStep, PolicyConfig
from regulator.policy.ladder import Ladder, combine
from regulator.policy.standing import MemoryStandingStore, StandingBook
from regulator.policy.supervisor import Supervisor, load_supervisor

ERROR = "<returncode>1</returncode>\n<output>\nModuleNotFoundError: No module named 'foo'\n</output>"


def _finding(severity: float, detector: str = "repetition", session: str = "s1") -> Finding:
    return Finding(detector, session, "agent-1", 0, severity, f"{detector} evidence", [0])


def test_a_stuck_session_climbs_the_ladder_and_is_paused() -> None:
    store = MemoryStandingStore()
    supervisor = Supervisor(build_detectors(DetectConfig()), PolicyConfig(), StandingBook(store))  # the gateway's
    session = ScriptedSession()
    actions: list[str] = []
    stopped_at = None
    for i in range(20):
        if supervisor.verdict("agent-1", "s1").refused:
            stopped_at = i
            break
        actions += [inc.action for inc in supervisor.observe(session.call("python repro.py", ERROR))]
    assert stopped_at is not None and stopped_at <= 8
    assert actions[-1] == "pause"  # strong, agreeing evidence may skip the milder steps
    assert [i.action for i in store.incidents] == actions
    assert all("ModuleNotFoundError" in i.evidence or "python repro.py" in i.evidence for i in store.incidents)
    # detection pauses the agent: its other sessions, and new ones, are refused too
    assert store.standing[("agent", "agent-1")].state == "paused"
    assert supervisor.verdict("agent-1", "a-new-session").refused
    assert not supervisor.verdict("agent-2", "s9").refused


def test_a_pause_can_be_scoped_to_the_session_it_was_found_in() -> None:
    store = MemoryStandingStore()
    supervisor = Supervisor(build_detectors(DetectConfig()), PolicyConfig(pause_scope="session"), StandingBook(store))
    session = ScriptedSession()
    for _ in range(20):
        if supervisor.verdict("agent-1", "s1").refused:
            break
        supervisor.observe(session.call("python repro.py", ERROR))
    assert store.standing[("session", "s1")].state == "paused"
    assert not supervisor.verdict("agent-1", "another-session").refused


def test_replay_judges_each_recorded_session_on_its_own() -> None:
    assert load_supervisor("default").config.pause_scope == "session"


def test_productive_work_is_left_alone() -> None:
    supervisor = load_supervisor("default")
    session = ScriptedSession()
    for i in range(30):
        result = f"<returncode>0</returncode>\n<output>\nline {i}: def function_{i}(): return {i * 7}\n</output>"
        assert supervisor.observe(session.call(f"nl -ba src/mod{i}.py", result)) == []
        assert supervisor.verdict("agent-1", "s1").state == "active"


def test_nudge_is_handed_out_once_with_the_evidence() -> None:
    state = StandingBook()
    state.nudge("s1", "You have run `pytest` 6 times")
    first = state.verdict("a", "s1")
    assert first.nudge == "You have run `pytest` 6 times" and not first.refused
    assert state.verdict("a", "s1").nudge is None


def test_pause_cool_down_and_resume() -> None:
    state = StandingBook(clock=lambda: 1000.0)
    state.set(Standing("session", "s1", "paused", "loop", until_ts=1060.0))
    assert state.verdict("a", "s1").refused
    assert not state.verdict("a", "s1", now=1061.0).refused
    state.set(Standing("agent", "a", "killed", "loop"))
    assert state.verdict("a", "other").state == "killed"
    state.resume("agent", "a")
    assert state.verdict("a", "other").state == "active"


def test_standing_survives_a_restart() -> None:
    store = MemoryStandingStore()
    StandingBook(store).set(Standing("session", "s1", "paused", "loop", incident_id="inc-1"))
    reborn = StandingBook(store)
    reborn.load()
    verdict = reborn.verdict("a", "s1")
    assert verdict.state == "paused" and verdict.incident_id == "inc-1"


def test_steps_need_strength_and_persistence() -> None:
    policy = Ladder(
        PolicyConfig(
            ladder=[
                LadderStep(action="warn", min_severity=0.5, min_calls=2),
                LadderStep(action="pause", min_severity=0.9),
            ]
        )
    )
    assert policy.decide("agent-1", "s1", [_finding(0.6)]) == []
    assert policy.decide("agent-1", "s1", []) == []
    assert [d.action for d in policy.decide("agent-1", "s1", [_finding(0.6)])] == ["warn"]
    assert policy.decide("agent-1", "s1", [_finding(0.6)]) == []  # already there
    assert [d.action for d in policy.decide("agent-1", "s1", [_finding(0.95)])] == ["pause"]


def test_agreeing_detectors_count_partly() -> None:
    assert combine([0.6, 0.6], 0.5) == pytest.approx(0.72)
    assert combine([0.6], 0.5) == 0.6
    assert combine([], 0.5) == 0.0


def test_capped_detectors_only_warn() -> None:
    policy = Ladder(PolicyConfig())
    decisions = [d for _ in range(5) for d in policy.decide("agent-1", "s1", [_finding(1.0, "burn_rate")])]
    assert [d.action for d in decisions] == ["warn"]


def test_agent_override_ladder() -> None:
    config = PolicyConfig(agents={"agent-1": LadderOverride(ladder=[LadderStep(action="kill", min_severity=0.3)])})
    assert [d.action for d in Ladder(config).decide("agent-1", "s1", [_finding(0.4)])] == ["kill"]
    assert Ladder(config).decide("agent-2", "s1", [_finding(0.4)]) == []


@pytest.mark.parametrize(("name", "calls_to_stop"), [("cline", 3), ("gemini-cli", 5), ("openhands", 5)])
def test_baselines_stop_identical_calls(name: str, calls_to_stop: int) -> None:
    supervisor = load_supervisor(name)
    session = ScriptedSession()
    refused_at = None
    for seq in range(10):
        if supervisor.verdict("agent-1", "s1").refused:
            refused_at = seq
            break
        supervisor.observe(session.call("ls missing", "ls: missing: No such file"))
    # cline/gemini count calls; openhands counts results, which arrive one call later.
    assert refused_at == calls_to_stop


def test_baselines_miss_varied_commands() -> None:
    supervisor = load_supervisor("cline")
    session = ScriptedSession()
    for i in range(10):
        supervisor.observe(session.call(f"python repro.py --try {i}", ERROR))
    assert not supervisor.verdict("agent-1", "s1").refused


def test_policy_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "detect:\n  cycle:\n    enabled: false\npolicy:\n  ladder:\n    - {action: pause, min_severity: 0.5}\n"
    )
    supervisor = load_supervisor(str(path))
    assert "cycle" not in [d.name for d in supervisor.detectors]
    assert [s.action for s in supervisor.config.ladder] == ["pause"]
    with pytest.raises(ValueError, match="unknown policy"):
        load_supervisor("no-such-policy")
