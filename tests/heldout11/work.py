"""Productive sessions that run the same commands again and again, each time for news: a transient
failure that clears, a job that advances, an environment fixed, failures that go away."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .steps import build, edit, failing, insert, lint, one, opening, read, sh, suite, view
from .toolchain import Toolchain, Tree, put, report


def begin(tc: Toolchain, rng: random.Random, failed: dict[str, str], most: int = 10) -> tuple[Tree, list[Step]]:
    tree = Tree(tc)
    return tree, opening(tc, tree, rng, rng.randint(3, most), failed)


def fix_and_check(tc: Toolchain, tree: Tree, rng: random.Random) -> list[Step]:
    """Look at the failing line, change it, run the test, then the suite green."""
    src = tc.sources[0]
    return [
        view(tree, rng, src),
        edit(tree, src, tc.hot, rng.choice(tc.fixes)),
        one(tc, rng, tc.tests[0], None),
        suite(tc, rng, {}),
    ]


def wrap_up(tc: Toolchain, tree: Tree, rng: random.Random) -> list[Step]:
    steps = [lint(tc, rng)] if rng.random() < 0.6 else []
    files = list(tree.touched) or [tc.sources[0]]
    stat = "\n".join(f" {path} | {rng.randint(1, 9)} +-" for path in files)
    steps.append(sh(rng, "git diff --stat", f"{stat}\n {len(files)} files changed"))
    if rng.random() < 0.5:
        steps.append(
            sh(
                rng,
                'git commit -am "Fix the failing check"',
                f"[main @commit@] Fix the failing check\n {len(files)} files changed",
            )
        )
    return steps


def retry_recover(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    tree, steps = begin(tc, rng, failing(tc, 0))
    command, error, output = tc.transient
    for _ in range(rng.randint(2, 5)):
        steps.append(sh(rng, command, error, 1, seconds=rng.uniform(2, 20)))
    steps.append(sh(rng, command, output, seconds=rng.uniform(5, 40)))
    return steps + fix_and_check(tc, tree, rng) + wrap_up(tc, tree, rng)


def polling(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    _, steps = begin(tc, rng, {})
    poll = tc.poll
    steps.append(sh(rng, poll.start, poll.started, seconds=rng.uniform(2, 15)))
    checks = rng.randint(5, 30)
    hiccups = set(rng.sample(range(1, checks), k=min(checks - 1, rng.randint(0, 2))))
    wait = rng.choice((15, 20, 30, 45, 60))
    pct = 0
    for k in range(checks):
        command = f"sleep {wait} && {poll.status}" if rng.random() < 0.7 else poll.status
        if k in hiccups:
            steps.append(sh(rng, command, poll.hiccup, 255, seconds=wait))
            continue
        pct = min(99, pct + rng.randint(1, max(2, 180 // checks)))
        steps.append(sh(rng, command, put(poll.pending, rng, pct=str(pct)), seconds=wait))
    steps.append(sh(rng, f"sleep {wait} && {poll.status}", poll.ready, seconds=wait))
    steps.append(suite(tc, rng, {}))
    return steps


def fixable_env(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    tree, steps = begin(tc, rng, {}, most=5)
    command, error, wrong, wrong_error, fix, fixed = tc.fixenv
    steps.append(sh(rng, command, error, 1, seconds=rng.uniform(1, 10)))
    tries = rng.randint(0, 2)
    if tries:
        steps.append(sh(rng, wrong, wrong_error, 1, seconds=rng.uniform(1, 10)))
    if tries > 1:
        steps.append(read(tree, tc.sources[3]))
    steps.append(sh(rng, fix, fixed, seconds=rng.uniform(5, 60)))
    steps.append(suite(tc, rng, failing(tc, 0), command))
    return steps + fix_and_check(tc, tree, rng) + wrap_up(tc, tree, rng)


def tdd(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A failing test written first, then the code that makes it pass; feature after feature."""
    tree, steps = begin(tc, rng, {})
    test_file, src = tc.sources[2], tc.sources[0]
    features = rng.sample(range(2, len(tc.tests)), k=rng.randint(2, 4))
    code = rng.sample([line for line in tc.filler if line.strip()], k=len(features))
    for k, line in zip(features, code, strict=True):
        name = tc.tests[k]
        end = len(tree.lines(test_file))
        steps.append(insert(tree, test_file, end - 1, f"{tc.comment} new: {name}"))
        steps.append(one(tc, rng, name, tc.failures[k]))
        steps.append(insert(tree, src, len(tree.lines(src)) - 1, line))
        if rng.random() < 0.4:
            steps.append(build(tc, rng))
        steps.append(one(tc, rng, name, None))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)


def compile_fix(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A change that does not build; each build names a different error, each fixed, until it builds."""
    tree, steps = begin(tc, rng, failing(tc, 0))
    src, helper = tc.sources[0], tc.sources[1]
    steps.append(edit(tree, src, tc.hot, rng.choice(tc.fixes)))
    errors = rng.sample(tc.compile_msgs, k=rng.randint(2, 4))
    for msg in errors:
        path = rng.choice((src, helper))
        line = rng.randint(3, len(tree.lines(path)))
        steps.append(build(tc, rng, (path, line, msg)))
        if rng.random() < 0.5:
            steps.append(view(tree, rng, path))
        steps.append(edit(tree, path, line - 1, rng.choice(tc.guards) if path == src else rng.choice(tc.filler)))
    steps.append(build(tc, rng))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)


def refactor_check(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A rename across files: one edit per file, the same clean build after each."""
    tree, steps = begin(tc, rng, {})
    old, new = tc.rename
    files = [tc.sources[0], tc.sources[1], tc.sources[2], *rng.sample(tc.more, k=rng.randint(1, 4))]
    uses = [(path, k) for path in files for k, line in enumerate(tree.lines(path)) if old in line]
    steps.append(Step("grep", old, "\n".join(f"{p}:{k + 1}:{tree.lines(p)[k]}" for p, k in uses), extra="."))
    for path in files:
        lines = tree.lines(path)
        k = next((k for p, k in uses if p == path), rng.randrange(1, len(lines)))
        line = lines[k].replace(old, new) if old in lines[k] else f"{lines[k]}  {tc.comment} uses {new}"
        steps.append(edit(tree, path, k, line))
        steps.append(build(tc, rng) if rng.random() < 0.7 else lint(tc, rng))
    steps.append(suite(tc, rng, {}))
    return steps + wrap_up(tc, tree, rng)


def per_package(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """One command over each package in turn; one fails, is fixed and passes, and the sweep goes on."""
    tree, steps = begin(tc, rng, {})
    broken = rng.randrange(len(tc.packages))
    for k, pkg in enumerate(tc.packages):
        command = put(tc.pkg_cmd, rng, pkg=pkg)
        if k == broken:
            steps.append(Step("shell", command, report(tc, rng, failing(tc, 3)), 1, seconds=rng.uniform(2, 20)))
            steps.append(view(tree, rng, tc.sources[1]))
            steps.append(edit(tree, tc.sources[1], 2, rng.choice(tc.filler)))
        steps.append(Step("shell", command, report(tc, rng, {}), 0, seconds=rng.uniform(2, 20)))
    return steps + wrap_up(tc, tree, rng)
