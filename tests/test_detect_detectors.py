from __future__ import annotations

import pytest

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
        "exit code: grep: x: No such file"
    )


def test_the_exit_status_is_no_part_of_a_failure_its_output_names() -> None:
    # One cause behind two commands: the installer exits 1, the program that needs what it installs 2.
    installer = "raco pkg install: package is not available for this platform\nexit code 1"
    program = "raco pkg install: package is not available for this platform\nexit code 2"
    assert (
        error_signature(installer)
        == error_signature(program)
        == ("exit code: raco pkg install: package is not available for this platform")
    )
    assert error_signature("\nexit code 1") == "exit code 1"  # nothing said: the status is all there is


def test_how_many_tests_ran_is_no_part_of_a_failure_signature() -> None:
    # One jest file run twice: the same test fails, the total differs (another file picked up).
    first = "FAIL src/lib/money.test.ts\n  ● invoices › rounds half-even\nTests:       1 failed, 84 total"
    second = "FAIL src/lib/money.test.ts\n  ● invoices › rounds half-even\nTests:       1 failed, 71 total"
    fewer = "FAIL src/lib/money.test.ts\n  ● invoices › rounds half-even\nTests:       2 failed, 71 total"
    assert error_signature(first) == error_signature(second)
    assert error_signature(first) != error_signature(fewer)


def test_a_command_killed_for_running_too_long_has_one_signature_however_it_was_run() -> None:
    killed = (
        "The last command <command>python -m pytest tests/test_cds.py</command> timed out and has been killed.\n"
        "The output of the command was:\n <output>\n.......\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )
    assert error_signature(killed) == "timed out"
    assert error_signature("<returncode>124</returncode>\n<output>\n</output>") == "timed out"  # `timeout 45 …`
    # GNU timeout's status: whatever the command printed before it was killed, it did not finish.
    assert error_signature("<returncode>124</returncode>\n<output>\nERROR: x\n</output>") == "timed out"


def test_generated_worker_names_and_json_offsets_do_not_make_two_errors() -> None:
    task = "RuntimeError: Task <Task pending name='Task-{n}' coro=<main()>> got Future attached to a different loop"
    assert error_signature(task.format(n=1)) == error_signature(task.format(n=3))
    decode = "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 12 column 5 (char {n})"
    assert error_signature(decode.format(n=296)) == error_signature(decode.format(n=4450))
    elsewhere = decode.replace("column 5", "column 9")
    assert error_signature(decode.format(n=296)) != error_signature(elsewhere.format(n=296))


def test_a_linters_complaint_is_its_rule_whatever_the_numbers_in_its_wording() -> None:
    long_line = "src/app/base.py:{line}:120: E501 line too long ({n} > 119 characters)"
    assert error_signature(long_line.format(line=12, n=124)) == "lint E501"
    assert error_signature(long_line.format(line=40, n=134)) == "lint E501"
    assert error_signature("src/app/base.py:7:1: W503 line break before binary operator") == "lint W503"


def test_a_bottomless_recursion_is_one_error_wherever_python_hit_the_limit() -> None:
    where = ["while calling a Python object", "in comparison", "while getting the str of an object", ""]
    signatures = {error_signature(f"RecursionError: maximum recursion depth exceeded {w}".strip()) for w in where}
    assert signatures == {"RecursionError: maximum recursion depth exceeded"}


def test_generated_names_in_an_error_message_do_not_make_two_errors() -> None:
    # Django names each new migration after its number and a timestamp: the conflict is the same one.
    first = "CommandError: Conflicting migrations detected; (0002_invoice_price, 0002_auto_20251118_1329 in ledger)."
    again = "CommandError: Conflicting migrations detected; (0004_invoice_price, 0004_auto_20251117_1736 in ledger)."
    assert error_signature(first) == error_signature(again)
    assert error_signature("AssertionError: assert 3 == 4") != error_signature("AssertionError: assert 2 == 4")
    address = error_signature("ValueError: bad <object at 0x7f3a2b9c>")
    assert address == error_signature("ValueError: bad <object at 0x7f11d2e0>")


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


FAILING_TOTAL = (
    "exit code 1\nFAILED tests/test_tax.py::test_total - AssertionError: assert 3 == 4\n1 failed, 9 passed in 0.52s"
)


def test_edits_and_acknowledgements_between_runs_failing_the_same_way_do_not_dilute_same_error() -> None:
    # Edit, build, the same error, six times: the edits and the build's `ok` say nothing.
    edits = ["sed -i 's/return x/return x + 1/' src/tax.py", "cat > src/tax.py <<'PY'\ndef total(x):\n    return x\nPY"]
    tests = [
        "python -m pytest tests/test_tax.py",
        "pytest -x tests/test_tax.py",
        "pytest -q tests/test_tax.py::test_total",
    ]
    script = []
    for i in range(6):
        script += [(edits[i % 2], ""), ("pip install -e . -q", "ok"), (tests[i % 3], FAILING_TOTAL)]
    script.append((edits[0], ""))  # a result arrives with the next call
    found = _run(ErrorSignatureDetector(), script, style="openai")
    assert found[-1] and found[-1][0].severity >= 0.85
    assert "6 of the last 6 informative tool results" in found[-1][0].evidence


def test_an_edit_tools_answer_quoting_a_snippet_does_not_dilute_same_error() -> None:
    # Claude Code's Edit answers with a snippet of the edited file: many words, still only an acknowledgement.
    detector = ErrorSignatureDetector()
    session = ScriptedSession(style="anthropic")
    found: list[Finding] = []
    for i in range(7):  # a result arrives with the next call: the sixth failure with the seventh edit
        new = f"    return sum(item.price * item.qty for item in items) + {i}"
        edit = {"file_path": "/app/src/tax.py", "old_string": "    return 0", "new_string": new}
        snippet = (
            "The file /app/src/tax.py has been updated. Here's the result of running `cat -n` on a snippet of the "
            f"edited file:\n     9\tdef total(items: list[Item]) -> Decimal:\n    10\t{new}\n    11\t\n"
            "    12\tdef rounding_mode_for(currency: str) -> str:\n    13\t    return ROUNDING[currency]"
        )
        found = detector.observe(session.call("", snippet, tool="Edit", arguments=edit))
        if i < 6:
            # A debug print shows the edit took: the output differs, the failure does not (the very same
            # output each time would be the repetition detector's).
            failing = f"total() = {i}\n{FAILING_TOTAL}"
            detector.observe(session.call("python -m pytest tests/test_tax.py", failing, tool="Bash"))
    # One command failing the same way six times in eight: 0.7, a step below different commands (0.85).
    assert found and found[0].severity == pytest.approx(0.7)


def test_one_command_printing_the_very_same_failure_each_time_is_left_to_repetition() -> None:
    detector = ErrorSignatureDetector()
    session = ScriptedSession(style="anthropic")
    found: list[Finding] = []
    for i in range(7):
        detector.observe(session.call(f"sed -i 's/+ {i - 1}/+ {i}/' src/tax.py", "", tool="Bash"))
        found += detector.observe(session.call("python -m pytest tests/test_tax.py", FAILING_TOTAL, tool="Bash"))
    assert found == []


def test_bare_exit_statuses_are_not_the_same_error() -> None:
    # `grep` finding nothing, `test -f` false, `diff` differing: exit code 1 with nothing said is no error.
    commands = [
        "grep -q TODO src/a.py",
        "test -f build/out.o",
        "diff -q a.txt b.txt",
        "grep -rq 'def total' lib/",
        "test -d .venv",
        "cmp -s x.bin y.bin",
    ]
    script = [(command, "<returncode>1</returncode>\n<output></output>") for command in commands]
    assert not any(_run(ErrorSignatureDetector(), script))


# One failing test `{t}` of each runner, its source line `{n}` (an edit above it shifts it).
RUNNER_FAILURES = {
    "gradle": "> Task :app:test\n\nOrderServiceTest > {t}() FAILED\n    org.opentest4j.AssertionFailedError at "
    "OrderServiceTest.kt:{n}\n\n3 tests completed, 1 failed\n\n> Task :app:test FAILED\n\nBUILD FAILED in 4s",
    "rspec": "Failures:\n\n  1) Order {t}\n     Failure/Error: expect(total).to eq(4)\n\nFinished in 0.3 seconds\n"
    "1 example, 1 failure\n\nFailed examples:\n\nrspec ./spec/order_spec.rb:{n} # Order {t}",
    "phpunit": "PHPUnit 10.5.0\n\nThere was 1 failure:\n\n1) Tests\\OrderTest::{t}\nFailed asserting that 3 is "
    "identical to 4.\n\n/app/tests/OrderTest.php:{n}\n\nFAILURES!\nTests: 5, Assertions: 5, Failures: 1.",
    "exunit": "\n  1) test {t} (Shop.OrderTest)\n     test/order_test.exs:{n}\n     Assertion with == failed\n\n"
    "Finished in 0.05 seconds\n5 tests, 1 failure",
    "dotnet": "  Failed Shop.Tests.OrderTests.{t} [12 ms]\n  Error Message:\n   Assert.Equal() Failure\n"
    "  Stack Trace:\n"
    "     at OrderTests.cs:line {n}\n\nFailed!  - Failed:     1, Passed:     4, Skipped:     0, Total:     5",
    "ctest": "    Start 3: {t}\n3/5 Test #3: {t} ..........***Failed    0.01 sec\n/app/test/order.cpp:{n}: FAILED\n\n"
    "80% tests passed, 1 tests failed out of 5\n\nThe following tests FAILED:\n\t  3 - {t} (Failed)\n"
    "Errors while running CTest",
    "xctest": "Test Case '-[ShopTests.OrderTests {t}]' started.\n/app/Tests/OrderTests.swift:{n}: error: "
    "-[ShopTests.OrderTests {t}] : XCTAssertEqual failed\nTest Case '-[ShopTests.OrderTests {t}]' failed "
    "(0.002 seconds).\nExecuted 5 tests, with 1 failure (0 unexpected) in 0.01 seconds",
    "vitest": " FAIL  src/order.test.ts > order > {t}\nAssertionError: expected 3 to be 4\n"
    " ❯ src/order.test.ts:{n}:17\n\n"
    " Test Files  1 failed (1)\n      Tests  1 failed | 4 passed (5)",
    "surefire3": "[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 1.2 s <<< FAILURE!\n"
    "[ERROR] OrderTest#{t} -- Time elapsed: 0.05 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <4>"
    " but was: <3>\n\tat com.acme.OrderTest.{t}(OrderTest.java:{n})",
    "scalatest": "[info] OrderSpec:\n[info] - {t} *** FAILED *** (12 milliseconds)\n[info]   3 did not equal 4"
    " (OrderSpec.scala:{n})\n[error] Failed tests:\n[error] \tshop.OrderSpec",
    "bats": "ok 1 lists orders\nnot ok 2 {t}\n# (in test file test/order.bats, line {n})\n#   `run total' failed",
    "dbt": "12:00:01  1 of 1 FAIL 3 {t} .......... [FAIL 3 in 0.53s]\n12:00:02  Failure in test {t} "
    "(models/schema.yml:{n})\n12:00:03  Done. PASS=0 WARN=0 ERROR=0 SKIP=0 TOTAL=1",
}


@pytest.mark.parametrize("runner", sorted(RUNNER_FAILURES))
def test_error_signature_names_the_failing_test_of_each_runner_whatever_its_line(runner: str) -> None:
    output = "exit code 1\n" + RUNNER_FAILURES[runner]
    total = error_signature(output.format(t="testTotal", n=27))
    assert total is not None and "testTotal" in total
    assert error_signature(output.format(t="testRounding", n=27)) != total  # another test failing is news
    assert error_signature(output.format(t="testTotal", n=29)) == total  # an edit above it moved it


def test_tscs_plain_format_is_signed_by_its_code_and_message_as_the_pretty_one() -> None:
    plain = "src/cdn.ts(18,11): error TS2304: Cannot find name 'dutyTopic'.\n\nFound 1 error in src/cdn.ts:18\n"
    pretty = "src/cdn.ts:18:11 - error TS2304: Cannot find name 'dutyTopic'.\n\nFound 1 error in src/cdn.ts:18\n"
    assert error_signature(f"exit code 1\n{plain}") == error_signature(f"exit code 1\n{pretty}")
    assert error_signature(f"exit code 1\n{plain}") == "compile error TS2304 Cannot find name 'dutyTopic'."


def test_without_an_exit_status_a_tools_last_word_that_it_failed_is_the_failure() -> None:
    # aider reports no exit status: what the tool said last is all there is to go on.
    said = "I ran this command:\n\nprobe-rs list\n\nAnd got this output:\n\n{}"
    assert error_signature(said.format("Error: No connected probes were found.")) == (
        error_signature(said.format("       Error No connected probes were found."))
    )
    chained = "Error: Failed to open the debug probe.\n\nCaused by:\n    0: No probe was found."
    assert error_signature(said.format(chained)) == "error: Failed to open the debug probe."
    assert error_signature(said.format("fatal: not a git repository")) == "error: not a git repository"
    assert error_signature(said.format("ERROR: Could not open requirements file")) == (
        "error: Could not open requirements file"
    )
    assert error_signature(said.format("FATAL: no pg_hba.conf entry")) == "error: no pg_hba.conf entry"
    # A line that only mentions an error, or output after it, is not a tool's last word.
    assert error_signature(said.format("Error: old message\nretrying\nflashed 12 KiB")) is None
    assert error_signature(said.format("3 Error-level log lines")) is None
    assert error_signature(said.format("ERROR STOP 1")) is None  # Fortran's: it names nothing


def test_source_line_numbers_are_left_out_and_a_gradle_task_is_no_test_name() -> None:
    failure = "exit code 1\nOrderServiceTest > total() FAILED\n    AssertionFailedError at OrderServiceTest.kt:{n}\n"
    failure += "BUILD FAILED"
    assert error_signature(failure.format(n=27)) == error_signature(failure.format(n=29))
    assert error_signature(
        "exit code 1\nNoMethodError: undefined method `total' for nil\n  app/order.rb:12:in `sum'"
    ) == (error_signature("exit code 1\nNoMethodError: undefined method `total' for nil\n  app/order.rb:14:in `sum'"))
    task = "exit code 1\n> Task :app:test FAILED\n\nFAILURE: Build failed with an exception.\n\nBUILD FAILED"
    assert "Task" not in (error_signature(task) or "") and ":app:test" not in (error_signature(task) or "")


TAX_EDITS = [
    "sed -i 's/return total/return round(total, 2)/' src/tax.py",
    "sed -i 's/rate = 0.2/rate = Decimal(\"0.2\")/' src/tax.py",
    "sed -i 's/items)/items if i.taxable)/' src/tax.py",
]


def test_a_failure_back_word_for_word_after_an_edit_before_each_run_weighs_a_step_more() -> None:
    script = [
        step for edit in TAX_EDITS for step in ((edit, ""), ("python -m pytest tests/test_tax.py", FAILING_TOTAL))
    ]
    found = _run(RepetitionDetector(), [*script, ("git diff", "")], style="openai")
    finding = found[-1][0]
    assert finding.severity == pytest.approx(0.65)
    assert "3 times" in finding.evidence
    assert "an edit came before each run, and the failure did not change" in finding.evidence


def test_the_same_failure_three_times_without_edits_between_stays_at_its_count() -> None:
    script = [("python -m pytest tests/test_tax.py", FAILING_TOTAL), ("cat src/tax.py", "def total(items): ...")] * 3
    found = _run(RepetitionDetector(), [*script, ("git diff", "")], style="openai")
    finding = next(fs[0] for fs in found if fs)
    assert finding.severity == pytest.approx(0.55) and "an edit came before" not in finding.evidence


def test_a_check_that_passes_again_after_each_edit_is_no_repetition() -> None:
    script = [step for edit in TAX_EDITS for step in ((edit, ""), ("ruff check src", "All checks passed!"))]
    assert not any(_run(RepetitionDetector(), [*script, ("git diff", "")], style="openai"))


def _mean_failing(source: str, debug: str = "") -> str:
    """`reproduce.py` failing in `mean`, its traceback quoting the `return` line an edit rewrote."""
    return (
        f"<returncode>1</returncode>\n<output>\n{debug}Traceback (most recent call last):\n"
        '  File "/testbed/reproduce.py", line 3, in <module>\n    print(mean([]))\n'
        f'  File "/testbed/src/stats.py", line 4, in mean\n    {source}\nZeroDivisionError: division by zero\n</output>'
    )


MEAN_SOURCES = [
    "return sum(items) / len(items)",
    "return sum(items) / max(len(items), 0)",
    "return float(sum(items)) / len(items)",
    "return sum(items) / len(list(items))",
]


def _edited_reruns(runs: int, debug: bool = False) -> list[tuple[str, str]]:
    """`python reproduce.py` failing, then `runs - 1` times an edit of the failing line and a rerun."""
    script = []
    for i, source in enumerate(MEAN_SOURCES[:runs]):
        if i:
            script.append((f"sed -i 's|return .*|{source}|' src/stats.py", ""))
        # A debug print whose value changes each run says something the edit did not write.
        printed = f"DEBUG items=[] calls={i}\n" if debug else ""
        script.append(("python reproduce.py", _mean_failing(source, printed)))
    return [*script, ("git diff", "diff --git a/src/stats.py b/src/stats.py")]  # the last result arrives


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_the_same_failure_after_each_of_three_edits_that_only_show_up_in_the_traceback_is_found(style: str) -> None:
    found = _run(ErrorSignatureDetector(), _edited_reruns(4), style=style)
    finding = found[-1][0]
    assert finding.severity == pytest.approx(0.65)
    assert "after each of the last 3 edits (calls 1, 3, 5, 7): the edits do not reach the failure" in finding.evidence
    assert finding.key == "error:ZeroDivisionError: division by zero"


def test_three_runs_of_such_a_streak_are_weaker() -> None:
    found = _run(ErrorSignatureDetector(), _edited_reruns(3))
    finding = found[-1][0]
    assert finding.severity == pytest.approx(0.5) and "after each of the last 2 edits" in finding.evidence


def _versions_tried(install_fails: bool) -> list[tuple[str, str]]:
    """The same import failing after each of three other versions installed (or failed to install)."""
    check = "python -c 'from asgiref.sync import markcoroutinefunction'"
    failing = "<returncode>1</returncode>\n<output>\nImportError: cannot import name 'markcoroutinefunction'\n</output>"
    installed = (
        "<returncode>1</returncode>\n<output>\nReadTimeoutError: HTTPSConnectionPool(host='pypi.org'): "
        "Read timed out.\n</output>"
        if install_fails
        else "<returncode>0</returncode>\n<output>\nSuccessfully installed asgiref\n</output>"
    )
    script = [(check, failing)]
    for version in ("3.3.4", "3.4.1", "3.2.10"):
        script += [(f"python -m pip install asgiref=={version}", installed), (check, failing)]
    return [*script, ("pip show asgiref", "Name: asgiref")]


def test_the_same_failure_after_each_of_three_versions_installed_is_a_streak() -> None:
    found = _run(ErrorSignatureDetector(), _versions_tried(install_fails=False))
    assert "after each of the last 3 edits" in found[-1][0].evidence


def test_the_same_failure_after_each_of_three_file_moves_is_a_streak() -> None:
    check = "python -m pytest tests_issue/test_bug.py"
    failing = "<returncode>2</returncode>\n<output>\nERROR collecting tests_issue/test_bug.py\n</output>"
    changes = ("touch tests_issue/__init__.py", "rm -rf tests_issue/__pycache__", "mv tests_issue/conftest.py c.py")
    script = [(check, failing)]
    for change in changes:
        script += [(change, "<returncode>0</returncode>\n<output>\n</output>"), (check, failing)]
    found = _run(ErrorSignatureDetector(), [*script, ("ls tests_issue", "test_bug.py")])
    assert "after each of the last 3 edits" in found[-1][0].evidence


def test_installs_that_fail_change_nothing_and_retrying_one_is_no_streak() -> None:
    found = _run(ErrorSignatureDetector(), _versions_tried(install_fails=True))
    assert not any("do not reach the failure" in f.evidence for fs in found for f in fs)


def test_print_debugging_with_new_values_each_run_is_no_streak() -> None:
    assert not any(_run(ErrorSignatureDetector(), _edited_reruns(4, debug=True)))


def _runtests_failing(test: str, error: str, call: int) -> str:
    """Django's runner failing one test (its line, count and timing vary from run to run)."""
    kind = "ERROR" if "AttributeError" in error else "FAIL"
    return (
        "Testing against Django installed in '/testbed/django' with up to 8 processes\n"
        "Creating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n"
        f"..........{kind[0]}.......\n{'=' * 70}\n{kind}: {test} (ordering.tests.OrderingTests.{test})\n"
        f"{'-' * 70}\nTraceback (most recent call last):\n"
        f'  File "/testbed/tests/ordering/tests.py", line {40 + call}, in {test}\n    self.check()\n{error}\n\n'
        f"{'-' * 70}\nRan 30 tests in 0.{400 + call}s\n\nFAILED ({'errors' if kind == 'ERROR' else 'failures'}=1)\n"
    )


# Two fixes of Django's ordering, each failing a test the other passes.
EDIT_A = "sed -i 's/if self.nulls_first:/if self.nulls_first is True:/' django/db/models/expressions.py"
EDIT_B = (
    "sed -i 's/self.nulls_first = nulls_first/self.nulls_first = bool(nulls_first)/' django/db/models/expressions.py"
)
FAILS_A = (
    "test_order_by_nulls_first",
    "AssertionError: Lists differ: [<Article: a1>, <Article: a4>] != [<Article: a4>]",
)
FAILS_B = ("test_order_by_f_expression", "AttributeError: 'OrderBy' object has no attribute 'nulls_first'")
RUNTESTS = [
    "./tests/runtests.py ordering",
    "python tests/runtests.py ordering --verbosity 2",
    "cd /testbed && python tests/runtests.py ordering",
]
READS = [
    ("grep -n 'nulls_first' django/db/models/expressions.py", "1268:        if self.nulls_first:"),
    ("sed -n 1260,1275p django/db/models/expressions.py", "    def as_sql(self, compiler, connection):"),
    ("git diff --stat", " django/db/models/expressions.py | 2 +-"),
]


def _fixes_in_turn(edits: int) -> list[tuple[str, str]]:
    script = []
    for i in range(edits):
        edit, (test, error) = (EDIT_A, FAILS_A) if i % 2 == 0 else (EDIT_B, FAILS_B)
        script += [(edit, ""), (RUNTESTS[i % 3], _runtests_failing(test, error, i)), READS[i % 3]]
    return script


def test_two_fixes_taking_turns_each_bringing_back_the_others_failure_are_found() -> None:
    found = _run(ErrorSignatureDetector(), _fixes_in_turn(4), style="openai")
    finding = [f for fs in found for f in fs][-1]
    assert finding.severity == pytest.approx(0.65) and finding.key == "errors in turn"
    assert "2 edits in a row brought back a failure an earlier edit had already met" in finding.evidence
    assert "test_order_by_nulls_first" in finding.evidence and "test_order_by_f_expression" in finding.evidence
    assert found[-1] and not any(found[:-1])  # nothing before the second return


def test_a_third_edit_bringing_back_an_earlier_failure_is_stronger() -> None:
    found = _run(ErrorSignatureDetector(), _fixes_in_turn(5), style="openai")
    finding = [f for fs in found for f in fs][-1]
    assert finding.severity == pytest.approx(0.8) and "3 edits in a row" in finding.evidence


def test_bisect_verdicts_between_failures_taking_turns_are_no_fixes_taking_turns() -> None:
    # `git bisect` checks out one commit after another: the failures alternate, nothing was edited.
    script = []
    for i in range(6):
        test, error = FAILS_A if i % 2 == 0 else FAILS_B
        verdict = "bad" if i % 2 == 0 else "good"
        script += [
            (RUNTESTS[i % 3], _runtests_failing(test, error, i)),
            (
                f"git bisect {verdict}",
                f"Bisecting: {12 >> i} revisions left to test after this (roughly {4 - i // 2} steps)",
            ),
        ]
    assert not any(_run(ErrorSignatureDetector(), script, style="openai"))


# Failures that say they may clear if tried again, as the tools print them.
TRANSIENT_FAILURES = {
    "read timed out": (
        "pip install -r requirements.txt",
        "ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='pypi.org', port=443): "
        "Read timed out. (read timeout=15)",
    ),
    "503": (
        "curl -fsS https://api.github.com/repos/acme/kit/releases/latest",
        "curl: (22) The requested URL returned error: 503 Service Unavailable",
    ),
    "reset by peer": (
        "go mod download",
        'go: github.com/acme/log@v1.2.0: Get "https://proxy.golang.org/github.com/acme/log/@v/v1.2.0.mod": '
        "read tcp 172.17.0.2:41234->142.250.74.113:443: read: connection reset by peer",
    ),
    "database is locked": (
        "python manage.py migrate",
        'Traceback (most recent call last):\n  File "/app/manage.py", line 22, in <module>\n    main()\n'
        "sqlite3.OperationalError: database is locked",
    ),
    "busy": (
        "python -m pytest sympy/polys/tests/test_monomials.py",
        "OSError: [Errno 16] Device or resource busy: '/tmp/pytest-of-root/pytest-0'",
    ),
    "GnuTLS": (
        "git clone https://gitlab.com/acme/kit.git",
        "Cloning into 'kit'...\nerror: RPC failed; curl 56 GnuTLS recv error (-54): Error in the pull function.\n"
        "fatal: early EOF\nfatal: fetch-pack: invalid index-pack output",
    ),
}


def _four_times(command: str, output: str, style: str, is_error: bool = True) -> Finding:
    session = ScriptedSession(style=style)
    detector = RepetitionDetector()
    found = [detector.observe(session.call(command, output, is_error=is_error)) for _ in range(4)]
    found.append(detector.observe(session.call("git status", "nothing to commit, working tree clean")))
    return found[-1][0]


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
@pytest.mark.parametrize("failure", sorted(TRANSIENT_FAILURES))
def test_a_failure_that_says_it_may_clear_repeated_four_times_weighs_a_step_less(failure: str, style: str) -> None:
    command, output = TRANSIENT_FAILURES[failure]
    finding = _four_times(command, f"exit code 1\n{output}", style)
    assert finding.severity == pytest.approx(0.55) and "4 times" in finding.evidence


@pytest.mark.parametrize("failure", sorted(TRANSIENT_FAILURES))
def test_aiders_output_of_a_transient_failure_without_an_exit_status_weighs_a_step_less(failure: str) -> None:
    command, output = TRANSIENT_FAILURES[failure]
    reply = f"I ran this command:\n\n{command}\n\nAnd got this output:\n\n{output}\n"
    finding = _four_times(command, reply, "text", is_error=False)
    assert finding.severity == pytest.approx(0.55) and "4 times" in finding.evidence


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_a_failure_that_will_not_clear_repeated_four_times_keeps_its_weight(style: str) -> None:
    output = "exit code 1\nModuleNotFoundError: No module named 'fastparse'"
    finding = _four_times("python -m pytest tests/test_rows.py", output, style)
    assert finding.severity == pytest.approx(0.65) and "4 times" in finding.evidence


_IMPORT_ERRORS = [
    "ImportError: libffi.so.7: cannot open shared object file: No such file or directory",
    "ModuleNotFoundError: No module named '_cffi_backend'",
    "OSError: cannot load library 'libffi.so.7': error 0x7e",
]
_LOOKS = [
    (
        "ldd /opt/env/lib/_cffi_backend.so",
        "linux-vdso.so.1 (0x00007ffd)\nlibffi.so.7 => not found\nlibc.so.6 => /lib/libc.so.6",
    ),
    (
        "ls -la /usr/lib/x86_64-linux-gnu | grep ffi",
        "lrwxrwxrwx 1 root root 15 libffi.so.8 -> libffi.so.8.1.0\n-rw-r--r-- 1 root root 51344 libffi.so.8.1.0",
    ),
    ("python -c 'import sys; print(sys.version, sys.prefix)'", "3.9.18 (main, Sep 11 2023) [GCC 11.2.0] /opt/env"),
    (
        "cat setup.cfg",
        "[metadata]\nname = app\nversion = 1.4.2\n[options]\ninstall_requires =\n    cffi>=1.15\n    argon2-cffi",
    ),
    ("env | grep LD_", "LD_LIBRARY_PATH=/opt/env/lib:/usr/local/lib\nLD_PRELOAD= (unset by the container runtime)"),
    (
        "pip show cffi",
        "Name: cffi\nVersion: 1.16.0\nSummary: Foreign Function Interface for Python calling C code.\n"
        "Location: /opt/env/lib/python3.9/site-packages",
    ),
]


def _failing(i: int) -> str:
    return (
        f"<returncode>1</returncode>\n<output>\nTraceback (most recent call last):\n{_IMPORT_ERRORS[i % 3]}\n</output>"
    )


def _probing(edit_between: bool) -> list[tuple[str, str]]:
    """Failures taking turns from varied commands, a different look after each: reading, probing."""
    commands = [
        "python -c 'from argon2 import PasswordHasher'",
        "python repro.py",
        "python -m pytest tests/test_hash.py",
    ]
    script: list[tuple[str, str]] = []
    for i in range(6):
        if edit_between:
            script.append((f"sed -i 's/rounds={i}/rounds={i + 1}/' src/app/hashing.py", ""))
        script += [(commands[i % 3], _failing(i)), _LOOKS[i]]
    return script


def test_looks_between_failures_while_the_code_does_not_change_do_not_break_the_run() -> None:
    # The same few errors come back while the agent only reads and probes the environment between the
    # runs: the reads are no news for a fix, so the failures are one run and same_error speaks up.
    found = _run(ErrorSignatureDetector(), _probing(edit_between=False))
    assert found[-1] and found[-1][0].severity == pytest.approx(0.55)
    assert "3 failing tool results in a row, none with a new error" in found[-1][0].evidence
    # An edit of the code before each run makes the reads part of debugging: each read breaks the run
    # (the edits bringing back errors met before are another finding's).
    edited = _run(ErrorSignatureDetector(), _probing(edit_between=True))
    assert not any("in a row, none with a new error" in f.evidence for found_now in edited for f in found_now)


def test_git_putting_other_code_in_the_tree_is_a_change_like_an_edit() -> None:
    # Older versions of the code checked out before each run (a bisect by hand): the look after each
    # failure is part of that search and breaks the run, as after an edit.
    repro = "from argon2 import PasswordHasher\nhasher = PasswordHasher(time_cost=2)\nprint(hasher.hash('secret'))"
    script: list[tuple[str, str]] = []
    for i in range(6):
        script += [
            (f"git checkout -q HEAD~{i + 1} -- src/app/hashing.py", ""),
            ("python -m pytest tests/test_hash.py" if i % 2 else "python repro.py", _failing(i)),
            (f"cat tests/test_hash_{i}.py", f"{repro}\n# case {i}"),
        ]
    assert not any(
        "in a row, none with a new error" in f.evidence
        for found in _run(ErrorSignatureDetector(), script)
        for f in found
    )
