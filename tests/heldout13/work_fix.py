"""Productive work that meets failures and gets past them: retries, waits, setup, tests first, builds, renames, sweeps."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .acts import edit, finish, one, opening, read, sh, sleep, suite, tweaks, view
from .chain import Chain, build_error, lines_of, report, spot


def retry_recover(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A transient error, retried as it is two to five times, then it passes and the work goes on."""
    steps = opening(chain, rng, rng.randint(2, 6))
    command, error, ok = chain.flaky
    for _ in range(rng.randint(2, 5)):
        steps.append(sh(rng, command, error, 1, seconds=rng.uniform(2, 40)))
        if rng.random() < 0.3:
            steps.append(sleep(rng))
    steps.append(sh(rng, command, ok, seconds=rng.uniform(2, 60)))
    return [*steps, read(chain, chain.files[1]), *finish(chain, rng)]


def polling(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """Something started, then its status checked (with sleeps) until it is up, running or done."""
    steps = opening(chain, rng, rng.randint(2, 5))
    start, started, status, pending, failing, ready = chain.watch
    steps.append(sh(rng, start, started, seconds=rng.uniform(2, 90)))
    for _ in range(rng.randint(5, 30) - 1):
        pause = rng.random()
        if pause < 0.5:
            steps.append(sleep(rng))
        command = f"sleep {rng.choice((5, 10, 20, 30))} && {status}" if 0.5 <= pause < 0.75 else status
        steps.append(sh(rng, command, failing if rng.random() < 0.15 else pending))
    steps.append(sh(rng, status, ready))
    return [*steps, suite(chain, rng)]


def _works(chain: Chain, rng: random.Random, command: str) -> Step:
    if command == chain.suite:
        return suite(chain, rng, [(chain.tests[2], chain.asserts[2])])
    return sh(rng, command, chain.built, seconds=rng.uniform(5, 90))


def fixable_env(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """Something missing from the environment: one to three tries, then the fix, then on with the work."""
    steps = opening(chain, rng, rng.randint(2, 6))
    command, error, fix, fixed = chain.fixenv
    tries = (command, f"{command} 2>&1 | tail -n 30", f"cd {chain.root} && {command}")
    for attempt in tries[: rng.randint(1, 3)]:
        steps.append(sh(rng, attempt, error, 127 if "not found" in error else 1))
    steps += [sh(rng, fix, fixed, seconds=rng.uniform(5, 120)), _works(chain, rng, command)]
    steps += [
        read(chain, chain.files[0]),
        edit(chain, chain.files[0], tweaks(chain, rng)[0]),
        one(chain, rng, chain.tests[2]),
    ]
    return [*steps, suite(chain, rng)]


def tdd(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A failing test written first, then the code that makes it pass, for three to five cases."""
    steps = opening(chain, rng, rng.randint(2, 5))
    test_file, path = chain.files[-1], chain.files[0]
    mark = "#" if test_file.endswith((".py", ".gd", ".bats", ".yaml", ".hcl")) else "//"
    fixes = tweaks(chain, rng)
    now_test: str | None = None
    now: str | None = None
    for case in range(rng.randint(3, 5)):
        test = chain.tests[(i + case) % len(chain.tests)]
        new_test = f"{chain.code[(i + case) % len(chain.code)].strip()}  {mark} case: {test}"
        steps += [
            edit(chain, test_file, new_test, now_test),
            one(chain, rng, test, chain.asserts[case % len(chain.asserts)]),
        ]
        now_test = new_test
        if rng.random() < 0.4:
            steps.append(view(chain, rng, path, now))
        steps += [edit(chain, path, fixes[case], now), one(chain, rng, test)]
        now = fixes[case]
    return [*steps, suite(chain, rng), sh(rng, chain.lint, chain.lint_ok)]


def compile_fix(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A build that fails with a different error each time, each one fixed, until it builds."""
    steps = opening(chain, rng, rng.randint(2, 5))
    fixes = tweaks(chain, rng)
    for k, msg in enumerate(rng.sample(chain.compile_msgs, k=rng.randint(3, 6))):
        path = rng.choice(chain.files[:4])
        steps.append(
            Step(
                "shell",
                chain.build,
                build_error(chain, rng, path, msg, rng.randint(10, 240)),
                1,
                seconds=rng.uniform(3, 60),
            )
        )
        if rng.random() < 0.5:
            steps.append(view(chain, rng, path))
        steps.append(edit(chain, path, fixes[k]))
    steps.append(sh(rng, chain.build, chain.built, seconds=rng.uniform(3, 60)))
    return [*steps, suite(chain, rng), sh(rng, chain.lint, chain.lint_ok)]


def refactor_check(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A rename through four or five files, the build checked after each edit."""
    steps = opening(chain, rng, rng.randint(2, 4))
    old, new = chain.rename
    paths = rng.sample(chain.files[:5], k=rng.randint(4, 5))
    hits = "\n".join(f"{p}:{spot(chain, p) + 1}:{lines_of(chain, p)[spot(chain, p)].strip()}" for p in paths)
    steps.append(Step("grep", old, hits, extra="."))
    for path in paths:
        if rng.random() < 0.4:
            steps.append(read(chain, path))
        steps.append(edit(chain, path, lines_of(chain, path)[spot(chain, path)].replace(old, new)))
        steps.append(sh(rng, chain.build, chain.built, seconds=rng.uniform(3, 60)))
    steps.append(Step("grep", old, "", code=1, extra="."))
    return [*steps, suite(chain, rng), sh(rng, chain.lint, chain.lint_ok)]


def per_package(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """One command over each package or job in turn; one of them fails, is fixed and passes."""
    steps = opening(chain, rng, rng.randint(2, 4))
    bad = rng.randrange(len(chain.units))
    for k, unit in enumerate(chain.units):
        command = chain.unit.replace("{unit}", unit)
        tests = rng.sample(chain.tests, k=rng.randint(2, 4))
        if k == bad:
            failing = report(chain, rng, tests, [(tests[0], chain.asserts[k % len(chain.asserts)])])
            steps += [
                Step("shell", command, failing, 1, seconds=rng.uniform(2, 40)),
                view(chain, rng, chain.files[k % 4]),
            ]
            steps.append(edit(chain, chain.files[k % 4], tweaks(chain, rng)[0]))
        steps.append(Step("shell", command, report(chain, rng, tests, []), 0, seconds=rng.uniform(2, 40)))
    return [
        *steps,
        sh(rng, "git diff --stat", f" {chain.files[bad % 4]} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)"),
    ]
