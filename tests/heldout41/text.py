# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the looks between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

_FUNCS = ("_normalize_{}", "build_{}", "_coerce_{}", "{}_from_value", "_check_{}", "make_{}")
_VARS = ("value", "obj", "data", "item", "arg")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function the agent is editing and its test."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def var(self) -> str:
        return _VARS[len(self.run.session) % len(_VARS)]

    @property
    def test_name(self) -> str:
        return f"test_{self.stem}_handles_none"

    @property
    def target(self) -> str:
        return f"{self.test_file}::{self.test_name}"

    @property
    def base(self) -> int:
        """Where the function sits in the source, as the run first found it."""
        return 40 + sum(map(ord, self.run.session)) % 500

    @property
    def old(self) -> str:
        return f"    if {self.var} is None:\n        return []"

    @property
    def new(self) -> str:
        return f"    if {self.var} is None:\n        return default"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def failing_test(ctx: Ctx, rng: random.Random, thought: str, command: str | None = None) -> Step:
    """The issue's test run again, failing as before: the fix never reached the file."""
    body = [
        f"    def {ctx.test_name}():",
        f">       assert {ctx.func}(None, default=()) == ()",
        "E       AssertionError: assert [] == ()",
        f"E        +  where [] = {ctx.func}(None, default=())",
        "",
        f"{ctx.test_file}:{rng.randint(12, 400)}: AssertionError",
    ]
    out = text.pytest_output(ctx, rng, ctx.target, 0, [(ctx.test_name, body, "AssertionError: assert [] == ()")])
    return Step(
        thought, command or f"python -m pytest {ctx.target} -x -q 2>&1 | tail -25", out, rc=1, seconds=rng.uniform(1, 6)
    )


def passing_test(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    out = text.pytest_output(ctx, rng, ctx.test_file, rng.randint(6, 60), [])
    return Step(thought, f"python -m pytest {ctx.test_file} -q 2>&1 | tail -5", out, seconds=rng.uniform(2, 9))


def source_lines(ctx: Ctx, line: int, tabs: bool = False) -> str:
    ind = "\t" if tabs else "    "
    return "\n".join(
        [
            f"def {ctx.func}({ctx.var}, default=None):",
            f'{ind}"""Return `{ctx.var}` as a list, or `default` when it is None."""',
            f"{ind}if {ctx.var} is None:",
            f"{ind}{ind}return []",
            f"{ind}if isinstance({ctx.var}, (list, tuple)):",
            f"{ind}{ind}return list({ctx.var})",
            f"{ind}return [{ctx.var}]",
        ]
    )


def numbered(ctx: Ctx, line: int, tabs: bool = False) -> str:
    return "\n".join(f"{line + i:6d}\t{row}" for i, row in enumerate(source_lines(ctx, line, tabs).split("\n")))


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the test."""
    line = ctx.base + rng.randint(-3, 3)
    choices = [
        Step(
            "Let me check the state of the working tree.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f"?? {ctx.stem}.py.orig\n", "?? fix.diff\n", "?? reproduce.py\n"]),
        ),
        Step(
            "Let me see what git thinks I changed.",
            f"git diff --stat -- {ctx.source}",
            rng.choice(
                [
                    "",
                    f" {ctx.source} | {rng.randint(1, 4)} +-\n 1 file changed, {rng.randint(1, 3)} insertion(+), 1 deletion(-)\n",
                ]
            ),
        ),
        Step(
            "Let me look at the function again.",
            f"sed -n '{line},{line + 6}p' {ctx.source}",
            source_lines(ctx, line, rng.random() < 0.3),
        ),
        Step(
            "Let me view the lines with numbers.",
            f"nl -ba {ctx.source} | sed -n '{line},{line + 6}p'",
            numbered(ctx, line),
        ),
        Step(
            "Where exactly is the function defined?",
            f"grep -n 'def {ctx.func}' {ctx.source}",
            f"{line}:def {ctx.func}({ctx.var}, default=None):\n",
        ),
        Step(
            "Let me re-read the test I'm trying to make pass.",
            f"grep -n -A4 'def {ctx.test_name}' {ctx.test_file}",
            f"{rng.randint(12, 400)}:def {ctx.test_name}():\n-    assert {ctx.func}(None, default=()) == ()\n-    assert {ctx.func}(None) is None or {ctx.func}(None) == []\n",
        ),
        Step(
            "Which directory am I in?",
            "pwd && ls",
            "/testbed\n"
            + "\n".join(
                sorted(
                    [
                        ctx.run.package.split("/")[0],
                        "setup.py",
                        "tests" if ctx.tests_dir == "tests" else "README.rst",
                        "pyproject.toml",
                        "LICENSE",
                    ]
                )
            )
            + "\n",
        ),
        Step(
            "Let me check the file's size and timestamp.",
            f"ls -l --time-style=+%H:%M:%S {ctx.source}",
            f"-rw-r--r-- 1 root root {rng.randint(4000, 90000)} {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} {ctx.source}\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first misfire, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)


def py_edit(path: str, old: str, new: str) -> str:
    """The agent's usual edit, here replacing every occurrence."""
    return text.py_edit(path, old, new, count=None)
