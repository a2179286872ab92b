"""Productive families, part two: bisect, benchmark iterations, exploration, print-debugging,
full-suite reruns with falling failures, and config tuning with a metric that moves each run."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import edit, opening, read, sh, tests
from .eco import Eco, bench


def bisect(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """git bisect: the same test at each candidate commit, good or bad, until the first bad one."""
    steps = opening(eco, rng, rng.randint(2, 4))
    commits = rng.randint(20, 300)
    steps.append(
        sh(
            rng,
            "git bisect start HEAD v2.@kb@.0",
            f"Bisecting: {commits // 2} revisions left to test after this (roughly {commits.bit_length() - 1} steps)\n[@hex@] @sha@ wip",
        )
    )
    left = commits // 2
    while left > 0:
        bad = rng.random() < 0.5
        steps.append(tests(eco, rng, 1 if bad else 0))
        left //= 2
        verdict = "bad" if bad else "good"
        text = (
            f"Bisecting: {left} revisions left to test after this (roughly {max(left.bit_length() - 1, 0)} steps)\n[@hex@] @sha@ refactor"
            if left
            else "@hex@ is the first bad commit\ncommit @hex@\n    perf: cache rates per run"
        )
        steps.append(sh(rng, f"git bisect {verdict}", text))
    steps += [
        sh(
            rng,
            "git bisect reset && git show --stat HEAD~0 | head -5",
            "Previous HEAD position was @sha@\ncommit @hex@",
        ),
        read(eco, rng, eco.files[1]),
    ]
    return [*steps, edit(eco, rng, eco.files[1], eco.snippets[i % 5]), tests(eco, rng, 0)]


def bench_iterate(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Benchmark, change, benchmark again: the numbers move each time."""
    steps = opening(eco, rng, rng.randint(2, 4))
    names = ("parse_small", "parse_large", "round_trip")
    level = rng.uniform(200, 4000)
    steps.append(
        sh(
            rng,
            eco.bench_cmd,
            bench(eco, rng, {n: level * (1 + k / 3) for k, n in enumerate(names)}),
            seconds=rng.uniform(10, 60),
        )
    )
    for k in range(rng.randint(3, 7)):
        steps.append(edit(eco, rng, eco.files[k % 3], eco.snippets[(k + i) % 5] + f"  // opt {k + 1}"))
        level *= rng.uniform(0.7, 1.08)
        steps.append(
            sh(
                rng,
                eco.bench_cmd,
                bench(eco, rng, {n: level * (1 + j / 3) * rng.uniform(0.97, 1.03) for j, n in enumerate(names)}),
                seconds=rng.uniform(10, 60),
            )
        )
    return [*steps, tests(eco, rng, 0)]


def exploration(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Finding one's way around: different files, different searches, history, then a small change."""
    steps = opening(eco, rng, rng.randint(3, 6))
    for k in range(rng.randint(8, 16)):
        choice = k % 4
        if choice == 0:
            steps.append(
                read(eco, rng, f"{eco.files[k % 5].rsplit('/', 1)[0]}/part{k}.{eco.files[0].rsplit('.', 1)[-1]}")
            )
        elif choice == 1:
            word = rng.choice(["retry", "cache", "round", "parse", "expire", "config", "timeout", "fee", "page"])
            steps.append(
                Step(
                    "grep", f"{word}{k}", f"{eco.files[k % 5]}:{rng.randint(3, 200)}:    {word}{k} = load()", extra="."
                )
            )
        elif choice == 2:
            steps.append(
                sh(
                    rng,
                    f"git log --oneline -{k + 3} -- {eco.files[k % 5]}",
                    "\n".join(f"@sha@ change {j}" for j in range(k + 3)),
                )
            )
        else:
            steps.append(
                sh(
                    rng,
                    f"wc -l {' '.join(eco.files[: 1 + k % 5])}",
                    "\n".join(f"  {rng.randint(20, 900)} {f}" for f in eco.files[: 1 + k % 5]),
                )
            )
    return [*steps, edit(eco, rng, eco.files[0], eco.snippets[i % 5]), tests(eco, rng, 0)]


def print_debug(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Add a print, run, look, move it: the output says something new each time until the cause shows."""
    steps = opening(eco, rng, rng.randint(2, 4))
    value = rng.randint(100, 999)
    for k in range(rng.randint(4, 9)):
        steps.append(edit(eco, rng, eco.files[k % 3], f'print("debug {k}: state", state)  // probe {k}'))
        value = value * 3 // 2 + rng.randint(1, 9)
        steps.append(
            sh(
                rng,
                eco.run_cmd,
                f"debug {k}: state={{step: {k}, total: {value}, pending: {max(0, 5 - k)}}}\n@ts@ done in @ms@ms",
                seconds=rng.uniform(1, 8),
            )
        )
    steps += [
        edit(eco, rng, eco.files[0], eco.snippets[i % 5]),
        sh(rng, f"git diff --stat && git checkout -p -- {eco.files[1]} <<< y", " 2 files changed"),
    ]
    return [*steps, tests(eco, rng, 0)]


def suite_rerun(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The whole suite after each fix, fewer failures every time."""
    steps = opening(eco, rng, rng.randint(2, 4))
    failing = rng.randint(4, 6)
    steps.append(tests(eco, rng, failing))
    while failing:
        file = eco.files[failing % 3]
        steps += [
            read(eco, rng, file, failing),
            edit(eco, rng, file, eco.snippets[failing % 5] + f"  // fix {failing}"),
        ]
        failing -= rng.randint(1, 2) if failing > 1 else 1
        steps.append(tests(eco, rng, failing))
    return steps


def config_tune(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Change one setting, run the measurement, read the metric, change it again."""
    file, key, values, command, metric = eco.tune
    steps = [*opening(eco, rng, rng.randint(2, 4)), read(eco, rng, file)]
    metric_value = rng.uniform(50, 900)
    extra = [str(int(float(v) * 1.1)) if "." not in v else f"{float(v) + 0.02:.2f}" for v in values[:2]]
    for _k, value in enumerate(list(values) + extra[: rng.randint(0, 2)]):
        steps.append(edit(eco, rng, file, f"{key} = {value}"))
        metric_value *= rng.uniform(0.8, 1.15)
        steps.append(sh(rng, command, metric.replace("{value}", f"{metric_value:.0f}"), seconds=rng.uniform(10, 60)))
    return [*steps, tests(eco, rng, 0)]
