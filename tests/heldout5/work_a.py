"""Productive families, part one: transient failures, waiting, fixable setup, TDD, compile errors, refactors."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import attempt, edit, grep, opening, read, sh, source, todo
from .drift import fill
from .eco import Eco


def _pass(eco: Eco, rng: random.Random, total: int) -> Step:
    return sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=total), 0, rng.uniform(3, 45))


def retry_recover(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A transient failure retried 2-5 times unchanged, then it goes through and the work carries on."""
    cmd, err, ok = eco.transient
    steps = opening(eco, rng, rng.randint(3, 9))
    for _ in range(2 + i % 4):
        steps.append(sh(cmd, fill(err, rng), 1, rng.uniform(1, 15)))
    steps.append(sh(cmd, fill(ok, rng), 0, rng.uniform(5, 40)))
    target = eco.files[i % 3]
    steps.append(edit(target, source(eco, rng, target), source(eco, rng, target, 1)))
    steps.append(sh(eco.build_cmd, fill(eco.build_ok, rng)))
    steps.append(_pass(eco, rng, rng.randint(20, 60)))
    steps.append(
        sh(
            "git add -A && git commit -qm 'fix: ' && git log --oneline -1",
            fill("@sha@ fix: handle the empty case", rng),
        )
    )
    return steps


def polling(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A long job started in the background and checked 5-30 times until it is ready."""
    poll = eco.poll
    steps = opening(eco, rng, rng.randint(3, 7))
    steps.append(sh(poll.start, fill(poll.started, rng)))
    for k in range(5 + (i * 7) % 26):
        if rng.random() < 0.3:
            steps.append(sh(f"sleep {rng.choice([10, 15, 20, 30])}", "", 0, 20))
        steps.append(
            sh(poll.check, fill(poll.pending, rng, i=k + 1), 1 if "error" in poll.pending else 0, rng.uniform(1, 6))
        )
    steps.append(sh(poll.check, fill(poll.ready, rng)))
    steps.append(_pass(eco, rng, rng.randint(20, 60)))
    return steps


def fixable_env(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A setup problem that 1-3 tries of diagnosis and one fix clear; then the real task proceeds."""
    blocker = eco.blockers[i % len(eco.blockers)]
    steps = opening(eco, rng, rng.randint(3, 8))
    steps.append(sh(blocker.cmd, fill(blocker.error, rng), 1))
    for cmd in blocker.attempts[: i % 3]:
        steps.append(attempt(cmd, blocker.error, rng))
    for fix, out in blocker.fix:
        steps.append(sh(fill(fix, rng), fill(out, rng)))
    steps.append(sh(blocker.cmd, fill(blocker.fixed or eco.build_ok, rng)))
    target = eco.files[(i + 1) % 3]
    steps.append(read(target, source(eco, rng, target)))
    steps.append(edit(target, source(eco, rng, target), source(eco, rng, target, 2)))
    steps.append(_pass(eco, rng, rng.randint(20, 60)))
    return steps


def tdd(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Red, green, refactor for several small behaviours, each one a new test and a new failure."""
    test_file, target = eco.files[3], eco.files[i % 3]
    steps = opening(eco, rng, rng.randint(3, 6))
    total = rng.randint(12, 30)
    for k in range(3 + i % 4):
        name = f"{eco.tests[k % len(eco.tests)]}_{k}"
        steps.append(
            edit(test_file, source(eco, rng, test_file, k), source(eco, rng, test_file, k + 1) + f"\n;; case {name}")
        )
        total += 1
        steps.append(
            sh(
                eco.test_one.replace("{test}", name),
                fill(eco.fail_tpl, rng, test=name, msg=eco.fail_msgs[k % len(eco.fail_msgs)], failed=1, total=total),
                1,
            )
        )
        steps.append(edit(target, source(eco, rng, target, k), source(eco, rng, target, k + 1)))
        steps.append(sh(eco.test_one.replace("{test}", name), fill(eco.pass_tpl, rng, total=total)))
    steps.append(sh(eco.lint_cmd, fill(eco.lint_clean, rng)))
    steps.append(_pass(eco, rng, total))
    return steps


def compile_fix(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """After an upgrade the build reports errors; each fix moves the build on to a different one."""
    steps = opening(eco, rng, rng.randint(3, 6))
    errors = [
        (eco.files[(i + k) % len(eco.files)], eco.compile_msgs[(i + k) % len(eco.compile_msgs)])
        for k in range(3 + i % 3)
    ]
    for file, msg in errors:
        steps.append(sh(eco.build_cmd, fill(eco.compile_tpl, rng, file=file, msg=msg), 1, rng.uniform(2, 25)))
        if rng.random() < 0.5:
            steps.append(read(file, source(eco, rng, file)))
        steps.append(edit(file, source(eco, rng, file), source(eco, rng, file, 1)))
    steps.append(sh(eco.build_cmd, fill(eco.build_ok, rng)))
    steps.append(_pass(eco, rng, rng.randint(20, 60)))
    return steps


def refactor_check(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A rename across many files, with the same clean check after every edit."""
    old, new = eco.idents[i % len(eco.idents)], eco.idents[(i + 1) % len(eco.idents)] + "2"
    files = [f"{eco.src_dir}/mod_{k}.{eco.files[0].rsplit('.', 1)[-1]}" for k in range(6 + i % 8)]
    steps = opening(eco, rng, rng.randint(3, 6))
    steps.append(todo(f"Rename {old} to {new};Update callers;Run lint after each file"))
    steps.append(grep(old, "\n".join(f"{f}:{rng.randint(3, 200)}:  {old}" for f in files), eco.src_dir))
    for f in files:
        steps.append(edit(f, f"{old}(x)", f"{new}(x)"))
        steps.append(sh(eco.lint_cmd, fill(eco.lint_clean, rng)))
    steps.append(grep(old, "", eco.src_dir))
    steps.append(_pass(eco, rng, rng.randint(20, 60)))
    return steps


def per_package(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The tests of every package in turn, fixing the one that fails, then the whole suite."""
    steps = opening(eco, rng, rng.randint(3, 6))
    packages = [f"{p}{suffix}" for suffix in ("", "_extra", "_io")[: 1 + i % 3] for p in eco.packages]
    bad = packages[rng.randrange(len(packages))]
    for pkg in packages:
        cmd = eco.pkg_cmd.replace("{pkg}", pkg)
        if pkg == bad:
            steps.append(
                sh(
                    cmd,
                    fill(
                        eco.fail_tpl, rng, test=eco.tests[0], msg=eco.fail_msgs[0], failed=1, total=rng.randint(4, 20)
                    ),
                    1,
                )
            )
            steps.append(edit(eco.files[0], source(eco, rng, eco.files[0]), source(eco, rng, eco.files[0], 1)))
        steps.append(sh(cmd, fill(eco.pass_tpl, rng, total=rng.randint(3, 25)), 0, rng.uniform(2, 20)))
    steps.append(_pass(eco, rng, rng.randint(40, 90)))
    return steps
