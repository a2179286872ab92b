from __future__ import annotations

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.detect.burn import BurnRateDetector
from regulator.detect.cycles import CycleDetector
from regulator.detect.error_signature import error_signature
from regulator.detect.progress import NoProgressDetector
from regulator.detect.repetition import RepetitionDetector
from regulator.detect.same_error import ErrorSignatureDetector

TRACEBACK = """<returncode>1</returncode>
<output>
Traceback (most recent call last):
  File "/testbed/repro.py", line {line}, in <module>
    import foo
ModuleNotFoundError: No module named 'foo'
</output>"""


def _run(detector: object, script: list[tuple[str, str]], **kwargs: object) -> list[list[Finding]]:
    session = ScriptedSession(**kwargs)  # type: ignore[arg-type]
    return [detector.observe(session.call(cmd, out)) for cmd, out in script]  # type: ignore[attr-defined]


def test_repetition_sees_through_volatile_output() -> None:
    script = [(f"python  repro.py --seed {i}", f"run at 12:00:0{i} pid={100 + i}\nFAIL") for i in range(6)]
    found = _run(RepetitionDetector(), [(cmd.split(" --seed")[0], out) for cmd, out in script])
    assert not any(found[:3])  # 2 results are not yet a repetition
    strongest = found[-1][0]
    assert strongest.severity >= 0.75
    assert "`python repro.py` 5 times" in strongest.evidence and "calls 0–4" in strongest.evidence


def test_repetition_ignores_reruns_whose_result_changes() -> None:
    script = [("pytest tests", f"{5 - i} failed, {i} passed") for i in range(6)]
    assert not any(_run(RepetitionDetector(), script))


def test_same_error_across_varied_commands() -> None:
    commands = [
        "python repro.py",
        "python3 repro.py",
        "PYTHONPATH=. python repro.py",
        "cd /x && python repro.py",
    ]
    script = [(commands[i % 4], TRACEBACK.format(line=10 + i)) for i in range(8)]
    found = _run(ErrorSignatureDetector(), script)
    last = found[-1][0]
    assert last.severity >= 0.9
    assert "ModuleNotFoundError: No module named 'foo'" in last.evidence
    assert "7 of the last 7" in last.evidence and "4 different actions" in last.evidence


def test_error_signature_of_test_runs_follows_the_failing_tests() -> None:
    a = "FAILED tests/test_a.py::test_one\nFAILED tests/test_a.py::test_two\n== 2 failed, 3 passed in 1.2s =="
    b = "FAILED tests/test_a.py::test_two\n== 1 failed, 4 passed in 0.8s =="
    assert error_signature(a) != error_signature(b)
    assert error_signature("<returncode>0</returncode>\n<output>ok</output>") is None
    assert error_signature("<returncode>2</returncode>\n<output>\ngrep: x: No such file</output>") == (
        "exit code 2: grep: x: No such file"
    )


def test_progressing_fixes_are_not_the_same_error() -> None:
    script = [("pytest", f"FAILED t.py::test_{k}\n== 1 failed ==") for k in range(8)]
    assert not any(_run(ErrorSignatureDetector(), script))


def test_cycle_of_edit_test_revert() -> None:
    script = []
    for _ in range(4):
        script += [
            ("sed -i 's/and/or/' a.py", ""),
            ("python t.py", "AssertionError"),
            ("sed -i 's/or/and/' a.py", ""),
            ("python t.py", "AssertionError"),
        ]
    found = _run(CycleDetector(), script)
    first = next(i for i, f in enumerate(found) if f)
    assert first == 8  # two full periods of four are complete at the ninth call
    assert "a cycle of 4 actions" in found[first][0].evidence
    assert found[-1][0].severity > found[first][0].severity


def test_no_cycle_in_varied_work() -> None:
    script = [(f"cat file{i}.py", f"content of file {i}") for i in range(20)]
    assert not any(_run(CycleDetector(), script))


def test_no_progress_when_results_repeat_what_was_seen() -> None:
    listing = "\n".join(f"module_{i}.py defines class Thing{i} with method run" for i in range(30))
    # Each listing is of a directory not named before: the slow ramp (no re-requests).
    script = [("ls -la", listing)] + [(f"ls -la src{i}", listing) for i in range(1, 10)]
    found = _run(NoProgressDetector(min_run=6), script)
    assert not any(found[:7])
    assert any(found[7:])
    assert "new text on average" in found[-1][0].evidence and "prompt grew" in found[-1][0].evidence


def test_new_information_resets_no_progress() -> None:
    script = [(f"cat part{i}.txt", " ".join(f"word{i}_{j}" for j in range(40))) for i in range(12)]
    assert not any(_run(NoProgressDetector(min_run=4), script))


def test_burn_rate_against_own_baseline() -> None:
    detector = BurnRateDetector(window_s=300, min_history_s=3600, factor=5, min_recent_usd=1.0)
    session = ScriptedSession(cost_usd=0.01, seconds_per_call=60)
    quiet = [detector.observe(session.call("ls", "x")) for _ in range(70)]
    assert not any(quiet)
    session.cost_usd, session.seconds_per_call = 0.5, 10
    burst = [detector.observe(session.call("ls", "x")) for _ in range(5)]
    findings = [f for fs in burst for f in fs]
    assert len(findings) == 1 and findings[0].scope == "agent"
    assert "its usual" in findings[0].evidence


def test_projected_overspend() -> None:
    detector = BurnRateDetector(window_s=300, horizon_s=3600)
    session = ScriptedSession(cost_usd=1.0, seconds_per_call=30)
    session.budget_remaining_usd = 20.0  # $2/min → 10 minutes left
    findings = [f for _ in range(3) for f in detector.observe(session.call("ls", "x"))]
    assert len(findings) == 1
    assert "runs out in" in findings[0].evidence
