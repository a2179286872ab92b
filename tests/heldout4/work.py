"""Productive families of the fourth set, part one: environment and waiting, and fixing code step by step.

Every builder returns the steps of a session that makes progress to the end (nothing to stop).
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import finish, look_around
from .drift import fill
from .eco import Eco
from .env_more import FIXABLE, POLLS, TRANSIENT


def _fix(eco: Eco, rng: random.Random, path: str, n: int) -> Step:
    line = eco.code[n % len(eco.code)]
    return Step(
        "edit", path, line, extra=line.replace("(", f"(/* fix {n} */ ", 1) if "(" in line else f"{line} // fix {n}"
    )


def retry_recover(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    command, error, ok = TRANSIENT[eco.name]
    steps = look_around(eco, rng, rng.randint(2, 7))
    for _ in range(2 + i % 4):  # 2–5 identical retries of a transient failure
        steps.append(Step("shell", command, error, 1, seconds=rng.uniform(10, 60)))
    steps.append(Step("shell", command, fill(rng, ok), 0, seconds=rng.uniform(10, 90)))
    test = rng.randrange(len(eco.tests))
    steps.append(eco.run_one(rng, test))
    steps.append(eco.read(rng, eco.source(i), 2))
    steps.append(_fix(eco, rng, eco.source(i), i))
    steps.append(eco.run_one(rng, test, ok=True))
    return steps + finish(eco, rng, 40 + i)


def polling(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    poll = POLLS[eco.name]
    steps = look_around(eco, rng, rng.randint(2, 6))
    steps.append(Step("shell", poll.start, fill(rng, poll.started), 0, seconds=rng.uniform(2, 20)))
    checks = rng.randint(5, 30)
    for k in range(checks):
        state = poll.states[min(k * len(poll.states) // checks, len(poll.states) - 1)]
        if k and rng.random() < 0.5:
            steps.append(Step("shell", f"sleep {rng.choice((10, 15, 20, 30))}", "", seconds=20))
        steps.append(Step("shell", poll.check, fill(rng, state), 0, seconds=rng.uniform(0.3, 3)))
    steps.append(Step("shell", poll.check, fill(rng, poll.ready), 0))
    return steps + finish(eco, rng, 30 + i)


def fixable_env(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    fixable = FIXABLE[eco.name][i % len(FIXABLE[eco.name])]
    steps = look_around(eco, rng, rng.randint(2, 6))
    steps.append(Step("shell", fixable.command, fill(rng, fixable.error), 1, seconds=rng.uniform(2, 30)))
    for command, out, code in fixable.tries[: 1 + i % len(fixable.tries)]:
        steps.append(Step("shell", command, fill(rng, out), code))
    steps.append(Step("shell", fixable.fix[0], fill(rng, fixable.fix[1]), 0, seconds=rng.uniform(5, 60)))
    steps.append(Step("shell", fixable.command, fill(rng, fixable.ok), 0, seconds=rng.uniform(5, 60)))
    test = rng.randrange(len(eco.tests))
    steps += [eco.run_one(rng, test), _fix(eco, rng, eco.source(i), i), eco.run_one(rng, test, ok=True)]
    return steps


def tdd(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    steps = look_around(eco, rng, rng.randint(2, 5))
    failing = rng.sample(range(len(eco.tests)), rng.randint(3, min(5, len(eco.tests))))
    total = 30 + i
    steps.append(
        Step("edit", eco.tests[failing[0]][0].split("::")[0], "", extra="\n".join(f"test case {t}" for t in failing))
    )
    while failing:
        out, code = eco.suite(rng, failing, total)
        steps.append(Step("shell", eco.suite_cmd, out, code, seconds=rng.uniform(5, 60)))
        done = failing.pop(0)
        steps.append(_fix(eco, rng, eco.source(done), done + len(steps)))
        if failing and rng.random() < 0.4:
            steps.append(eco.run_one(rng, done, ok=True))
    return steps + finish(eco, rng, total)


def compile_fix(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    steps = look_around(eco, rng, rng.randint(2, 5))
    errors = [(eco.source(k + i), k + i) for k in range(rng.randint(4, 9))]
    steps.append(_fix(eco, rng, eco.source(i), i))  # the change that broke the build
    while errors:
        steps.append(eco.build(rng, errors))
        path, _ = errors.pop(rng.randrange(len(errors)))
        if rng.random() < 0.3:
            steps.append(eco.read(rng, path, len(steps)))
        steps.append(_fix(eco, rng, path, len(steps)))
    steps.append(eco.build(rng, []))
    return steps + finish(eco, rng, 25 + i)


def lint_refactor(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A rename across many files, the same clean lint after each edit."""
    steps = look_around(eco, rng, rng.randint(2, 5))
    steps.append(
        Step("grep", "fetch_total", "\n".join(f"{eco.source(k)}:{rng.randint(5, 200)}: fetch_total(" for k in range(6)))
    )
    for k in range(rng.randint(8, 20)):
        path = eco.source(k)
        steps.append(Step("edit", path, f"fetch_total(ctx, {k})", extra=f"load_total(ctx, {k})"))
        steps.append(eco.lint(rng))
    return steps + finish(eco, rng, 35 + i)


def per_package(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """One test command per package, a fix where one fails."""
    steps = look_around(eco, rng, rng.randint(2, 5))
    packages = list(eco.packages) * 2
    broken = rng.randrange(len(eco.packages))
    for n, pkg in enumerate(packages[: len(eco.packages) + rng.randint(0, 3)]):
        fails = n == broken
        out, code = eco.suite(rng, [n] if fails else [], 6 + n)
        steps.append(Step("shell", eco.pkg_cmd.format(pkg=pkg), out, code, seconds=rng.uniform(3, 40)))
        if fails:
            steps.append(eco.read(rng, eco.source(n), n))
            steps.append(_fix(eco, rng, eco.source(n), n))
            out, code = eco.suite(rng, [], 6 + n)
            steps.append(Step("shell", eco.pkg_cmd.format(pkg=pkg), out, code))
    return steps
