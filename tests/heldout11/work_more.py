"""Productive sessions that look like searching: bisecting, measuring, exploring, printing, rerunning a
suite while failures go away, tuning one setting."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .steps import edit, failing, insert, one, read, sh, suite, view
from .toolchain import Toolchain, bench, put
from .work import begin, fix_and_check, wrap_up


def bisect(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """`git bisect` between a good tag and HEAD: each step a different commit and its test result."""
    tree, steps = begin(tc, rng, failing(tc, 0), most=9)
    test = tc.tests[0]
    left = rng.randint(20, 120)
    steps.append(
        sh(
            rng,
            "git bisect start HEAD v2025.10",
            f"Bisecting: {left // 2} revisions left to test after this (roughly {left.bit_length() - 1} steps)\n[@commit@] merge: inspection sync",
        )
    )
    left //= 2
    subjects = (
        "deps: bump",
        "feat: winter thresholds",
        "refactor: split sync",
        "fix: csv header",
        "perf: cache lookups",
        "test: fixtures",
        "chore: ci matrix",
    )
    while left > 1:
        bad = rng.random() < 0.5
        steps.append(one(tc, rng, test, tc.failures[0] if bad else None))
        left //= 2
        verdict = "bad" if bad else "good"
        steps.append(
            sh(
                rng,
                f"git bisect {verdict}",
                f"Bisecting: {left} revisions left to test after this (roughly {max(1, left.bit_length() - 1)} steps)\n[@commit@] {rng.choice(subjects)}",
            )
        )
    steps.append(one(tc, rng, test, tc.failures[0]))
    steps.append(
        sh(
            rng,
            "git bisect bad",
            f"@commit@@commit@ is the first bad commit\ncommit @commit@\nAuthor: ci-bot\n\n    {rng.choice(subjects)}\n\n {tc.sources[0]} | 4 ++--",
        )
    )
    steps.append(sh(rng, "git bisect reset", "Previous HEAD position was @commit@\nSwitched to branch 'main'"))
    steps.append(
        sh(
            rng,
            f"git show --stat HEAD~{rng.randint(2, 30)} -- {tc.sources[0]}",
            f" {tc.sources[0]} | 4 ++--\n 1 file changed",
        )
    )
    return steps + fix_and_check(tc, tree, rng) + wrap_up(tc, tree, rng)


def bench_iterate(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """Measure, change, measure again: the numbers move every round."""
    tree, steps = begin(tc, rng, {}, most=9)
    values = {name: rng.uniform(40, 900) for name in tc.benches}
    steps.append(sh(rng, tc.bench_cmd, bench(tc, rng, values), seconds=rng.uniform(10, 60)))
    src = tc.sources[rng.choice((0, 1))]
    for _ in range(rng.randint(3, 6)):
        lines = tree.lines(src)
        k = rng.randrange(2, len(lines))
        if rng.random() < 0.4:
            steps.append(view(tree, rng, src))
        steps.append(edit(tree, src, k, rng.choice((*tc.filler, *tc.guards))))
        values = {name: v * rng.uniform(0.55, 1.08) for name, v in values.items()}
        steps.append(sh(rng, tc.bench_cmd, bench(tc, rng, values), seconds=rng.uniform(10, 60)))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)


def exploration(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """Reading one's way through a project: every read a file not read before, a few searches between."""
    tree, steps = begin(tc, rng, {}, most=9)
    seen = {s.text for s in steps if s.kind == "read"}
    unread = [p for p in (*tc.sources, *tc.more) if p not in seen]
    rng.shuffle(unread)
    for path in unread[: rng.randint(8, len(unread))]:
        steps.append(read(tree, path))
        if rng.random() < 0.3:
            word = rng.choice(tree.lines(path)[1:] or ["main"]).strip().split(" ")[0][:20] or "main"
            hits = [
                f"{p}:{k + 1}:{line}"
                for p in (*tc.sources, path)
                for k, line in enumerate(tree.lines(p))
                if word in line
            ]
            steps.append(Step("grep", word, "\n".join(hits[:12]), extra="."))
    steps.append(
        sh(
            rng,
            "git log --oneline -8",
            "\n".join(f"@commit@ {s}" for s in ("sync", "docs", "deps", "fix", "feat", "test", "ci", "init")),
        )
    )
    return steps


def print_debug(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A print in the code, the program run again after each change: the printed value moves."""
    tree, steps = begin(tc, rng, failing(tc, 0), most=9)
    src = tc.sources[0]
    at = tc.hot
    steps.append(insert(tree, src, at, tc.guards[3]))
    at += 1
    value = rng.uniform(0.5, 50)
    for line in rng.sample(tc.fixes, k=rng.randint(4, 8)):
        steps.append(sh(rng, tc.run_cmd, put(tc.debug, rng, value=f"{value:.3f}"), seconds=rng.uniform(2, 15)))
        if rng.random() < 0.4:
            steps.append(view(tree, rng, src))
        steps.append(edit(tree, src, at, line))
        value *= rng.uniform(0.3, 1.9)
    steps.append(sh(rng, tc.run_cmd, put(tc.debug, rng, value=f"{value:.3f}"), seconds=rng.uniform(2, 15)))
    tree.lines(src).pop(at - 1)
    steps.append(Step("edit", src, tc.guards[3], extra=""))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)


def suite_rerun(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """The suite after each fix: the fixed failures go, two unrelated ones stay the same throughout."""
    tree, steps = begin(tc, rng, failing(tc, 0, 1, 2, 4, 5), most=9)
    unrelated = failing(tc, 4, 5)
    mine = [0, 1, 2][: rng.randint(2, 3)]
    steps.append(suite(tc, rng, {**failing(tc, *mine), **unrelated}))
    src, helper = tc.sources[0], tc.sources[1]
    while mine:
        k = mine.pop(0)
        path = src if k < 2 else helper
        steps.append(view(tree, rng, path))
        steps.append(
            edit(
                tree, path, tc.hot if path == src else 2, rng.choice(tc.fixes) if path == src else rng.choice(tc.filler)
            )
        )
        steps.append(suite(tc, rng, {**failing(tc, *mine), **unrelated}))
    steps.append(
        sh(
            rng,
            f"git stash && {tc.test_cmd} 2>&1 | tail -n 3; git stash pop",
            "Saved working directory and index state WIP on main: @commit@\n"
            + "\n".join(f"FAILED {t}" for t in unrelated)
            + "\nDropped refs/stash@{0} (@digest@)",
        )
    )
    return steps + wrap_up(tc, tree, rng)


def config_tune(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """One setting changed and measured again and again; the metric moves with it."""
    tree, steps = begin(tc, rng, {}, most=9)
    path, line, values, command, metric = tc.tune
    tracked = path in tc.sources
    previous = "" if not tracked else tree.lines(path)[0]
    for value in values[: rng.randint(4, len(values))]:
        new = put(line, rng, value=value)
        if tracked:
            steps.append(edit(tree, path, 0, new))
        else:
            steps.append(Step("edit", path, previous, extra=new))
        previous = new
        score = rng.uniform(20, 400)
        steps.append(sh(rng, command, put(metric, rng, value=f"{score:.1f}"), seconds=rng.uniform(5, 90)))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)
