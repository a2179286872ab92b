"""Loop families: after a realistic opening, 15-40 calls that make no progress.

Each builder returns (steps, onset): `onset` is the index of the first wasted step, which is the `seq`
of the call that produced it (step i is the answer of call i).
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .common import attempt, edit, grep, opening, read, sh, source
from .drift import fill
from .eco import Eco


def _failing_run(eco: Eco, rng: random.Random, test: str, msg: str) -> Step:
    total = rng.randint(18, 60)
    return sh(eco.test_cmd, fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=total), 1, rng.uniform(3, 40))


def env_blocked(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The environment makes the task impossible: varied attempts, each meeting the same (drifting) wall."""
    blocker = eco.blockers[i % len(eco.blockers)]
    steps = opening(eco, rng, rng.randint(2, 6))
    steps.append(sh(blocker.cmd, fill(blocker.error, rng), 1, rng.uniform(1, 20)))
    steps.append(attempt(blocker.attempts[0], blocker.error, rng))
    onset = len(steps)
    wasted = rng.randint(15, 36)
    while len(steps) - onset < wasted:
        roll = rng.random()
        if roll < 0.45:
            cmd = rng.choice(blocker.attempts)
        elif roll < 0.75:
            cmd = blocker.cmd
        elif roll < 0.85:
            steps.append(
                edit(
                    eco.config_file,
                    fill(eco.config_text, rng, value=1),
                    fill(eco.config_text, rng, value=rng.randint(2, 9)),
                )
            )
            continue
        else:
            cmd = f"{blocker.cmd} {rng.choice(['--verbose', '-v', '2>&1 | tail -20', '; echo exit=$?'])}"
        steps.append(attempt(cmd, blocker.error, rng))
    return steps, onset


def unfixable_bug(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Different edits to the suspect function, the very same failure back every time."""
    test, msg = eco.tests[i % len(eco.tests)], eco.fail_msgs[i % len(eco.fail_msgs)]
    target = eco.files[i % 3]
    steps = opening(eco, rng, rng.randint(3, 7))
    steps.append(_failing_run(eco, rng, test, msg))
    steps.append(edit(target, source(eco, rng, target), source(eco, rng, target, 1)))
    steps.append(
        sh(eco.test_one.replace("{test}", test), fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=1), 1)
    )
    onset = len(steps)
    wasted = rng.randint(15, 38)
    variant = 2
    while len(steps) - onset < wasted:
        steps.append(
            edit(
                target,
                source(eco, rng, target, variant - 1),
                source(eco, rng, target, variant) + f"\n{rng.choice(['// ', '%% ', ';; ', '# '])}attempt {variant}",
            )
        )
        variant += 1
        if rng.random() < 0.25:
            steps.append(read(target, source(eco, rng, target, variant)))
        cmd = eco.test_one.replace("{test}", test) if rng.random() < 0.6 else eco.test_cmd
        steps.append(
            sh(
                cmd,
                fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=rng.randint(1, 60)),
                1,
                rng.uniform(2, 30),
            )
        )
    return steps, onset


def long_cycle(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A cycle of 4-10 steps (read, search, edit, build, test, inspect) repeated with small variations."""
    length = 4 + i % 7
    test, msg = eco.tests[i % len(eco.tests)], eco.fail_msgs[(i + 1) % len(eco.fail_msgs)]
    target, other = eco.files[(i + 1) % 3], eco.files[(i + 2) % 3]
    kit = [
        lambda k: read(target, source(eco, rng, target, k % 2)),
        lambda k: grep(eco.idents[k % 2], f"{target}:{rng.randint(10, 300)}:    {eco.idents[k % 2]}", eco.src_dir),
        lambda k: edit(target, source(eco, rng, target, k % 2), source(eco, rng, target, (k + 1) % 2)),
        lambda k: sh(eco.build_cmd, fill(eco.build_ok, rng), secs=rng.uniform(2, 20)),
        lambda k: sh(
            eco.test_one.replace("{test}", test), fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=1), 1
        ),
        lambda k: read(other, source(eco, rng, other, 2)),
        lambda k: sh(
            f"git diff --stat {target}", f" {target} | {rng.randint(2, 6)} {'+-' * rng.randint(1, 3)}\n 1 file changed"
        ),
        lambda k: sh(eco.lint_cmd, fill(eco.lint_clean, rng)),
        lambda k: read(eco.config_file, fill(eco.config_text, rng, value=1)),
        lambda k: sh(
            eco.test_cmd, fill(eco.fail_tpl, rng, test=test, msg=msg, failed=1, total=40), 1, rng.uniform(5, 40)
        ),
    ]
    cycle = [kit[j] for j in (0, 2, 4, 1, 3, 5, 6, 7, 8, 9)[:length]]
    steps = opening(eco, rng, rng.randint(2, max(2, 12 - length)))
    steps += [make(0) for make in cycle]
    onset = len(steps)
    rounds = max(2, -(-rng.randint(15, 38) // length))
    while (len(steps) - onset) // length < rounds and len(steps) - onset + length <= 40:
        k = rng.randint(0, 3)
        steps += [make(k) for make in cycle]
    return steps, onset


def stubborn_retry(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The same failing command, again and again; in some sessions its log grows with every run."""
    blocker = eco.blockers[(i + 1) % len(eco.blockers)]
    grow = i % 3 == 0
    near = i % 3 == 1
    steps = opening(eco, rng, rng.randint(3, 8))
    steps.append(sh(blocker.cmd, fill(blocker.error, rng), 1))
    onset = len(steps)
    log = ""
    for k in range(rng.randint(15, 34)):
        cmd = blocker.cmd
        if near:
            cmd = rng.choice([blocker.cmd, blocker.cmd + " ", f"cd /workspace && {blocker.cmd}", f"{blocker.cmd} 2>&1"])
        out = fill(blocker.error, rng)
        if grow:
            log += f"--- attempt {k + 2} ({fill('@clock@', rng)}) ---\n{out}\n"
            out = log
        steps.append(sh(cmd, out, 1, rng.uniform(0.5, 12)))
    return steps, onset


def reread(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Reading the same few files and searches over and over without changing anything."""
    files = [*eco.files[:3], eco.config_file]
    steps = opening(eco, rng, rng.randint(4, 8))
    steps.append(_failing_run(eco, rng, eco.tests[i % len(eco.tests)], eco.fail_msgs[0]))
    onset = len(steps)
    for _ in range(rng.randint(16, 38)):
        pick = rng.random()
        path = rng.choice(files)
        if pick < 0.6:
            steps.append(
                read(path, source(eco, rng, path) if path != eco.config_file else fill(eco.config_text, rng, value=1))
            )
        elif pick < 0.8:
            ident = rng.choice(eco.idents)
            steps.append(grep(ident, f"{path}:{rng.randint(5, 9) * 11}:  {ident}", eco.src_dir))
        else:
            steps.append(sh(f"sed -n '{rng.randint(1, 5) * 20},+40p' {path}", source(eco, rng, path, 1)))
    return steps, onset


def flip_flop(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Fix A breaks test Y, fix B breaks test X; the agent alternates between the two."""
    target = eco.files[(i + 2) % 3]
    a, b = source(eco, rng, target, 0), source(eco, rng, target, 1)
    tests, msgs = eco.tests, eco.fail_msgs
    steps = opening(eco, rng, rng.randint(3, 6))
    steps.append(_failing_run(eco, rng, tests[0], msgs[0]))
    steps.append(edit(target, a, b))
    steps.append(_failing_run(eco, rng, tests[1], msgs[1]))
    onset = len(steps)
    state = 1
    while len(steps) - onset < rng.randint(15, 36):
        old, new = (b, a) if state else (a, b)
        steps.append(edit(target, old, new))
        state ^= 1
        if rng.random() < 0.3:
            steps.append(sh(eco.build_cmd, fill(eco.build_ok, rng)))
        steps.append(_failing_run(eco, rng, tests[state], msgs[state]))
    return steps, onset
