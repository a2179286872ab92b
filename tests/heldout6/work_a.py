"""Productive families, part one: retries that recover, polling, fixable environments, TDD,
compile-fix, refactors checked after each edit, and per-package sweeps."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import edit, opening, read, sh, tests
from .eco import Eco, build_error, report


def _finish(eco: Eco, rng: random.Random) -> list[Step]:
    return [
        tests(eco, rng, 0),
        sh(
            rng,
            "git add -A && git commit -qm 'fix: address review' && git log --oneline -1",
            "@sha@ fix: address review",
        ),
    ]


def retry_recover(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A transient failure retried 2-5 times unchanged, then it works and the work goes on."""
    steps = opening(eco, rng, rng.randint(2, 6))
    command, error, ok = eco.transient
    steps += [sh(rng, command, error, 1, seconds=rng.uniform(2, 30)) for _ in range(rng.randint(2, 5))]
    steps.append(sh(rng, command, ok, seconds=rng.uniform(2, 30)))
    steps += [read(eco, rng, eco.files[1]), edit(eco, rng, eco.files[1], eco.snippets[i % 5]), *_finish(eco, rng)]
    return steps


def polling(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Start something slow, then check on it 5-30 times until it is ready; some checks fail meanwhile."""
    start, started, status, pending, failing, ready = eco.poll
    steps = [*opening(eco, rng, rng.randint(2, 5)), sh(rng, start, started, seconds=rng.uniform(2, 20))]
    checks = rng.randint(5, 30)
    for k in range(checks - 1):
        if rng.random() < 0.25:
            steps.append(sh(rng, status, failing, 1))
        else:
            pct = str(min(99, (k + 1) * 100 // checks)) if "{pct}" in pending else ""
            steps.append(
                sh(
                    rng,
                    f"sleep {rng.choice([10, 15, 20, 30])} && {status}",
                    pending.replace("{pct}", pct),
                    seconds=rng.uniform(10, 30),
                )
            )
    steps.append(sh(rng, status, ready))
    return [*steps, tests(eco, rng, 0)]


def fixable_env(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The environment is missing something; one to three tries fix it, then the task proceeds."""
    command, error, fix, fixed = eco.fixenv
    steps = [*opening(eco, rng, rng.randint(2, 5)), sh(rng, command, error, 1)]
    for _ in range(rng.randint(0, 2)):
        steps += [
            sh(rng, f"which {fix.split()[0]} ; echo $PATH", "/usr/local/bin:/usr/bin:/bin"),
            sh(rng, command, error, 1),
        ]
    steps += [sh(rng, fix, fixed, seconds=rng.uniform(1, 40)), tests(eco, rng, 2), read(eco, rng, eco.files[2])]
    steps += [
        edit(eco, rng, eco.files[2], eco.snippets[(i + 1) % 5]),
        tests(eco, rng, 1),
        edit(eco, rng, eco.files[0], eco.snippets[i % 5]),
    ]
    return steps + _finish(eco, rng)


def tdd(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Red, green, next: each new test fails, the code change makes it pass, the suite grows."""
    steps = opening(eco, rng, rng.randint(2, 4))
    done: list[str] = []
    for k, name in enumerate(rng.sample(eco.tests, k=rng.randint(3, 6))):
        steps.append(
            edit(
                eco,
                rng,
                eco.files[4] if eco.name != "foundry" else "test/Vault.t.sol",
                f"// test: {name}\n{eco.snippets[k % 5]}",
            )
        )
        steps.append(Step("shell", eco.test_cmd, report(eco, rng, list(done), [(name, eco.failures[k % 4])]), 1))
        steps.append(edit(eco, rng, eco.files[k % 3], eco.snippets[(k + i) % 5]))
        done.append(name)
        steps.append(Step("shell", eco.test_cmd, report(eco, rng, list(done), []), 0))
    return steps


def compile_fix(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Build, fix the error it names, build again: each build stops at a different error, then none."""
    steps = opening(eco, rng, rng.randint(2, 5))
    msgs = rng.sample(eco.compile_msgs, k=rng.randint(2, 4))
    for k, msg in enumerate(msgs):
        file = eco.files[(i + k) % 3]
        steps.append(Step("shell", eco.build_cmd, build_error(eco, rng, file, msg), 1))
        steps += [read(eco, rng, file, k), edit(eco, rng, file, eco.snippets[(k + i) % 5])]
    steps.append(sh(rng, eco.build_cmd, eco.build_ok))
    return steps + _finish(eco, rng)


def refactor_check(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A rename across files: after every edit the same check, clean each time."""
    steps = opening(eco, rng, rng.randint(2, 5))
    old, new = rng.choice(
        [("total", "grandTotal"), ("ttl", "timeToLive"), ("rate", "ratePerHour"), ("parse", "decodeRow")]
    )
    steps.append(Step("grep", old, "\n".join(f"{f}:{rng.randint(4, 80)}: {old}" for f in eco.files[:3]), extra="src"))
    for k in range(rng.randint(4, 10)):
        file = eco.files[k % 5] if k < 5 else f"{eco.files[k % 3]}"
        steps.append(edit(eco, rng, file, eco.snippets[k % 5].replace(old, new) + f"  // {new} ({k + 1})"))
        steps.append(sh(rng, eco.build_cmd, eco.build_ok, seconds=rng.uniform(2, 15)))
    return [*steps, sh(rng, eco.lint_cmd, eco.lint_ok), *_finish(eco, rng)]


def per_package(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The same test command over each package in turn; one needs a fix on the way."""
    steps = opening(eco, rng, rng.randint(2, 4))
    broken = rng.randrange(len(eco.packages))
    for round_ in range(rng.randint(1, 2)):
        for k, pkg in enumerate(eco.packages):
            failing = 1 if k == broken and round_ == 0 else 0
            steps.append(tests(eco, rng, failing, eco.pkg_cmd.replace("{pkg}", pkg)))
            if failing:
                steps += [read(eco, rng, eco.files[k % 5]), edit(eco, rng, eco.files[k % 5], eco.snippets[k % 5])]
                steps.append(tests(eco, rng, 0, eco.pkg_cmd.replace("{pkg}", pkg)))
    return steps
