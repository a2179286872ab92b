"""Productive families, part two: bisecting, measuring, exploring, print-debugging, suite reruns, tuning."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import edit, grep, opening, read, sh, source
from .drift import fill
from .eco import Eco


def bisect(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """`git bisect` over a range of commits: each step checks out a different revision and tests it."""
    test, msg = eco.tests[i % len(eco.tests)], eco.fail_msgs[i % len(eco.fail_msgs)]
    one = eco.test_one.replace("{test}", test)
    steps = opening(eco, rng, rng.randint(3, 6))
    left = 2 ** (4 + i % 4)
    steps.append(
        sh(
            "git bisect start HEAD v0.3.0",
            fill(
                f"Bisecting: {left // 2 - 1} revisions left to test after this (roughly {(left // 2).bit_length() - 1} steps)\n[@hex@@hex@] @sha@ wip",
                rng,
            ),
        )
    )
    while left > 1:
        bad = rng.random() < 0.5
        if bad:
            steps.append(sh(one, fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=1), 1, rng.uniform(3, 30)))
        else:
            steps.append(sh(one, fill(eco.pass_tpl, rng, total=1), 0, rng.uniform(3, 30)))
        left //= 2
        remaining = max(left // 2 - 1, 0)
        if left == 1:  # the last verdict names the culprit instead of another revision to test
            steps.append(
                sh(
                    f"git bisect {'bad' if bad else 'good'}",
                    fill(
                        "@hex@@hex@ is the first bad commit\ncommit @hex@@hex@\nAuthor: Ravi Nand\n\n    switch the rounding mode",
                        rng,
                    ),
                )
            )
            break
        steps.append(
            sh(
                f"git bisect {'bad' if bad else 'good'}",
                fill(
                    f"Bisecting: {remaining} revisions left to test after this (roughly {max(left.bit_length() - 2, 0)} steps)\n[@hex@@hex@] @sha@ change {left}",
                    rng,
                ),
            )
        )
    steps.append(
        sh(
            "git bisect reset && git show --stat HEAD@{1} | head -8",
            fill(
                "commit @hex@@hex@\nAuthor: Ravi Nand\n\n    switch the rounding mode\n\n {file} | @n@ +-",
                rng,
                file=eco.files[0],
            ),
        )
    )
    steps.append(edit(eco.files[0], source(eco, rng, eco.files[0]), source(eco, rng, eco.files[0], 2)))
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=rng.randint(20, 60))))
    return steps


def bench_iterate(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Optimise a hot path: edit, run the benchmark, read the number, edit again; the number moves."""
    cmd, tpl = eco.bench
    target = eco.files[i % 3]
    value = rng.uniform(400, 4000)
    steps = opening(eco, rng, rng.randint(3, 6))
    steps.append(sh(cmd, fill(tpl, rng, value=f"{value:.1f}"), 0, rng.uniform(20, 60)))
    for k in range(4 + i % 6):
        steps.append(edit(target, source(eco, rng, target, k), source(eco, rng, target, k + 1)))
        value *= rng.uniform(0.7, 1.08)
        steps.append(sh(cmd, fill(tpl, rng, value=f"{value:.1f}"), 0, rng.uniform(20, 60)))
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=rng.randint(20, 60))))
    return steps


def exploration(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Getting to know an unfamiliar codebase: many different files, searches and commands, then a small change."""
    steps = opening(eco, rng, 12)
    paths = [
        f"{eco.src_dir}/{name}.{eco.files[0].rsplit('.', 1)[-1]}"
        for name in (
            "auth",
            "cache",
            "queue",
            "metrics",
            "config",
            "errors",
            "retry",
            "pool",
            "http",
            "schema",
            "log",
            "state",
        )
    ]
    for k, path in enumerate(paths[: 6 + i % 7]):
        steps.append(read(path, source(eco, rng, path, k)))
        if k % 2:
            ident = eco.idents[k % len(eco.idents)]
            steps.append(grep(f"{ident}.*{k}", f"{path}:{rng.randint(4, 300)}:  {ident}", eco.src_dir))
        if k % 3 == 2:
            steps.append(
                sh(f"git log --oneline -3 -- {path}", fill("@sha@ touch\n@sha@ split module\n@sha@ initial", rng))
            )
    steps.append(edit(paths[0], source(eco, rng, paths[0]), source(eco, rng, paths[0], 1)))
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=rng.randint(20, 60))))
    return steps


def print_debug(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Adding prints, running, reading what changed, moving the print: the output differs every run."""
    cmd, tpl = eco.debug
    target = eco.files[(i + 1) % 3]
    steps = opening(eco, rng, rng.randint(3, 6))
    for k in range(4 + i % 6):
        steps.append(
            edit(target, source(eco, rng, target, k), source(eco, rng, target, k) + f"\n  debug probe {k + 1}")
        )
        steps.append(sh(cmd, fill(tpl, rng, value=rng.randint(k * 10, k * 10 + 9)), rng.choice([0, 1])))
    steps.append(edit(target, source(eco, rng, target, 9), source(eco, rng, target, 1)))
    steps.append(sh(cmd, fill(tpl, rng, value=0).replace("error: Truncated", "ok")))
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=rng.randint(20, 60))))
    return steps


def suite_rerun(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The whole suite after every small fix, the failures going down each time."""
    failing = 3 + i % 6
    total = rng.randint(30, 90)
    steps = opening(eco, rng, rng.randint(3, 6))
    while failing:
        test = f"{eco.tests[failing % len(eco.tests)]}_{failing}"
        steps.append(
            sh(
                eco.test_cmd,
                fill(
                    eco.fail_tpl,
                    rng,
                    test=test,
                    msg=eco.fail_msgs[failing % len(eco.fail_msgs)],
                    failed=failing,
                    total=total,
                ),
                1,
                rng.uniform(10, 60),
            )
        )
        target = eco.files[failing % len(eco.files)]
        if rng.random() < 0.4:
            steps.append(read(target, source(eco, rng, target, failing)))
        steps.append(edit(target, source(eco, rng, target, failing), source(eco, rng, target, failing + 1)))
        failing -= rng.choice([1, 1, 2]) if failing > 1 else 1
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=total), 0, rng.uniform(10, 60)))
    return steps


def config_tune(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Tuning one setting: edit it, rerun the measurement, and the metric changes every time."""
    key, cmd, tpl = eco.tune
    metric = rng.uniform(50, 900)
    steps = opening(eco, rng, rng.randint(3, 6))
    steps.append(read(eco.config_file, fill(eco.config_text, rng, value=1)))
    steps.append(sh(cmd, fill(tpl, rng, value=f"{metric:.1f}"), 0, rng.uniform(20, 60)))
    for k in range(5 + i % 9):
        setting = rng.choice([2, 4, 8, 16, 32, 64, 128]) * (k + 1)
        steps.append(edit(eco.config_file, f"{key} {setting // 2}", f"{key} {setting}"))
        metric *= rng.uniform(0.8, 1.25)
        steps.append(sh(cmd, fill(tpl, rng, value=f"{metric:.1f}"), 0, rng.uniform(20, 60)))
    steps.append(grep(key, f"{eco.config_file}:{rng.randint(2, 30)}:{key}", "."))
    steps.append(sh(eco.test_cmd, fill(eco.pass_tpl, rng, total=rng.randint(20, 60))))
    return steps
