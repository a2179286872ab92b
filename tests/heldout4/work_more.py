"""Productive families of the fourth set, part two: bisecting, benchmarking, exploring, pipeline runs,
print debugging, and rerunning the whole suite after each small fix."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import finish, git_diff, grep, look_around
from .drift import fill
from .eco import Eco
from .work import _fix

_SUBJECTS = (
    "refactor retry loop",
    "switch to decimal",
    "cache schema lookups",
    "update fixtures",
    "parallelise reader",
    "drop legacy flag",
    "new rounding mode",
    "tighten validation",
)


def bisect(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    test = rng.randrange(len(eco.tests))
    steps = look_around(eco, rng, rng.randint(2, 5))
    steps.append(eco.run_one(rng, test))
    steps.append(
        Step(
            "shell",
            "git bisect start && git bisect bad HEAD && git bisect good v2.7.0",
            fill(
                rng,
                "Bisecting: @left@ revisions left to test after this (roughly 6 steps)\n[@sha@@sha@] ",
                left=rng.randint(60, 120),
            )
            + rng.choice(_SUBJECTS),
        )
    )
    left = rng.randint(60, 120)
    while left > 1:
        left //= 2
        bad = rng.random() < 0.5
        steps.append(eco.run_one(rng, test, ok=not bad))
        verdict = "bad" if bad else "good"
        steps.append(
            Step(
                "shell",
                f"git bisect {verdict}",
                fill(
                    rng,
                    "Bisecting: @left@ revisions left to test after this (roughly @r@ steps)\n[@sha@@sha@] ",
                    left=left,
                    r=max(left.bit_length() - 1, 0),
                )
                + rng.choice(_SUBJECTS),
            )
        )
    culprit = fill(rng, "@sha@@sha@")
    steps.append(
        Step(
            "shell",
            "git bisect bad",
            f"{culprit} is the first bad commit\ncommit {culprit}\nAuthor: dev <dev@acme.io>\n\n    {rng.choice(_SUBJECTS)}",
        )
    )
    steps.append(
        Step(
            "shell",
            f"git show --stat {culprit[:7]}",
            f" {eco.source(i)} | 12 ++++++------\n 1 file changed, 6 insertions(+), 6 deletions(-)",
        )
    )
    steps.append(
        Step("shell", "git bisect reset", fill(rng, "Previous HEAD position was @sha@\nSwitched to branch 'main'"))
    )
    steps.append(_fix(eco, rng, eco.source(i), i))
    steps.append(eco.run_one(rng, test, ok=True))
    return steps + finish(eco, rng, 30 + i)


def bench_iterate(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    steps = look_around(eco, rng, rng.randint(2, 5))
    value = rng.uniform(800, 5000)
    steps.append(eco.benchmark(rng, value))
    for n in range(rng.randint(4, 8)):
        steps.append(_fix(eco, rng, eco.source(n + i), n))
        steps.append(eco.run_one(rng, n + i, ok=True))
        value *= rng.uniform(0.6, 1.05)
        steps.append(eco.benchmark(rng, value))
    return steps + finish(eco, rng, 28 + i)


def exploration(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    steps = look_around(eco, rng, 2)
    for n in range(rng.randint(12, 32)):
        pick = rng.random()
        if pick < 0.5:
            steps.append(eco.read(rng, f"{eco.source(n)}", 4 * n))
        elif pick < 0.75:
            steps.append(
                grep(
                    eco,
                    rng,
                    rng.choice(("TODO", "deprecated", "retry", "config", "timeout", "tenant", "lock")) + str(n % 5),
                )
            )
        elif pick < 0.9:
            steps.append(
                Step("shell", f"git log --oneline -3 -- {eco.source(n)}", fill(rng, "@sha@ ") + rng.choice(_SUBJECTS))
            )
        else:
            steps.append(
                Step(
                    "shell",
                    f"wc -l {eco.source(n)} {eco.source(n + 1)}",
                    f"  {rng.randint(40, 900)} {eco.source(n)}\n  {rng.randint(40, 900)} {eco.source(n + 1)}",
                )
            )
    steps.append(
        Step(
            "edit",
            "docs/ARCHITECTURE.md",
            "",
            extra="## Data flow\nRequests enter the API layer, go through the service, then the store.",
        )
    )
    return steps


def pipeline_runs(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    steps = look_around(eco, rng, rng.randint(2, 5))
    rows, dropped = rng.randint(20_000, 900_000), rng.randint(500, 9000)
    notes = (
        "schema check: 3 columns with nulls",
        "schema check: 1 column with nulls",
        "late events: @n@ rows reassigned",
        "checksum mismatch in partition 2025-10-@n@",
        "all partitions reconciled",
    )
    for n in range(rng.randint(5, 12)):
        steps.append(eco.pipeline(rng, rows, dropped, fill(rng, notes[min(n, len(notes) - 1)])))
        if rng.random() < 0.35:
            steps.append(
                Step(
                    "shell",
                    f"head -n 5 {eco.log_path}",
                    fill(rng, "@ts@ rows=@n@01 dropped=@n@\n@ts@ stage=dedup took=@ms@ms"),
                )
            )
        steps.append(_fix(eco, rng, eco.source(n + i), n))
        rows += rng.randint(-4000, 12_000)
        dropped = max(0, dropped - rng.randint(100, 1500))
    steps.append(eco.pipeline(rng, rows, dropped, "all partitions reconciled"))
    return steps + finish(eco, rng, 20 + i)


def print_debug(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    test = rng.randrange(len(eco.tests))
    path = eco.source(i)
    steps = look_around(eco, rng, rng.randint(2, 5))
    steps.append(eco.run_one(rng, test))
    names = ("total", "rows", "key", "offset", "state", "attempt")
    shown: list[str] = []
    for n in range(rng.randint(4, 8)):
        var = names[(n + i) % len(names)]
        shown.append(var)
        steps.append(Step("edit", path, eco.code[n % len(eco.code)], extra=fill(rng, eco.debug_stmt, var=var)))
        extra = "\n".join(fill(rng, eco.debug, var=v, value=rng.randint(0, 5000)) for v in shown[-3:])
        steps.append(eco.run_one(rng, test, extra=extra))
    steps.append(_fix(eco, rng, path, i))
    steps.append(Step("edit", path, "\n".join(fill(rng, eco.debug_stmt, var=v) for v in shown), extra=""))
    steps.append(eco.run_one(rng, test, ok=True))
    steps.append(git_diff(eco, rng, [path]))
    return steps + finish(eco, rng, 30 + i)


def suite_rerun(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """The whole suite after each small fix: other tests failing each time, fewer and fewer."""
    steps = look_around(eco, rng, rng.randint(2, 4))
    failing = list(range(len(eco.tests)))
    rng.shuffle(failing)
    failing = failing[: rng.randint(4, len(eco.tests))]
    total = 60 + i
    while failing:
        out, code = eco.suite(rng, failing, total)
        steps.append(Step("shell", eco.suite_cmd, out, code, seconds=rng.uniform(20, 120)))
        fixed = failing.pop(rng.randrange(len(failing)))
        if rng.random() < 0.4:
            steps.append(eco.read(rng, eco.source(fixed), fixed))
        steps.append(_fix(eco, rng, eco.source(fixed), fixed + len(steps)))
    return steps + finish(eco, rng, total)
