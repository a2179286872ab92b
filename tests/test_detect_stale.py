"""Nothing new tried: a long stretch of actions the agent had all taken before."""

from __future__ import annotations

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.detect.stale import StaleDetector

FAILING = (
    "exit code 1\nFAILED tests/test_tax.py::test_total - AssertionError: assert 3 == 4\n1 failed, 9 passed in {t}s"
)


def _run(script: list[tuple[str, str]]) -> list[list[Finding]]:
    detector, session = StaleDetector(), ScriptedSession(style="openai")
    return [detector.observe(session.call(command, result)) for command, result in script]


def _first_stretch(found: list[list[Finding]]) -> int:
    """The call at which a stretch of old actions is first named (echoes may be named sooner)."""
    return next(i for i, fs in enumerate(found) if fs and fs[0].evidence.startswith("nothing new tried"))


def _round(k: int) -> list[tuple[str, str]]:
    """Test, diff (its counts drift), revert, read, grep: outputs differ each round, actions do not."""
    return [
        ("pytest tests/test_tax.py", FAILING.format(t=f"0.{k + 2}")),
        ("git diff --stat", f" src/tax.py | {k + 3} ++-\n 1 file changed, {k + 2} insertions(+)"),
        ("git checkout -- src/tax.py", ""),
        ("cat src/tax.py", f"def total(items):\n    return sum(items)  # pass {k}\n"),
        ("grep -rn total src", f"src/tax.py:{k + 1}:def total(items):"),
    ]


def test_a_stretch_of_actions_all_taken_before_with_the_same_failure_back_is_a_finding() -> None:
    script = [step for k in range(6) for step in _round(k)]
    found = _run(script)
    # The revert, the grep and the test give what they gave last round: their echoes name it first.
    assert next(i for i, fs in enumerate(found) if fs) == 15
    first = _first_stretch(found)
    # The first round introduces every action; twelve old ones later the stretch is named.
    assert first == 5 + 12
    finding = found[first][0]
    assert finding.severity == 0.5 and "nothing new tried in the last 12 actions" in finding.evidence
    assert "pytest tests/test_tax.py" in finding.evidence and "test_total (1 failed)` came back" in finding.evidence
    assert found[-1][0].severity > finding.severity


def test_a_new_action_now_and_then_starts_the_stretch_over() -> None:
    script: list[tuple[str, str]] = []
    for k in range(6):
        script += _round(k)
        script.append((f"sed -i 's/sum(items)/sum(items) + {k}/' src/tax.py", ""))  # a new fix each round
    assert not any(_run(script))


def test_checks_that_pass_again_and_again_with_nothing_new_between_are_stale_too() -> None:
    passing = [("pytest -q", "10 passed in 0.5s"), ("ruff check .", "All checks passed!"), ("git status", "clean")]
    found = _run(passing * 6)
    assert next(i for i, fs in enumerate(found) if fs) == 12  # echoes, once only one new step is among ten
    first = _first_stretch(found)
    assert first == 3 + 12 and "came back" not in found[first][0].evidence  # a result arrives a call later
