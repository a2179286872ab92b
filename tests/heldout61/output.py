# ruff: noqa: E501
"""What the families' commands print: test runs, import errors at collection, tracebacks, and the looks between attempts."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence

from heldout20 import text
from heldout20.calls import Step
from heldout61.text import Attempt, Ctx, Fail, Frame, unittest_code, unittest_error


def line_of(path: str, func: str, code: str, lo: int, hi: int) -> int:
    """The line a frame points at: the same for the same code on every run, as a file that isn't edited keeps it."""
    return lo + zlib.crc32(f"{path}|{func}|{code}".encode()) % (hi - lo + 1)


def processes(ctx: Ctx) -> int:
    """How many processes Django's runner uses on the run's machine."""
    return 4 + zlib.crc32(ctx.run.session.encode()) % 13


def _django_head(ctx: Ctx) -> list[str]:
    return [
        f"Testing against Django installed in '/testbed/django' with up to {processes(ctx)} processes",
        "Creating test database for alias 'default'...",
        "System check identified no issues (0 silenced).",
    ]


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failing: Sequence[Fail], skipped: int = 0
) -> str:
    """A test run with `failing` failing and `skipped` skipped, as pytest or Django's runner prints it."""
    if "::" in target:  # one test selected
        failing, passed, skipped = failing[:1], 0 if failing else 1, 0
    if ctx.django:
        lines = _django_head(ctx)
        marks = ["."] * passed + ["s"] * skipped
        marks += [("F" if f.error.startswith(("AssertionError", "Failed")) else "E") for f in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if fail.error.startswith(("AssertionError", "Failed")) else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests{'.' + fail.name if int(ctx.python.split('.')[1]) >= 11 else ''})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {line_of(ctx.test_file, fail.name, "", 30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or 'result = ' + ctx.helper + '(value)')}",
            ]
            for path, func, code in fail.located(ctx.source):
                where = path if path.startswith("/") else f"/testbed/{path}"
                lines += [f'  File "{where}", line {line_of(path, func, code, 20, 800)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        lines += [
            "-" * 70,
            f"Ran {passed + skipped + len(failing)} test{'s' if passed + skipped + len(failing) != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s",
            "",
        ]
        fails = sum(f.error.startswith(("AssertionError", "Failed")) for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        parts += [f"skipped={skipped}"] if skipped else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else (f"OK (skipped={skipped})" if skipped else "OK"))
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    path = shown.split("::")[0]
    path = path if len(path) < 60 else path.rsplit("/", 1)[-1]
    total = passed + skipped + len(failing)
    marks = ["."] * passed + ["s"] * skipped + ["F"] * len(failing)
    rng.shuffle(marks)
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        f"collected {total} item{'s' if total != 1 else ''}",
        "",
        f"{path} {''.join(marks):<{max(1, 70 - len(path))}}[100%]",
        "",
    ]
    if failing:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for fail in failing:
            lines += [f"{'_' * 20} {fail.name} {'_' * 20}", "", f"    def {fail.name}():"]
            lines.append(f">       {fail.code or 'result = ' + ctx.helper + '(value)'}")
            lines.append("")
            for where, func, code in fail.located(ctx.source):
                lines += [f"{where}:{line_of(where, func, code, 20, 800)}: in {func}", f"    {code}"]
            lines += [f"E       {line}" for line in fail.error.split("\n")]
            lines += ["", f"{path}:{line_of(path, fail.name, '', 20, 700) + 2}: {fail.error.split(':')[0]}", ""]
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        lines += [f"FAILED {path}::{fail.name} - {fail.error.split(chr(10))[0]}" for fail in failing]
    counts = [f"{len(failing)} failed" if failing else "", f"{passed} passed" if passed else ""]
    counts.append(f"{skipped} skipped" if skipped else "")
    lines.append(f" {', '.join(c for c in counts if c)} in {rng.uniform(0.05, 3.5):.2f}s ".center(80, "="))
    return "\n".join(lines)


def module_size(ctx: Ctx) -> int:
    """How many tests the module the family runs has: the same on every run of a session."""
    return 14 + sum(map(ord, ctx.run.session)) % 47


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: Sequence[Fail],
    extra: str = "",
    skipped: int = 0,
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(
            ctx, rng, target or ctx.test_file, max(1, module_size(ctx) - len(failing) - skipped), failing, skipped
        ),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", skipped: int = 0) -> Step:
    return test_step(ctx, rng, thought, target, [], rng.choice(["", " -q", " -x"]), skipped)


def _py_frames(frames: Sequence[Frame], rng: random.Random) -> list[str]:
    lines = []
    for path, func, code in frames:
        if path.startswith("<"):
            lines.append(f'  File "{path}", line {rng.randint(2, 9) if path == "<stdin>" else 1}, in {func}')
        else:
            where = path if path.startswith("/") else f"/testbed/{path}"
            line = line_of(path, func, code, 1, 60) if func == "<module>" else line_of(path, func, code, 20, 900)
            lines.append(f'  File "{where}", line {line}, in {func}')
        if code:
            lines.append(f"    {code}")
    return lines


def traceback(rng: random.Random, frames: Sequence[Frame], error: str, where: str = "<string>") -> str:
    """A Python traceback as `python -c` (or a script, `where`; none when empty) prints it."""
    lead: list[Frame] = [(where, "<module>", "")] if where else []
    return "\n".join(["Traceback (most recent call last):", *_py_frames([*lead, *frames], rng), error])


def collect_error(ctx: Ctx, rng: random.Random, target: str, frames: Sequence[Frame], error: str) -> str:
    """The test module failing to import, as pytest's collection or Django's test loader reports it."""
    tf = ctx.test_file
    if ctx.django:
        label = f"{ctx.stem}_tests.tests"
        lines = [
            f"Testing against Django installed in '/testbed/django' with up to {processes(ctx)} processes",
            "System check identified no issues (0 silenced).",
            "E",
            "=" * 70,
            f"ERROR: {label} (unittest.loader._FailedTest)",
            "-" * 70,
            f"ImportError: Failed to import test module: {label}",
            "Traceback (most recent call last):",
            f'  File "{ctx.lib}/unittest/loader.py", line 154, in loadTestsFromName',
            "    module = __import__(module_name)",
            *_py_frames(frames, rng),
            error,
            "",
            "",
            "-" * 70,
            f"Ran 1 test in 0.00{rng.randint(0, 9)}s",
            "",
            "FAILED (errors=1)",
        ]
        return "\n".join(lines)
    shown = (target or tf).split("::")[0]
    head = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        "collected 0 items / 1 error",
        "",
        "=" * 36 + " ERRORS " + "=" * 36,
        f" ERROR collecting {shown} ".center(80, "_"),
    ]
    body = []
    if error.startswith(("ImportError", "ModuleNotFoundError")):
        body = [
            f"ImportError while importing test module '/testbed/{shown}'.",
            "Hint: make sure your test modules/packages have valid Python names.",
            "Traceback:",
            f"{ctx.lib}/importlib/__init__.py:127: in import_module",
            "    return _bootstrap._gcd_import(name[level:], package, level)",
        ]
    for path, func, code in frames:
        body += [
            f"{path.removeprefix('/testbed/')}:{line_of(path, func, code, 1, 60) if func == '<module>' else line_of(path, func, code, 20, 900)}: in {func}",
            f"    {code}",
        ]
    body += [f"E   {line}" for line in error.split("\n")]
    tail = [
        "=" * 27 + " short test summary info " + "=" * 28,
        f"ERROR {shown}",
        " Interrupted: 1 error during collection ".center(80, "!"),
        f" 1 error in {rng.uniform(0.2, 2.5):.2f}s ".center(80, "="),
    ]
    return "\n".join(head + body + tail)


def import_fail(
    ctx: Ctx, rng: random.Random, thought: str, frames: Sequence[Frame], error: str, target: str = "", extra: str = ""
) -> Step:
    """A test run stopped by an import error in the test module's imports."""
    tf = ctx.test_file
    lead = (tf, "<module>", f"from {ctx.dotted} import {rng.choice([ctx.cls, ctx.helper])}")
    return Step(
        thought,
        ctx.tests(target or tf, extra or rng.choice(["", " -x", " -q", " -p no:cacheprovider"])),
        collect_error(ctx, rng, target, [lead, *frames], error),
        rc=1 if ctx.django else 2,
        seconds=rng.uniform(0.5, 4.0),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, files: Sequence[str], body: str) -> Step:
    """A look between attempts: the status, the diff, the imports of the files involved, their history, the body read."""
    line = rng.randint(1, 40)
    path = rng.choice(list(files))
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(0, len(lines))
    fixed = random.Random(zlib.crc32(f"{ctx.run.session}|{path}".encode()))  # the file's history, the same each look
    messages = ["Tidy imports", "Refactored helpers into separate module", "Merge pull request", "Avoid import cycles"]
    messages += [
        "Lazy-load optional dependencies",
        "Deprecate old aliases",
        "Register builtins",
        "Fixed typo in docstring",
    ]
    history = [f"{sha(fixed)} {m}" for m in fixed.sample(messages, 6)]
    count = rng.randint(3, 6)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            "".join(f" M {f}\n" for f in files[: rng.randint(1, len(files))])
            + rng.choice(["", "?? reproduce.py\n", f"?? {ctx.pkgdir}/__pycache__/\n", "?? check_imports.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {path}", "git diff -U1"]),
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -{line},{rng.randint(4, 8)} +{line},{rng.randint(5, 10)} @@\n"
            + "\n".join(f" {t}" for t in lines[max(0, k - 2) : k])
            + f"\n+{lines[k]}\n"
            + "\n".join(f" {t}" for t in lines[k + 1 : k + 3])
            + "\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            "".join(f" {f} | {rng.randint(2, 24)} {'+' * rng.randint(1, 8)}{'-' * rng.randint(1, 6)}\n" for f in files)
            + f" {len(files)} file{'s' if len(files) > 1 else ''} changed, {rng.randint(3, 30)} insertions(+), {rng.randint(1, 20)} deletions(-)\n",
        ),
        Step("Let me re-read the code I'm changing.", f"sed -n '1,{len(lines) + rng.choice([0, 3, 8])}p' {path}", body),
        Step(
            "Let me list the imports of the files involved again.",
            rng.choice(
                [f"grep -n '^from\\|^import' {' '.join(files)}", f"grep -n 'import' {' '.join(files)} | head -30"]
            ),
            "\n".join(
                f"{f + ':' if len(files) > 1 else ''}{at}:{imp}"
                for f in files
                for at, imp in zip(
                    sorted(rng.sample(range(1, 30), 2)),
                    rng.sample(
                        [
                            f"from . import {ctx.sib}",
                            f"from .{ctx.sib} import {ctx.helper}",
                            "import importlib",
                            "import sys",
                            f"from .{ctx.third} import *",
                            "from functools import lru_cache",
                        ],
                        2,
                    ),
                    strict=True,
                )
            ),
        ),
        Step(
            "Let me see the recent history of these files.",
            f"git log --oneline -{count} -- {path}",
            "\n".join(history[:count]),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    files: Sequence[str],
    body: str,
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, files, body)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)
