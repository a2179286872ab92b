"""same_error's wall rule: failures since the code last changed that keep bringing back errors met since."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from detect_support import ScriptedSession
from regulator.config import Config
from regulator.detect.base import Finding
from regulator.detect.error_signature import error_signature
from regulator.detect.normalise import normalise
from regulator.detect.registry import build_detectors
from regulator.detect.same_error import ErrorSignatureDetector, _changes_files, _searches
from regulator.detect.steps import StepTracker

KEY = "errors since change"

# A drawing library whose native backend the sandbox lacks: each way in fails with one of a few errors.
CAIRO = (
    "instantiate-linklet: mismatch\n  reference to a variable that is uninitialized\n  name: cairo_image_surface_create"
)
BITMAP = "make-bitmap: failed to create bitmap; the graphics backend did not load"
PLATFORM = "raco pkg install: package is not available for this platform\n  package: draw-x86_64-linux-natipkg"
LOCKED = "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)"
PANGO = 'ffi-lib: couldn\'t open "libpangocairo-1.0.so.0" (cannot open shared object file)'


def _failed(text: str, status: int = 2) -> str:
    return f"{text}\nexit code {status}"


# Twelve attempts, every one different, a new error now and then, the old ones coming back.
WALL = [
    ("racket main.rkt labels --lot L-0412", _failed(CAIRO)),
    ("racket -l racket/draw -e '(make-bitmap 10 10)'", _failed(BITMAP)),
    ("raco pkg install --auto draw-x86_64-linux-natipkg", _failed(PLATFORM, 1)),
    ("PLT_CS_DEBUG=1 racket labels.rkt", _failed(CAIRO)),  # back: 1
    ("raco test tests/labels-test.rkt", _failed(BITMAP)),  # 2
    ("apt-get install -y libcairo2", _failed(LOCKED, 100)),
    ("raco pkg install --auto draw-x86_64-linux-natipkg -v", _failed(PLATFORM, 1)),  # 3
    ("LD_LIBRARY_PATH=/opt/cairo/lib racket main.rkt labels", _failed(PANGO, 1)),
    ("raco test -j 1 tests/labels-test.rkt", _failed(CAIRO)),  # 4
    ("racket main.rkt labels --lot L-0412 --scope user", _failed(BITMAP)),  # 5
    ("sudo apt-get install -y libpango1.0-0", _failed(LOCKED, 100)),  # 6
    ("racket -W debug main.rkt labels", _failed(CAIRO)),  # 7
]


def _run(script: list[tuple[str, str]], style: str = "openai", **kwargs: int) -> list[list[Finding]]:
    detector, session = ErrorSignatureDetector(**kwargs), ScriptedSession(style=style)
    return [detector.observe(session.call(command, result)) for command, result in script]


def _wall_findings(found: list[list[Finding]]) -> list[tuple[int, Finding]]:
    return [(i, f) for i, fs in enumerate(found) for f in fs if f.key == KEY]


def test_attempts_going_round_the_same_few_errors_are_found_on_the_fourth_return() -> None:
    found = _wall_findings(_run(WALL))
    # A result is seen with the call after it: the 4th to 6th failures to bring an error back (of calls
    # 8–10) are found with calls 9–11.
    assert [i for i, _ in found] == [9, 10, 11]
    first = found[0][1]
    assert [f.severity for _, f in found] == pytest.approx([0.6, 0.65, 0.7])
    assert "4 failures since the code last changed brought back an error already met since then" in first.evidence
    assert "4 different commands, 5 different errors in all" in first.evidence
    assert first.calls == [4, 5, 7, 9]  # the calls whose results brought an error back (each seq + 1)


def test_one_command_failing_the_same_way_again_is_left_to_repetition() -> None:
    # A retry of one flaky command (`sleep 5 &&` in front or not) that fails a few times before it passes.
    retries = [
        (f"{'sleep 5 && ' if i % 2 else ''}python -m pytest tests/test_queue.py", _failed(CAIRO)) for i in range(8)
    ]
    assert not _wall_findings(_run(retries, min_count=9))


def test_reads_between_the_attempts_do_not_start_over() -> None:
    looks = [("cat info.rkt", '#lang info\n(define deps (quote ("base" "draw-lib")))'), ("ls /usr/lib", "libc.so.6")]
    script = [step for i, attempt in enumerate(WALL) for step in ([attempt, looks[i % 2]] if i % 3 == 0 else [attempt])]
    assert _wall_findings(_run(script))


@pytest.mark.parametrize(
    "change",
    [
        ("sed -i 's/racket\\/draw/racket\\/draw\\/unsafe/' main.rkt", ""),
        ("git checkout -q HEAD~3 -- main.rkt", ""),
    ],
)
def test_a_change_to_the_code_starts_the_count_again(change: tuple[str, str]) -> None:
    # Debugging: each run after a change of the code is a new try, however old its error.
    script = [step for i, attempt in enumerate(WALL) for step in ([change, attempt] if i % 4 == 3 else [attempt])]
    assert not _wall_findings(_run(script))


def test_the_same_error_from_varied_commands_is_counted_too() -> None:
    script = [(f"racket main.rkt labels --lot L-04{i}", _failed(CAIRO)) for i in range(8)]
    assert KEY in {f.key for fs in _run(script, min_count=9) for f in fs}  # the other rules held back


def test_how_many_returns_it_takes_is_a_setting() -> None:
    assert next(i for i, _ in _wall_findings(_run(WALL, min_recurring=3))) == 7
    assert next(i for i, _ in _wall_findings(_run(WALL, min_recurring=5))) == 10


def test_the_reporter_clock_of_dart_tests_is_not_part_of_their_failure() -> None:
    # `flutter test` and `dart test` put the time since the start before each line: two runs failing
    # the same test must have one signature.
    def run(clock: str) -> str:
        return (
            f"00:01 +0: loading test/sync/queue_test.dart\n{clock} +7 -1: test/sync/queue_test.dart: drains [E]\n"
            f"  Expected: <3>\n  Actual: <4>\n{clock} +7 -1: Some tests failed.\nexit code 1"
        )

    assert error_signature(run("00:19")) == error_signature(run("01:07")) is not None
    assert normalise("12:30 meeting +1") == "12:30 meeting +1"  # a clock elsewhere is left alone


@pytest.mark.parametrize(("value"), [1, "five"])
def test_a_bad_setting_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Config.model_validate({"detect": {"same_error": {"min_recurring": value}}})
    assert "detect.same_error.min_recurring" in str(refused.value)


def test_state_is_forgotten_with_the_session() -> None:
    detector, session = ErrorSignatureDetector(), ScriptedSession(style="openai")
    for command, result in WALL:
        detector.observe(session.call(command, result))
    detector.forget(session.session)
    assert not detector._since


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_searches_finding_nothing_again_are_one_answer_and_checks_answering_no_are_none(style: str) -> None:
    searches = [
        "grep -rn 'def flush_pending' src/",
        "rg -n flush_pending",
        "cd lib && grep -rn 'flush_pending(' . ../tests",
        "find . -name '*pending*.py'",
        "git grep -n 'flush_pending'",
        "git log -S 'flush_pending' --oneline",
    ]
    nothing = "<returncode>1</returncode>\n<output></output>"
    assert _wall_findings(_run([(search, nothing) for search in searches], style=style, min_count=9))
    checks = ["test -f build/out.o", "diff -q a.txt b.txt", "cmp -s x.bin y.bin", "test -d .venv", "test -x bin/run"]
    assert not _wall_findings(_run([(check, nothing) for check in checks * 2], style=style, min_count=9))


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("mv setup.cfg.bak setup.cfg", "change"),
        ("cd /testbed && rm -rf build", "change"),
        ("pip install 'numpy<2'", "change"),
        ("cat setup.cfg", "neither"),
        ("grep -rn flush src", "search"),
        ("git log -S flush --oneline", "search"),
        ("git log --oneline -3", "neither"),
    ],
)
def test_what_changes_files_and_what_searches_whatever_the_agents_shape(style: str, command: str, kind: str) -> None:
    # A shell line (mini-swe-agent, aider) or a tool call's command field (Codex, Claude Code) alike.
    session, tracker = ScriptedSession(style=style), StepTracker()
    tracker.advance(session.call(command, ""))
    (step,) = tracker.advance(session.call("true", ""))
    assert (_changes_files(step), _searches(step)) == (kind == "change", kind == "search")


def test_the_setting_reaches_the_detector_the_configuration_builds() -> None:
    config = Config.model_validate({"detect": {"same_error": {"min_recurring": 6}}})
    (detector,) = [d for d in build_detectors(config.detect) if isinstance(d, ErrorSignatureDetector)]
    assert detector.min_recurring == 6
    assert Config().detect.same_error.min_recurring == 4
