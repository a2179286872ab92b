"""Productive families, part one: transient faults, waiting, environment fixes and the edit-check
rhythms of ordinary work. Every session moves on: each check's outcome differs from the last."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .kit import Session, Toolchain, variant


def _finish(s: Session, rng: random.Random, message: str) -> None:
    """The close of a piece of work: the suite green, lint, maybe a commit."""
    s.suite()
    if rng.random() < 0.6:
        s.lint()
    if rng.random() < 0.5:
        s.commit(message)


def _some_work(s: Session, rng: random.Random, n: int) -> None:
    """n edits of different files, each followed by a check that changes with it."""
    tc = s.tc
    for k in range(n):
        path = tc.files[(k * 2 + rng.randrange(2)) % len(tc.files)]
        if rng.random() < 0.5:
            s.read(path)
        s.edit(path, variant(tc.code[(k + rng.randrange(3)) % len(tc.code)], rng))
        if rng.random() < 0.5:
            s.build()
        else:
            s.one(tc.tests[k % len(tc.tests)])


def retry_recover(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """2–5 identical tries of a command failing on a passing fault, then it works and the work goes on."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 8))
    _some_work(s, rng, rng.randint(1, 3))
    command, error, ok = tc.transient
    for _ in range(rng.randint(2, 5)):
        s.sh(command, error, 1, seconds=rng.uniform(2, 30))
        if rng.random() < 0.3:
            s.sh(f"sleep {rng.choice((5, 10, 20))}", "", seconds=10)
    s.sh(command, ok, seconds=rng.uniform(5, 60))
    _some_work(s, rng, rng.randint(2, 4))
    _finish(s, rng, "landings: accept partial declarations")
    return s.steps


def polling(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A long job started, then 5–30 status checks with sleeps, some failing, until it is ready."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 7))
    start, started, status, pending, failing, ready = tc.poll
    s.sh(start, started)
    checks = rng.randint(5, 30)
    pct = 0
    job = f"bash_{rng.randint(1, 9)}" if start.endswith("&") and rng.random() < 0.5 else ""
    for k in range(checks):
        pct = min(99, pct + rng.randint(1, max(2, 200 // checks)))
        pause = rng.choice((15, 30, 30, 60, 90, 120))
        if k == checks - 1:
            output = ready
        elif rng.random() < 0.15:
            output = failing
        else:
            output = pending.replace("{pct}", f"{pct}%")
        if job:
            s.wait(status, job, output, seconds=pause)
        else:
            s.sh(f"sleep {pause} && {status}", output, 255 if output == failing else 0, seconds=pause)
    s.read(tc.docs[0])
    s.suite()
    return s.steps


def fixable_env(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A missing piece of the environment: 1–3 tries, the fix, then the command works and work goes on."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 8))
    command, error, fix, fixed, works = tc.fixenv
    for k in range(rng.randint(1, 3)):
        s.sh(command if k == 0 else f"{command} {rng.choice(tc.knobs[1:])}", error, 1, seconds=rng.uniform(2, 20))
        if k == 0 and rng.random() < 0.5:
            s.grep(
                error.splitlines()[-1][:24].split(":")[0] or "error", f"{tc.docs[0]}:@line@:see the setup section", "."
            )
    s.sh(fix, fixed, seconds=rng.uniform(5, 60))
    s.sh(command, works, seconds=rng.uniform(5, 60))
    _some_work(s, rng, rng.randint(2, 4))
    _finish(s, rng, "build: document system dependencies")
    return s.steps


def tdd(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """3–5 cycles: a new test written and seen failing, the code that makes it pass, the test again."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 7))
    cycles = rng.randint(3, 5)
    for k in range(cycles):
        name = f"{tc.tests[(i + k) % len(tc.tests)]} case {k + 1}"
        s.edit(tc.test_files[(i + k) % len(tc.test_files)], f"{tc.comment} new case: {name}")
        s.one(name, tc.failures[(i + k) % len(tc.failures)])
        path = tc.files[(i + k) % len(tc.files)]
        s.read(path)
        s.edit(path, variant(tc.code[(i + k) % len(tc.code)], rng))
        s.one(name)
    _finish(s, rng, "quota: carry-over cases")
    return s.steps


def compile_fix(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A build with a different error each time, each fixed where it points, until it builds."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 7))
    msgs = rng.sample(tc.compile_msgs, k=rng.randint(3, min(6, len(tc.compile_msgs))))
    for k, msg in enumerate(msgs):
        path = tc.files[(i + k) % len(tc.files)]
        line = rng.randint(10, 250)
        s.build((path, line, msg))
        if rng.random() < 0.6:
            s.read(path)
        s.edit(path, variant(tc.code[(k + i) % len(tc.code)], rng))
    s.build()
    _finish(s, rng, "reports: compile against the new quota API")
    return s.steps


def refactor_check(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A rename across the files, one clean build after each edit."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    old, new = rng.choice((("landed", "landedTonnes"), ("remaining", "remainingQuota"), ("species", "speciesCode")))
    files = rng.sample(tc.files, k=rng.randint(4, 6))
    s.grep(old, "\n".join(f"{p}:@line@:{tc.code[n]}" for n, p in enumerate(files)))
    for n, path in enumerate(files):
        s.read(path)
        s.edit(path, tc.code[n].replace(old, new) + f" {tc.comment} was {old}")
        s.build()
    s.grep(old, "")
    _finish(s, rng, f"rename {old} to {new}")
    return s.steps
