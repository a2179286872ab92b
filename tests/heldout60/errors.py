# ruff: noqa: E501
"""What the attempts' code raises and prints: compile errors at import, hangs, tracebacks through `re`, and the cases it gets wrong."""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Sequence
from typing import Any

from heldout20.calls import Step
from heldout60.text import Ctx, collected


def _stdlib_frames(ctx: Ctx, rng: random.Random) -> list[tuple[str, str]]:
    """Where `re.compile` raises, as this environment's standard library lays it out."""
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    if ctx.python in ("3.11", "3.12"):
        return [
            (f"{lib}/re/__init__.py:{rng.choice([227, 228])}: in compile", "return _compile(pattern, flags)"),
            (f"{lib}/re/__init__.py:{rng.choice([294, 307])}: in _compile", "p = _compiler.compile(pattern, flags)"),
            (
                f"{lib}/re/_parser.py:{rng.choice([862, 881, 979])}: in parse",
                "p = _parse_sub(source, state, flags & SRE_FLAG_VERBOSE, 0)",
            ),
        ]
    return [
        (f"{lib}/re.py:252: in compile", "return _compile(pattern, flags)"),
        (f"{lib}/re.py:304: in _compile", "p = sre_compile.compile(pattern, flags)"),
        (f"{lib}/sre_compile.py:764: in compile", "p = sre_parse.parse(p, flags)"),
        (f"{lib}/sre_parse.py:948: in parse", "p = _parse_sub(source, state, flags & SRE_FLAG_VERBOSE, 0)"),
    ]


def re_traceback(
    ctx: Ctx, rng: random.Random, outer: Sequence[tuple[str, int, str, str]], error: str, where: str
) -> str:
    """A traceback through the `re` module: `outer` frames (file, line, function, code), then re's own, compiling a pattern or a replacement."""
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    modern = ctx.python in ("3.11", "3.12")
    mod, parser = (
        (f"{lib}/re/__init__.py", f"{lib}/re/_parser.py") if modern else (f"{lib}/re.py", f"{lib}/sre_parse.py")
    )
    if where == "sub":
        inner = [
            (mod, 185 if modern else 210, "sub", "return _compile(pattern, flags).sub(repl, string, count)"),
            (mod, 317 if modern else 327, "_subx", "template = _compile_repl(template, pattern)"),
            (
                mod,
                308 if modern else 318,
                "_compile_repl",
                f"return {'_parser' if modern else 'sre_parse'}.parse_template(repl, pattern)",
            ),
            (
                parser,
                1078 if modern else 1039,
                "parse_template",
                "raise s.error('bad escape %s' % this, len(this))" + (" from None" if modern else ""),
            ),
        ]
    else:
        inner = [
            (mod, 241 if modern else 239, where, f"return _compile(pattern, flags).{where}(string)"),
            (
                mod,
                294 if modern else 304,
                "_compile",
                f"p = {'_compiler' if modern else 'sre_compile'}.compile(pattern, flags)",
            ),
            (parser, 979 if modern else 948, "parse", "p = _parse_sub(source, state, flags & SRE_FLAG_VERBOSE, 0)"),
            (parser, 460 if modern else 443, "_parse_sub", "itemsappend(_parse(source, state, verbose, nested + 1,"),
        ]
    frames = "".join(
        f'  File "{file}", line {line}, in {func}\n    {code}\n' for file, line, func, code in [*outer, *inner]
    )
    return f"Traceback (most recent call last):\n{frames}{error}"


def collection_error(ctx: Ctx, rng: random.Random, thought: str, target: str, func: str, code: str, error: str) -> Step:
    """A test run that stops at import: the module's pattern no longer compiles (`code` is its line)."""
    line = rng.randint(20, 400)
    frames = _stdlib_frames(ctx, rng)
    if ctx.django:
        trace = "\n".join(
            f'  File "{where.split(":")[0]}", line {where.split(":")[1]}, in {where.rsplit(" ", 1)[1]}\n    {what}'
            for where, what in frames
        )
        out = (
            f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nSystem check identified no issues (0 silenced).\nE\n{'=' * 70}\n"
            f"ERROR: {ctx.stem}_tests.tests (unittest.loader._FailedTest)\n{'-' * 70}\nImportError: Failed to import test module: {ctx.stem}_tests.tests\nTraceback (most recent call last):\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/unittest/loader.py", line 436, in _find_test_path\n    module = self._get_module_from_name(name)\n'
            f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(3, 12)}, in <module>\n    from {ctx.dotted} import {func}\n'
            f'  File "/testbed/{ctx.source}", line {line}, in <module>\n    {code}\n{trace}\n{error}\n\n\n{"-" * 70}\nRan 1 test in 0.000s\n\nFAILED (errors=1)'
        )
    else:
        tf = ctx.test_file
        trace = "\n".join(f"{where}\n    {what}" for where, what in frames)
        out = (
            f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected 0 items / 1 error\n\n{'=' * 34} ERRORS {'=' * 38}\n"
            f"{'_' * 14} ERROR collecting {tf} {'_' * 14}\n{tf}:{rng.randint(3, 12)}: in <module>\n    from {ctx.dotted} import {func}\n{ctx.source}:{line}: in <module>\n    {code}\n{trace}\n"
            f"E   {error}\n{'=' * 27} short test summary info {'=' * 28}\nERROR {tf} - {error}\n{'!' * 20} Interrupted: 1 error during collection {'!' * 20}\n{'=' * 30} 1 error in {rng.uniform(0.2, 1.5):.2f}s {'=' * 30}"
        )
    return Step(thought, ctx.tests(target, rng.choice(["", " -x", " -q"])), out, rc=1, seconds=rng.uniform(0.5, 3))


def _timed(secs: int, command: str) -> str:
    """`command` under GNU timeout, its exit status echoed (after the `cd` of a Django run)."""
    cd, _, rest = command.rpartition("&& ")
    return f"{cd}{'&& ' if cd else ''}timeout {secs} {rest}; echo rc=$?"


def hang(ctx: Ctx, rng: random.Random, command: str, thought: str, func: str, code: str, case: str) -> Step:
    """A test run that never finishes: killed by the harness, by GNU timeout, or by pytest-timeout with the stack."""
    items = 1 if "::" in command or ".test_" in command else collected(ctx, "")
    dots = "." * rng.randint(0, min(9, items - 1))
    kind = rng.choice(["harness", "timeout", "pytest-timeout"])
    if ctx.django:
        head = f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n{dots}"
    elif " -q" in command:
        head = dots
    else:
        head = f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {items} item{'s' if items > 1 else ''}\n\n{ctx.test_file} {dots}"
    if kind == "harness":
        return Step(thought, command, head, timed_out=True, seconds=rng.uniform(60, 120))
    if kind == "timeout" or ctx.django:
        secs = rng.choice([20, 30, 45, 60])
        return Step(thought, _timed(secs, command), f"{head}rc=124", seconds=secs)
    line = rng.randint(40, 600)
    secs = rng.choice([10, 15, 30])
    return Step(
        thought,
        f"{command} -p timeout --timeout={secs}",
        f'{head}F\n{"+" * 35} Timeout {"+" * 35}\n~~~~~ Stack of MainThread ({rng.randint(139000000000000, 140999999999999)}) ~~~~~\n  File "/testbed/{ctx.test_file}", line {rng.randint(20, 400)}, in {case}\n    {rng.choice(["assert not ", "result = ", "assert "])}{func}(value)\n  File "/testbed/{ctx.source}", line {line}, in {func}\n    {code}\n{"+" * 35} Timeout {"+" * 35}\nFAILED {ctx.test_file}::{case} - Failed: Timeout >{secs}.0s',
        rc=1,
        seconds=secs + rng.uniform(0.5, 3),
    )


def run_cases(
    source: str, cases: list[tuple[str, str, tuple[Any, ...], Any]]
) -> list[tuple[str, str, tuple[Any, ...], Any, Any]]:
    """Each case (test, function, arguments, wanted) the code in `source` gets wrong, with what it returned or raised."""
    space: dict[str, Any] = {}
    exec(compile(source, "<family>", "exec"), space)  # the attempt's own code, on the tests' inputs
    wrong = []
    for name, func, args, want in cases:
        try:
            got: Any = space[func](*args)
        except Exception as error:  # what the test would see raised
            got = error
            frames = traceback.extract_tb(error.__traceback__)
            lines = [frame.lineno for frame in frames if frame.filename == "<family>" and frame.lineno]
            got.add_note(source.split("\n")[lines[-1] - 1].strip() if lines else "")  # the line it raised at
        if isinstance(got, Exception) or got != want:
            wrong.append((name, func, args, want, got))
    return wrong


def raised_at(got: Exception) -> str:
    """The line of the attempt's code an error was raised at."""
    return (getattr(got, "__notes__", None) or [""])[-1]


def error_line(got: Exception) -> str:
    kind = "re.error" if isinstance(got, re.error) else type(got).__name__
    return f"{kind}: {got}"
