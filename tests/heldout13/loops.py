"""Loop families: after an opening of 3–12 calls, 15–40 calls that get the agent nowhere.

Each builder returns (steps, onset): the onset is the first call after the opening.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .acts import edit, one, opening, read, revert, sh, sleep, suite, tweaks, view
from .chain import Chain, build_error, spot, stack


def _frame(chain: Chain, rng: random.Random) -> tuple[list[Step], int, int]:
    n = rng.randint(3, 12)
    return opening(chain, rng, n), n, rng.randint(15, 40)


def env_blocked(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The environment cannot work; the agent tries other commands, prefixes and config edits against it."""
    steps, n, span = _frame(chain, rng)
    plain = list(chain.blocked)
    rng.shuffle(plain)
    rest = plain[3:] + [(pre + cmd, err, code) for cmd, err, code in chain.blocked for pre in chain.prefixes if pre]
    rng.shuffle(rest)
    queue = iter(plain[:3] + rest)  # a few plain commands first, then anything, with env vars and wrappers
    config, variants = chain.wall_config
    edits = list(variants)
    rng.shuffle(edits)
    body: list[Step] = []
    now: str | None = None
    while len(body) < span:
        if edits and len(body) > 2 and rng.random() < 0.2:
            new = edits.pop()
            body.append(Step("edit", config, now or "", extra=new))
            now = new
            continue
        command, error, code = next(queue)
        body.append(sh(rng, command, error, code, seconds=rng.uniform(0.5, 40)))
    return steps + body[:span], n


def unfixable_bug(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A different edit each round; the same test fails the same way, its trace quoting the edited line."""
    steps, n, span = _frame(chain, rng)
    path, test = chain.files[0], chain.tests[i % 3]
    msg = chain.asserts[i % len(chain.asserts)]
    body: list[Step] = []
    now: str | None = None
    for new in tweaks(chain, rng):
        if len(body) >= span:
            break
        if rng.random() < 0.3:
            body.append(read(chain, path, now) if rng.random() < 0.5 else view(chain, rng, path, now))
        body.append(edit(chain, path, new, now))
        now = new
        failing = stack(chain, rng, test, path, new, msg)
        body.append(Step("shell", chain.one.replace("{test}", test), failing, 1, seconds=rng.uniform(2, 25)))
    return steps + body[:span], n


def long_cycle(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Rounds of 5–9 steps — look, edit, build (the same error), grep, diff, lint, test — with small variations."""
    steps, n, span = _frame(chain, rng)
    path, other = chain.files[0], chain.files[1 + i % 3]
    variants = tweaks(chain, rng)[:2]  # the cycle goes back and forth between two versions of a line
    msg, line = chain.compile_msgs[i % len(chain.compile_msgs)], spot(chain, path) + 1
    words = chain.rename[0], path.rsplit("/", 1)[-1].split(".")[0]
    body: list[Step] = []
    now: str | None = None
    lap = 0
    while len(body) < span:
        new = variants[lap % 2]
        round_ = [read(chain, path, now), edit(chain, path, new, now)]
        now = new
        round_.append(
            Step("shell", chain.build, build_error(chain, rng, path, msg, line), 1, seconds=rng.uniform(3, 40))
        )
        extras = [
            Step("grep", rng.choice(words), f"{path}:{line}:{new.strip()}", extra="."),
            sh(
                rng,
                f"git diff {path}",
                f"--- a/{path}\n+++ b/{path}\n@@ -{line},1 +{line},1 @@\n-{variants[(lap + 1) % 2]}\n+{new}",
            ),
            sh(rng, chain.lint, chain.lint_ok),
            view(chain, rng, other),
            sh(
                rng,
                *rng.choice(
                    (
                        ("git status --short", f" M {path}"),
                        ("git stash list", "stash@{0}: WIP on main: %sha% wip"),
                        ("git log --oneline -2", "%sha% wip\n%sha% bump toolchain"),
                    )
                ),
            ),
            Step("shell", chain.build, build_error(chain, rng, path, msg, line), 1, seconds=rng.uniform(3, 40)),
        ]
        round_ += rng.sample(extras, k=rng.randint(2, 6))
        body += round_[: rng.randint(5, 9)]
        lap += 1
    return steps + body[:span], n


def stubborn_retry(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """One command that keeps failing the same way, rerun as it is, now and then after a sleep."""
    steps, n, span = _frame(chain, rng)
    if i % 2:
        command, error, code = chain.flaky[0], chain.flaky[1], 1
    else:
        command, error, code = chain.blocked[i % len(chain.blocked)]
        if not code:
            command, error, code = chain.blocked[0]
    body: list[Step] = []
    while len(body) < span:
        if body and rng.random() < 0.25:
            body.append(sleep(rng))
        body.append(sh(rng, command, error, code, seconds=rng.uniform(1, 60)))
    return steps + body[:span], n


def reread(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two to four files read whole, in ranges and by grep, over and over, never edited."""
    steps, n, span = _frame(chain, rng)
    paths = rng.sample(chain.files[:5], k=rng.randint(2, 4))
    body = [
        read(chain, p) if rng.random() < 0.35 else view(chain, rng, p) for p in (rng.choice(paths) for _ in range(span))
    ]
    return steps + body, n


def flip_flop(chain: Chain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two fixes in turn, a revert between: each brings back the failure the other had fixed."""
    steps, n, span = _frame(chain, rng)
    path = chain.files[0]
    fixes = tweaks(chain, rng)[:2]
    broken = [(chain.tests[1], chain.asserts[1]), (chain.tests[0], chain.asserts[0])]  # fix A breaks test 1, B test 0
    body: list[Step] = []
    turn = 0
    while len(body) < span:
        if rng.random() < 0.25:
            body.append(read(chain, path))
        body.append(edit(chain, path, fixes[turn % 2]))
        body.append(
            suite(chain, rng, [broken[turn % 2]])
            if rng.random() < 0.6
            else one(chain, rng, broken[turn % 2][0], broken[turn % 2][1])
        )
        body.append(revert(rng, path))
        turn += 1
    return steps + body[:span], n
