# ruff: noqa: E501
"""Loops of a failure that will not reproduce: seeds, dependency versions, environment variables and inputs
varied one after another, the reported error never appearing, until the agent gives up.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout20.text import finish
from heldout34.text import Ctx, give_up, look, passing, repro_ok

Attempt = Callable[[int], list[Step]]


def weave(ctx: Ctx, rng: random.Random, n: int, attempt: Attempt, what: str) -> list[Step]:
    """Attempts one after another with looks between some of them, cut to `n` calls, the last giving up."""
    steps: list[Step] = []
    i = 0
    while len(steps) < n + 12:
        steps += attempt(i)
        if rng.random() < 0.4:
            steps.append(look(ctx, rng))
        i += 1
    return finish(steps, n, give_up(rng, what))


def seed_sweep_unreproduced(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The report's intermittent CI failure chased through seeds, hash seeds and repeat counts, never failing."""
    reported = rng.randint(1000, 99999)

    def attempt(i: int) -> list[Step]:
        seed = rng.choice([reported + rng.randint(-40, 40), rng.randint(0, 5000), rng.randint(10**6, 10**7), reported])
        lo = rng.randint(0, 400)
        hi = lo + rng.choice([20, 50, 100])
        forms = [
            (
                f"The report says it fails on CI with `-p randomly` and seed {reported}. Let me run with seed {seed}.",
                ctx.tests(f" -p randomly -p 'randomly_seed={seed}'")
                if not ctx.django
                else ctx.tests(f" --shuffle {seed}"),
                passing(ctx, rng),
            ),
            (
                f"Maybe it is hash randomisation. Try PYTHONHASHSEED={seed % 4294967295}.",
                f"PYTHONHASHSEED={seed % 4294967295} python {ctx.repro}",
                repro_ok(ctx, rng),
            ),
            (
                f"Let me sweep hash seeds {lo}..{hi} and stop at the first failure.",
                f"for s in $(seq {lo} {hi}); do PYTHONHASHSEED=$s python {ctx.repro} >/dev/null 2>&1 || echo FAIL $s; done; echo done",
                "done",
            ),
            (
                f"Perhaps it needs many repetitions. Run the test {rng.choice([20, 50, 100, 200])} times.",
                f"for i in $(seq 1 {rng.choice([20, 50, 100, 200])}); do ({ctx.tests(' -x')}) >/dev/null 2>&1 || echo FAIL $i; done; echo finished",
                "finished",
            ),
            (
                f"Seed the global random module with {seed} before calling {ctx.func}.",
                f"python -c \"import random; random.seed({seed}); exec(open('{ctx.repro}').read())\"",
                repro_ok(ctx, rng),
            ),
            (
                "Maybe the order of the tests matters. Run in reverse order.",
                ctx.tests(" -p no:randomly --reverse") if not ctx.django else ctx.tests(" --reverse"),
                passing(ctx, rng),
            ),
        ]
        thought, command, output = forms[(i + rng.randint(0, 5)) % len(forms)]
        return [Step(thought, command, output, seconds=rng.uniform(1, 30))]

    return weave(ctx, rng, n, attempt, "reproducing the intermittent failure")


_DEPS = {
    "astropy": "numpy",
    "matplotlib": "numpy",
    "pydata": "pandas",
    "scikit-learn": "scipy",
    "mwaskom": "pandas",
    "sympy": "mpmath",
    "sphinx-doc": "docutils",
    "django": "asgiref",
    "pytest-dev": "pluggy",
    "pylint-dev": "astroid",
    "psf": "urllib3",
    "pallets": "Werkzeug",
}


def dependency_version_roulette(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The reporter's failure tried under one dependency version after another, each install passing or refused."""
    dep = _DEPS.get(ctx.run.owner, "packaging")
    major = rng.randint(1, 3)

    def attempt(i: int) -> list[Step]:
        version = f"{major}.{rng.randint(0, 26)}.{rng.randint(0, 6)}"
        ok = rng.random() < 0.7
        install = Step(
            f"The reporter may be on a different {dep}. Let me try {dep} {version}.",
            rng.choice(
                [
                    f"pip install -q '{dep}=={version}'",
                    f"pip install '{dep}=={version}' 2>&1 | tail -3",
                    f"python -m pip install --no-deps '{dep}=={version}'",
                ]
            ),
            (
                f"Successfully installed {dep}-{version}"
                if ok
                else f"ERROR: Could not find a version that satisfies the requirement {dep}=={version} (from versions: {major}.{rng.randint(0, 9)}.0, ...)\nERROR: No matching distribution found for {dep}=={version}"
            ),
            rc=0 if ok else 1,
            seconds=rng.uniform(3, 40),
        )
        if not ok:
            return [install]
        run = Step(
            f"Now run the reproduction under {dep} {version}.",
            rng.choice([f"python {ctx.repro}", f"python {ctx.repro} && pip show {dep} | head -2", ctx.tests(" -x")]),
            repro_ok(ctx, rng) + f"\nName: {dep}\nVersion: {version}" if rng.random() < 0.5 else repro_ok(ctx, rng),
            seconds=rng.uniform(1, 8),
        )
        return (
            [install, run]
            if rng.random() < 0.8
            else [
                install,
                Step(
                    f"Which {dep} is actually imported?",
                    f"python -c 'import {dep.lower()}; print({dep.lower()}.__version__, {dep.lower()}.__file__)'",
                    f"{version} {ctx.site}/{dep.lower()}/__init__.py",
                ),
                run,
            ]
        )

    return weave(ctx, rng, n, attempt, f"reproducing the report with other {dep} versions")


_ENVS = [
    ("LC_ALL", ["C", "C.UTF-8", "POSIX"]),
    ("LANG", ["C", "en_US.UTF-8", "C.UTF-8"]),
    ("TZ", ["UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "Australia/Lord_Howe"]),
    ("PYTHONOPTIMIZE", ["1", "2"]),
    ("PYTHONIOENCODING", ["ascii", "latin-1", "utf-8"]),
    ("OMP_NUM_THREADS", ["1", "4", "16"]),
    ("PYTHONUTF8", ["0", "1"]),
    ("PYTHONDONTWRITEBYTECODE", ["1"]),
    ("CI", ["true", "1"]),
    ("COLUMNS", ["40", "80", "200"]),
]


def env_toggle_repro(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Environment variables set one or two at a time in case CI differs, the repro passing under each."""

    def attempt(i: int) -> list[Step]:
        picked = rng.sample(_ENVS, rng.choice([1, 1, 2]))
        assign = " ".join(f"{name}={rng.choice(values)}" for name, values in picked)
        names = " and ".join(name for name, _ in picked)
        if rng.random() < 0.25:
            return [
                Step(
                    "What does this environment set that CI might not?",
                    f"env | grep -E '^({'|'.join(name for name, _ in picked)}|PYTHON)' || echo none set",
                    rng.choice(["none set", "PYTHONPATH=/testbed", f"{picked[0][0]}={picked[0][1][0]}"]),
                )
            ]
        return [
            Step(
                f"Maybe CI runs with a different {names}. Try `{assign}`.",
                rng.choice(
                    [
                        f"{assign} python {ctx.repro}",
                        f"env {assign} python {ctx.repro}",
                        f"{assign} {ctx.tests(' -x')}" if not ctx.django else f"{assign} python {ctx.repro} -v",
                    ]
                ),
                repro_ok(ctx, rng) if rng.random() < 0.6 else passing(ctx, rng),
                seconds=rng.uniform(1, 12),
            )
        ]

    return weave(ctx, rng, n, attempt, "reproducing the report under CI's environment")


_INPUTS = [
    "[]",
    "[None]",
    "['']",
    "[0, -1]",
    "[2**63, 1]",
    "['\\u00e9', 'e\\u0301']",
    "[[1, [2, [3]]]]",
    "{'a': None}",
    "(1.5, float('nan'))",
    "['x'] * 10000",
    "[b'bytes', 'str']",
    "[float('inf'), -0.0]",
    "list(range(3))",
    "[' leading', 'trailing ']",
]


def input_guessing_repro(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The issue re-read and the same function called on guess after guess of the reporter's input, none failing."""
    error = rng.choice(
        [
            "IndexError: list index out of range",
            "KeyError: 0",
            "TypeError: '<' not supported between instances of 'NoneType' and 'str'",
            "ValueError: too many values to unpack (expected 2)",
        ]
    )

    def attempt(i: int) -> list[Step]:
        data = rng.choice(_INPUTS)
        if rng.random() < 0.3:
            return [
                Step(
                    f"The issue says `{error}`, but it doesn't give the input. Let me search the source for where that could be raised.",
                    rng.choice(
                        [
                            f"grep -n 'raise\\|\\[0\\]\\|\\[-1\\]' {ctx.source} | head -{rng.choice([10, 15, 20])}",
                            f"grep -n 'values\\[' {ctx.source}",
                        ]
                    ),
                    f"{rng.randint(60, 400)}:        first = values[0]\n{rng.randint(400, 800)}:        raise ValueError(msg)\n",
                )
            ]
        return [
            Step(
                rng.choice(
                    [
                        f"Maybe the reporter passed {data}. Try it.",
                        f"Let me try {data} as the input.",
                        f"What about {data}?",
                    ]
                ),
                f'python -c "from {ctx.dotted} import {ctx.func}; print({ctx.func}({data}))"',
                rng.choice(["[]", "None", f"[{rng.randint(0, 9)}]", "['x', 'x', 'x', ...]", "{}"]),
            )
        ]

    return weave(ctx, rng, n, attempt, f"guessing the input that raises {error.split(':')[0]}")
