"""Tests that come back: each fix breaks what an earlier one mended, and the failures move around."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.config import Config
from regulator.detect.base import Finding
from regulator.detect.registry import build_detectors
from regulator.detect.relapse import RelapseDetector

TESTS = "python -m pytest tests/test_build.py -q"


def _edit(n: int) -> tuple[str, str]:
    return (f"sed -i 's/default=.*/default=V{n}):/' src/build.py", "")


def _pytest(*failing: str, passed: int = 30) -> tuple[str, str]:
    lines = [f"FAILED tests/test_build.py::{name} - AssertionError: assert {i} == 7" for i, name in enumerate(failing)]
    return (TESTS, "\n".join(lines) + f"\n{len(failing)} failed, {passed} passed in 0.41s\n")


def _django(*failing: str) -> tuple[str, str]:
    blocks = [f"FAIL: {name} (build_tests.tests.BuildTests)\nAssertionError: None != []" for name in failing]
    return ("cd tests && python runtests.py build_tests", "\n".join(blocks) + f"\nFAILED (failures={len(failing)})")


def _run(script: list[tuple[str, str]], style: str = "openai", **kwargs: int) -> list[list[Finding]]:
    detector, session = RelapseDetector(**kwargs), ScriptedSession(style=style)
    return [detector.observe(session.call(command, result)) for command, result in script]


# Two tests want different defaults: whichever the edit satisfies, the other fails; a third joins now and then.
TUG = [
    _pytest("test_none"),
    _edit(1),
    _pytest("test_subclass"),
    _edit(2),
    _pytest("test_none"),  # relapse 1
    ("grep -n 'def test_none' tests/test_build.py", "def test_none():"),
    _edit(3),
    _pytest("test_nested"),
    _edit(4),
    _pytest("test_subclass"),  # relapse 2
    _edit(5),
    _pytest("test_none"),  # relapse 3
    ("git diff --stat", " src/build.py | 2 +-"),
    _edit(6),
    _pytest("test_subclass"),  # relapse 4
    ("git diff --stat", " src/build.py | 2 +-"),
    _edit(7),
    (TESTS, "31 passed in 0.40s"),  # green at last
    ("git diff --stat", " src/build.py | 2 +-"),
]


@pytest.mark.parametrize("style", ["openai", "anthropic", "text"])
def test_tests_failing_again_after_other_fixes_are_a_finding(style: str) -> None:
    found = _run(TUG, style)
    hits = [i for i, fs in enumerate(found) if fs]
    # The third relapse is issued at call 11 and seen at 12; the finding stands on
    # the calls after it, the fourth relapse (seen at 15) raises it, the passing run (seen at 18) ends it.
    assert hits == [12, 13, 14, 15, 16, 17]
    first = found[12][0]
    assert first.detector == "relapse" and first.key == "relapse" and first.severity == pytest.approx(0.6)
    assert "3 times a failure that had gone after an edit came back" in first.evidence
    assert "test_none" in first.evidence and "test_subclass" in first.evidence
    assert found[15][0].severity == pytest.approx(0.7)


def test_each_test_that_comes_back_is_a_relapse() -> None:
    script = [_pytest("test_none", "test_nested"), _edit(1), _pytest("test_subclass"), _edit(2)]
    script += [_pytest("test_none", "test_nested"), ("git diff --stat", " src/build.py | 2 +-")]
    assert [i for i, fs in enumerate(_run(script, min_returns=2)) if fs] == [5]


def test_django_runners_failures_moving_around_are_a_finding_too() -> None:
    script = [_django("test_none"), _edit(1), _django("test_subclass"), _edit(2), _django("test_none")]
    script += [_edit(3), _django("test_subclass"), _edit(4), _django("test_none"), ("git status --short", " M x")]
    found = _run(script)
    assert [i for i, fs in enumerate(found) if fs] == [9]
    assert "test_none (build_tests.tests.BuildTests)" in found[9][0].evidence


def test_failures_marching_forward_never_come_back() -> None:
    # TDD down a list, or a compile-fix march: every round fails tests never failed before, until all pass.
    script = [_pytest("test_a", "test_b", "test_c", "test_d", "test_e")]
    for n, left in enumerate([("test_b", "test_c", "test_d", "test_e"), ("test_c", "test_d"), ("test_e",), ()]):
        script += [_edit(n), _pytest(*left) if left else (TESTS, "35 passed in 0.40s")]
    script += [_edit(9), _pytest("test_f"), _edit(10), _pytest("test_g"), _edit(11), _pytest("test_h")]
    assert not any(_run(script))


def test_the_same_test_failing_after_an_edits_own_error_is_no_relapse() -> None:
    # A syntax error made by the edit, then mended: the test that failed before fails again — debugging, not churn.
    broken = (TESTS, "E   SyntaxError: invalid syntax\nERROR tests/test_build.py\n1 error in 0.20s")
    script = [_pytest("test_none")]
    for n in range(5):
        script += [_edit(2 * n), broken, _edit(2 * n + 1), _pytest("test_none")]
    assert not any(_run(script))


def test_a_passing_run_starts_the_count_over() -> None:
    green = (TESTS, "31 passed in 0.40s")
    script = [_pytest("test_none"), _edit(1), _pytest("test_subclass"), _edit(2), _pytest("test_none")]
    script += [_edit(3), _pytest("test_subclass"), _edit(4), green]  # two relapses, then green
    script += [_edit(5), _pytest("test_none"), _edit(6), _pytest("test_subclass"), _edit(7), _pytest("test_none")]
    assert not any(_run(script))


def test_a_pass_of_the_one_test_aimed_at_does_not_answer_the_others() -> None:
    aimed = ("python -m pytest tests/test_build.py::test_regression -q", "1 passed in 0.10s")
    script = [_pytest("test_none"), _edit(1), aimed, _pytest("test_subclass"), _edit(2), aimed, _pytest("test_none")]
    script += [_edit(3), aimed, _pytest("test_subclass"), _edit(4), aimed, _pytest("test_none")]
    script += [("git status --short", " M src/build.py")]
    found = _run(script)
    assert [i for i, fs in enumerate(found) if fs] == [len(script) - 1]


def test_reruns_without_an_edit_are_one_round() -> None:
    # Running the module then one test of it, with no change between, is one look at one state of the code.
    script = [_pytest("test_none"), _pytest("test_subclass"), _pytest("test_none"), _pytest("test_subclass")] * 3
    assert not any(_run(script))


def _alias(name: str) -> tuple[str, str]:
    return (
        "cd tests && python runtests.py response",
        f"ImportError while importing test module\n    _DEFAULT = np.{name}\n"
        f"AttributeError: module 'numpy' has no attribute '{name}'",
    )


def test_errors_of_one_kind_coming_back_after_other_fixes_are_relapses_too() -> None:
    # No test named: one removed numpy alias after another, the ones replaced before coming back.
    script = [_alias("float"), _edit(1), _alias("object"), _edit(2), _alias("float"), _edit(3), _alias("bool")]
    script += [_edit(4), _alias("object"), _edit(5), _alias("float"), ("git diff --stat", " x | 2 +-")]
    found = _run(script)
    assert [i for i, fs in enumerate(found) if fs] == [11]
    assert "no attribute 'float'" in found[11][0].evidence


def test_an_old_error_back_after_an_error_of_another_kind_is_no_relapse() -> None:
    # The edit's own syntax error, mended, and the failure it was after is back: debugging, however often.
    syntax = ("python reproduce.py", '  File "x.py", line 3\nSyntaxError: invalid syntax')
    script = [_alias("float")]
    for n in range(5):
        script += [_edit(2 * n), syntax, _edit(2 * n + 1), _alias("float")]
    assert not any(_run(script))


def test_relapse_is_on_by_default_and_configurable() -> None:
    assert "relapse" in [d.name for d in build_detectors(Config().detect)]
    off = Config.model_validate({"detect": {"relapse": {"enabled": False}}})
    assert "relapse" not in [d.name for d in build_detectors(off.detect)]
    strict = Config.model_validate({"detect": {"relapse": {"min_returns": 5}}})
    (detector,) = [d for d in build_detectors(strict.detect) if isinstance(d, RelapseDetector)]
    assert detector.min_returns == 5
