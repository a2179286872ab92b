"""Productive episodes that go round a few times too, but get somewhere: each ends plainly, the real run resuming.

A second candidate patch that keeps the suite green, a stale install refreshed once, optimisations that add up to
the speed-up asked for, a bisect that lands, coverage that closes, and a background run polled until it ends.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout28.loops_cycle import BROKEN, CANDIDATES
from heldout28.loops_measure import OPTIMISATIONS, timeit_cmd, timing
from heldout28.text import Ctx, edit, failure, pytest_cmd, sha, shell, subject


def patch_settled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One candidate breaks a neighbour test, is reverted; the next keeps everything green."""
    first, second = rng.sample(range(len(CANDIDATES)), 2)
    old, new, what = CANDIDATES[first]
    broken, error, want, got = BROKEN[first]
    broken = broken.replace("{s}", ctx.stem)
    old2, new2, what2 = CANDIDATES[second]
    passed = rng.randint(18, 60)
    return [
        shell(f"Let me {what}.", edit(ctx, old, new), "ok"),
        shell(
            "Run the module's tests.",
            pytest_cmd(rng, ctx.test_file),
            pytest_output(ctx, rng, ctx.test_file, passed, [failure(ctx, rng, broken, error, got, want)]),
            rc=1,
        ),
        shell(f"That breaks {broken}, which relies on the old behaviour. Revert.", f"git checkout -- {ctx.source}", ""),
        shell(f"Instead, {what2}.", edit(ctx, old2, new2), "ok"),
        shell(
            "And the module's tests again.",
            f"python -m pytest {ctx.test_file} -q",
            pytest_output(ctx, rng, ctx.test_file, passed + 1, []),
        ),
    ]


def editable_refreshed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The edit doesn't show because a built copy shadows the tree; one editable install and it does."""
    version = f"{rng.randint(0, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    stale = f"{ctx.site}/{ctx.source}"
    fail = failure(ctx, rng, ctx.test_name, "AssertionError", str(rng.randint(3, 9)), "2")
    return [
        shell(
            "Run the test for my change.",
            pytest_cmd(rng, f"{ctx.test_file}::{ctx.test_name}"),
            pytest_output(ctx, rng, ctx.test_file, 0, [fail]),
            rc=1,
        ),
        shell(
            "Same value as before my edit. Which copy is being imported?",
            f"python -c 'import {ctx.dotted} as m; print(m.__file__)'",
            stale,
        ),
        shell(
            "A non-editable install in site-packages shadows the tree. Install the tree in editable mode.",
            "pip install -e . --no-deps -q 2>&1 | tail -2",
            f"Successfully installed {ctx.dist}-{version}",
            seconds=rng.uniform(8, 40),
        ),
        shell("Check again.", f"python -c 'import {ctx.dotted} as m; print(m.__file__)'", f"/testbed/{ctx.source}"),
        shell(
            "Now the test.",
            f"python -m pytest {ctx.test_file}::{ctx.test_name} -q",
            pytest_output(ctx, rng, ctx.test_file, 1, []),
        ),
    ]


def speedup_reached(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Optimisations timed one after another, each a real step down, until the speed-up asked for is there."""
    base = rng.uniform(80, 900)
    cmd = timeit_cmd(ctx, rng)
    picks = rng.sample(range(len(OPTIMISATIONS)), rng.randint(2, 3))
    steps = [
        shell(
            "Baseline timing first.",
            cmd,
            timing(rng, cmd, base),
            seconds=rng.uniform(4, 12),
        )
    ]
    factor = 1.0
    for i in picks:
        old, new, what = OPTIMISATIONS[i]
        was = base * factor
        factor *= rng.uniform(0.55, 0.75)
        steps.append(shell(f"Next, {what}.", edit(ctx, old, new), "ok"))
        steps.append(
            shell(
                f"Time it again (was {was:.3g} usec).",
                cmd,
                timing(rng, cmd, base * factor),
                seconds=rng.uniform(4, 12),
            )
        )
    passed = rng.randint(20, 80)
    steps.append(
        shell(
            f"About {1 / factor:.1f}x faster now, which is what the issue asks for. Make sure the tests still pass.",
            f"python -m pytest {ctx.test_file} -q",
            pytest_output(ctx, rng, ctx.test_file, passed, []),
        )
    )
    return steps


def bisect_landed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A bisect whose good end really is good: a few steps, the first bad commit, reset."""
    good = rng.choice([f"v{rng.randint(1, 5)}.{rng.randint(0, 9)}", "HEAD~64", "HEAD~40"])
    left = rng.choice([40, 64, 90])
    steps = [
        shell(
            f"Find where this broke: bisect from {good}.",
            f"git bisect start HEAD {good}",
            f"Bisecting: {left // 2} revisions left to test after this (roughly {left.bit_length() - 1} steps)\n"
            f"[{sha(rng)}] {subject(rng)}",
        )
    ]
    culprit = sha(rng)
    for k in range(rng.randint(3, 4)):
        left //= 2
        bad = rng.random() < 0.5
        steps.append(
            shell(
                "Run the reproduction here.",
                f"python {ctx.repro} 2>&1 | tail -n 1" if k % 2 else f"python {ctx.repro}",
                f"ValueError: invalid {ctx.stem} ({rng.randint(0, 99)})" if bad else "OK",
                rc=1 if bad else 0,
            )
        )
        steps.append(
            shell(
                "Mark it.",
                "git bisect bad" if bad else "git bisect good",
                f"Bisecting: {left // 2} revisions left to test after this (roughly {left.bit_length() - 1} steps)\n"
                f"[{sha(rng)}] {subject(rng)}",
            )
        )
    steps[-1].output = f"{culprit} is the first bad commit\ncommit {culprit}\n\n    {subject(rng)}"
    steps.append(
        shell(
            "Found it. What did that commit change?",
            f"git show --stat {culprit[:10]} | tail -n 4",
            f" {ctx.source} | {rng.randint(4, 40)} ++++++----\n 1 file changed",
        )
    )
    steps.append(shell("Back to where I was.", "git bisect reset", "Switched to branch 'main'"))
    return steps


def coverage_closed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The report shows the new branch missed, one test added for it, and the report shows it covered."""
    first = rng.randint(120, 700)
    stmts = rng.randint(180, 600)
    miss = rng.randint(8, 20)
    tests = rng.randint(20, 60)
    report = "coverage report -m --include='*{s}.py'".replace("{s}", ctx.stem)

    def table(m: int, missing: str) -> str:
        cover = 100 * (stmts - m) // stmts
        return f"Name    Stmts   Miss  Cover   Missing\n{ctx.source}   {stmts}   {m}   {cover}%   {missing}"

    return [
        shell(
            "Check the new branch is exercised.",
            f"python -m coverage run -m pytest {ctx.test_file} -q 2>&1 | tail -n 1",
            f"{tests} passed in {rng.uniform(0.8, 9):.2f}s",
        ),
        shell("Report for the file.", report, table(miss, f"{first}-{first + 4}, {first + 31}")),
        shell(
            "Which lines are those?",
            f"sed -n '{first - 3},{first + 6}p' {ctx.source}",
            "    if not items:\n        return []",
        ),
        shell(
            "The empty-input branch of my change. Add a test for it.",
            f"cat >> {ctx.test_file} <<'EOF'\n\n\ndef test_{ctx.stem}_empty_input():\n"
            f"    assert {ctx.func}([]) == []\nEOF",
            "",
        ),
        shell(
            "Rerun with coverage.",
            f"python -m coverage run -m pytest {ctx.test_file} -q 2>&1 | tail -n 1 && {report}",
            f"{tests + 1} passed in {rng.uniform(0.8, 9):.2f}s\n" + table(miss - 5, f"{first + 31}"),
        ),
    ]


def background_polled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A long test run started in the background and polled until it ends, green."""
    log = f"/tmp/suite_{rng.randint(1, 99)}.log"
    total = rng.randint(400, 3000)
    steps = [
        shell(
            "The full suite takes a while; run it in the background and poll.",
            f"nohup python -m pytest {ctx.tests_dir} -q -p no:cacheprovider > {log} 2>&1 &\necho started",
            "started",
        )
    ]
    done = 0
    for wait in rng.sample([20, 30, 45, 60], rng.randint(2, 3)):
        thought = f"About {100 * done // total}% done last time; wait a bit more." if done else "Wait and check."
        done = min(total - 1, done + rng.randint(total // 5, total // 3))
        steps.append(
            shell(
                thought,
                f"sleep {wait}; tail -c 300 {log}",
                f"{'.' * rng.randint(40, 79)} [{100 * done // total:3d}%]",
                seconds=wait,
            )
        )
    steps.append(
        shell(
            "Should be about finished.",
            f"sleep 15; tail -n 2 {log}",
            f"{'.' * rng.randint(20, 70)} [100%]\n"
            f"{total} passed, {rng.randint(1, 30)} skipped in {rng.uniform(60, 400):.2f}s",
            seconds=15,
        )
    )
    return steps
