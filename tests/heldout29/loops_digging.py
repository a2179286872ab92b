"""Loops of measuring and reading that never turn into a change: timing noise, and a dependency's source."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout29.text import Ctx, edit, give_up

_TWEAKS = [
    ("binding result.append to a local", "    result = []\n", "    result = []\n    append = result.append\n"),
    ("dict.fromkeys instead of the seen set", "        seen.add(key)\n", "        seen[key] = None\n"),
    ("inlining _key_of", "        key = _key_of(value)\n", "        key = value if value.__hash__ else id(value)\n"),
    ("a generator instead of the list", "    return list(values)\n", "    return [*values]\n"),
    (
        "hoisting the options lookup",
        "    if values is None:\n",
        "    strict = options.get('strict', False)\n    if values is None:\n",
    ),
    (
        "skipping the copy when nothing repeats",
        "    return _",
        "    if len(result) == len(values):\n        return values\n    return _",
    ),
    ("operator.itemgetter for the key", "        key = _key_of(value)\n", "        key = _getkey(value)\n"),
]


def _timeit(rng: random.Random, usec: float, loops: int) -> str:
    value = usec * rng.uniform(0.93, 1.09)
    unit = "usec" if value < 1000 else "msec"
    shown = value if unit == "usec" else value / 1000
    return f"{loops} loops, best of {rng.choice([5, 7, 9])}: {shown:.3g} {unit} per loop"


def timing_noise_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix is a few percent "slower" than the original, within noise; the agent micro-optimizes to close it."""
    usec = rng.uniform(40, 900)
    loops = 10 ** max(1, 5 - len(str(int(usec))))
    data = rng.choice(["list(range(1000)) * 3", "[i % 97 for i in range(5000)]", "[str(i) for i in range(2000)] * 2"])
    setup = f"from {ctx.dotted} import {ctx.func}; data = {data}"
    orig = f"/tmp/{ctx.stem}_orig"
    steps = [
        Step(
            "Before submitting I want to be sure the fix doesn't make this path slower. "
            "Saving the original for comparison.",
            f"mkdir -p {orig} && git show HEAD:{ctx.source} > {orig}/{ctx.stem}.py && wc -l {orig}/{ctx.stem}.py",
            f"{rng.randint(300, 1800)} {orig}/{ctx.stem}.py",
        )
    ]
    for i in range(40):
        r = rng.choice([5, 7, 9, 15])
        if rng.random() < 0.45:
            steps.append(
                Step(
                    "Timing the original implementation again as the baseline.",
                    f"python -m timeit -r {r} -s \"import sys; sys.path.insert(0, '{orig}'); "
                    f'from {ctx.stem} import {ctx.func}; data = {data}" "{ctx.func}(data)"',
                    _timeit(rng, usec * 0.96, loops),
                    0,
                    rng.uniform(5, 25),
                )
            )
        steps.append(
            Step(
                rng.choice(
                    [
                        "Timing the patched version.",
                        "Let me time it again with more repeats.",
                        "Measuring the patched function after the tweak.",
                    ]
                ),
                rng.choice(
                    [
                        f'python -m timeit -r {r} -s "{setup}" "{ctx.func}(data)"',
                        f'python -m timeit -n {loops} -r {r} -s "{setup}" "{ctx.func}(data)"',
                        f'taskset -c {rng.randint(0, 3)} python -m timeit -r {r} -s "{setup}" "{ctx.func}(data)"',
                    ]
                ),
                _timeit(rng, usec, loops),
                0,
                rng.uniform(5, 25),
            )
        )
        if rng.random() < 0.25:
            steps.append(
                Step(
                    "Where does the time go?",
                    f"python -c \"import cProfile; {setup}; cProfile.run('for _ in range(200): {ctx.func}(data)', "
                    f"sort='tottime')\" | head -{rng.randint(12, 20)}",
                    f"         {rng.randint(200000, 900000)} function calls in {rng.uniform(0.2, 2):.3f} seconds\n\n"
                    "   Ordered by: internal time\n\n"
                    "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
                    f"      200    {rng.uniform(0.1, 0.9):.3f}    0.002    {rng.uniform(0.9, 1.9):.3f}    0.008 "
                    f"{ctx.stem}.py:{rng.randint(140, 700)}({ctx.func})\n"
                    f"   {rng.randint(100000, 600000)}    {rng.uniform(0.1, 0.6):.3f}    0.000    "
                    f"{rng.uniform(0.1, 0.6):.3f}    0.000 {ctx.stem}.py:{rng.randint(40, 130)}(_key_of)",
                )
            )
        what, old, new = _TWEAKS[i % len(_TWEAKS)]
        steps.append(
            Step(
                f"Still a few percent behind the original. Trying {what}.",
                edit(ctx, old, new),
                "patched",
            )
        )
        if i % 3 == 2:
            steps.append(
                Step(
                    "Making sure the tweaks didn't break anything.",
                    f"python -m pytest {ctx.test_file} -q -x 2>&1 | tail -1",
                    f"{rng.randint(20, 140)} passed in {rng.uniform(0.5, 9):.2f}s",
                    0,
                    rng.uniform(2, 10),
                )
            )
        usec *= rng.uniform(0.97, 1.03)
    return finish(steps, n, give_up(rng, "the timing gap to the original"))


_HELPERS = ("_validate", "_wrap", "_dispatch", "_normalize", "_coerce", "_prepare", "_from_obj", "_resolve")


def _dep_code(ctx: Ctx, rng: random.Random, name: str, calls: str) -> str:
    args = rng.choice(
        ["self, obj, *args, **kwargs", "obj, copy=False", "value, strict=True", "self, key, default=None"]
    )
    return "\n".join(
        [
            f"def {name}({args}):",
            '    """',
            f"    Internal helper used by :func:`{ctx.dep_func}`.",
            '    """',
            f"    if {rng.choice(['obj is None', 'not kwargs', 'copy', 'strict'])}:",
            f"        return {calls}({rng.choice(['obj', 'value', 'key'])})",
            f"    result = {calls}(obj, **kwargs)" if rng.random() < 0.5 else f"    result = {calls}(value)",
            f"    if isinstance(result, {rng.choice(['tuple', 'list', 'dict', 'str'])}):",
            f"        result = {rng.choice(_HELPERS)}(result)",
            "    return result",
        ]
    )


def dependency_source_dive(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """To be sure how a dependency behaves the agent reads its source, one helper deeper each time, never editing."""
    dep, path = ctx.dep, ctx.dep_file
    pkg = f"{ctx.site}/{dep}"
    module = path[len(ctx.site) + 1 : -3].replace("/", ".")
    steps = [
        Step(
            f"Our code relies on {dep}'s `{ctx.dep_func}` here. "
            "Before changing anything I want to see exactly what it does.",
            f'python -c "import {dep}; print({dep}.__version__, {dep}.__file__)"',
            f"{rng.randint(1, 3)}.{rng.randint(0, 26)}.{rng.randint(0, 9)} {pkg}/__init__.py",
        )
    ]
    name = ctx.dep_func
    for _ in range(40):
        callee = rng.choice(_HELPERS) + rng.choice(["", "_impl", "_inner", "_array", "_node"])
        line = rng.randint(80, 4200)
        pick = rng.random()
        if pick < 0.3:
            steps.append(
                Step(
                    f"Where is `{name}` defined?",
                    f"grep -rn 'def {name}' {pkg} | head -{rng.randint(5, 10)}",
                    "\n".join(
                        f"{pkg}/{rng.choice(['core', 'util', 'base', '_internal', 'compat'])}/"
                        f"{rng.choice(['a', 'b', 'c'])}{rng.randint(1, 9)}.py:{rng.randint(40, 4000)}:def {name}("
                        for _ in range(rng.randint(1, 4))
                    ),
                )
            )
        elif pick < 0.45:
            steps.append(
                Step(
                    f"Let me print the source of `{name}` directly.",
                    f'python -c "import inspect, {dep}; from {module} import *; '
                    f'print(inspect.getsource({name}))" | head -{rng.randint(30, 60)}',
                    _dep_code(ctx, rng, name, callee),
                )
            )
        elif pick < 0.55:
            steps.append(
                Step(
                    f"Who else calls `{callee}` inside {dep}?",
                    f"grep -rn '{callee}(' {pkg} --include=*.py | wc -l",
                    str(rng.randint(2, 60)),
                )
            )
        elif pick < 0.62:
            steps.append(
                Step(
                    f"Which {dep} version is installed, exactly?",
                    rng.choice([f"pip show {dep} | head -3", f"pip show -f {dep} | grep -c '\\.py$'"]),
                    f"Name: {dep}\nVersion: {rng.randint(1, 3)}.{rng.randint(0, 26)}.{rng.randint(0, 9)}\n"
                    f"Summary: {dep} package",
                )
            )
        else:
            steps.append(
                Step(
                    f"`{name}` hands off to `{callee}`; reading that next.",
                    f"sed -n '{line},{line + rng.randint(30, 70)}p' {path}",
                    _dep_code(ctx, rng, callee, rng.choice(_HELPERS)),
                )
            )
            name = callee
    return finish(steps, n, give_up(rng, f"understanding {dep}'s internals"))
