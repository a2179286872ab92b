# ruff: noqa: E501
"""What the built module's import and its tests print: the module's output, an import traceback, pytest's or Django's runner."""

from __future__ import annotations

import random
from collections.abc import Sequence

from heldout20 import text
from heldout20.calls import Step
from heldout69.natives import CONDA, Native
from heldout69.text import Ctx

# Where a Django backend imports the driver it is built against.
_BACKENDS = {
    "psycopg2._psycopg": ("django/db/backends/postgresql/base.py", 25, "import psycopg2 as Database", "psycopg2"),
    "MySQLdb._mysql": ("django/db/backends/mysql/base.py", 15, "import MySQLdb as Database", "MySQLdb"),
    "_pylibmc": ("django/core/cache/backends/memcached.py", 180, "import pylibmc", "pylibmc"),
}


def _frames(ctx: Ctx, n: Native, rng: random.Random, backend: bool = False) -> list[str]:
    """The import frames between a script (Django's backend, when `backend`) and the compiled module."""
    pkg = n.module.split(".")[0]
    if backend and n.module in _BACKENDS:
        path, line, code, name = _BACKENDS[n.module]
        return [
            f'  File "/testbed/{path}", line {line}, in <module>',
            f"    {code}",
            f'  File "{n.root}/{name}/__init__.py", line {rng.randint(20, 60)}, in <module>',
            f"    from {n.module} import (",
        ]
    if "." in n.module:
        base = "/testbed" if n.root == "/testbed" else n.root
        return [
            f'  File "{base}/{n.prefix}{pkg}/__init__.py", line {rng.randint(5, 120)}, in <module>',
            f"    from .{n.module.split('.', 1)[1]} import *",
        ]
    return []


def use_output(ctx: Ctx, rng: random.Random, n: Native, error: str | None) -> str:
    """What `python -c` on the module's check prints: its output, or the import's traceback."""
    if error is None:
        return n.shows
    frames = _frames(ctx, n, rng)
    if not frames and n.module in _BACKENDS:
        name = _BACKENDS[n.module][3]
        frames = [
            f'  File "{n.root}/{name}/__init__.py", line {rng.randint(20, 60)}, in <module>',
            f"    from {n.module} import (",
        ]
    return "\n".join(["Traceback (most recent call last):", '  File "<string>", line 1, in <module>', *frames, error])


def use_step(ctx: Ctx, rng: random.Random, n: Native, thought: str, error: str | None = None) -> Step:
    return Step(
        thought, ctx.check(n), use_output(ctx, rng, n, error), rc=1 if error else 0, seconds=rng.uniform(0.4, 4)
    )


def suite_output(
    ctx: Ctx, rng: random.Random, n: Native, command: str, error: str | None, failing: Sequence[tuple[str, str]] = ()
) -> str:
    """The tests exercising `n`: an import error stopping them, some failing, or all passing."""
    passed = rng.randint(6, 90)
    django = "runtests.py" in command
    if django and error and n.module in _BACKENDS:
        name = _BACKENDS[n.module][3]
        return "\n".join(
            [
                "Traceback (most recent call last):",
                *_frames(ctx, n, rng, backend=True),
                error,
                "",
                "During handling of the above exception, another exception occurred:",
                "",
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/runtests.py", line {rng.randint(560, 700)}, in <module>',
                "    failures = django_tests(",
                "  ...",
                f"django.core.exceptions.ImproperlyConfigured: Error loading {name} module: {error.split(': ', 1)[1]}",
            ]
        )
    if django:
        return _django_output(ctx, rng, n, command, passed, [(f"test_{ctx.stem}", error)] if error else list(failing))
    target = command.removeprefix("python -m pytest ").split(" ")[0]
    if error:
        return "\n".join(
            [
                "=" * 29 + " test session starts " + "=" * 30,
                ctx.run.pytest_header,
                "rootdir: /testbed",
                "collected 0 items / 1 error",
                "",
                "=" * 34 + " ERRORS " + "=" * 35,
                f"{'_' * 12} ERROR collecting {target} {'_' * 12}",
                f"ImportError while importing test module '/testbed/{target}'.",
                "Hint: make sure your test modules/packages have valid Python names.",
                "Traceback:",
                f"{CONDA}/lib/python{ctx.python}/importlib/__init__.py:127: in import_module",
                "    return _bootstrap._gcd_import(name[level:], package, level)",
                *[f.strip() for f in _frames(ctx, n, rng)[-2:]],
                f"E   {error}",
                "=" * 27 + " short test summary info " + "=" * 28,
                f"ERROR {target}",
                "!" * 20 + " Interrupted: 1 error during collection " + "!" * 20,
                f" 1 error in {rng.uniform(0.2, 3):.2f}s ".center(80, "="),
            ]
        )
    failures = [
        (
            name,
            [
                f"    def {name}():",
                f">       result = {n.module.rsplit('.', 1)[-1]}.{rng.choice(['run', 'compute', 'evaluate'])}(data)",
                f"E       {err}",
            ],
            err,
        )
        for name, err in failing
    ]
    return text.pytest_output(ctx, rng, target, passed, failures)


def _django_output(
    ctx: Ctx, rng: random.Random, n: Native, command: str, passed: int, failing: Sequence[tuple[str, str]]
) -> str:
    """Django's runner on the label in `command`, with unittest's FAIL and ERROR blocks."""
    label = command.split("runtests.py ", 1)[1].split(" ")[0] if "runtests.py " in command else f"{ctx.stem}_tests"
    where = label if label.rsplit(".", 1)[-1][:1].isupper() else f"{label}.tests.{ctx.cls}Tests"
    path = (
        "/testbed/tests/"
        + (where.rsplit(".", 1)[0] if where.rsplit(".", 1)[-1][:1].isupper() else where).replace(".", "/")
        + ".py"
    )
    marks = ["."] * passed
    blocks = []
    for name, err in failing:
        failed = err.startswith("AssertionError")
        if err.startswith("AssertionError: assert ") and " == " in err:
            err = "AssertionError: " + err.removeprefix("AssertionError: assert ").replace(" == ", " != ", 1)
        code = (
            "self.assertEqual(result, expected)"
            if failed
            else f"{n.module.split('.')[0]}.{rng.choice(['connect', 'Client', 'compress', 'version'])}()"
        )
        marks.append("F" if failed else "E")
        blocks += [
            "=" * 70,
            f"{'FAIL' if failed else 'ERROR'}: {name} ({where}.{name})",
            "-" * 70,
            "Traceback (most recent call last):",
            f'  File "{path}", line {rng.randint(20, 600)}, in {name}',
            f"    {code}",
            err,
            "",
        ]
    rng.shuffle(marks)
    fails = sum(m == "F" for m in marks)
    errors = sum(m == "E" for m in marks)
    verdict = (
        "FAILED ("
        + ", ".join(p for p in (f"failures={fails}" if fails else "", f"errors={errors}" if errors else "") if p)
        + ")"
        if failing
        else "OK"
    )
    head = [
        f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes",
        "Creating test database for alias 'default'...",
        "System check identified no issues (0 silenced).",
        "".join(marks),
    ]
    return "\n".join(
        [
            *head,
            *blocks,
            "-" * 70,
            f"Ran {len(marks)} tests in {rng.uniform(0.1, 9.0):.3f}s",
            "",
            verdict,
            "Destroying test database for alias 'default'...",
        ]
    )


def suite_step(
    ctx: Ctx,
    rng: random.Random,
    n: Native,
    thought: str,
    error: str | None = None,
    failing: Sequence[tuple[str, str]] = (),
) -> Step:
    command = ctx.suite(n, rng.choice(["", " -q", " -x"]))
    bad = bool(error or failing)
    return Step(
        thought,
        command,
        suite_output(ctx, rng, n, command, error, failing),
        rc=1 if bad else 0,
        seconds=rng.uniform(1.5, 40),
    )
