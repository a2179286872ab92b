"""What this set's families read from a run, and the test-runner output their commands print."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

Maker = Callable[[random.Random, int], Step]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the test names its steps use."""

    @property
    def label(self) -> str:
        return f"{self.stem}_tests"

    @property
    def test_file(self) -> str:
        if self.django:
            return f"tests/{self.label}/tests.py"
        return f"{self.tests_dir}/test_{self.stem}.py"

    def test_cmd(self, rng: random.Random, name: str = "") -> str:
        """The command the agent runs its tests with, a test's name narrowing it now and then."""
        if self.django:
            target = f"{self.label}.tests.{self.cls}Tests.{name}" if name else self.label
            return f"cd tests && python runtests.py {target}" + rng.choice(["", " -v 2", " --parallel 1"])
        target = f"{self.test_file}::{name}" if name and rng.random() < 0.5 else self.test_file
        flags = rng.choice(["-q", "-x -q", "-q -p no:cacheprovider", "-rA -q", "-q --tb=short"])
        keyword = f" -k {name}" if name and "::" not in target else ""
        return f"python -m pytest {target} {flags}{keyword}"

    def test_name(self, rng: random.Random) -> str:
        return (
            rng.choice(["test_", "test_regression_", "test_issue_", "test_"])
            + self.stem
            + rng.choice(["", "_roundtrip", "_edge_cases", "_basic", "_repr", "_default"])
        )


def failing(ctx: Ctx, rng: random.Random, name: str, body: list[str], summary: str, passed: int) -> str:
    """A test run in which `name` fails, as the run's runner prints it."""
    if not ctx.django:
        return text.pytest_output(ctx, rng, ctx.test_file, passed, [(name, body, summary)])
    line = rng.randint(40, 900)
    marks = ["."] * passed + ["F"]
    rng.shuffle(marks)
    return "\n".join(
        [
            f"Testing against Django installed in '/testbed/django' with up to {rng.choice([1, 2])} processes",
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "".join(marks),
            "=" * 70,
            f"FAIL: {name} ({ctx.label}.tests.{ctx.cls}Tests)",
            "-" * 70,
            "Traceback (most recent call last):",
            f'  File "/testbed/{ctx.test_file}", line {line}, in {name}',
            *[part for part in body if not part.startswith(("E ", ">"))],
            summary,
            "",
            "-" * 70,
            f"Ran {passed + 1} tests in {rng.uniform(0.02, 2.5):.3f}s",
            "",
            "FAILED (failures=1)",
            "Destroying test database for alias 'default'...",
        ]
    )


def passing(ctx: Ctx, rng: random.Random, passed: int) -> str:
    """A clean test run."""
    if not ctx.django:
        return text.pytest_output(ctx, rng, ctx.test_file, passed, [])
    return "\n".join(
        [
            f"Testing against Django installed in '/testbed/django' with up to {rng.choice([1, 2])} processes",
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "." * passed,
            "-" * 70,
            f"Ran {passed} tests in {rng.uniform(0.02, 2.5):.3f}s",
            "",
            "OK",
            "Destroying test database for alias 'default'...",
        ]
    )


def weave(rng: random.Random, n: int, tries: list[Maker], looks: list[Maker], what: str) -> list[Step]:
    """`n` steps ending in giving up: attempts that fail, with looks around between them, never one command twice running."""
    steps: list[Step] = []
    for i in range(n - 1):
        pool = looks if steps and rng.random() < 0.36 else tries
        step = rng.choice(pool)(rng, i)
        for _ in range(6):
            if not steps or step.command != steps[-1].command:
                break
            step = rng.choice(tries + looks)(rng, i)
        if steps and step.command == steps[-1].command:
            step.command += f" | tail -n {rng.randint(15, 60)}"
        steps.append(step)
    steps.append(text.give_up(rng, what))
    return steps


def pick(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)
