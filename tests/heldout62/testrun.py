# ruff: noqa: E501
"""The test runs the families' steps print: pytest's, or Django's runner's for Django."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout62.text import Ctx, mypy_step


@dataclass
class Fail:
    """One failing test: its name, the error line, the test's line that raised, and (function, code) frames below it (`module:function` for the standard library's)."""

    name: str
    error: str
    code: str
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


_EQ = re.compile(r"^assert (.+?) == (.+)$")


def _unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    found = _EQ.match(code)
    return f"self.assertEqual({found.group(1)}, {found.group(2)})" if found else code


def _unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its own wording."""
    if error.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {error.split(chr(39))[1]} not raised"
    found = _EQ.match(error.removeprefix("AssertionError: "))
    if error.startswith("AssertionError: assert ") and found:
        return f"AssertionError: {found.group(1)} != {found.group(2)}"
    return error


def _where(ctx: Ctx, func: str) -> str:
    """The file a frame is in: the changed one, or the standard library module named before a colon."""
    if ":" in func:
        return f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/{func.split(':')[0]}.py"
    return f"/testbed/{ctx.source}"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: Sequence[Fail]) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [
            f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes",
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
        ]
        marks = ["."] * passed + [
            ("F" if _unittest_error(f.error).startswith("AssertionError") else "E") for f in failing
        ]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if _unittest_error(fail.error).startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {_unittest_code(fail.code)}",
            ]
            for func, code in fail.frames:
                lines += [
                    f'  File "{_where(ctx, func)}", line {rng.randint(20, 800)}, in {func.split(":")[-1]}',
                    f"    {code}",
                ]
            lines += [_unittest_error(fail.error), ""]
        fails = sum(_unittest_error(f.error).startswith("AssertionError") for f in failing)
        parts = ([f"failures={fails}"] if fails else []) + (
            [f"errors={len(failing) - fails}"] if len(failing) > fails else []
        )
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        lines += [
            f"FAILED ({', '.join(parts)})" if failing else "OK",
            "Destroying test database for alias 'default'...",
        ]
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [f"    def {fail.name}():", f">       {fail.code}", ""]
        for func, code in fail.frames:
            body += [
                f"{_where(ctx, func).removeprefix('/testbed/')}:{rng.randint(20, 800)}: in {func.split(':')[-1]}",
                f"    {code}",
            ]
        body += [
            f"E       {fail.error}",
            "",
            f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {fail.error.split(':')[0]}",
        ]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def _quiet(out: str) -> str:
    """pytest's report under -q: no header, the progress line without its file, the summary without its rule."""
    lines = out.split("\n")[5:]
    marks = lines[0].split(" ", 1)[1].replace("[100%]", "").strip()
    lines[0] = marks.ljust(74) + "[100%]"
    lines[-1] = lines[-1].strip("= ")
    return "\n".join(lines)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    unique = list({f.name: f for f in failing}.values())
    if "::" in target:  # one test: it alone runs
        unique = [f for f in unique if f.name == target.split("::")[1]] or unique[:1]
        passed = 0 if unique else 1
    else:  # the module's own count of tests, the same on every run
        passed = max(1, 8 + sum(map(ord, ctx.run.session + (target or ctx.test_file))) % 57 - len(unique))
    out = run_output(ctx, rng, target or ctx.test_file, passed, unique)
    if " -q" in extra and not ctx.django:
        out = _quiet(out)
    return Step(
        thought,
        ctx.tests(target, extra),
        out,
        rc=1 if unique else 0,
        seconds=rng.uniform(0.6, 12.0),
    )


def green(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    return test_step(ctx, rng, thought, rng.choice(["", ctx.test_file]), [], rng.choice(["", " -q", " -x"]))


def clean(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    return mypy_step(ctx, rng, thought, [], 0, rng.choice(["plain", "module", "silent"]))
