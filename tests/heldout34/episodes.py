# ruff: noqa: E501
"""Productive episodes on the loops' surface: a failure that does not reproduce at first, a warning, a
dependency or an input suspected, then the reporter's exact seed, version, environment or input found, or
the lead dropped, and the bug fixed.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout34.loops_repro import _DEPS, _INPUTS
from heldout34.text import Ctx, edit, look, passing, repro_ok, traceback


def _fixed(ctx: Ctx, rng: random.Random, old: str, new: str, rerun: str) -> list[Step]:
    return [
        Step("Reproduced. Now fix the cause in the source.", edit(ctx, old, new), "patched"),
        Step("Run the same reproduction again.", rerun, repro_ok(ctx, rng), seconds=rng.uniform(0.5, 5)),
        Step("And the module's tests.", ctx.tests(), passing(ctx, rng), seconds=rng.uniform(1, 9)),
    ]


def seed_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A few seeds pass, then the CI log's exact seed fails; the order dependence is fixed."""
    reported = rng.randint(1000, 99999)
    steps = []
    for _ in range(rng.randint(2, 4)):
        seed = rng.randint(0, 5000)
        steps.append(
            Step(
                f"The report says the test is flaky on CI. Try hash seed {seed}.",
                f"PYTHONHASHSEED={seed} python {ctx.repro}",
                repro_ok(ctx, rng),
                seconds=rng.uniform(0.5, 4),
            )
        )
    steps.append(look(ctx, rng))
    rerun = f"PYTHONHASHSEED={reported} python {ctx.repro}"
    steps += [
        Step(
            f"Guessing seeds is not going to work. The CI log in the issue prints `PYTHONHASHSEED={reported}`; use exactly that.",
            rerun,
            traceback(ctx, rng, "AssertionError: results differ between runs"),
            rc=1,
        ),
        Step(
            f"It fails with the reported seed: {ctx.func} iterates over a set, so the order depends on hashing. Let me see where.",
            f"grep -n 'set(' {ctx.source} | head -5",
            f"{rng.randint(80, 800)}:    seen = set(values)\n",
        ),
        *_fixed(ctx, rng, "seen = set(values)", "seen = list(dict.fromkeys(values))", rerun),
    ]
    return steps


def version_reproduced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The repro passes on the installed dependency; the reporter's version reproduces it, the fix covers both."""
    dep = _DEPS.get(ctx.run.owner, "packaging")
    mine, theirs = (
        f"{rng.randint(1, 3)}.{rng.randint(10, 26)}.{rng.randint(0, 5)}",
        f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 5)}",
    )
    steps = [
        Step("Run the reproduction first.", f"python {ctx.repro}", repro_ok(ctx, rng)),
        Step(
            f"It passes here. The issue lists {dep} {theirs}; which one do I have?",
            f"pip show {dep} | head -2",
            f"Name: {dep}\nVersion: {mine}",
        ),
        Step(
            f"Install the reporter's {dep} {theirs} to reproduce.",
            f"pip install -q '{dep}=={theirs}' && python {ctx.repro}",
            traceback(ctx, rng, f"AttributeError: module '{dep.lower()}' has no attribute 'Sentinel'"),
            rc=1,
            seconds=rng.uniform(5, 30),
        ),
        *_fixed(
            ctx, rng, f"{dep.lower()}.Sentinel", f"getattr({dep.lower()}, 'Sentinel', None)", f"python {ctx.repro}"
        ),
        Step(
            f"Restore the original {dep} {mine} and re-run the tests there too.",
            f"pip install -q '{dep}=={mine}' && {ctx.tests()}",
            passing(ctx, rng),
            seconds=rng.uniform(5, 30),
        ),
    ]
    return steps


def env_reproduced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One or two environment guesses pass; the timezone the report names reproduces it, and it is fixed."""
    tz = rng.choice(["Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham", "Asia/Kathmandu"])
    steps = [
        Step(f"Maybe CI uses another locale. Try LC_ALL={v}.", f"LC_ALL={v} python {ctx.repro}", repro_ok(ctx, rng))
        for v in rng.sample(["C", "C.UTF-8", "POSIX"], rng.randint(1, 2))
    ]
    rerun = f"TZ={tz} python {ctx.repro}"
    steps += [
        Step(
            "Not the locale. Let me re-read what the report says about the machine.",
            f"grep -n 'TZ\\|timezone\\|locale' {ctx.repro} || echo 'not in repro'",
            "not in repro",
        ),
        Step(
            f"The report mentions the machine is in {tz}. Run with that TZ.",
            rerun,
            traceback(
                ctx,
                rng,
                "ValueError: offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)",
            ),
            rc=1,
        ),
        *_fixed(ctx, rng, "time.localtime()", "time.gmtime()", rerun),
    ]
    return steps


def warning_dismissed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A deprecation warning above the failure checked once, found to come from setuptools, and dropped."""
    want = rng.randint(10, 30)
    return [
        Step(
            "Run the reproduction.",
            f"python {ctx.repro}",
            f"{ctx.site}/setuptools/_distutils/version.py:{rng.randint(300, 360)}: DeprecationWarning: distutils Version classes are deprecated. Use packaging.version instead.\n  warnings.warn(\n"
            + traceback(ctx, rng, f"AssertionError: expected {want} entries, got {want - 1}"),
            rc=1,
        ),
        Step(
            "There is a DeprecationWarning first. Does it come from our code at all?",
            f"grep -rn 'distutils' {ctx.run.package} | head -5",
            "",
            rc=1,
        ),
        Step(
            f"No: it is setuptools warning about itself, unrelated. The real failure is one entry short. Read {ctx.func}.",
            f"grep -n 'values\\[1:\\]\\|range(1,' {ctx.source}",
            f"{rng.randint(80, 800)}:    for value in values[1:]:\n",
        ),
        *_fixed(ctx, rng, "for value in values[1:]:", "for value in values:", f"python {ctx.repro}"),
    ]


def dependency_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A dependency suspected once, its version matching a passing CI, the lead dropped and the own code fixed."""
    dep = _DEPS.get(ctx.run.owner, "packaging")
    version = f"{rng.randint(1, 3)}.{rng.randint(0, 24)}.{rng.randint(0, 5)}"
    return [
        Step(
            "Run the reproduction.",
            f"python {ctx.repro}",
            traceback(ctx, rng, f"TypeError: {ctx.func}() got an unexpected keyword argument 'strict'"),
            rc=1,
        ),
        Step(
            f"The traceback shows {dep} in the stack in the report. Could a {dep} upgrade have caused it?",
            f"pip show {dep} | head -2",
            f"Name: {dep}\nVersion: {version}",
        ),
        Step(
            f"{dep} {version} is also what the passing CI job used, so it isn't {dep}. The keyword comes from our side: where is `strict` passed?",
            f"grep -n 'strict' {ctx.source}",
            f"{rng.randint(80, 800)}:    return {ctx.func}(values, strict=strict)\n",
        ),
        *_fixed(ctx, rng, f"{ctx.func}(values, strict=strict)", f"{ctx.func}(values)", f"python {ctx.repro}"),
    ]


def input_matched(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Guessed inputs pass a few times; the issue's exact input, copied, fails, and the fix follows."""
    steps = [
        Step(
            f"Try {data} as input.",
            f'python -c "from {ctx.dotted} import {ctx.func}; print({ctx.func}({data}))"',
            rng.choice(["[]", "None", "[0]"]),
        )
        for data in rng.sample(_INPUTS, rng.randint(2, 4))
    ]
    steps += [
        Step(
            "Guessing won't get there. Copy the issue's example verbatim into the repro script.",
            f"sed -n '1,12p' {ctx.repro}",
            f"from {ctx.dotted} import {ctx.func}\n\ndata = [('a', 1), ('b',), ('c', 3)]\nout = {ctx.func}(data)\nprint(out)\n",
        ),
        Step(
            "The issue's data has a one-element tuple. Run it.",
            f"python {ctx.repro}",
            traceback(ctx, rng, "ValueError: not enough values to unpack (expected 2, got 1)"),
            rc=1,
        ),
        *_fixed(ctx, rng, "key, value = item", "key, value = (*item, None)[:2]", f"python {ctx.repro}"),
    ]
    return steps
