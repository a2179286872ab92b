"""The same failed edit made again: lint whack-a-mole, bent tests, a patch the build overwrites."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.config import Config
from regulator.detect.base import Finding
from regulator.detect.registry import build_detectors
from regulator.detect.retried import RetriedEditDetector

WRAP = ("sed -i 's/    and x/ and x/' src/calc.py", "")
NOQA = ("sed -i 's/  # noqa: C901//' src/calc.py", "")
LAMBDA = ("sed -i 's/key = lambda v:/def key(v): return/' src/calc.py", "")
LINT = "flake8 src/calc.py"
PASSING = "....\n4 passed in 0.31s"


def _lint(rule: str) -> tuple[str, str]:
    return (LINT, f"src/calc.py:12:80: {rule} line too long\n")


def _run(script: list[tuple[str, str]], style: str = "openai", **kwargs: int) -> list[list[Finding]]:
    detector, session = RetriedEditDetector(**kwargs), ScriptedSession(style=style)
    return [detector.observe(session.call(command, result)) for command, result in script]


# Each lint fix brings back the error an earlier one fixed; the agent cycles through the same three edits.
WHACK_A_MOLE = [
    WRAP,
    _lint("W503"),
    NOQA,
    _lint("E731"),
    LAMBDA,
    _lint("E501"),
    WRAP,
    _lint("W503"),  # retry 1
    NOQA,
    _lint("E731"),  # retry 2
    ("python -m pytest tests -q", PASSING),  # the tests pass all along: no reset
    LAMBDA,
    _lint("E501"),  # retry 3
    WRAP,
    _lint("W503"),  # retry 4
    ("git diff --stat", " src/calc.py | 4 ++--"),
    (LINT, ""),  # it passes at last
    ("git diff --stat", " src/calc.py | 4 ++--"),  # brings the last run's result
]


@pytest.mark.parametrize("style", ["openai", "anthropic", "text"])
def test_edits_made_again_after_they_failed_and_failing_again_are_a_finding(style: str) -> None:
    found = _run(WHACK_A_MOLE, style)
    hits = [i for i, fs in enumerate(found) if fs]
    # The third retry's lint run (issued at call 12) is complete at call 13; the fourth's at 15. The finding
    # stands while no run passes, so a nudged agent that goes on is seen going on; the passing lint run
    # (issued at 16, complete at 17) ends it.
    assert hits == [13, 14, 15, 16]
    first = found[13][0]
    assert first.detector == "retried_edit" and first.key == "retried edit" and first.severity == 0.6
    assert "3 times an edit already made earlier" in first.evidence
    assert found[15][0].severity == pytest.approx(0.7)


def test_an_edit_made_again_is_no_retry_when_its_first_run_passed() -> None:
    # Adding a debug print back, removing it again: the runs after it passed, nothing failed was redone.
    script = [WRAP, ("python -m pytest tests -q", PASSING), NOQA, ("python -m pytest tests -q", PASSING)] * 4
    assert not any(_run(script))


def test_a_retry_answered_by_a_passing_run_is_not_counted() -> None:
    script = [WRAP, _lint("W503"), NOQA, _lint("E731")]
    script += [WRAP, ("python reproduce.py", "ok"), NOQA, ("python reproduce.py", "ok")] * 3
    assert not any(_run(script))


def test_new_edits_each_failing_are_a_march_not_a_retry() -> None:
    # A compile-fix session: every edit is new, every run fails differently until it passes.
    script = []
    for line in range(12):
        script += [(f"sed -i '{line}s/int/long/' src/main.c", ""), ("make", f"main.c:{line}: error: type mismatch")]
    assert not any(_run(script))


def test_git_putting_other_code_in_the_tree_again_is_no_retried_edit() -> None:
    # A bisect marks commits good or bad; each step checks out other code and the test fails on half of them.
    step = ("git bisect bad", "Bisecting: 4 revisions left")
    script = [step, ("python -m pytest tests -q", "1 failed, 3 passed")] * 6
    assert not any(_run(script))


def test_min_retries_is_configurable() -> None:
    found = _run(WHACK_A_MOLE, min_retries=1)
    assert next(i for i, fs in enumerate(found) if fs) == 8
    config = Config.model_validate({"detect": {"retried_edit": {"min_retries": 5}}})
    names = [d.name for d in build_detectors(config.detect)]
    assert "retried_edit" in names
    off = Config.model_validate({"detect": {"retried_edit": {"enabled": False}}})
    assert "retried_edit" not in [d.name for d in build_detectors(off.detect)]


def test_the_finding_stands_a_few_calls_after_a_retry_then_lapses() -> None:
    # After the third retry's failure (complete at call 13) the agent only reads: the finding stands on the
    # calls after it, so a nudge can be followed up, and lapses after `stand_calls` calls — old evidence.
    reads = [("sed -n '1,40p' src/calc.py", "def add(a, b):")] * 8
    found = _run([*WHACK_A_MOLE[:13], *reads])
    assert [i for i, fs in enumerate(found) if fs] == [13, 14, 15, 16, 17]
    found = _run([*WHACK_A_MOLE[:13], *reads], stand_calls=0)
    assert [i for i, fs in enumerate(found) if fs] == [13]


@pytest.mark.parametrize(
    ("style", "tool", "arguments"),
    [
        # Claude Code's Edit tool: the same replacement made again.
        ("anthropic", "Edit", {"file_path": "/repo/src/calc.py", "old_string": "x < 0", "new_string": "x <= 0"}),
        # Codex's apply_patch: the same hunk sent again.
        (
            "openai",
            "apply_patch",
            {"input": "*** Begin Patch\n*** Update File: src/calc.py\n@@\n-    if x < 0:\n+    if x <= 0:\n"},
        ),
    ],
)
def test_an_editor_tools_same_edit_made_again_after_failing_is_a_retry(
    style: str, tool: str, arguments: dict[str, str]
) -> None:
    detector, session = RetriedEditDetector(), ScriptedSession(style=style)
    failing = "FAILED tests/test_calc.py::test_zero - assert -1 == 0\n1 failed in 0.12s"
    other = (
        {**arguments, "new_string": "x == 0"} if tool == "Edit" else {"input": arguments["input"].replace("<=", "==")}
    )
    edited = "The file src/calc.py has been updated."
    found: list[list[Finding]] = []
    for _ in range(4):  # the same edit, the test failing, another edit, the test failing: round and round
        found.append(detector.observe(session.call("edit", edited, tool=tool, arguments=arguments)))
        found.append(detector.observe(session.call("python -m pytest tests/test_calc.py", failing)))
        found.append(detector.observe(session.call("edit", edited, tool=tool, arguments=other)))
        found.append(detector.observe(session.call("python -m pytest tests/test_calc.py", failing)))
    # Retries: the second round's two edits, then the third round's first, whose failing run arrives with call 10.
    assert next(i for i, fs in enumerate(found) if fs) == 10
    assert all(f.detector == "retried_edit" for fs in found for f in fs)
