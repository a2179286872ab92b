"""Loop families: each builder returns (steps, onset), onset being the first step whose spend is waste.

Onsets are set where a careful reviewer would say the agent should have stopped or changed tack:
after meeting an impossible environment and one reasonable try; after the first fix that did not
change the failure; at the second round of a cycle; at the first retry of an unchanged command; at
the first re-read of material already read.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .causes import IMPOSSIBLE
from .ecosystems import Eco
from .noise import Noise
from .steps import body, edit, grep, opening, read, sh

_ENV_PREFIX = ("", "", "", "VERBOSE=1 ", "CI=true ", "LANG=C.UTF-8 ", "HOME=/tmp/agent-home ")
_SUFFIX = ("", "", "", " 2>&1 | tail -40", " 2>&1 | head -60", "; echo exit=$?")


def env_impossible(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    n = Noise(rng)
    causes = [c for c in IMPOSSIBLE if c.eco == eco.name]
    cause = causes[(i // 7) % len(causes)]
    steps = opening(eco, rng, n, rng.randint(3, 10), built=False)
    steps.append(sh(cause.attempts[0], cause.error(n), 1, rng.uniform(2, 30)))
    steps.append(sh(cause.attempts[1], cause.error(n), 1, rng.uniform(2, 30)))
    onset = len(steps)
    order = list(cause.attempts[1:])
    rng.shuffle(order)
    length, k = rng.randint(15, 45), 0
    while len(steps) - onset < length:
        roll = rng.random()
        if roll < 0.18:
            cmd, out = rng.choice(cause.looks)
            steps.append(sh(cmd, out(n), 0 if out(n) else 1))
        elif roll < 0.28:
            path, line = rng.choice(cause.edits)
            steps.append(Step("edit", path, body(eco, path).splitlines()[0], extra=line))
        else:
            cmd = order[k % len(order)]
            if k >= len(order):  # the list is used up: the same ideas come back dressed differently
                cmd = rng.choice(_ENV_PREFIX) + cmd + rng.choice(_SUFFIX)
            k += 1
            steps.append(
                sh(cmd, cause.error(n), rng.choice((1, 1, 2, 127)) if "make" in cmd else 1, rng.uniform(1, 40))
            )
    return steps[: onset + length], onset


def unfixable_bug(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """The failure comes from outside the code the agent edits (a vendored fixture, the sandbox clock)."""
    n = Noise(rng)
    test = eco.tests[i % len(eco.tests)]
    detail = rng.choice(
        (
            "expected 2025-11-21, got 2025-11-20",
            "expected fine 0.75, got 1.00",
            "expected [h-2, h-7, h-9], got [h-2, h-9, h-7]",
            "expected status renewed, got overdue",
            "expected 978-0-13-468599-1, got 9780134685991",
        )
    )
    steps = opening(eco, rng, n, rng.randint(4, 11), failing=test)
    debug: list[str] = []
    targets = list(eco.sources[:5])

    def attempt(k: int) -> list[Step]:
        path = targets[k % len(targets)] if rng.random() < 0.6 else rng.choice(targets)
        new = (
            f"{rng.choice(eco.snippets)}  {'//' if eco.name in ('swift', 'scala', 'frontend') else '#'} attempt {k + 1}"
        )
        out = []
        if rng.random() < 0.3:
            out.append(read(eco, path))
        out.append(edit(eco, path, new))
        if rng.random() < 0.5:
            debug.append(
                f"DEBUG {n.clock()} {path.rsplit('/', 1)[-1]}: due={rng.randint(18, 22)} policy=branch-{rng.randint(1, 9)} tz=UTC"
            )
        if rng.random() < 0.25:
            out.append(sh(eco.build, eco.build_ok(n), secs=rng.uniform(5, 50)))
        cmd = eco.test_one.format(t=test) if rng.random() < 0.75 else eco.test
        out.append(sh(cmd, "\n".join([*debug[-30:], eco.test_fail(n, test, detail)]), 1, rng.uniform(3, 40)))
        return out

    steps += attempt(0)
    onset = len(steps)
    length, k = rng.randint(15, 45), 1
    while len(steps) - onset < length:
        steps += attempt(k)
        k += 1
    return steps[: onset + length], onset


def long_cycle(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    n = Noise(rng)
    test = eco.tests[(i + 2) % len(eco.tests)]
    path = eco.sources[i % 4]
    fixes = rng.sample(eco.snippets, 2)
    size = 4 + i % 7
    opening_steps = opening(eco, rng, n, rng.randint(3, 9), failing=test)

    def round_(r: int) -> list[Step]:
        fail = eco.test_fail(n, test, "expected 3 renewals, got 2")
        pool: list[Step] = [
            edit(eco, path, fixes[r % 2]),
            sh(eco.test_one.format(t=test) + rng.choice(("", "", " 2>&1 | tail -30")), fail, 1, rng.uniform(3, 30)),
            sh(
                rng.choice((f"git diff {path}", f"git diff --stat && git diff {path}")),
                f"--- a/{path}\n+++ b/{path}\n@@ -{rng.randint(10, 60)},7 @@\n+    {fixes[r % 2]}",
            ),
            sh(rng.choice((f"git checkout -- {path}", f"git restore {path}", "git stash && git stash drop")), ""),
            read(eco, path),
            sh(eco.build, eco.build_ok(n), secs=rng.uniform(5, 40)),
            grep(
                rng.choice(("renewals", "renewal")), path.split("/")[0], f"{path}:{rng.randint(10, 60)}:    {fixes[0]}"
            ),
            sh(eco.test, fail, 1, rng.uniform(10, 90)),
            sh(
                "git log --oneline -3",
                f"{n.hexs(7)} Renewals honour branch policy\n{n.hexs(7)} Bump deps\n{n.hexs(7)} Fines: grace days",
            ),
            read(eco, eco.sources[(i + 4) % len(eco.sources)]),
        ]
        chosen = pool[:size]
        if rng.random() < 0.35:  # two neighbours swap places
            j = rng.randrange(1, size - 1)
            chosen[j], chosen[j + 1] = chosen[j + 1], chosen[j]
        if rng.random() < 0.25:  # an extra look this round
            chosen.insert(rng.randrange(1, size), sh("git status --short", f" M {path}"))
        return chosen

    steps = opening_steps + round_(0)
    onset = len(steps)
    length, r = rng.randint(max(15, size * 3), 45), 1
    while len(steps) - onset < length:
        steps += round_(r)
        r += 1
    return steps[: onset + length], onset


def stubborn_retry(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    n = Noise(rng)
    test = eco.tests[(i + 1) % len(eco.tests)]
    steps = opening(eco, rng, n, rng.randint(3, 10))
    mode = ("exact", "near", "growing")[i % 3]
    base = eco.test_one.format(t=test)
    variants = (base, base + " 2>&1 | tail -50", "clear; " + base) if mode == "near" else (base,)
    history: list[str] = []

    def run(k: int) -> Step:
        out = eco.test_fail(n, test, "expected hold h-7 to expire, it is still active")
        if mode == "growing":  # the harness tees every run into one log and prints all of it
            history.append(f"=== run {k + 1} at {n.iso()} (pid {n.pid()}) ===\n{out}")
            out = "\n".join(history)
        cmd = (
            variants[k % len(variants)]
            if mode != "growing"
            else f"{base} 2>&1 | tee -a /tmp/retry.log; cat /tmp/retry.log"
        )
        return sh(cmd, out, 1, rng.uniform(3, 30))

    steps.append(run(0))
    onset = len(steps)
    length = rng.randint(15, 45)
    for k in range(1, length + 1):
        steps.append(run(k))
    return steps, onset


def analysis_paralysis(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    n = Noise(rng)
    test = eco.tests[(i + 3) % len(eco.tests)]
    files = list(eco.sources[: 3 + i % 4])
    log_cmd = rng.choice(
        ("tail -n 80 logs/ci-last.log", "cat build/test-report.txt", "less +G logs/app.log | tail -60")
    )
    log_out = eco.test_fail(n, test, "expected 4 holds, got 3")
    patterns = rng.sample(("renew", "graceDays", "holdQueue", "due", "policy", "tier"), 3)
    steps = opening(eco, rng, n, rng.randint(2, 6), failing=test)
    looks: list[Step] = [read(eco, f) for f in files]
    looks += [grep(p, ".", "\n".join(f"{f}:{rng.randint(3, 40)}:  {p}(...)" for f in files[:3])) for p in patterns]
    looks.append(sh(log_cmd, log_out))
    steps += looks
    onset = len(steps)
    length = rng.randint(15, 45)
    while len(steps) - onset < length:
        batch = list(looks)
        rng.shuffle(batch)
        batch = batch[: rng.randint(3, len(batch))]
        if rng.random() < 0.3:
            batch.append(sh("git diff", ""))
        if rng.random() < 0.2:
            batch.append(
                sh(f"wc -l {' '.join(files)}", "\n".join(f"  {len(body(eco, f).splitlines())} {f}" for f in files))
            )
        steps += batch
    return steps[: onset + length], onset
