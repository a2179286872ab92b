"""Checks re-run with nothing changed: many runs since the latest change to a file, some of them again."""

from __future__ import annotations

import orjson
import pytest
from pydantic import ValidationError

from detect_support import ScriptedSession
from regulator.config import Config
from regulator.detect.base import Finding
from regulator.detect.registry import build_detectors
from regulator.detect.steps import StepTracker
from regulator.detect.unchanged import UnchangedDetector, runs_something

FIX = ("sed -i 's/return a - b/return a + b/' src/calc.py", "")
PASSING = "....\n4 passed in 0.31s"


def _run(script: list[tuple[str, str]], style: str = "openai") -> list[list[Finding]]:
    detector, session = UnchangedDetector(), ScriptedSession(style=style)
    return [detector.observe(session.call(command, result)) for command, result in script]


def _first(found: list[list[Finding]]) -> int:
    return next(i for i, fs in enumerate(found) if fs)


# The fix is in and passes; the agent keeps adding checks, and asks some of them again.
VERIFYING = [
    ("python -m pytest tests/test_calc.py -q", PASSING),
    ("python -m flake8 src/calc.py", ""),
    ("python -c 'import calc; print(calc.add(1, 2))'", "3"),
    ("python reproduce.py", "ok"),
    ("python -m pytest tests -q -k 'not slow'", "....\n20 passed in 1.2s"),
    ("git status --short", " M src/calc.py"),
    ("python -m pytest tests/test_calc.py -q", PASSING),  # again
    ("python -W error reproduce.py", "ok"),
    ("python -m flake8 src/calc.py", ""),  # again
    ("python -c 'import calc; print(calc.add(-1, 1))'", "0"),
    ("git status --short", " M src/calc.py"),  # again
    ("python -m pytest tests/test_calc.py -q", PASSING),  # again
    ("python reproduce.py", "ok"),  # again
    ("python -m mypy src/calc.py", "Success: no issues found in 1 source file"),
    ("python -m pytest tests/test_calc.py -q", PASSING),
]


@pytest.mark.parametrize("style", ["openai", "anthropic", "text"])
def test_checks_that_keep_passing_with_nothing_changed_since_are_a_finding(style: str) -> None:
    found = _run([FIX, *VERIFYING], style)
    # A step's result arrives with the next call: the 10th run (the third `pytest tests/test_calc.py`, issued
    # at call 12) is complete at call 13; by then 4 steps repeated one taken since the fix.
    first = _first(found)
    assert first == 13
    finding = found[first][0]
    assert finding.detector == "unchanged" and finding.key == "unchanged" and finding.severity == 0.6
    assert "10 commands run since the agent last changed a file" in finding.evidence
    assert "4 steps since then repeat one taken since" in finding.evidence
    assert finding.calls[0] == 2 and finding.calls[-1] == 13 and len(finding.calls) == 10  # runs, not reads
    assert found[-1][0].severity == pytest.approx(0.6 + 0.05 * 2)  # 12 runs complete by the last call


def test_a_change_between_the_checks_starts_the_count_over() -> None:
    script = [FIX]
    for k, step in enumerate(VERIFYING):
        script.append(step)
        if k % 6 == 5:
            script.append((f"sed -i 's/# note {k}/# note {k + 1}/' src/calc.py", ""))  # another change
    assert not any(_run(script))


def test_a_sweep_that_runs_each_check_once_repeats_nothing() -> None:
    # After the fix, each package's tests once: many runs, none asked twice.
    packages = [f"pkg{k}" for k in range(14)]
    script = [FIX] + [(f"cd packages/{name} && make test", "ok: 12 tests") for name in packages]
    assert not any(_run(script))


def test_reads_are_not_runs() -> None:
    # Going over the diff and the files again and again checks nothing: the error detectors and
    # `stale` are for that. Three runs among them are too few.
    reads = [("git diff", "+ return a + b"), ("cat src/calc.py", "def add(a, b): ..."), ("grep -n add src", "x")]
    script = [FIX] + reads * 4 + [("python -m pytest -q", PASSING)] * 3
    assert not any(_run(script))


def test_nothing_before_the_first_change() -> None:
    # Exploring before touching the code: runs of the suite and of scripts, some repeated.
    script = VERIFYING + VERIFYING
    assert not any(_run(script))


def test_a_script_run_with_other_arguments_is_another_check_but_a_longer_read_is_not() -> None:
    debug = [(f"python debug.py {n}", f"DEBUG n={n}") for n in (11, 26, 25, 17, 29, 23, 43, 15, 31, 8, 4)]
    assert not any(_run([FIX, *debug]))
    # The same runs with the file read between them, more of it each time: the same read.
    pieces = [(f"head -n {20 * k + 20} src/calc.py", f"line {k}") for k in range(5)]
    found = _run([FIX, *debug[:6], *pieces, *debug[6:]])
    assert found[-1] and "4 steps since then" in found[-1][0].evidence


def test_the_same_suite_run_with_other_flags_is_the_same_check() -> None:
    # The fix is in; the agent shuffles pytest's cache and selection flags, the code standing still.
    flags = [
        "--lf",
        "--sw",
        "--ff --maxfail=2",
        "-q",
        "--nf",
        "--last-failed",
        "-x",
        "--stepwise -q",
        "-p no:cacheprovider",
        "-vv",
    ]
    runs = [(f"python -m pytest pkg/tests {f}", "FAILED pkg/tests::test_a - assert 1 == 2") for f in flags]
    found = _run([FIX, *runs, ("git status --short", " M src/calc.py")])
    assert _first(found) == len(runs) + 1 and "steps since then repeat one taken since" in found[-1][0].evidence
    # Selecting other tests is another check: each `-k` expression is a check of its own.
    selections = [(f"python -m pytest pkg/tests -k test_{n}", "1 passed") for n in range(10)]
    assert not any(_run([FIX, *selections]))


def test_waiting_is_not_a_run() -> None:
    # Polling a build's log while it finishes is the waiting detector's concern.
    script = [FIX, ("make build > /tmp/b.log 2>&1 &", "")]
    script += [("sleep 20 && tail -n 3 /tmp/b.log", "building…")] * 14
    assert not any(_run(script))


@pytest.mark.parametrize(
    ("tool", "text", "runs"),
    [
        ("bash", "cd /testbed && python -m pytest tests -q", True),
        ("bash", 'CFLAGS="-Wno-error" python setup.py build_ext -i 2>&1 | tail -15', True),
        ("bash", "git status --short && git diff", False),
        ("bash", "nl -ba src/calc.py | sed -n '10,40p'", False),
        ("bash", "git stash", True),
        ("Bash", '{"command": "npm test", "description": "Run the tests"}', True),
        ("Read", '{"file_path": "src/calc.py"}', False),
        ("str_replace_editor", '{"command": "view", "path": "/workspace/src/calc.py"}', False),
        ("shell", '{"command": ["bash", "-lc", "cargo test"], "workdir": "/w"}', True),
        ("shell", '{"command": ["bash", "-lc", "rg -n total src"], "workdir": "/w"}', False),
    ],
)
def test_what_runs_something(tool: str, text: str, runs: bool) -> None:
    session = ScriptedSession(style="openai")
    tracker = StepTracker()
    arguments = orjson.loads(text) if text.startswith("{") else None
    tracker.advance(session.call(text, "", tool=tool, arguments=arguments))
    (step,) = tracker.advance(session.call("true", ""))
    assert runs_something(step) is runs


def test_the_default_configuration_runs_it_and_it_can_be_turned_off() -> None:
    assert "unchanged" in [d.name for d in build_detectors(Config().detect)]
    config = Config().detect.model_copy(deep=True)
    config.unchanged.enabled = False
    assert "unchanged" not in [d.name for d in build_detectors(config)]


@pytest.mark.parametrize(("key", "value"), [("min_runs", 1), ("min_repeats", 0), ("min_runs", "ten"), ("window", 8)])
def test_a_bad_setting_is_refused_naming_the_key(key: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Config.model_validate({"detect": {"unchanged": {key: value}}})
    assert f"detect.unchanged.{key}" in str(refused.value)


def test_state_is_bounded_and_forgotten() -> None:
    detector, session = UnchangedDetector(), ScriptedSession(style="openai")
    detector.observe(session.call(*FIX))
    for k in range(300):
        detector.observe(session.call(f"python check.py --case c{k}", "ok"))
    state = detector._sessions.of(session.session)
    assert len(state.runs) <= 64 and len(state.taken) <= 64
    detector.forget(session.session)
    assert session.session not in detector._sessions


def test_a_bisect_checks_out_other_code_at_each_step_so_its_reruns_are_no_finding() -> None:
    # A bisect reruns one check many times without editing anything, but each `git bisect good/bad`
    # puts another commit in the tree: the check runs other code every time (a real bisect that lands).
    bisect = [("git bisect start HEAD v1.0", "Bisecting: 40 revisions left to test after this (roughly 5 steps)")]
    for left in (20, 10, 5, 2, 1, 0):
        bisect += [
            ("python reproduce.py", "AssertionError: expected [1, 2]"),
            ("python -m pytest tests/test_calc.py -q", PASSING),
            (f"git bisect {'bad' if left % 2 else 'good'}", f"Bisecting: {left} revisions left to test after this"),
        ]
    assert not any(_run([FIX, *bisect]))
    # The same reruns with a look at the history in between instead (nothing checked out) are one.
    logged = [
        (c, r) if not c.startswith("git bisect ") else ("git log --oneline -1", "abc123 Fix add") for c, r in bisect
    ]
    assert any(_run([FIX, *logged]))
