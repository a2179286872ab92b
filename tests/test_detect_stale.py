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


TAX = "def total(items):\n    return sum(items)\n"
TAX_EDITED = "def total(items):\n    return round(sum(items), 2)\n"
CART = "from tax import total\n\nclass Cart:\n    def checkout(self):\n        return total(self.items)\n"
MONEY = "RATE = 0.2\n\ndef with_tax(x):\n    return x * (1 + RATE)\n"
EDIT = ("sed -i 's/return sum(items)/return round(sum(items), 2)/' src/tax.py", "")


def _before_the_rereads() -> list[tuple[str, str]]:
    """Read three files and test; one edit; the test, the diff and the edited file again, each changed."""
    return [
        ("git diff", ""),
        ("cat src/tax.py", TAX),
        ("cat src/cart.py", CART),
        ("cat src/money.py", MONEY),
        ("pytest tests/test_tax.py", FAILING.format(t="0.4")),
        EDIT,
        ("pytest tests/test_tax.py", FAILING.replace("3 == 4", "3.0 == 4").format(t="0.4")),
        ("git diff", "-    return sum(items)\n+    return round(sum(items), 2)\n"),
        ("cat src/tax.py", TAX_EDITED),
    ]


def _rereads(count: int) -> list[tuple[str, str]]:
    files = [("cat src/cart.py", CART), ("cat src/money.py", MONEY), ("cat src/tax.py", TAX_EDITED)]
    return [files[i % 3] for i in range(count)]


def test_re_reading_unchanged_files_is_stale_from_six_echoes_in_ten_steps() -> None:
    found = _run([*_before_the_rereads(), *_rereads(7), ("ls", "src tests")])
    first = next(i for i, fs in enumerate(found) if fs)
    # The sixth re-read (step 14) reaches the detector with call 15: the ten latest steps hold it,
    # five re-reads before it, the changed test, diff and file, and the edit (the one new action).
    assert first == 15
    finding = found[first][0]
    assert finding.severity == 0.5 and finding.key == "stale"
    assert "6 of the last 10 actions" in finding.evidence and "3 of them re-read" in finding.evidence
    for command in ("cat src/cart.py", "cat src/money.py", "cat src/tax.py"):
        assert command in finding.evidence
    assert found[first + 1][0].severity == 0.6  # one more echo


def test_exploring_new_files_among_re_reads_is_not_stale() -> None:
    # The same re-reads, but after every two a file not read before: three new actions in ten steps.
    script = [*_before_the_rereads()]
    for i, step in enumerate(_rereads(16)):
        script.append(step)
        if i % 2:
            script.append((f"cat src/module_{i}.py", f"def helper_{i}():\n    return {i}\n"))
    assert not any(_run(script))


def test_a_file_re_read_after_an_edit_changed_it_is_no_echo() -> None:
    # The first finding above, and the same script had the edit changed nothing: the test, the diff
    # and the file read after it would give their old results, three echoes more.
    before = _before_the_rereads()
    unchanged = [*before[:6], before[4], ("git diff", ""), ("cat src/tax.py", TAX)]
    rereads = [(command, TAX) if command == "cat src/tax.py" else (command, out) for command, out in _rereads(6)]
    edited = _run([*before, *_rereads(6), ("ls", "src tests")])[15]
    assert "6 of the last 10 actions" in edited[0].evidence and edited[0].severity == 0.5
    not_edited = _run([*unchanged, *rereads, ("ls", "src tests")])[15]
    assert "9 of the last 10 actions" in not_edited[0].evidence and not_edited[0].severity == 0.8


def test_asking_again_for_more_of_the_same_is_nothing_new_tried() -> None:
    # Ever wider greps and longer histories of one file, the file dumped again between them: each
    # command has a new number, none is a new request.
    script: list[tuple[str, str]] = []
    for k in range(4, 12):
        body = "\n".join(f"line {i}" for i in range(k))
        script += [
            (f"grep -rn -C {k} 'test_unicode' testing/logging/", body),
            (f"git log -p -n {k} -- testing/logging/test_fixture.py", f"commit {k}\n{body}"),
            ("cat testing/logging/test_fixture.py", "import logging\nimport pytest\n"),
        ]
    found = _run(script)
    first = _first_stretch(found)
    assert first == 3 + 12  # the first round's three requests, then twelve old ones
    assert "nothing new tried in the last 12 actions" in found[first][0].evidence


def test_paging_through_a_file_with_other_work_between_is_not_stale() -> None:
    # `sed -n` windows of one file are one request asked again; a new edit between them is new work.
    script: list[tuple[str, str]] = []
    for k in range(10):
        script += [
            (f"sed -n '{100 * k},{100 * k + 99}p' src/big.py", f"def part_{k}():\n    return {k}\n"),
            (f"sed -i 's/return {k}/return {k + 1}/' src/big.py", ""),
        ]
    assert not any(_run(script))
