"""Escalation that waits for evidence of persistence: a burst is nudged, a pause needs the burst to go on."""

from __future__ import annotations

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.policy.config import PolicyConfig
from regulator.policy.ladder import Ladder
from regulator.policy.supervisor import load_supervisor

FAILING = (
    "exit code 1\nFAILED tests/test_tax.py::test_total - AssertionError: assert 3 == 4\n1 failed, 9 passed in 0.52s"
)


def _finding(seq: int, severity: float, key: str = "repeat:pytest") -> Finding:
    return Finding("repetition", "s", "a", seq, severity, f"ran pytest again ({seq})", [seq], key=key)


def test_a_burst_is_nudged_and_the_pause_waits_until_it_comes_back_after_the_nudge() -> None:
    ladder = Ladder(PolicyConfig())
    decide = lambda seq, *found: [d.action for d in ladder.decide("a", "s", list(found))]  # noqa: E731
    assert decide(0, _finding(0, 0.65)) == ["nudge"]
    # The nudge reaches the agent with the next request; what it does about it shows a call later.
    assert decide(1, _finding(1, 0.82)) == []
    decisions = ladder.decide("a", "s", [_finding(2, 0.82)])
    assert [d.action for d in decisions] == ["pause"]
    assert "nudged after call 0 (repetition); the same came back after it (call 2)" in decisions[0].finding.evidence


def test_a_session_that_changes_after_the_nudge_is_not_paused_and_the_memory_says_so() -> None:
    ladder = Ladder(PolicyConfig())
    assert [d.action for d in ladder.decide("a", "s", [_finding(0, 0.65)])] == ["nudge"]
    for _ in range(8):
        assert ladder.decide("a", "s", []) == []
    memory = ladder._sessions["s"].memory
    assert [(n.seq, n.outcome, n.came_back) for n in memory.nudges] == [(0, "changed", [])]
    # A new burst later is a new nudge, not a pause on the old one's account.
    assert [d.action for d in ladder.decide("a", "s", [_finding(9, 0.82)])] == ["nudge"]


def test_a_second_kind_of_waste_at_nudge_strength_gets_its_own_nudge_and_pauses_when_it_persists() -> None:
    ladder = Ladder(PolicyConfig())
    decide = lambda *found: [d.action for d in ladder.decide("a", "s", list(found))]  # noqa: E731
    assert decide(_finding(0, 0.65)) == ["nudge"]
    for _ in range(8):  # the agent changed approach: the repetition stays away
        assert decide() == []
    wall = Finding("environment", "s", "a", 9, 0.65, "missing binary `protoc`", [9], key="cause:protoc")
    assert decide(wall) == ["nudge"]  # not silently below the level the first nudge left the session on
    assert [n.subjects for n in ladder._sessions["s"].memory.nudges][-1] == frozenset({"cause:protoc"})
    assert decide(wall) == []  # settling: the nudge reaches the agent with its next request
    assert decide(wall) == []
    assert decide(wall) == ["pause"]  # the wall came back twice after the nudge settled


def test_overwhelming_evidence_pauses_without_waiting() -> None:
    ladder = Ladder(PolicyConfig())
    assert [d.action for d in ladder.decide("a", "s", [_finding(0, 0.95)])] == ["pause"]


def test_a_hold_does_not_jump_to_kill() -> None:
    ladder = Ladder(PolicyConfig())
    ladder.decide("a", "s", [_finding(0, 0.65)])
    actions = [d.action for seq in range(1, 6) for d in ladder.decide("a", "s", [_finding(seq, 0.82)])]
    assert actions == ["pause"]


def _run(retries: int) -> tuple[list[str], bool, str | None]:
    """An agent runs a failing test `retries` times as is, then edits and gets it green."""
    supervisor = load_supervisor("default")
    session = ScriptedSession(style="openai")
    script = [("ls", "src tests"), ("cat src/tax.py", "def total(x):\n    return x\n" * 5)]
    script += [("python -m pytest tests/test_tax.py", FAILING)] * retries
    script += [
        ("sed -i 's/return x/return x + 1/' src/tax.py", ""),
        ("python -m pytest tests/test_tax.py", "10 passed"),
    ]
    script += [(f"git diff src/{name}.py", f"+ changed {name}") for name in ("tax", "ledger", "report")]
    actions: list[str] = []
    nudge: str | None = None
    for command, output in script:
        verdict = supervisor.verdict(session.agent, session.session)
        if verdict.refused:
            return actions, True, nudge
        nudge = nudge or verdict.nudge
        actions += [i.action for i in supervisor.observe(session.call(command, output, is_error="FAILED" in output))]
    return actions, False, nudge


def test_an_agent_that_retries_four_times_and_recovers_is_nudged_not_paused() -> None:
    actions, stopped, nudge = _run(4)
    assert not stopped and "pause" not in actions and "nudge" in actions
    # The nudge names what repeats and asks for another approach; the gateway puts it in the next request.
    assert nudge is not None and "pytest tests/test_tax.py" in nudge and "Change your approach" in nudge


def test_an_agent_that_goes_on_after_the_nudge_is_paused() -> None:
    actions, stopped, _ = _run(9)
    assert stopped and actions[:1] == ["nudge"] and "pause" in actions


def _decide(ladder: Ladder, severities: list[float]) -> list[list[str]]:
    return [
        [d.action for d in ladder.decide("a", "s", [_finding(seq, s)] if s else [])] for seq, s in enumerate(severities)
    ]


def test_a_nudged_behaviour_coming_back_twice_at_nudge_strength_pauses_though_below_the_pause_step() -> None:
    ladder = Ladder(PolicyConfig())
    # Nudged at call 0; it settles two calls later; it comes back at 0.65 on calls 3 and 4.
    assert _decide(ladder, [0.65, 0.0, 0.0, 0.65]) == [["nudge"], [], [], []]  # once is not yet persistence
    decisions = ladder.decide("a", "s", [_finding(4, 0.65)])
    assert [d.action for d in decisions] == ["pause"]
    assert "nudged after call 0 (repetition); the same came back after it (calls 3–4)" in decisions[0].finding.evidence
    # What comes back weaker than the nudge needed (0.6) is no reason to pause.
    actions = _decide(Ladder(PolicyConfig()), [0.65, 0.0, 0.0, 0.5, 0.55, 0.5, 0.55, 0.5])
    assert actions[0] == ["nudge"] and not any(actions[1:])
