# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the test runs they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_normalize_{}", "resolve_{}", "_coerce_{}", "get_{}", "_split_{}", "build_{}")
_CASES = (
    "empty",
    "none",
    "unicode",
    "nested",
    "default",
    "negative",
    "roundtrip",
    "kwargs",
    "repr",
    "copy",
    "subclass",
    "ordering",
    "large",
    "mixed",
)

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function the agent changes and the tests it runs."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def other_test(self) -> str:
        """Another test module that calls into the changed code."""
        return (
            f"{self.tests_dir}/test_{self.stem}_api.py" if not self.django else "tests/utils_tests/test_functional.py"
        )

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


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str]]) -> str:
    """A test run with `failing` (test, error line) failing, as pytest or Django's runner prints it."""
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
        for name, error in failing:
            lines += [
                "=" * 70,
                f"FAIL: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {name}',
                f"    self.assertEqual({ctx.func}(value), expected)",
                error,
                "",
            ]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        lines.append(f"FAILED (failures={len(failing)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    failures = [
        (
            name,
            [
                f"    def {name}():",
                f">       assert {ctx.func}(value) == expected",
                f"E       {error}",
                "",
                f"{target.split('::')[0]}:{rng.randint(20, 700)}: {error.split(':')[0]}",
            ],
            error,
        )
        for name, error in failing
    ]
    shown = target.split(" ")[0]
    return text.pytest_output(
        ctx, rng, shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1], passed, failures
    )


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: list[tuple[str, str]], extra: str = ""
) -> Step:
    passed = rng.randint(6, 60)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def assertion(rng: random.Random) -> str:
    """An assertion error with drifting values."""
    a, b = rng.randint(0, 40), rng.randint(0, 40)
    return rng.choice(
        [
            f"AssertionError: assert {a} == {b + 1}",
            f"AssertionError: assert [{a}, {b}] == [{b}, {a}]",
            "AssertionError: assert None == []",
            "AssertionError: assert [] is None",
            f"AssertionError: assert '{rng.choice(['a', 'x', 'key'])}-{a}' == '{rng.choice(['a', 'x', 'key'])}_{a}'",
            f"TypeError: unsupported operand type(s) for +: 'NoneType' and '{rng.choice(['int', 'list', 'str'])}'",
            f"KeyError: '{rng.choice(['name', 'value', 'default', 'sep'])}'",
            f"AttributeError: 'NoneType' object has no attribute '{rng.choice(['items', 'strip', 'copy', 'get'])}'",
            f"ValueError: invalid literal for int() with base 10: '{a}.{b}'",
        ]
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sed_edit(path: str, line: int, old: str, new: str) -> str:
    return f"sed -i '{line}s/{old}/{new}/' {path}"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the failing test's body."""
    line = rng.randint(30, 700)
    case = ctx.case(rng)
    given = rng.choice(["None", "[]", "['a', '']", "()"])
    wanted = rng.choice(["[]", "None", "['a']", "()"])
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},7 +{line},{rng.randint(7, 11)} @@ def {ctx.func}(value, default=None):\n     if value is None:\n-        return default\n+        return {rng.choice(['[]', 'default or []', 'list(default or ())', '()'])}\n     result = []\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            f"def {ctx.func}(value, default=None, strict={rng.choice(['False', 'True'])}):\n    if value is None:\n        return default\n    result = []\n    for item in value:\n        if strict and not item:\n            raise ValueError('empty item')\n        result.append(item)\n    return result\n",
        ),
        Step(
            "Let me see who else calls this function.",
            rng.choice(
                [
                    f"grep -rn '{ctx.func}(' {ctx.run.package} | head -20",
                    f"grep -rn '{ctx.func}' --include=*.py . | grep -v test | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'api', 'compat'])}.py:{rng.randint(10, 900)}:    out = {ctx.func}(args{rng.choice(['', ', default=()', ', strict=True'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at what the failing test expects.",
            f"grep -n -A8 'def {case}' {ctx.test_file}",
            f"{line}:def {case}():\n{line + 1}-    value = {given}\n{line + 2}-    assert {ctx.func}(value) == {wanted}\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -4 -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix edge case",
                        "Refactor helpers",
                        "Merge pull request",
                        "Deprecate old argument",
                        "Tidy imports",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)
