# ruff: noqa: E501
"""The test runs the families' steps print: pytest's (its progress, failures, warnings summary) and Django's runner's.

A resource warning is raised where the object is collected, not where it was opened, so a run reports it as
pytest's `PytestUnraisableExceptionWarning` (a failure under `-W error`, a warnings-summary entry otherwise)
or, under Django's runner, as `Exception ignored in: …` on stderr between the dots.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from heldout20.calls import Step
from heldout64.text import Ctx, Fail, Leak

_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")
_ASSERT_IN = re.compile(r"^assert ('[^']*') (not )?in (.+)$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in ((_ASSERT_EQ, "assertEqual"), (_ASSERT_IS, "assertIs")):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    found = _ASSERT_IN.match(code)
    if found:
        return f"self.assert{'NotIn' if found.group(2) else 'In'}({found.group(1)}, {found.group(3)})"
    if code.startswith("assert not "):
        return f"self.assertFalse({code.removeprefix('assert not ')})"
    if code.startswith("assert "):
        return f"self.assertTrue({code.removeprefix('assert ')})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first, _, rest = error.partition("\n")
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split(chr(39))[1]} not raised"
    if first in ("AssertionError: assert False", "AssertionError: assert not True"):
        return "AssertionError: False is not true" if first.endswith("False") else "AssertionError: True is not false"
    found = _ASSERT_IN.match(first.removeprefix("AssertionError: "))
    if found:
        return f"AssertionError: {found.group(1)} {'unexpectedly found in' if found.group(2) else 'not found in'} {found.group(3)}"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" is ", " is not ")):
            if sep in body:
                left, right = body.split(sep, 1)
                return (
                    f"AssertionError: {left}{shown}{right}"  # pytest's explanation lines have no unittest counterpart
                )
    return first + ("\n" + rest if rest else "")


def _progress(path: str, marks: str, total: int) -> list[str]:
    """pytest's progress lines: the path, then as many marks as fit in 80 columns with the percentage done."""
    out, done, prefix = [], 0, f"{path} " if path else ""
    while True:
        room = max(8, 80 - len(prefix) - 7)
        chunk = marks[done : done + room]
        done += len(chunk)
        percent = f"[{100 * done // max(1, total):>3}%]"
        out.append(f"{prefix}{chunk:<{room}}{percent}")
        prefix = ""
        if done >= len(marks):
            return out


def _pytest_run(
    ctx: Ctx,
    rng: random.Random,
    target: str,
    passed: int,
    failures: list[tuple[str, list[str], str]],
    warned: list[Leak],
    quiet: bool,
    failfast: bool,
) -> str:
    total = passed + len(failures)
    marks = ["."] * passed + ["F"] * len(failures)
    rng.shuffle(marks)
    if failfast and failures:
        marks = marks[: marks.index("F") + 1]
        passed, failures = len(marks) - 1, failures[:1]
    path = target.split("::")[0]
    lines = (
        []
        if quiet
        else [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            f"collected {total} item{'s' if total != 1 else ''}",
            "",
        ]
    )
    lines += _progress("" if quiet else path, "".join(marks), total)
    lines += [] if quiet else [""]
    if failures:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for name, body, _ in failures:
            lines += [f" {name} ".center(80, "_"), "", *body, ""]
    if warned:
        lines.append("=" * 31 + " warnings summary " + "=" * 31)
        for leak in warned:
            lines.append(f"{path}::{leak.test}")
            head, *rest = leak.lines()
            lines.append(
                f"  {ctx.pytest_pkg}/unraisableexception.py:{rng.choice([78, 85])}: PytestUnraisableExceptionWarning: {head}"
            )
            lines += [
                "  ",
                *(f"  {line}" for line in rest),
                "  ",
                "    warnings.warn(pytest.PytestUnraisableExceptionWarning(msg))",
                "",
            ]
        lines += ["-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html"]
    if failures:
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        lines += [f"FAILED {path}::{name} - {summary.split(chr(10))[0]}" for name, _, summary in failures]
        if failfast:
            lines.append(" stopping after 1 failures ".center(80, "!"))
    parts = [
        f"{len(failures)} failed" if failures else "",
        f"{passed} passed" if passed else "",
        f"{len(warned)} warning{'s' if len(warned) != 1 else ''}" if warned else "",
    ]
    took = f"{rng.uniform(0.05, 3.5):.2f}s"
    summary = f"{', '.join(p for p in parts if p)} in {took}"
    lines.append(summary if quiet else f" {summary} ".center(80, "="))
    return "\n".join(lines)


def run_output(
    ctx: Ctx,
    rng: random.Random,
    target: str,
    total: int,
    failing: Sequence[Fail],
    leaks: Sequence[Leak] = (),
    werror: bool = False,
    quiet: bool = False,
    failfast: bool = False,
) -> str:
    """A run of `total` tests with `failing` failing and `leaks` collected open, as pytest or Django's runner prints it.

    Under `-W error` pytest fails the test a leak was collected in (unless it failed already); Django's
    runner only prints it. `failfast` (`-x`, `--failfast`) stops at the first failure.
    """
    failing = list({fail.name: fail for fail in failing}.values())
    passed = max(0, total - len(failing))
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += ["Creating test database for alias 'default'...", "System check identified no issues (0 silenced)."]
        failing = [Fail(f.name, unittest_error(f.error), f.code, f.frames) for f in failing]
        marks = ["."] * passed + [("F" if f.error.startswith("AssertionError") else "E") for f in failing]
        rng.shuffle(marks)
        if failfast and failing:
            stop = min(i for i, mark in enumerate(marks) if mark != ".")
            marks, failing = marks[: stop + 1], failing[:1]
            marks[-1] = "F" if failing[0].error.startswith("AssertionError") else "E"
            passed = stop
        cut = rng.randint(0, len(marks))
        noise = [line for leak in leaks for line in leak.lines()]
        lines += (
            [*noise, "".join(marks)]
            if not noise or rng.random() < 0.5
            else ["".join(marks[:cut]), *noise, "".join(marks[cut:])]
        )
        for fail in failing:
            kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests{'' if ctx.python in ('3.8', '3.9', '3.10') else '.' + fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or f'{ctx.opener}(path)')}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
            lines += [fail.error, ""]
        lines += [
            "-" * 70,
            f"Ran {passed + len(failing)} test{'s' if passed + len(failing) != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s",
            "",
        ]
        fails = sum(f.error.startswith("AssertionError") for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [f"    def {fail.name}():", f">       {fail.code or f'{ctx.opener}(path)'}", ""]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {code}"]
        body += [f"E       {line}" for line in fail.error.split("\n")]
        body += ["", f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {fail.error.split(':')[0]}"]
        failures.append((fail.name, body, fail.error))
    warned: list[Leak] = []
    named = {fail.name for fail in failing}
    for leak in leaks:
        if werror and (leak.test in named or (passed == 0 and failing)):
            continue
        if not werror:
            warned.append(leak)
            continue
        head, *rest = leak.lines()
        body = [
            f"{ctx.pytest_pkg}/unraisableexception.py:{rng.choice([78, 85])}: in unraisable_exception_runtest_hook",
            "    warnings.warn(pytest.PytestUnraisableExceptionWarning(msg))",
            f"E   pytest.PytestUnraisableExceptionWarning: {head}",
            "E   ",
            *(f"E   {line}" for line in rest),
        ]
        named.add(leak.test)
        failures.append((leak.test, body, f"pytest.PytestUnraisableExceptionWarning: {head}"))
        passed = max(0, passed - 1)
    return _pytest_run(ctx, rng, shown, passed, failures, warned, quiet, failfast)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: Sequence[Fail],
    extra: str = "",
    leaks: Sequence[Leak] = (),
    werror: bool = False,
) -> Step:
    total = 1 if "::" in target else ctx.module_tests
    bad = bool(failing) or (bool(leaks) and werror and not ctx.django)
    flags = extra.split(" 2>&1")[0].split()
    ctx.runs += 1
    return Step(
        thought,
        ctx.tests(target, extra, werror),
        run_output(ctx, rng, target or ctx.test_file, total, failing, leaks, werror, "-q" in flags, "-x" in flags),
        rc=1 if bad else 0,
        seconds=rng.uniform(0.5, 9.0),
    )
