"""The loop families: after an opening of 3–12 calls, 15–40 calls that get nowhere.

Each builder returns (steps, onset): onset is the seq of the first wasted call (the call right after
the opening), and every later call up to the final answer is wasted.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout.shapes import Step

from .kit import Session, Toolchain, variant


def _run(
    tc: Toolchain, rng: random.Random, round_: Callable[[Session, int], None], runs: bool = True
) -> tuple[list[Step], int]:
    """An opening, then rounds of waste until the drawn number of wasted calls is reached."""
    s = Session(tc, rng)
    onset = s.opening(rng.randint(3, 12), runs)
    end = onset + rng.randint(15, 40)
    k = 0
    while len(s.steps) < end:
        round_(s, k)
        k += 1
    return s.steps[:end], onset


def env_blocked(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A blocked registry, cache, mirror or missing system piece, attacked with ever different commands,
    flags, variables and config edits; the errors drift and seldom name the cause the same way."""
    attempts = list(tc.blocked)
    rng.shuffle(attempts)
    config, lines = tc.blocked_config

    def round_(s: Session, k: int) -> None:
        roll = rng.random()
        if roll < 0.12:
            s.edit(config, rng.choice(lines))
        elif roll < 0.18:
            s.read(config)
        elif roll < 0.22:
            s.grep(
                "proxy|mirror|registry|substituter|cache", f"{config}:@line@:{rng.choice(lines).splitlines()[0]}", "~"
            )
        else:
            command, error = attempts[k % len(attempts)]
            knob = rng.choice(tc.knobs) if k >= len(attempts) or rng.random() < 0.5 else ""
            command = command.replace("{k}", "" if knob in command else knob).strip()
            s.sh(
                command,
                error,
                6 if command.startswith("curl") else rng.choice((1, 1, 1, 2)),
                seconds=rng.uniform(1, 60),
            )

    return _run(tc, rng, round_, runs=False)


def unfixable_bug(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A different edit each round; the same targeted test fails the same way every time."""
    test = tc.tests[(i + 2) % len(tc.tests)]
    msg = tc.failures[i % len(tc.failures)]
    path = tc.files[i % len(tc.files)]
    helper = tc.files[(i + 3) % len(tc.files)]

    def round_(s: Session, k: int) -> None:
        if rng.random() < 0.25:
            s.read(rng.choice((path, helper)))
        s.edit(rng.choice((path, path, helper)), variant(tc.code[(i + k) % len(tc.code)], rng))
        if rng.random() < 0.2:
            s.suite([(test, msg)])
        else:
            s.one(test, msg)

    return _run(tc, rng, round_)


_CYCLE_STEPS = ("read", "edit", "build", "grep", "diff", "lint", "manifest", "suite", "log")


def long_cycle(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A round of 5–9 steps (read, edit, build with the same error, grep, diff, lint, manifest, suite)
    walked again and again, with small variations: a step skipped or two swapped, edits that differ."""
    size = rng.randint(5, 9)
    round_steps = [
        "read",
        "edit",
        "build",
        *rng.sample([k for k in _CYCLE_STEPS if k not in ("read", "edit", "build")], k=size - 3),
    ]
    rng.shuffle(round_steps)
    path = tc.files[(i + 1) % len(tc.files)]
    error = (path, rng.randint(20, 200), tc.compile_msgs[i % len(tc.compile_msgs)])
    test = tc.tests[i % len(tc.tests)]
    msg = tc.failures[(i + 1) % len(tc.failures)]
    edits = [variant(line, rng) for line in rng.sample(tc.code, k=3)]
    symbol = path.rsplit("/", 1)[-1].split(".")[0]

    def round_(s: Session, k: int) -> None:
        order = list(round_steps)
        if rng.random() < 0.35:
            a = rng.randrange(len(order) - 1)
            order[a], order[a + 1] = order[a + 1], order[a]
        if rng.random() < 0.25:
            order.pop(rng.randrange(len(order)))
        for kind in order:
            if kind == "read":
                s.read(path)
            elif kind == "edit":
                s.edit(path, rng.choice(edits))
            elif kind == "build":
                s.build(error)
            elif kind == "grep":
                s.grep(
                    rng.choice((symbol, symbol.upper(), f"{symbol}(")),
                    f"{path}:{error[1]}:{tc.code[0]}\n{tc.files[0]}:@line@:{tc.code[1]}",
                )
            elif kind == "diff":
                s.diff(path)
            elif kind == "lint":
                s.lint((path, error[1]))
            elif kind == "manifest":
                s.read(tc.manifest)
            elif kind == "suite":
                s.suite([(test, msg)])
            else:
                s.sh(
                    f"git log --oneline -3 -- {path}",
                    "@sha@ wip\n@sha@ quota: round to kilograms\n@sha@ initial import",
                )

    return _run(tc, rng, round_)


def stubborn_retry(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """One command that cannot succeed (a blocked fetch, the failing suite, a broken build) run again and
    again unchanged, now and then after a sleep."""
    kind = i % 3
    runs = [(command, error) for command, error in tc.blocked if "{k}" in command]  # the tool itself, not a probe
    command, error = runs[i % len(runs)]
    test = tc.tests[i % len(tc.tests)]
    msg = tc.failures[i % len(tc.failures)]
    error_at = (tc.files[i % len(tc.files)], rng.randint(10, 300), tc.compile_msgs[i % len(tc.compile_msgs)])

    def round_(s: Session, k: int) -> None:
        if rng.random() < 0.2:
            pause = rng.choice((10, 30, 60))
            s.sh(f"sleep {pause}", "", seconds=pause)
        if kind == 0:
            s.sh(command.replace("{k}", "").strip(), error, 1, seconds=rng.uniform(2, 40))
        elif kind == 1:
            s.suite([(test, msg)])
        else:
            s.build(error_at)

    return _run(tc, rng, round_)


def reread(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two to four files read, grepped and logged again and again, and nothing edited."""
    paths = rng.sample([*tc.files, tc.manifest], k=rng.randint(2, 4))
    symbols = [p.rsplit("/", 1)[-1].split(".")[0] for p in paths]

    def round_(s: Session, k: int) -> None:
        n = rng.randrange(len(paths))
        path, symbol = paths[n], symbols[n]
        roll = rng.random()
        if roll < 0.55:
            s.read(path)
        elif roll < 0.75:
            s.grep(symbol, f"{path}:{7 + 13 * n}:{tc.code[n]}\n{tc.files[0]}:{40 + n}:{tc.code[n + 1]}", ".")
        elif roll < 0.9:
            s.sh(
                f"git log -p -2 -- {path} | head -40",
                f"commit {symbol}{n}a1\nAuthor: Ines Duarte <ines@catchlog.org>\n\n    {symbol}: tidy\n\n+{tc.code[n]}",
            )
        else:
            s.sh(f"sed -n '1,60p' {path}", s.text(path))

    return _run(tc, rng, round_)


def flip_flop(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two fixes applied in turn; each makes its test pass and brings the other test's failure back."""
    path = tc.files[(i + 2) % len(tc.files)]
    fix_a, fix_b = (variant(line, rng) for line in rng.sample(tc.code, k=2))
    test_a, test_b = tc.tests[i % len(tc.tests)], tc.tests[(i + 3) % len(tc.tests)]
    msg_a, msg_b = tc.failures[i % len(tc.failures)], tc.failures[(i + 2) % len(tc.failures)]

    def round_(s: Session, k: int) -> None:
        for fix, broken, msg in ((fix_a, test_b, msg_b), (fix_b, test_a, msg_a)):
            if rng.random() < 0.2:
                s.read(path)
            s.edit(path, fix)
            if rng.random() < 0.5:
                s.suite([(broken, msg)])
            else:
                s.one(broken, msg)

    return _run(tc, rng, round_)
