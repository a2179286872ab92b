"""Productive work that measures its way forward: bisecting, benchmarks, exploring, printing, reruns, tuning."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .acts import edit, one, opening, read, sh, suite, tweaks, view
from .chain import Chain, bench, lines_of, report, spot
from .drift import fill

_SUBJECTS = (
    "tune wind loading",
    "refactor band lookup",
    "update deps",
    "cache bulletins",
    "rename zone fields",
    "tidy tests",
    "new slope rule",
)


def bisect(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """`git bisect` between a good tag and HEAD, the failing test run at each step, then the fix."""
    steps = opening(chain, rng, rng.randint(2, 4))
    test, msg = chain.tests[i % len(chain.tests)], chain.asserts[i % len(chain.asserts)]
    rounds = rng.randint(4, 6)
    left = 2**rounds
    steps.append(
        sh(
            rng,
            f"git bisect start && git bisect bad HEAD && git bisect good v0.{rng.randint(2, 9)}.0",
            f"Bisecting: {left - 1} revisions left to test after this (roughly {rounds} steps)\n[%hex%%hex%%hex4%] {rng.choice(_SUBJECTS)}",
        )
    )
    culprit = f"{rng.getrandbits(160):040x}"
    for r in range(rounds):
        failing = rng.random() < 0.5
        steps.append(one(chain, rng, test, msg if failing else ""))
        left //= 2
        if r < rounds - 1:
            out = f"Bisecting: {left - 1} revisions left to test after this (roughly {rounds - r - 1} steps)\n[%hex%%hex%%hex4%] {rng.choice(_SUBJECTS)}"
        else:
            out = f"{culprit} is the first bad commit\ncommit {culprit}\nAuthor: dev <dev@snowline.org>\n\n    {rng.choice(_SUBJECTS)}\n\n {chain.files[0]} | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)"
        steps.append(sh(rng, f"git bisect {'bad' if failing else 'good'}", out))
    line = lines_of(chain, chain.files[0])[spot(chain, chain.files[0])]
    steps.append(
        sh(
            rng,
            f"git show {culprit[:10]} -- {chain.files[0]}",
            f"@@ -%line%,3 +%line%,3 @@\n-{tweaks(chain, rng)[0]}\n+{line}",
        )
    )
    steps.append(
        sh(
            rng,
            "git bisect reset",
            f"Previous HEAD position was {culprit[:7]} {rng.choice(_SUBJECTS)}\nSwitched to branch 'main'",
        )
    )
    steps += [edit(chain, chain.files[0], tweaks(chain, rng)[1]), one(chain, rng, test)]
    return [*steps, suite(chain, rng)]


def bench_iterate(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A benchmark, an edit, the benchmark again — the numbers moving each round."""
    steps = opening(chain, rng, rng.randint(2, 4))
    values = {name: rng.uniform(40, 6000) for name in chain.bench_names}
    steps.append(Step("shell", chain.bench, bench(chain, rng, values), seconds=rng.uniform(10, 120)))
    now: str | None = None
    for new in tweaks(chain, rng)[: rng.randint(4, 7)]:
        if rng.random() < 0.4:
            steps.append(view(chain, rng, chain.files[0], now))
        steps.append(edit(chain, chain.files[0], new, now))
        now = new
        values = {name: value * rng.uniform(0.72, 1.06) for name, value in values.items()}
        steps.append(Step("shell", chain.bench, bench(chain, rng, values), seconds=rng.uniform(10, 120)))
    return [*steps, suite(chain, rng)]


def exploration(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """Reading one's way around an unknown codebase: every file, its history, searches; then a small change."""
    steps = opening(chain, rng, rng.randint(2, 4))
    looks: list[Step] = [read(chain, path) for path in chain.files]
    looks += [view(chain, rng, path) for path in rng.sample(chain.files, k=len(chain.files))]
    folders = sorted({path.rsplit("/", 1)[0] for path in chain.files if "/" in path})
    looks += [
        sh(
            rng,
            f"ls -1 {folder}",
            "\n".join(sorted({p[len(folder) + 1 :].split("/")[0] for p in chain.files if p.startswith(folder + "/")})),
        )
        for folder in folders
    ]
    looks += [
        sh(rng, f"git log --oneline -5 -- {folder}", "\n".join(f"%sha% {rng.choice(_SUBJECTS)}" for _ in range(5)))
        for folder in folders
    ]
    looks.append(sh(rng, "find . -type f -not -path './.git/*' | wc -l", str(rng.randint(40, 400))))
    rng.shuffle(looks)
    steps += looks[: rng.randint(12, 24)]
    return [
        *steps,
        edit(chain, chain.files[0], tweaks(chain, rng)[0]),
        one(chain, rng, chain.tests[0]),
        suite(chain, rng),
    ]


def print_debug(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """A debug print added, the test run again and again as the printed state changes, then the fix and cleanup."""
    steps = opening(chain, rng, rng.randint(2, 5))
    path, probe = chain.probe
    test, msg = chain.tests[i % 3], chain.asserts[i % 3]
    anchor = lines_of(chain, path)[spot(chain, path) - 1]  # the print goes in after the line above the fix's
    steps.append(Step("edit", path, anchor, extra=f"{anchor}\n{probe}"))
    runs = rng.randint(3, 5)
    fixes = tweaks(chain, rng)
    now: str | None = None
    for r in range(runs):
        printed = fill(chain.printed.replace("{value}", f"{rng.uniform(0.1, 900):.3f}"), rng)
        output = printed + "\n" + report(chain, rng, [test], [(test, msg)])
        steps.append(Step("shell", chain.one.replace("{test}", test), output, 1, seconds=rng.uniform(2, 30)))
        if r < runs - 1:
            steps.append(edit(chain, chain.files[0], fixes[r], now))
            now = fixes[r]
    steps += [
        Step("edit", path, f"{anchor}\n{probe}", extra=anchor),
        edit(chain, chain.files[0], fixes[runs], now),
        one(chain, rng, test),
    ]
    return [*steps, suite(chain, rng)]


def suite_rerun(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """The suite rerun after each fix: the targeted failures go one by one, unrelated ones stay."""
    steps = opening(chain, rng, rng.randint(2, 4))
    targeted = [(chain.tests[k], chain.asserts[k % len(chain.asserts)]) for k in range(rng.randint(2, 4))]
    unrelated = [(chain.tests[-1 - k], chain.asserts[-1 - k]) for k in range(rng.randint(1, 2))]
    steps.append(suite(chain, rng, targeted + unrelated))
    fixes = tweaks(chain, rng)
    while targeted:
        targeted.pop(0)
        path = chain.files[len(targeted) % 4]
        steps += [
            view(chain, rng, path),
            edit(chain, path, fixes[len(targeted)]),
            suite(chain, rng, targeted + unrelated),
        ]
    test, msg = unrelated[0]
    steps.append(
        sh(
            rng,
            f"git stash && {chain.one.replace('{test}', test)}; git stash pop",
            "Saved working directory and index state WIP on main: %sha% "
            + rng.choice(_SUBJECTS)
            + "\n"
            + report(chain, rng, [test], [(test, msg)]),
        )
    )
    return steps


def config_tune(chain: Chain, rng: random.Random, i: int) -> list[Step]:
    """One setting changed run after run, a metric moving each time, the best value kept."""
    steps = opening(chain, rng, rng.randint(2, 4))
    path, key, values, command, metric = chain.knob
    steps.append(read(chain, path))
    form = "  {key}: {v}" if path.endswith((".yaml", ".yml")) else "{key} = {v}"
    level = rng.uniform(20, 900)
    steps.append(sh(rng, command, metric.replace("{value}", f"{level:.1f}"), seconds=rng.uniform(5, 90)))
    now: str | None = None
    tried = list(values[: rng.randint(4, len(values))])
    scores = {}
    for value in tried:
        new = form.replace("{key}", key).replace("{v}", value)
        steps.append(edit(chain, path, new, now))
        now = new
        scores[value] = level * rng.uniform(0.6, 1.4)
        steps.append(sh(rng, command, metric.replace("{value}", f"{scores[value]:.1f}"), seconds=rng.uniform(5, 90)))
    best = min(scores, key=scores.__getitem__)
    steps.append(edit(chain, path, form.replace("{key}", key).replace("{v}", best), now))
    return [*steps, suite(chain, rng)]
