"""The six loop families: a 3-12 call opening, then 15-40 calls that make no progress.

Each returns (steps, onset): `onset` is the seq of the first wasted call.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import edit, opening, read, sh, tests
from .drift import fill
from .eco import Eco, build_error, report


def _start(eco: Eco, rng: random.Random) -> tuple[list[Step], int]:
    steps = opening(eco, rng, rng.randint(3, 12))
    return steps, len(steps)


def env_blocked(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The environment makes the task impossible: varied attempts, each error drifting, none can work."""
    steps, onset = _start(eco, rng)
    attempts = list(eco.env_blocks)
    for k in range(rng.randint(15, 34)):
        command, error = attempts[(k + rng.randint(0, 1)) % len(attempts)] if k % 4 else rng.choice(attempts)
        if k % 7 == 6:
            steps.append(
                sh(
                    rng,
                    f"cat ~/.config/{eco.name}/*.toml 2>/dev/null; env | grep -i proxy",
                    "HTTPS_PROXY=http://proxy.internal:3128\nNO_PROXY=localhost,127.0.0.1",
                )
            )
            continue
        steps.append(sh(rng, command, error, code=1 if error else 0, seconds=rng.uniform(1, 25)))
    return steps, onset


def unfixable_bug(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Different edits, each followed by the same failing test: the cause is elsewhere."""
    steps, onset = _start(eco, rng)
    test = eco.tests[i % len(eco.tests)]
    target = eco.files[i % 3]
    for k in range(rng.randint(8, 19)):
        new = f"{rng.choice(eco.snippets)}  // attempt {k + 1}: {rng.choice(['clamp', 'reorder', 'guard', 'cast', 'round first', 'copy input'])}"
        steps.append(edit(eco, rng, target, new))
        failing = [(test, eco.failures[i % len(eco.failures)])]
        out = report(eco, rng, [], failing)
        steps.append(Step("shell", eco.test_one.replace("{test}", test), out, 1, seconds=rng.uniform(1, 9)))
        if k % 5 == 4:
            steps.append(read(eco, rng, target))
    return steps, onset


def long_cycle(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A cycle of 4-10 steps, repeated with small variations, that never gets nearer."""
    steps, onset = _start(eco, rng)
    size = rng.randint(4, 10)
    msg = eco.compile_msgs[i % len(eco.compile_msgs)]
    target = eco.files[(i + 1) % 3]
    line = rng.randint(20, 200)
    cycle = [
        lambda k: read(eco, rng, target),
        lambda k: edit(eco, rng, target, eco.snippets[k % len(eco.snippets)]),
        lambda k: Step(
            "shell", eco.build_cmd, build_error(eco, rng, target, msg, line + k % 2), 1, seconds=rng.uniform(2, 15)
        ),
        lambda k: Step("grep", msg.split()[0].strip("'\"`"), f"{target}:{line}:{eco.snippets[0]}", extra="src"),
        lambda k: sh(rng, f"git diff --stat {target}", f" {target} | {1 + k % 3} +-\n 1 file changed"),
        lambda k: sh(rng, eco.lint_cmd, eco.lint_ok),
        lambda k: read(eco, rng, eco.files[3]),
        lambda k: sh(rng, f"git checkout -- {target}", ""),
        lambda k: tests(eco, rng, 2),
        lambda k: Step("grep", "import", f"{eco.files[0]}:3:import", extra=target),
    ]
    chosen = cycle[:size]
    total = rng.randint(max(15, 2 * size + 2), 40)
    k = 0
    while len(steps) - onset < total:
        steps.append(chosen[k % size](k // size))
        k += 1
    return steps, onset


def stubborn_retry(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The same failing command again and again, sometimes after a sleep; only the volatile text moves."""
    steps, onset = _start(eco, rng)
    command, error = eco.env_blocks[i % len(eco.env_blocks)] if i % 2 else (eco.test_cmd, "")
    for k in range(rng.randint(15, 36)):
        if error:
            run = command if k % 6 != 5 else f"sleep {rng.choice([5, 10, 30])} && {command}"
            steps.append(sh(rng, run, error or "failed", 1, seconds=rng.uniform(1, 20)))
        else:
            steps.append(tests(eco, rng, 3))
    return steps, onset


def reread(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Reading the same files and logs over and over without changing anything."""
    steps, onset = _start(eco, rng)
    files = [eco.files[(i + k) % len(eco.files)] for k in range(rng.randint(2, 4))]
    for k in range(rng.randint(15, 32)):
        path = files[k % len(files)]
        if k % 5 == 3:
            steps.append(
                Step(
                    "grep",
                    eco.snippets[i % len(eco.snippets)].split()[1],
                    f"{path}:{rng.randint(5, 90)}:{eco.snippets[i % len(eco.snippets)]}",
                    extra="src",
                )
            )
        elif k % 7 == 6:
            steps.append(
                sh(
                    rng,
                    f"git log -3 --format='%h %s' -- {path}",
                    "@sha@ refactor module\n@sha@ fix rounding\n@sha@ initial import",
                )
            )
        else:
            steps.append(read(eco, rng, path))
    return steps, onset


def flip_flop(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Alternating between two fixes, each bringing the other's failure back."""
    steps, onset = _start(eco, rng)
    target = eco.files[i % 3]
    fixes = (eco.snippets[i % len(eco.snippets)], eco.snippets[(i + 2) % len(eco.snippets)])
    errors = (eco.failures[i % len(eco.failures)], eco.failures[(i + 1) % len(eco.failures)])
    tests_ = (eco.tests[i % len(eco.tests)], eco.tests[(i + 3) % len(eco.tests)])
    for k in range(rng.randint(8, 19)):
        side = k % 2
        steps.append(edit(eco, rng, target, fixes[side]))
        out = report(eco, rng, [tests_[side]], [(tests_[1 - side], errors[side])])
        steps.append(Step("shell", fill(eco.test_cmd, rng), out, 1, seconds=rng.uniform(1, 12)))
    return steps, onset
