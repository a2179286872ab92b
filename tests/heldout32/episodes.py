# ruff: noqa: E501
"""Productive episodes on the loops' surface: long work that revisits files and re-runs tests, each round narrowing, ending fixed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout32.text import Ctx, assertion, edit, edited, look, revert, run_tests, traceback


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "") -> Step:
    return run_tests(ctx, rng, thought, target or ctx.test_file, rng.randint(12, 90), [])


def fix_moved_to_caller(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Guard in the function breaks a neighbour, filter in the helper breaks the helper's test; a third, narrower fix passes both."""
    neighbour = f"test_{ctx.stem}_skips_falsy"
    helper_test = f"test_{ctx.helper_stem}_none_passthrough"
    cmd1 = edit(rng, ctx.source, "        if value is None:", "        if not value:")
    cmd2 = edit(rng, ctx.helper, "        return None", "        return ''")
    cmd3 = edit(
        rng,
        ctx.source,
        "        value = " + ctx.helper_func + "(value, strict=strict)",
        "        if value is None:\n            continue\n        value = "
        + ctx.helper_func
        + "(value, strict=strict)",
    )
    return [
        Step(f"First attempt: guard empty values in {ctx.func}.", cmd1, edited(cmd1, ctx.source)),
        run_tests(
            ctx,
            rng,
            "Run the module's tests.",
            ctx.test_file,
            rng.randint(20, 80),
            [assertion(ctx, rng, neighbour, f"len({ctx.func}(['', 0, 'x']))", "1", "3")],
        ),
        Step(f"Too broad: {neighbour} keeps '' and 0. Revert that.", revert(rng, ctx.source), ""),
        Step(f"Second attempt: have {ctx.helper_func} map None to ''.", cmd2, edited(cmd2, ctx.helper)),
        run_tests(
            ctx,
            rng,
            "Run the helper's tests.",
            ctx.helper_test,
            rng.randint(10, 50),
            [assertion(ctx, rng, helper_test, f"{ctx.helper_func}(None)", "''", "None", ctx.helper_test)],
        ),
        Step(
            "The helper's contract is None in, None out. Revert it too; both failures say the only value to drop is None, before the helper sees it.",
            revert(rng, ctx.helper),
            "",
        ),
        Step("Skip None before calling the helper, and nothing else.", cmd3, edited(cmd3, ctx.source)),
        _green(ctx, rng, "Run the module's tests.", ctx.test_file),
        _green(ctx, rng, "And the helper's tests, to be sure.", ctx.helper_test),
    ]


def helper_signature_aligned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The call and the signature disagree; one edit in each file once, then every caller found and the helper given a default."""
    kw = rng.choice(["strict", "allow_empty", "coerce"])
    callers = rng.randint(2, 4)
    cmd1 = edit(rng, ctx.source, f"{ctx.helper_func}(value)", f"{ctx.helper_func}(value, {kw})")
    cmd2 = edit(rng, ctx.source, f"{ctx.helper_func}(value, {kw})", f"{ctx.helper_func}(value, {kw}={kw})")
    cmd3 = edit(rng, ctx.helper, f"def {ctx.helper_func}(value):", f"def {ctx.helper_func}(value, *, {kw}=False):")
    return [
        Step(f"Pass {kw} through to {ctx.helper_func}.", cmd1, edited(cmd1, ctx.source)),
        run_tests(
            ctx,
            rng,
            "Run the tests.",
            ctx.test_file,
            rng.randint(15, 70),
            [
                (
                    ctx.test_name,
                    [f"E       TypeError: {ctx.helper_func}() takes 1 positional argument but 2 were given"],
                    f"TypeError: {ctx.helper_func}() takes 1 positional argument but 2 were given",
                )
            ],
        ),
        Step(
            "The helper doesn't take it yet. How is it called elsewhere?",
            f"grep -rn '{ctx.helper_func}(' {ctx.run.package} | grep -v 'def ' | head",
            "".join(
                f"{rng.choice([ctx.source, ctx.helper])}:{rng.randint(20, 800)}:    x = {ctx.helper_func}(value)\n"
                for _ in range(callers)
            ),
        ),
        Step(
            f"All {callers} other callers pass one argument. A keyword-only {kw} with a default keeps them working. Call it by keyword here.",
            cmd2,
            edited(cmd2, ctx.source),
        ),
        Step("And add the keyword to the helper.", cmd3, edited(cmd3, ctx.helper)),
        _green(ctx, rng, "Run the helper's tests.", ctx.helper_test),
        _green(ctx, rng, "And the module's tests.", ctx.test_file),
        Step(
            "Review the change across both files.",
            "git diff --stat",
            f" {ctx.helper} | 2 +-\n {ctx.source} | 2 +-\n 2 files changed, 2 insertions(+), 2 deletions(-)\n",
        ),
    ]


def hypothesis_confirmed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two suspects ruled out by clear probes, the third shown by a print, fixed, the repro and tests clean."""
    got = rng.randint(3, 8)
    ids = f"1407{rng.randrange(10**10):010d}"
    cmd1 = edit(rng, ctx.source, "    result = []", "    result = []\n    print('DEBUG id(result)', id(result))")
    cmd2 = edit(
        rng,
        ctx.source,
        "        result.append(value)",
        "        print('DEBUG append', repr(value))\n        result.append(value)",
    )
    cmd3 = edit(
        rng,
        ctx.source,
        "        result.append(value)",
        "        if value in result:\n            continue\n        result.append(value)",
    )
    return [
        Step(
            "Suspect 1: hash ordering. Run with several seeds.",
            f"for s in 0 1 2; do PYTHONHASHSEED=$s python {ctx.repro} 2>&1 | tail -1; done",
            f"AssertionError: expected {got - 1} items, got {got}\n" * 3,
        ),
        Step(
            "Identical under every seed, so not ordering. Suspect 2: a shared list. Print its id across two calls.",
            cmd1,
            edited(cmd1, ctx.source),
        ),
        Step(
            "Run the repro.",
            f"python {ctx.repro} 2>&1 | head -3",
            f"DEBUG id(result) {ids}\nDEBUG id(result) {int(ids) + 4096}\nAssertionError: expected {got - 1} items, got {got}\n",
        ),
        Step(
            "Different ids each call: not shared. Remove that probe and print each appended value instead.",
            revert(rng, ctx.source),
            "",
        ),
        Step("Instrument the append.", cmd2, edited(cmd2, ctx.source)),
        Step(
            "Run the repro.",
            f"python {ctx.repro} 2>&1 | head -12",
            "DEBUG append 'a'\nDEBUG append 'b'\nDEBUG append 'a'\n"
            + traceback(ctx, rng, f"AssertionError: expected {got - 1} items, got {got}"),
            rc=0,
        ),
        Step(
            "There it is: 'a' is appended twice, the duplicate the issue describes. Remove the probe and skip values already seen.",
            revert(rng, ctx.source),
            "",
        ),
        Step("The fix.", cmd3, edited(cmd3, ctx.source)),
        Step("Run the repro.", f"python {ctx.repro}", "['a', 'b']\nOK\n"),
        _green(ctx, rng, "And the tests."),
    ]


def boundary_tabled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The bound flipped once and an old test fails; a table of cases shows inclusive only when `closed`, and both pass."""
    limit = rng.randint(3, 9)
    cmd1 = edit(rng, ctx.source, "if index < limit:", "if index <= limit:")
    cmd2 = edit(rng, ctx.source, "if index <= limit:", "if index < limit or (closed and index == limit):")
    old_test = f"test_{ctx.stem}_limit_exclusive"
    return [
        Step("Make the bound inclusive as the issue asks.", cmd1, edited(cmd1, ctx.source)),
        run_tests(
            ctx,
            rng,
            "Run the module's tests.",
            ctx.test_file,
            rng.randint(20, 80),
            [assertion(ctx, rng, old_test, f"{ctx.func}(range(20), limit={limit})[-1]", str(limit), str(limit - 1))],
        ),
        Step(
            "An old test wants it exclusive. Let me see both tests' calls side by side.",
            f"grep -n 'limit=' {ctx.test_file} | head",
            f"{rng.randint(40, 200)}:    assert {ctx.func}(range(20), limit=5)[-1] == 4\n{rng.randint(300, 600)}:    assert {ctx.func}(range(20), limit=5, closed=True)[-1] == 5\n",
        ),
        Step(
            "The issue's case passes closed=True; the old one doesn't. Tabulate the current behaviour to be sure.",
            f'python -c "from {ctx.dotted} import {ctx.func} as f; print([(c, f(range(20), limit=5, closed=c)[-1]) for c in (False, True)])"',
            "[(False, 5), (True, 5)]\n",
        ),
        Step("So the bound must depend on `closed`. Write exactly that.", cmd2, edited(cmd2, ctx.source)),
        Step(
            "Tabulate again.",
            f'python -c "from {ctx.dotted} import {ctx.func} as f; print([(c, f(range(20), limit=5, closed=c)[-1]) for c in (False, True)])"',
            "[(False, 4), (True, 5)]\n",
        ),
        _green(ctx, rng, "Both cases as the tests want. Run the module."),
    ]


def failures_narrowed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A long debugging session going back and forth between source and tests, the failures dropping each round to none."""
    names = [
        f"test_{ctx.stem}_{s}"
        for s in rng.sample(["empty", "none", "unicode", "nested", "roundtrip", "strict", "order"], 5)
    ]
    steps: list[Step] = []
    remaining = names[:]
    fixes = [
        ("    result = []", "    result = []\n    if not values:\n        return result", "empty input returns early"),
        (
            "        if value is None:",
            "        if value is None or value is _MISSING:",
            "the sentinel is skipped like None",
        ),
        (
            "        result.append(value)",
            "        result.append(value if not strict else str(value))",
            "strict mode converts",
        ),
    ]
    steps.append(
        run_tests(
            ctx,
            rng,
            "Run the whole module to see where my change stands.",
            ctx.test_file,
            rng.randint(20, 60),
            [assertion(ctx, rng, name, f"{ctx.func}(case)", "[None]", "[]") for name in remaining],
        )
    )
    for i, (old, new, why) in enumerate(fixes):
        name = remaining[0]
        steps.append(
            Step(
                f"Look at the first failing test, {name}.",
                f"grep -n -A6 'def {name}' {ctx.test_file}",
                f"{rng.randint(40, 700)}:def {name}():\n    case = make_case({name.rsplit('_', 1)[1]!r})\n    assert {ctx.func}(case) == []\n",
            )
        )
        if i == 1:
            steps.append(look(ctx, rng, (ctx.source,)))
        cmd = edit(rng, ctx.source, old, new)
        steps.append(Step(f"The fix for it: {why}.", cmd, edited(cmd, ctx.source)))
        drop = 2 if i < 2 else len(remaining)
        remaining = remaining[drop:]
        steps.append(
            run_tests(
                ctx,
                rng,
                f"Run the module again ({len(remaining) + drop} failing before).",
                ctx.test_file,
                rng.randint(20, 60),
                [assertion(ctx, rng, name, f"{ctx.func}(case)", "[None]", "[]") for name in remaining],
            )
        )
    steps.append(
        Step(
            "All green. Check the diff is only what I meant.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(6, 12)} +++++--\n 1 file changed\n",
        )
    )
    return steps


def import_deferred(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A module-level import is circular once; a module attribute bound lazily keeps the tests' patch target, and all pass."""
    mod = ctx.dotted.rsplit(".", 1)[0] + "." + ctx.helper_mod
    cmd1 = edit(
        rng,
        ctx.source,
        f"\n\ndef {ctx.func}(",
        f"\nfrom .{ctx.helper_mod} import {ctx.helper_func}\n\n\ndef {ctx.func}(",
    )
    cmd2 = edit(
        rng,
        ctx.source,
        f"from .{ctx.helper_mod} import {ctx.helper_func}\n",
        f"from . import {ctx.helper_mod} as _{ctx.helper_stem}\n",
    )
    cmd3 = edit(rng, ctx.source, f"{ctx.helper_func}(value", f"_{ctx.helper_stem}.{ctx.helper_func}(value")
    return [
        Step(f"Import {ctx.helper_func} at module level.", cmd1, edited(cmd1, ctx.source)),
        Step(
            "Check the import.",
            f"python -c 'import {ctx.dotted}'",
            f"ImportError: cannot import name '{ctx.helper_func}' from partially initialized module '{mod}' (most likely due to a circular import)\n",
            rc=1,
        ),
        Step(
            f"Circular: {ctx.helper_stem} imports {ctx.stem}. Which names does it need?",
            f"grep -n '{ctx.stem}' {ctx.helper}",
            f"{rng.randint(3, 12)}:from .{ctx.stem} import {ctx.cls}\n",
        ),
        Step(
            "Importing the module object instead of the name is safe in a cycle, and patching it still works.",
            cmd2,
            edited(cmd2, ctx.source),
        ),
        Step("Use it through the module.", cmd3, edited(cmd3, ctx.source)),
        Step("Check the import.", f"python -c 'import {ctx.dotted}; print(\"ok\")'", "ok\n"),
        _green(ctx, rng, "Run the tests."),
        _green(ctx, rng, "And the helper's.", ctx.helper_test),
    ]
