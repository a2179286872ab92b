"""Productive families, part two: sweeps, bisection, measurement, reading, printing, reruns and tuning.
Every session moves on: what each run prints differs from the run before."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .kit import Session, Toolchain, variant
from .work_a import _finish


def per_package(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """One command over each package in turn; one fails, is fixed, passes, and the sweep goes on."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    broken = rng.randrange(len(tc.units))
    for n, unit in enumerate(tc.units):
        command = tc.unit.replace("{pkg}", unit)
        if n == broken:
            test = tc.tests[n % len(tc.tests)]
            output, _ = s.report([test], [(test, tc.failures[n % len(tc.failures)])])
            s.sh(command, output, 1, seconds=rng.uniform(3, 40))
            s.read(tc.files[n % len(tc.files)])
            s.edit(tc.files[n % len(tc.files)], variant(tc.code[n % len(tc.code)], rng))
        output, _ = s.report(list(tc.tests[n : n + 2]), [])
        s.sh(command, output, seconds=rng.uniform(3, 40))
    _finish(s, rng, "sweep: every package green")
    return s.steps


def bisect(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """git bisect between a good tag and HEAD, the test at each step, the first bad commit, the fix."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    test, msg = tc.tests[i % len(tc.tests)], tc.failures[i % len(tc.failures)]
    s.sh(
        "git bisect start HEAD v0.13.0",
        f"Bisecting: {2 ** rng.randint(4, 6) - 1} revisions left to test after this (roughly 6 steps)\n[@hex@] quota: rework rounding",
    )
    left = rng.randint(20, 60)
    for step in range(rng.randint(4, 7)):
        bad = rng.random() < 0.5
        s.one(test, msg if bad else None)
        left //= 2
        verdict = "bad" if bad else "good"
        names = (
            "vms: new port polygons",
            "species: FAO table 2026",
            "landings: partial weights",
            "quota: per-area limits",
            "reports: csv columns",
            "logbook: ERS 3.1",
            "build: bump toolchain",
        )
        s.sh(
            f"git bisect {verdict}",
            f"Bisecting: {left} revisions left to test after this (roughly {max(0, 5 - step)} steps)\n[@hex@] {names[step]}",
        )
    s.sh(
        "git bisect bad",
        "@hex@ is the first bad commit\ncommit @hex@\nAuthor: Tomas Ek <tomas@catchlog.org>\n\n    quota: rework rounding\n\n "
        + tc.files[i % len(tc.files)]
        + " | 6 +++---",
    )
    s.sh("git bisect reset", "Previous HEAD position was @sha@ quota: rework rounding\nSwitched to branch 'main'")
    path = tc.files[i % len(tc.files)]
    s.read(path)
    s.edit(path, variant(tc.code[i % len(tc.code)], rng))
    s.one(test)
    _finish(s, rng, "quota: restore rounding to kilograms")
    return s.steps


def bench_iterate(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A benchmark, then rounds of an optimisation and the benchmark again, the numbers moving."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    values = {name: rng.uniform(50, 900) for name in tc.bench_names}
    s.bench(values)
    for k in range(rng.randint(3, 6)):
        path = tc.files[(i + k) % len(tc.files)]
        s.read(path)
        s.edit(path, variant(tc.code[(i + 2 * k) % len(tc.code)], rng))
        values = {name: v * rng.uniform(0.8, 1.5) for name, v in values.items()}
        s.bench(values)
    _finish(s, rng, "reports: faster monthly aggregation")
    return s.steps


def exploration(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """Reading one's way into a codebase: every file, search and listing a new one."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 5))
    seen = {step.text for step in s.steps}
    moves: list[tuple[str, str]] = [("read", p) for p in (*tc.files, *tc.docs, tc.manifest)]
    moves += [("grep", w) for w in ("Quota", "landed", "species", "carry", "port", "month", "TODO", "deprecated")]
    moves += [("ls", p.rsplit("/", 1)[0]) for p in tc.files] + [("log", p) for p in tc.files[:3]]
    rng.shuffle(moves)
    done: set[str] = set()
    for kind, what in moves[: rng.randint(14, 28)]:
        if f"{kind}:{what}" in done or (kind == "read" and what in seen):
            continue
        done.add(f"{kind}:{what}")
        if kind == "read":
            s.read(what)
        elif kind == "grep":
            s.grep(what, "\n".join(f"{p}:@line@:{tc.code[n]}" for n, p in enumerate(rng.sample(tc.files, k=2))))
        elif kind == "ls":
            s.sh(
                f"ls -la {what}",
                "\n".join(
                    f"-rw-r--r-- 1 dev dev @kb@ Jan @line@ 10:02 {p.rsplit('/', 1)[-1]}"
                    for p in tc.files
                    if p.startswith(what)
                ),
            )
        else:
            s.sh(
                f"git log --format='%h %an %s' -5 -- {what}",
                "@sha@ Ines Duarte quota: per-area limits\n@sha@ Tomas Ek landings: partial weights\n@sha@ Ines Duarte initial import",
            )
    s.todo("Write up how quota flows from declarations to the monthly return;List open questions")
    return s.steps


def print_debug(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """A print added, the program run, the print moved; what it prints changes each run; then the fix."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    path = tc.files[i % len(tc.files)]
    statement, printed = tc.debug
    s.read(path)
    for k in range(rng.randint(3, 6)):
        s.edit(path, statement if k == 0 else variant(statement, rng))
        value = f"{rng.uniform(-50, 600):.1f}"
        s.sh(
            tc.run,
            "\n".join(printed.replace("{value}", value) for _ in range(rng.randint(1, 3))),
            seconds=rng.uniform(2, 20),
        )
    s.edit(path, variant(tc.code[i % len(tc.code)], rng))
    s.edit(path, f"{tc.comment} debug output removed")
    s.one(tc.tests[i % len(tc.tests)])
    _finish(s, rng, "quota: fix remaining after carry-over")
    return s.steps


def suite_rerun(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """The suite with several failures; one fixed between runs, until none is left."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    failing = [(t, tc.failures[n % len(tc.failures)]) for n, t in enumerate(rng.sample(tc.tests, k=rng.randint(3, 6)))]
    while failing:
        s.suite(failing)
        test, _ = failing.pop(rng.randrange(len(failing)))
        path = tc.files[tc.tests.index(test) % len(tc.files)]
        s.read(path)
        s.edit(path, variant(tc.code[tc.tests.index(test) % len(tc.code)], rng))
    _finish(s, rng, "fix the failing checks after the toolchain bump")
    return s.steps


def config_tune(tc: Toolchain, rng: random.Random, i: int) -> list[Step]:
    """One setting changed run after run, the metric moving each time; the best value kept."""
    s = Session(tc, rng)
    s.opening(rng.randint(3, 6))
    path, line, values, command, metric = tc.tune
    s.read(path)
    best = (0.0, values[0])
    for value in values[: rng.randint(4, len(values))]:
        s.edit(path, line.replace("{value}", value))
        result = rng.uniform(20, 900)
        best = max(best, (result, value))
        s.sh(command, metric.replace("{value}", f"{result:.1f}"), seconds=rng.uniform(20, 150))
    s.edit(path, line.replace("{value}", best[1]))
    _finish(s, rng, f"tune {path}")
    return s.steps
