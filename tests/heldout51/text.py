# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the rendered-text test runs they print.

A failing test shows what pytest or unittest shows for two strings that differ: the two reprs, then the
line diff (`difflib.ndiff`, as both tools use it), so each attempt's diff of expected against actual is real.
"""

from __future__ import annotations

import difflib
import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_RENDERS = ("_render_{}", "format_{}", "_print_{}", "to_string", "_format_rows", "pformat_{}")
_CASES = (
    "repr",
    "str",
    "nested",
    "empty",
    "unicode",
    "negative",
    "long",
    "wrap",
    "latex",
    "precision",
    "table",
    "multiline",
    "zero",
    "units",
)
# Braces quoted by design: the f-strings, format specs and LaTeX the families edit and print.
BRACES = frozenset(
    {
        "{self.name}",
        "{self.value}",
        "{self.__class__.__qualname__}",
        "{width}",
        "{prec}",
        "{fill}",
        "{align}",
        "{w}",
        "{x}",
        "{m}",
        "{s}",
        "{sin}",
    }
)

Attempt = text.Attempt
Failure = tuple[str, str, list[str]]  # test name, the expression asserted (after its setup line, if any), the errors


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the rendering function the agent changes and the tests it runs."""

    @property
    def render(self) -> str:
        return _RENDERS[sum(map(ord, self.run.session)) % len(_RENDERS)].format(self.stem)

    @property
    def obj(self) -> str:
        """How the tests build the object they render."""
        return f"{self.cls}('x', value=1.5)"

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else self.stem
            label += f".{name.split('[')[0]}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"

    def single(self, name: str) -> str:
        """The target that runs one test."""
        return f"{self.test_file}::{name}" if not self.django else f"{self.stem}_tests.tests.{self.cls}Tests.{name}"


def differ(ctx: Ctx, actual: str, expected: str) -> list[str]:
    """What the runner prints when `actual` (the code's text) is not `expected` (the test's)."""
    if ctx.django:
        head = f"AssertionError: {actual!r} != {expected!r}"
        lines = list(difflib.ndiff(actual.splitlines(keepends=True), expected.splitlines(keepends=True)))
        return [head, *(line.rstrip("\n") for line in lines)]
    head = f"AssertionError: assert {actual!r} == {expected!r}"
    body = [line.rstrip("\n") for line in difflib.ndiff(expected.splitlines(), actual.splitlines())]
    if "\n" in actual or "\n" in expected:
        body = ["", *body]
    return [head, *(f"  {line}" for line in body)]


def _setup(ctx: Ctx, expr: str) -> str:
    """The line of a test that builds what it renders."""
    if "\n" in expr:
        return expr.split("\n")[0]
    if "expr" in expr:
        return "expr = (x**2 + 1) / y"
    if "rows" in expr:
        return "rows = ROWS"
    return f"obj = {ctx.obj}"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[Failure]) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + ["F"] * len(failing)
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, expr, error in failing:
            lines += [
                "=" * 70,
                f"FAIL: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {name}',
                f"    self.assertEqual({expr.split(chr(10))[-1]}, expected)",
                *error,
                "",
            ]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        lines.append(f"FAILED (failures={len(failing)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = [
        (
            name,
            [
                f"    def {name}():",
                f"        {_setup(ctx, expr)}",
                f">       assert {expr.split(chr(10))[-1]} == expected",
                f"E       {error[0]}",
                *(f"E       {line}".rstrip() for line in error[1:]),
                "",
                f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {error[0].split(':')[0]}",
            ],
            error[0][:120],
        )
        for name, expr, error in failing
    ]
    return text.pytest_output(ctx, rng, shown, passed, failures)


def test_step(ctx: Ctx, rng: random.Random, thought: str, target: str, failing: list[Failure], extra: str = "") -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, rng.randint(6, 60), failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def one_test(ctx: Ctx, rng: random.Random, thought: str, name: str, failing: list[Failure], extra: str = "") -> Step:
    """A run of the single test `name`: the first failure, now under that test's name."""
    return Step(
        thought,
        ctx.tests(ctx.single(name), extra),
        run_output(ctx, rng, ctx.single(name), 0, [(name, *failing[0][1:])]),
        rc=1,
        seconds=rng.uniform(0.4, 4.0),
    )


def flags(ctx: Ctx, rng: random.Random) -> str:
    """The flags a rerun drifts through."""
    if ctx.django:
        return rng.choice(["", " -v 2", " --parallel 1"])
    return rng.choice(["", " -q", " -x", " -vv", " -q -x", " -k 'repr or str'", " --tb=short"])


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the status, the diff, the rendering code, the expectation, raw output."""
    line = rng.randint(30, 700)
    case = ctx.case(rng)
    sep = rng.choice(["', '", "self._sep", "' '"])
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? check_output.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U1", "git diff --stat"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.render}(self, obj):\n-        parts = [str(p) for p in obj.args]\n+        parts = [{rng.choice(['repr(p)', 'self._print(p)', 'format(p)', 'str(p).strip()'])} for p in obj.args]\n         return sep.join(parts)\n",
        ),
        Step(
            "Let me re-read the rendering code around my change.",
            f"sed -n '{line},{line + rng.randint(10, 16)}p' {ctx.source}",
            f"    def {ctx.render}(self, obj):\n        sep = {sep}\n        parts = [self._print(p) for p in obj.args]\n        if self._settings.get({rng.choice(['wrap_line', 'full_prec', 'order'])!r}):\n            parts = self._wrap(parts)\n        return sep.join(parts)\n",
        ),
        Step(
            "Let me look at exactly what the failing test expects.",
            f"grep -n -A{rng.randint(5, 9)} 'def {case}' {ctx.test_file}",
            f"{line}:def {case}():\n{line + 1}-    obj = {ctx.obj}\n{line + 2}-    expected = {rng.choice(['EXPECTED', 'RENDERED', 'GOLDEN'])}[{case.rsplit('_', 1)[-1]!r}]\n{line + 3}-    assert {rng.choice(['repr(obj)', 'str(obj)', f'{ctx.render}(obj)'])} == expected\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 5)} -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix printing of negative exponents",
                        "Tidy repr",
                        "Merge pull request",
                        "Use str.format",
                        "Wrap long lines",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str, odds: float = 0.4
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), odds)
