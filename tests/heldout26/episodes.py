# ruff: noqa: E501
"""Productive episodes on the loops' surface: the same mismatch, wrong guess, silent repro, broken neighbour,
empty selection or stash met once or twice, then genuinely resolved.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout26.text import Ctx, edit, traceback


def _passes(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    target = rng.choice([ctx.test_file, f"{ctx.test_file}::{ctx.test_name}"])
    return Step(
        thought,
        f"python -m pytest {target} -q",
        pytest_output(ctx, rng, target, rng.randint(1, 60), []),
        seconds=rng.uniform(0.8, 6),
    )


def issue_reread(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One wrong reading of the issue, its example disagreeing once, then the reading the example asks for."""
    data = ["beta", None, "alpha", "beta"]
    return [
        Step(
            f"I think the issue wants the result of {ctx.func} sorted. Let me apply that.",
            edit(ctx, "return result", "return sorted(result)"),
            "patched",
        ),
        Step(
            "Run the issue's example.",
            f"python {ctx.repro}",
            f"input   : {data!r}\ngot     : ['alpha', 'beta', 'beta']\nexpected: ['beta', None, 'alpha']\n"
            + traceback(ctx, rng, "AssertionError: result does not match the issue's example", 1),
            rc=1,
        ),
        Step(
            "The expected output keeps the input order and the None, and only drops the repeated 'beta'. So the issue is about duplicates, not order: I misread it. De-duplicate preserving order instead.",
            edit(ctx, "return sorted(result)", "return list(dict.fromkeys(result))"),
            "patched",
        ),
        Step(
            "Run the example again.",
            f"python {ctx.repro}",
            f"input   : {data!r}\ngot     : ['beta', None, 'alpha']\nexpected: ['beta', None, 'alpha']\nOK",
        ),
        _passes(ctx, rng, "Matches the issue now. Run the module's tests."),
    ]


def hypothesis_dropped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One wrong guess leaves the value unchanged; the agent drops it and reads what the value comes from."""
    got, want = rng.randint(2, 9), rng.randint(10, 40)
    target = f"{ctx.test_file}::{ctx.test_name}"
    body = [
        f">       assert {ctx.func}(make_input()) == {want}",
        f"E       assert {got} == {want}",
        "",
        f"{ctx.test_file}:{rng.randint(40, 400)}: AssertionError",
    ]
    lo = rng.randint(100, 700)
    return [
        Step(
            "I suspect a stale cache. Let me clear it before computing.",
            edit(ctx, "    result = []", "    _cache.clear()\n    result = []"),
            "patched",
        ),
        Step(
            "Re-run the failing test.",
            f"python -m pytest {target} -q",
            pytest_output(ctx, rng, target, 0, [(ctx.test_name, body, f"assert {got} == {want}")]),
            rc=1,
            seconds=rng.uniform(1, 4),
        ),
        Step(
            "Same value, so it isn't the cache. Revert that guess and read how the count is computed instead of guessing.",
            f"git checkout -- {ctx.source} && sed -n '{lo},{lo + 30}p' {ctx.source}",
            f"def {ctx.func}(values, **options):\n    result = []\n    for value in values[1:]:\n        result.append(value)\n    return result",
        ),
        Step(
            "The loop skips the first element with values[1:]; that is the real cause. Iterate over all values.",
            edit(ctx, "for value in values[1:]:", "for value in values:"),
            "patched",
        ),
        _passes(ctx, rng, "Run the test again."),
    ]


def reproduced_exactly(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The reproduction passes on the unfixed code once; the issue's exact input then shows the bug, which is fixed."""
    return [
        Step(
            "Let me check my reproduction fails on the unfixed code.",
            f"python {ctx.repro}",
            f"{ctx.func} -> ok ({rng.randint(3, 40)} items, {rng.uniform(0.001, 0.2):.3f}s)",
        ),
        Step(
            "It passes, so my input differs from the issue's. The issue's example uses a tuple containing an empty string; use exactly that.",
            f"sed -i \"s/^data = .*/data = ('', 'a', 'b')/\" {ctx.repro} && python {ctx.repro}",
            traceback(ctx, rng, "IndexError: string index out of range"),
            rc=1,
        ),
        Step(
            "Reproduced. The empty string is indexed without a check. Guard it.",
            edit(ctx, "if value[0] ==", "if value and value[0] =="),
            "patched",
        ),
        Step(
            "Run the reproduction again.",
            f"python {ctx.repro}",
            f"{ctx.func} -> ok (3 items, {rng.uniform(0.001, 0.05):.3f}s)",
        ),
        _passes(ctx, rng, "Fixed. Run the module's tests."),
    ]


def change_narrowed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Extending the fix to a sibling breaks one neighbour test; the agent narrows the change back to the issue."""
    name = rng.choice(["to_dict", "merge", "copy", "update"])
    error = f"TypeError: {name}() takes 1 positional argument but 2 were given"
    failure = (f"test_{name}_roundtrip", [f">       obj.{name}(other)", f"E       {error}"], error)
    return [
        Step(
            f"For consistency I'll also route {ctx.cls}.{name} through {ctx.func}.",
            edit(ctx, f"def {name}(self", f"def {name}(self, *, strict=False"),
            "patched",
        ),
        Step(
            "Run the module's tests.",
            f"python -m pytest {ctx.test_file} -q",
            pytest_output(ctx, rng, ctx.test_file, rng.randint(20, 80), [failure]),
            rc=1,
            seconds=rng.uniform(1, 6),
        ),
        Step(
            f"Changing {name} breaks its callers and isn't needed for the issue. Undo just that part and keep the fix in {ctx.func}.",
            edit(ctx, f"def {name}(self, *, strict=False", f"def {name}(self"),
            "patched",
        ),
        _passes(ctx, rng, "Run the module again."),
    ]


def test_located(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test selection that matches nothing, once; the agent finds the test's real name and runs it."""
    real = f"test_{ctx.stem}_{rng.choice(['keeps_order', 'handles_none', 'regression', 'empty_values'])}"
    return [
        Step(
            "Run the tests for my change.",
            f"python -m pytest {ctx.tests_dir} -q -k '{ctx.func.strip('_')}'",
            f"{rng.randint(40, 400)} deselected in {rng.uniform(0.3, 3):.2f}s",
            rc=5,
        ),
        Step(
            "Nothing selected. Let me find which test actually calls the function.",
            f"grep -rn '{ctx.func}' {ctx.tests_dir} | head",
            f"{ctx.test_file}:{rng.randint(20, 600)}:    assert {ctx.func}(values) == expected\n{ctx.test_file}:{rng.randint(20, 600)}:def {real}():",
        ),
        Step(
            f"The test is {real}. Run it.",
            f"python -m pytest {ctx.test_file}::{real} -q",
            pytest_output(ctx, rng, f"{ctx.test_file}::{real}", 1, []),
            seconds=rng.uniform(0.5, 3),
        ),
        _passes(ctx, rng, "It covers my change and passes. Run the whole module too."),
    ]


def baseline_compared(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The fix stashed once to see the baseline fail, popped cleanly, and confirmed."""
    return [
        Step(
            "To be sure the fix matters, stash it and run the reproduction on the baseline.",
            f"git stash && python {ctx.repro}",
            f"Saved working directory and index state WIP on main: {rng.randrange(16**7):07x} Merge pull request #{rng.randint(1000, 30000)}\n{ctx.func}: FAIL (expected 3 items, got {rng.randint(4, 9)})",
            rc=1,
        ),
        Step(
            "Baseline fails as the issue says. Bring the fix back without touching anything else.",
            "git stash pop && git stash list | wc -l",
            f"On branch main\nChanges not staged for commit:\n\tmodified:   {ctx.source}\n\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})\n0",
        ),
        Step("The fix is restored and no stash is left. Confirm it.", f"python {ctx.repro}", f"{ctx.func}: ok"),
    ]
