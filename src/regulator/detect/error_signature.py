"""What a failing result says went wrong, in a few normalised words: its error signature.

A result is reduced to the failing tests and the test summary when there are any, else a
compiler's first error, else the last exception type and message, else the last line of output of
a command that exited non-zero (the status itself only when nothing was printed), else a tool's own
report that it stopped whatever the exit status (`Warning, treated as error:`, pip's
`subprocess-exited-with-error`, a warning raised as an exception) — with volatile
text normalised, so two runs that fail the same way have one signature however the output
drifted. The `same_error` detector (`detect/same_error.py`) counts them; the cycle detector
compares steps by them (`outcome_key`).
"""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache

from regulator.detect.normalise import clip, normalise, without_line_numbers
from regulator.detect.steps import Step, per_step

# How harnesses report an exit status: `<returncode>1</returncode>`, `Exit code 1`, `exit status 1`,
# `Return code: 1`, `exited with code 1`, `(exit 1)`.
_EXIT = re.compile(
    r"<returncode>(-?\d+)</returncode>|(?:exit(?:ed with)?|return) ?(?:code|status)[: ]+(-?\d+)|\(exit (-?\d+)\)", re.I
)
# How tools say a failure may clear by itself.
_TRANSIENT = re.compile(
    r"timed? ?out|timeout|temporarily|try again|retry later|\b50[234]\b|service unavailable|bad gateway"
    r"|connection reset|ECONNRESET|reset by peer|too many requests|\b429\b|rate.?limit|database is locked"
    r"|could not (?:acquire|obtain) lock|lock is held|EAI_AGAIN|deadline exceeded|flaky|recv error|socket error"
    r"|socket_closed|closed by (?:the )?remote|non-properly terminated|SSL_ERROR_SYSCALL|network aborted"
    r"|resource busy|EBUSY",
    re.I,
)


def may_clear_by_itself(result: str) -> bool:
    """Whether a result says its failure may clear by itself (a timeout, a 503, a lock held a while)."""
    return _TRANSIENT.search(result[-2000:]) is not None


_EXCEPTION_KINDS = ("Error", "Exception", "Exit", "Interrupt", "Failure", "Fault")  # one ends each name
_EXCEPTION = re.compile(
    r"^\s*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Failure|Fault))\b:?[ \t]*(.*)$",
    re.M,
)
# (pattern, literals one of which the text must contain): the guards skip most scans, which are
# what reading a result costs.
_FAILED_TESTS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"^(?:FAILED|ERROR) (\S+::\S+)", re.M), ("FAILED ", "ERROR ")),  # pytest short summary
    (re.compile(r"^(\S+::\S+) (?:FAILED|ERROR)", re.M), (" FAILED", " ERROR")),  # pytest -v
    (re.compile(r"^(?:FAIL|ERROR): (\w+ \([\w.]+\))", re.M), ("FAIL: ", "ERROR: ")),  # unittest / django
    (re.compile(r"^_{3,} (\S*test\w*) _{3,}$", re.M), ("___",)),  # pytest / sympy failure headers
    (re.compile(r"^\s*--- FAIL: (\S+)", re.M), ("--- FAIL",)),  # go test
    (re.compile(r"^test (\S+) \.\.\. FAILED$", re.M), ("... FAILED",)),  # cargo test
    (re.compile(r"^\s*● (.+?)(?: › .*)?$", re.M), ("●",)),  # jest
    (re.compile(r"^\[ERROR\] ([\w.$]+)\s+Time elapsed.*FAILURE", re.M), ("Time elapsed",)),  # maven surefire
    (re.compile(r"^\[ERROR\] ([\w.$]+#[\w$]+) -- Time elapsed.*<<< (?:FAILURE|ERROR)!", re.M), ("<<< ",)),  # surefire 3
    (re.compile(r"^(\w[\w.$]* > .+?) FAILED$", re.M), (" FAILED",)),  # gradle (`> Task :app:test FAILED` is not a test)
    (re.compile(r"^rspec \S+ # (.+)$", re.M), ("rspec ",)),  # rspec's list of failed examples
    (re.compile(r"^\d+\) ([\w\\]+::\w+)", re.M), ("::",)),  # phpunit
    (re.compile(r"^\s*\d+\) (test .+? \([\w.]+\))", re.M), (") test ",)),  # ExUnit
    (re.compile(r"^\s*Failed ([\w.]+) \[", re.M), ("Failed ",)),  # dotnet test
    (
        re.compile(r"^\s*\d+ - (\S+) \((?:Failed|SEGFAULT|Timeout|Subprocess aborted)\)", re.M),
        ("(Failed)", "(SEGFAULT)", "(Timeout)", "(Subprocess aborted)"),
    ),  # ctest
    (re.compile(r"^Test Case '-?\[?([^'\]]+)\]?' failed", re.M), ("Test Case '",)),  # XCTest
    (re.compile(r"^\s*FAIL\s+(\S+ > .+)$", re.M), ("FAIL",)),  # vitest
    (re.compile(r"Failure in test (\S+)", re.M), ("Failure in test",)),  # dbt
    (re.compile(r"^(?:\[info\] )?- (.+?) \*\*\* FAILED \*\*\*", re.M), ("*** FAILED",)),  # ScalaTest
    (re.compile(r"^\s+(\S.*?):\s+FAIL\b", re.M), (": FAIL",)),  # tasty (Haskell)
    (re.compile(r"^not ok \d+ (.+)$", re.M), ("not ok ",)),  # TAP: bats, prove
    (re.compile(r"^\s*✘\s+\d+ (.+?)(?: \([\d.]+m?s\))?$", re.M), ("✘",)),  # playwright
    (re.compile(r"^✘ Test (.+?) (?:failed|recorded an issue)", re.M), ("✘ Test",)),  # swift-testing
    (re.compile(r'run "(.+?)"\.\.\. fail', re.M), ("... fail",)),  # terraform test
]
# Words that most guards above contain: a text without one (most texts) skips all of those guards at
# once, instead of looking for each of them in the whole text.
_ROOTS = ("FAIL", "ERROR", "ailed")


def _roots(guards: tuple[str, ...]) -> frozenset[str] | None:
    """The roots one of which a text must contain for one of `guards` to be in it; None: no such roots."""
    found = [[root for root in _ROOTS if root in guard] for guard in guards]
    return None if not all(found) else frozenset(root for roots in found for root in roots)


_FAILED_TESTS_ROOTED = [(pattern, guards, _roots(guards)) for pattern, guards in _FAILED_TESTS]
# Compiler diagnostics: the code and message of the first error (its position shifts with edits).
_COMPILER = re.compile(
    r"^(?:\S+:\d+:\d+ - |\S+\(\d+,\d+\): )?error(?:\[(E\d{4})\]| (TS\d+)):? (.+)$"  # rustc, tsc (pretty or plain)
    r"|^\S+\.go:\d+:\d+: (.+)$"  # go
    r"|^\[ERROR\] \S+\.java:\[\d+,\d+\] (.+)$"  # javac through maven
    r"|^\S+:\d+:\d+: error: \[GHC-\d+\][ \t]*\n\s*(?:• )?(.+)$"  # ghc (its message is on the next line)
    r"|^\S+:\d+:\d+: (?:fatal )?error: (.+)$"  # gcc, clang, swiftc
    r"|^\[error\] \S+:\d+:\d+: (.+)$"  # scalac 2 through sbt
    r"|^\[error\] -- \[E\d+\] [\w ]+: \S+[ \t]*\n\[error\]\s+\|\s*(.+)$"  # scalac 3 (the message is on the next line)
    r"|^e: \S+:\d+:\d+ (.+)$",  # kotlinc
    re.M,
)
# A Python linter's first complaint (flake8, ruff, pycodestyle, pylint): the rule, not its wording,
# whose numbers (`line too long (124 > 119 characters)`) move with every reformatting.
_LINT = re.compile(r"^\S+\.pyi?:\d+:\d+: ([A-Z]+\d{2,4}) ", re.M)
# What makes a line a test summary. Looked for on its own, not as `^.*….*$`: that form runs `.*` to
# the end of every line and backs off one character at a time, trying the words at each.
_SUMMARY = re.compile(r"\b(?:\d+ (?:failed|passed|errors?)|FAILED \((?:failures|errors)=|tests finished:)")
# What passed or was skipped, how many ran and how long it took, is no part of a failure: running a
# subset of the tests (`-k`, `-x`, one jest file) changes them while the same tests fail the same way.
_PASSING = re.compile(r",? ?\b\d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?|total)\b|,? in <num>\w*")
_WORDS_IN_MESSAGE = 160
# A whole duration on a failure's last line (`Total time: 21 s`, `BUILD FAILED in 3s`) changes every run.
_DURATION = re.compile(r"\b\d+ ?(?:ms|s|secs?|seconds?|mins?|minutes?)\b")
# Where in a line or a file a parser stopped (`line 1 column 15`, `in position 941`, `at offset 12`):
# it moves with every byte written before the error, as line numbers do with lines.
_OFFSET = re.compile(r"\b(position|offset) \d+\b")
# The column (or column range) after a source line number that `without_line_numbers` zeroed
# (`main.hcl:0,54-38`, `app.rb:0:17`): it moves with every edit of the line.
_COLUMN = re.compile(r"(\.[A-Za-z][A-Za-z0-9]{0,4}:0)[,:]\d+(?:-\d+)?")
_TAG = re.compile(r"</?\w+>")
# A status the agent echoed itself (`cmd; echo rc=$?`, `echo "exit code: $?"`) as the output's last line:
# the harness reports the echo's 0, and a failing or hung command (`rc=124` after `timeout 30 …`) would
# pass for a success.
_ECHOED_STATUS = re.compile(
    r"\n[ \t]*(?:rc|exit(?:[ _]?(?:code|status))?|status|return[ _]?code|ret(?:code)?)[ \t]*[=:][ \t]*(-?\d+)"
    r"[ \t]*(?=\n?(?:</output>)?\s*$)",
    re.I,
)
# Digits inside a generated name in an error message (`0004_auto_20251117_1736`, `tmp_x3f9`, `obj_12`):
# the next run names another one; a number standing alone (`assert 3 == 4`) is kept.
_NUMBERED_NAME = re.compile(r"(?<=[A-Za-z_])\d+|\d+(?=_)")
# A thread's, task's or process's generated name (`Task-3`, `Thread-12`, `Process-2`).
_NUMBERED_WORKER = re.compile(r"\b([A-Z][a-z]+-)\d+\b")
# JSON's `(char 2376)` repeats the line and column before it as an offset into the whole text: it
# moves with every byte written above the error.
_CHAR_OFFSET = re.compile(r" \(char (?:\d+|<num>)\)")
_WHERE_IT_HIT = re.compile(r"(?<=maximum recursion depth exceeded)\b.*")
# A tool's last word that it failed (`Error: No connected probes were found.`, `fatal: …`), with only
# the chain of causes some print under it (Rust's `Caused by:` and its indented lines) after it.
_LAST_WORD_ERROR = re.compile(
    r"(?:^|\n)[ \t]*(?:Error|ERROR|error|fatal|FATAL):?[ \t]+([^\n]+)(?:\n\s*Caused by:(?:\n(?:[ \t][^\n]*)?)*)?\Z"
)
_ERROR_WORDS = ("rror", "RROR", "atal", "ATAL")  # what `_LAST_WORD_ERROR` cannot match without
# Sphinx's `-W`: the build stops at the first warning, under this line; its exit status is often lost
# behind `| tail`. What it says is the failure; where (`file.py:docstring of mod.func:15`) is left out.
_WARNING_AS_ERROR = re.compile(
    r"^Warning, treated as error:[ \t]*\n(?:[^\n]*?: )?(?:WARNING|ERROR|CRITICAL|SEVERE): ([^\n]+)", re.M
)
# A warning raised as an exception (`python -W error::DeprecationWarning`): the traceback ends in it.
_RAISED_WARNING = re.compile(r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*Warning)\b:?[ \t]*(.*)$", re.M)
_TRACEBACK = "Traceback (most recent call last):"
# pip's report of a failed build step (`error: subprocess-exited-with-error`, often behind `| tail`):
# what failed is the last line of the step's output that pip quotes above `[end of output]`.
_PIP_SUBPROCESS = re.compile(r"^[ \t]*(\S[^\n]*?)[ \t]*\n\s*\[end of output\]", re.M)
# How harnesses say they killed a command that ran too long (mini-swe-agent, SWE-agent, OpenHands).
_KILLED = re.compile(
    r"timed out and (?:has been|was) killed|[Cc]ommand timed out after|timed out after \d+ ?s(?:econds)?"
)


def error_signature(text: str) -> str | None:
    """A short, normalised description of the failure in a result, or None when nothing failed.

    Source line numbers are left out (`FooTest.kt:27` and `FooTest.kt:29` are one failure): an edit
    above the failing line shifts them without changing what fails. So are the column after one
    (`main.hcl:54,38-41`), a byte offset (`in position 941`) and a duration (`pins both datacenters
    in 2984ms`, bats' timing of a failed test): each changes from run to run of one failure, which
    then never counts as the same error twice.
    """
    signature = _signature(clip(text, 4000))
    if signature is None:
        return None
    signature = _COLUMN.sub(r"\1", without_line_numbers(signature))
    return _OFFSET.sub(r"\1 0", _DURATION.sub("<num>", signature))


@per_step
def step_signature(step: Step) -> str | None:
    """`error_signature` of a step's result."""
    return error_signature(step.observation.text)


def step_failed(step: Step) -> bool:
    """Whether a step's result is a failure: the harness says so, or the text has an error signature."""
    return step.observation.is_error or step_signature(step) is not None


@lru_cache(maxsize=1024)  # keyed by the clipped text, so a cached result never keeps a large one alive
def _signature(body: str) -> str | None:
    if "timed out" in body and _KILLED.search(body):
        return "timed out"  # the harness killed it: whatever it printed before, it did not finish
    exit_match = _EXIT.search(body)
    exit_code = next((g for g in exit_match.groups() if g is not None), None) if exit_match else None
    echoed = _ECHOED_STATUS.search(body, len(body) - 200) if exit_code in (None, "0") else None
    if echoed is not None and echoed.group(1) != "0":
        # Read as the harness would have reported the command itself.
        exit_code = echoed.group(1)
        body = body[: echoed.start()] + body[echoed.end() :]
        if exit_match is not None:
            body = body[: exit_match.start()] + f"<returncode>{exit_code}</returncode>" + body[exit_match.end() :]
    if exit_code == "124":
        # GNU `timeout`'s status: what the command printed before it was killed (a varying part of a run,
        # `started 7 workers`) is no failure of its own; a hang is one failure however far it got.
        return "timed out"
    tests = _failing_tests(body)
    if tests:
        last = _last_summary(body)
        summary = _PASSING.sub("", normalise(last)).strip("=, ") if last is not None else ""
        shown = ", ".join(tests[:5]) + (f" and {len(tests) - 5} more" if len(tests) > 5 else "")
        return f"failing {shown}" + (f" ({summary})" if summary else "")
    compiled = _COMPILER.search(body) if _may_be_compiled(body) else None
    if compiled:
        return "compile error " + normalise(" ".join(g for g in compiled.groups() if g))[:_WORDS_IN_MESSAGE]
    lint = _LINT.search(body) if ".py" in body else None
    if lint:
        return "lint " + lint.group(1)
    exceptions = _EXCEPTION.findall(body) if any(map(body.__contains__, _EXCEPTION_KINDS)) else []
    if exceptions:
        kind, message = exceptions[-1]
        if kind == "RecursionError":
            # Python says where the limit was hit (`while calling a Python object`, `in comparison`,
            # `while getting the str of an object`): one bottomless recursion, whichever frame it hit.
            message = _WHERE_IT_HIT.sub("", message)
        said = normalise(f"{kind}: {message}" if message else kind)  # hex addresses, times … first
        said = _CHAR_OFFSET.sub("", _NUMBERED_WORKER.sub(r"\1<n>", said))
        return _NUMBERED_NAME.sub("<n>", said)[:_WORDS_IN_MESSAGE]
    if exit_code not in (None, "0"):
        lines = [line for line in _TAG.sub("", body).splitlines() if line.strip(" `\t") and not _EXIT.search(line)]
        last = _DURATION.sub("<num>", normalise(lines[-1]))[:_WORDS_IN_MESSAGE] if lines else ""
        # The status is left out where the output says what failed: one cause behind two commands often
        # exits 1 from one and 2 from the other (an installer and the program that needs what it installs).
        return f"exit code: {last}" if last else f"exit code {exit_code}"
    if exit_code is None and any(word in body for word in _ERROR_WORDS):
        # A harness that reports no exit status (aider): a tool's own last word that it failed.
        last_word = _LAST_WORD_ERROR.search(body.rstrip())
        # Two words or fewer (Fortran's `ERROR STOP 1`) name no failure, as a bare exit status does not.
        if last_word and len(last_word.group(1).split()) > 2:
            return "error: " + _DURATION.sub("<num>", normalise(last_word.group(1)))[:_WORDS_IN_MESSAGE]
    return _failure_behind_success(body)


def failing_tests(text: str) -> list[str]:
    """The names of the tests a result reports failing (sorted, line numbers left out); [] when none."""
    return [without_line_numbers(name) for name in _failing_tests(clip(text, 4000))]


@lru_cache(maxsize=1024)
def _failing_tests(body: str) -> list[str]:
    present = {root for root in _ROOTS if root in body}
    return sorted(
        {
            m
            for pattern, guards, roots in _FAILED_TESTS_ROOTED
            if (roots is None or not roots.isdisjoint(present)) and any(map(body.__contains__, guards))
            for m in pattern.findall(body)
        }
    )


def _failure_behind_success(body: str) -> str | None:
    """A failure whose exit status was lost (`cmd 2>&1 | tail`) or never failed the command, told by its words.

    Tried only when nothing else says the result failed: each form is a tool's own unambiguous report
    that it stopped, so a run that printed it did not do what was asked however it exited.
    """
    if "treated as error" in body:
        warned = _WARNING_AS_ERROR.search(body)
        if warned:
            return "warning treated as error: " + normalise(warned.group(1))[:_WORDS_IN_MESSAGE]
    if "subprocess-exited-with-error" in body:
        quoted = _PIP_SUBPROCESS.search(body)
        if quoted:
            return "subprocess-exited-with-error: " + normalise(quoted.group(1))[:_WORDS_IN_MESSAGE]
    if _TRACEBACK in body:
        raised = deque(_RAISED_WARNING.finditer(body, body.rindex(_TRACEBACK)), maxlen=1)
        if raised:
            kind, message = raised[0].groups()
            return normalise(f"{kind}: {message}" if message else kind)[:_WORDS_IN_MESSAGE]
    return None


def _last_summary(body: str) -> str | None:
    """The last line that reads as a test summary (`3 failed, 10 passed in 2.1s`), if any."""
    found = deque(_SUMMARY.finditer(body), maxlen=1)
    if not found:
        return None
    last = found[0]
    start = body.rfind("\n", 0, last.start()) + 1
    end = body.find("\n", last.end())
    return body[start:] if end < 0 else body[start:end]


def _may_be_compiled(body: str) -> bool:
    """Whether `_COMPILER` can match: each of its forms has `error`, `[ERROR] `, `.go:` or `e: ` at a line start.

    Most results have none, and a pattern of many forms anchored at line starts is tried at each line.
    """
    return "error" in body or "[ERROR] " in body or ".go:" in body or body.startswith("e: ") or "\ne: " in body


def outcome_key(step: Step) -> str:
    """What a step's result says happened: its error signature when it failed, else its normalised text.

    Two runs of a test suite that fail the same tests the same way have one outcome, even when one
    stopped at the first failure (`-x`) and the other printed a longer report.
    """
    signature = step_signature(step)
    return "error:" + signature if signature is not None else step.observation_key
