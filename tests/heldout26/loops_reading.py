# ruff: noqa: E501
"""Loops of the agent's reading of its task: a misread requirement, a wrong hypothesis, a bug it cannot reproduce.

Each tail varies its commands and thoughts; the output drifts with the agent's edits (values, line numbers,
addresses, timings), and looks at the code sit between its attempts.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import addr, finish, give_up, pytest_output
from heldout26.text import Ctx, edit, traceback

_WORDS = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "theta", "kappa", "omega", "sigma"]

# How the agent reads "keep the entries as given" each time, and what its edit then returns.
_READINGS: list[tuple[str, str]] = [
    ("the issue wants the result sorted so it is deterministic", "sorted"),
    ("None entries should be dropped, since they are not valid values", "drop-none"),
    ("duplicates are the problem, so I should de-duplicate with a set", "set"),
    ("None should be rendered as the string 'None' rather than removed", "str-none"),
    ("the order should follow first appearance but lower-cased", "lower"),
    ("the issue is really about the input being mutated, so I should return a reversed copy", "reversed"),
]


def _apply(reading: str, data: list[str | None]) -> list[str] | list[str | None]:
    if reading == "sorted":
        return sorted(x for x in data if x is not None)
    if reading == "drop-none":
        return [x for x in data if x is not None]
    if reading == "set":
        return sorted({x for x in data if x is not None})
    if reading == "str-none":
        return [str(x) for x in data]
    if reading == "lower":
        return [x.lower() if x else x for x in dict.fromkeys(data)]
    return list(reversed(data))


def _compare(ctx: Ctx, data: list[str | None], got: list[str] | list[str | None], want: list[str | None]) -> str:
    return f"input   : {data!r}\ngot     : {got!r}\nexpected: {want!r}\n" + traceback(
        ctx, random.Random(len(repr(got))), "AssertionError: result does not match the issue's example", 1
    )


def misread_issue(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent keeps implementing its own reading of the issue; the issue's example keeps disagreeing."""
    data: list[str | None] = rng.sample(_WORDS, 4)
    data.insert(rng.randint(1, 3), None)
    data.insert(rng.randint(0, 4), data[rng.randint(0, 3)] or "beta")
    want = list(dict.fromkeys(data))
    steps: list[Step] = []
    readings = _READINGS[:]
    while len(steps) < n + 4:
        rng.shuffle(readings)
        for thought, reading in readings:
            got = _apply(reading, data)
            steps.append(
                Step(
                    f"Re-reading the task, I think {thought}. Let me change {ctx.func} accordingly.",
                    edit(
                        ctx,
                        f"return {rng.choice(['result', 'out', 'values', 'items'])}",
                        f"return _{reading.replace('-', '_')}(result)",
                    ),
                    "patched",
                )
            )
            steps.append(
                Step(
                    rng.choice(
                        [
                            "Now run the reproduction with the issue's example.",
                            "Check the example from the issue again.",
                            "Let's see if that matches the expected output.",
                        ]
                    ),
                    rng.choice(
                        [
                            f"python {ctx.repro}",
                            f"cd /testbed && python {ctx.repro}",
                            f"python {ctx.repro} 2>&1 | tail -n 20",
                        ]
                    ),
                    _compare(ctx, data, got, want),
                    rc=1,
                    seconds=rng.uniform(0.3, 2.0),
                )
            )
            look = rng.random()
            if look < 0.3:
                steps.append(
                    Step(
                        f"Let me look at how {ctx.func} builds its result.",
                        f"grep -n 'def {ctx.func}\\|return' {ctx.source} | head -n {rng.randint(15, 40)}",
                        "\n".join(
                            f"{rng.randint(40, 900)}:    return {rng.choice(['result', 'out', 'values'])}"
                            for _ in range(rng.randint(3, 8))
                        ),
                    )
                )
            elif look < 0.55:
                lo = rng.randint(100, 700)
                steps.append(
                    Step(
                        "Let me view the function body once more.",
                        f"sed -n '{lo},{lo + rng.randint(20, 50)}p' {ctx.source}",
                        f"def {ctx.func}(values, **options):\n    result = []\n    for value in values:\n        if value is None:\n            continue\n        result.append(value)\n    return _{readings[0][1].replace('-', '_')}(result)",
                    )
                )
            elif look < 0.7:
                steps.append(
                    Step(
                        "Maybe my repro's expectation is wrong. Let me print what it expects.",
                        f"grep -n 'expected' {ctx.repro}",
                        f"{rng.randint(5, 20)}:expected = {want!r}",
                    )
                )
    return finish(steps, n, give_up(rng, "the issue's expected output"))


_HYPOTHESES = [
    ("a stale lru_cache is returning the old value", "cache_clear()", "grep -n 'lru_cache\\|cache' {src}"),
    ("the mutable default argument is shared between calls", "options=None", "grep -n 'def .*=\\[\\]\\|={}' {src}"),
    ("the class attribute is shared between instances", "self._seen = []", "grep -n '_seen' {src}"),
    (
        "the module computes this at import time, before the settings change",
        "importlib.reload",
        "python -c \"import sys; print([m for m in sys.modules if 'testbed' in str(getattr(sys.modules[m], '__file__', ''))][:5])\"",
    ),
    ("there's a race with the registry lock", "threading.RLock()", "grep -n 'Lock\\|thread' {src}"),
    ("a copy is missing and the caller's object is being mutated", "copy.deepcopy(values)", "grep -n 'copy' {src}"),
]


def wrong_hypothesis(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent chases one cause after another for a wrong value that none of its edits move."""
    got, want = rng.randint(2, 9), rng.randint(10, 40)
    target = f"{ctx.test_file}::{ctx.test_name}"
    steps: list[Step] = []
    hypotheses = _HYPOTHESES[:]
    rng.shuffle(hypotheses)
    while len(steps) < n + 4:
        for thought, change, look in hypotheses:
            steps.append(
                Step(
                    f"I suspect {thought}. Let me check.",
                    look.replace("{src}", ctx.source),
                    "\n".join(
                        f"{rng.randint(30, 990)}:    {rng.choice(['@functools.lru_cache(maxsize=None)', '_registry = {}', 'self._cache = None', 'import copy', '_lock = threading.Lock()'])}"
                        for _ in range(rng.randint(1, 4))
                    ),
                )
            )
            steps.append(
                Step(
                    f"That would explain it. Applying a fix for this ({change}).",
                    edit(
                        ctx,
                        rng.choice(["result = []", "values = list(values)", "cache = self._cache"]),
                        f"{change}  # {rng.choice(['avoid stale state', 'isolate calls', 'fresh state'])}",
                    ),
                    "patched",
                )
            )
            body = [
                f"    def {ctx.test_name}():",
                f">       assert {ctx.func}(make_input()) == {want}",
                f"E       assert {got} == {want}",
                f"E        +  where {got} = {ctx.func}(<{ctx.cls} object at {addr(rng)}>)",
                "",
                f"{ctx.test_file}:{rng.randint(40, 400)}: AssertionError",
            ]
            steps.append(
                Step(
                    rng.choice(["Run the failing test again.", "Let's see if the value changed.", "Re-run the test."]),
                    rng.choice(
                        [
                            f"python -m pytest {target} -q",
                            f"python -m pytest {target} -x",
                            f"python -m pytest {target} -q 2>&1 | tail -n 25",
                        ]
                    ),
                    pytest_output(ctx, rng, target, 0, [(ctx.test_name, body, f"assert {got} == {want}")]),
                    rc=1,
                    seconds=rng.uniform(0.8, 4.0),
                )
            )
            if rng.random() < 0.35:
                steps.append(
                    Step(
                        "Still the same value, so that wasn't it either. Let me check the history of this file for clues.",
                        f"git log --oneline -n {rng.randint(3, 8)} -- {ctx.source}",
                        "\n".join(
                            f"{rng.randrange(16**7):07x} {rng.choice(['Refs', 'Fixed', 'Refactored'])} #{rng.randint(1000, 35000)} -- {rng.choice(['cleanup', 'speed up lookups', 'handle empty input', 'docs'])}"
                            for _ in range(rng.randint(3, 6))
                        ),
                    )
                )
    return finish(steps, n, give_up(rng, f"the wrong value from {ctx.func}"))


def _escaped(line: str) -> str:
    return line.replace("/", "\\/")


def cannot_reproduce(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent's reproduction never fails on the unfixed code; it keeps rewriting its inputs instead of the one the issue gave."""
    steps: list[Step] = []
    tries = [
        ("a larger input", f"data = list(range({rng.randint(1000, 100000)}))"),
        ("an empty input", "data = []"),
        ("nested values", "data = [[1, 2], [3, [4, 5]]]"),
        ("unicode strings", "data = ['caf\\u00e9', 'na\\u00efve']"),
        ("a generator instead of a list", "data = (x for x in range(10))"),
        ("floats with NaN", "data = [1.0, float('nan'), 2.5]"),
        ("keyword arguments", "options = dict(strict=True)"),
        ("a subclass instance", f"data = My{ctx.cls}([1, 2, 3])"),
    ]
    while len(steps) < n + 4:
        rng.shuffle(tries)
        for what, line in tries:
            steps.append(
                Step(
                    f"The script didn't reproduce the bug. Maybe it only shows with {what}.",
                    f"sed -i 's/^data = .*/{_escaped(line)}/' {ctx.repro} && grep -n '^data\\|^options' {ctx.repro}",
                    f"{rng.randint(4, 12)}:{line}",
                )
            )
            outcome = rng.random()
            if outcome < 0.6:
                out = f"{ctx.func} -> {rng.choice(['ok', 'OK', 'result looks fine'])} ({rng.randint(0, 120)} items, {rng.uniform(0.001, 0.9):.3f}s)"
                rc = 0
            else:
                out = traceback(
                    ctx,
                    rng,
                    rng.choice(
                        [
                            f"TypeError: {ctx.func}() got an unexpected keyword argument 'strict'",
                            "TypeError: 'generator' object is not subscriptable",
                            f"NameError: name 'My{ctx.cls}' is not defined",
                        ]
                    ),
                )
                rc = 1
            steps.append(
                Step(
                    rng.choice(
                        ["Run it on the unmodified code.", "Let's see if this triggers it.", "Try the script again."]
                    ),
                    rng.choice(
                        [
                            f"python {ctx.repro}",
                            f"python -X dev {ctx.repro}",
                            f"PYTHONHASHSEED={rng.randint(0, 999)} python {ctx.repro}",
                        ]
                    ),
                    out,
                    rc=rc,
                    seconds=rng.uniform(0.2, 3.0),
                )
            )
            if rng.random() < 0.3:
                steps.append(
                    Step(
                        "Am I even on the unfixed code?",
                        rng.choice(["git status --short", "git stash list && git log --oneline -1"]),
                        f"?? {ctx.repro}"
                        if rng.random() < 0.5
                        else f"{rng.randrange(16**7):07x} {rng.choice(['Merge pull request', 'Fixed', 'Refs'])} #{rng.randint(1000, 30000)}",
                    )
                )
    return finish(steps, n, give_up(rng, "reproducing the reported behaviour"))
