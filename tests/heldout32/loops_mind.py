# ruff: noqa: E501
"""Loops of reasoning that come round again: hypotheses taken in turn, a plan re-derived, an import moved back and forth."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout32.text import Ctx, edit, edited, give_up, look, revert, run_tests, traceback


def hypothesis_carousel(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Three suspects (a shared default, a cache, iteration order), each probed, found inconclusive, dropped, and back again."""
    steps: list[Step] = []
    suspects = ["shared", "cache", "order"]
    while len(steps) < n + 12:
        rng.shuffle(suspects)
        for suspect in suspects:
            got = rng.randint(2, 9)
            if suspect == "shared":
                cmd = edit(
                    rng,
                    ctx.source,
                    "    result = []",
                    "    result = []\n    print('DEBUG id(result)', id(result), len(values))",
                )
                steps.append(
                    Step(
                        rng.choice(
                            [
                                "Maybe a mutable default is shared between calls. Print the id of the list.",
                                "Back to the shared-list idea: instrument the list's identity.",
                            ]
                        ),
                        cmd,
                        edited(cmd, ctx.source),
                    )
                )
                ids = [f"1407{rng.randrange(10**10):010d}" for _ in range(2)]
                out = (
                    f"DEBUG id(result) {ids[0]} {got}\nDEBUG id(result) {ids[1]} {got + rng.randint(0, 2)}\n"
                    + traceback(ctx, rng, f"AssertionError: expected {got - 1} items, got {got}")
                )
            elif suspect == "cache":
                if rng.random() < 0.5:
                    cmd = f"grep -n 'lru_cache\\|_cache' {ctx.source} {ctx.helper}"
                    shown = f"{ctx.helper}:{rng.randint(5, 60)}:from functools import lru_cache\n{ctx.helper}:{rng.randint(61, 200)}:@lru_cache(maxsize={rng.choice([None, 128, 256])})\n"
                else:
                    cmd = edit(
                        rng,
                        ctx.source,
                        "    return result",
                        f"    print('cache_info:', {ctx.helper_func}.cache_info())\n    return result",
                    )
                    shown = edited(cmd, ctx.source)
                steps.append(
                    Step(
                        rng.choice(
                            [
                                "Could a cache be returning a stale result? Let me check for caching.",
                                "Perhaps it's the cache after all. Look at it again.",
                            ]
                        ),
                        cmd,
                        shown,
                    )
                )
                out = (
                    f"cache_info: CacheInfo(hits={rng.randint(0, 3)}, misses={rng.randint(1, 6)}, maxsize=128, currsize={rng.randint(1, 6)})\n"
                    + traceback(ctx, rng, f"AssertionError: expected {got - 1} items, got {got}", via_helper=True)
                )
            else:
                cmd = f"for s in 0 1 {rng.randint(2, 99)}; do PYTHONHASHSEED=$s python {ctx.repro} 2>&1 | tail -1; done"
                steps.append(
                    Step(
                        rng.choice(
                            [
                                "Maybe it depends on set or dict iteration order. Run under several hash seeds.",
                                "Let me rule out hash ordering again, with other seeds.",
                            ]
                        ),
                        cmd,
                        "\n".join([f"AssertionError: expected {got - 1} items, got {got}"] * 3) + "\n",
                    )
                )
                steps.append(look(ctx, rng, (ctx.source, ctx.helper)))
                continue
            steps.append(
                Step(
                    rng.choice(["Run the repro.", "Run the reproduction with the probe in.", "Run it."]),
                    f"python {ctx.repro}" + rng.choice(["", " 2>&1 | tail -20", " 2>&1 | head -30"]),
                    out,
                    rc=1,
                )
            )
            steps.append(
                Step(
                    rng.choice(
                        [
                            "Inconclusive: the count is off either way. Remove the probe.",
                            "That doesn't explain it clearly. Take the instrumentation out and think again.",
                        ]
                    ),
                    revert(rng, ctx.source),
                    "",
                )
            )
            if rng.random() < 0.5:
                steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, "finding which of the three suspects causes the extra item"))


def plan_rederived(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Reads, a written plan, a run of the repro, a tentative edit undone: the same plan written out again and again."""
    steps: list[Step] = []
    k = 0
    while len(steps) < n + 10:
        k += 1
        line = rng.randint(60, 700)
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Let me re-read {ctx.func} from the top before changing anything.",
                        f"I need to understand {ctx.func} fully first. Read it again.",
                        "Let me go back to the code once more.",
                    ]
                ),
                f"sed -n '{line},{line + rng.choice([30, 40, 50, 60])}p' {ctx.source}",
                f"def {ctx.func}(values, strict=False):\n    result = []\n    for value in values:\n        value = {ctx.helper_func}(value, strict=strict)\n        if value is None:\n            continue\n        result.append(value)\n    return result\n",
            )
        )
        if rng.random() < 0.6:
            steps.append(
                Step(
                    "And the helper it calls.",
                    rng.choice(
                        [
                            f"grep -n -A12 'def {ctx.helper_func}' {ctx.helper}",
                            f"cat {ctx.helper} | head -{rng.choice([40, 60, 80])}",
                        ]
                    ),
                    f"def {ctx.helper_func}(value, *, strict=False):\n    if value is None:\n        return None\n    if strict and not value:\n        raise ValueError('empty value')\n    return value\n",
                )
            )
        order = rng.sample(
            [
                "guard empty values in the loop",
                f"pass strict through from {ctx.func}",
                f"or else change {ctx.helper_func} itself",
                "add a test for the issue's input",
                "run the module's tests",
            ],
            4,
        )
        plan = "\n".join(f"{i}. {item}" for i, item in enumerate(order, 1))
        steps.append(
            Step(
                rng.choice(
                    [
                        "Let me write down the plan so I don't lose track.",
                        "Let me restate the plan more carefully.",
                        "I'll rewrite the plan, I think the order matters.",
                    ]
                ),
                f"cat > /tmp/plan{'' if k % 2 else '_v' + str(k)}.txt <<'EOF'\n{plan}\nEOF\ncat /tmp/plan*.txt | wc -l",
                f"{4 * k}\n",
            )
        )
        steps.append(
            Step(
                "Confirm the bug is still there before editing.",
                f"python {ctx.repro}" + rng.choice(["", " 2>&1 | tail -5"]),
                traceback(
                    ctx,
                    rng,
                    rng.choice(["ValueError: empty value", f"AssertionError: got {rng.randint(2, 6)} items"]),
                    via_helper=True,
                ),
                rc=1,
            )
        )
        if rng.random() < 0.6:
            cmd = edit(rng, ctx.source, "        if value is None:", "        if value is None or value == '':")
            steps.append(Step("Try step 1.", cmd, edited(cmd, ctx.source)))
            steps.append(
                Step(
                    rng.choice(
                        [
                            f"Wait, this might hide the real problem in {ctx.helper_func}. Undo it until I'm sure of the plan.",
                            "Hmm, I'm not sure this is the right place. Revert before going further.",
                        ]
                    ),
                    revert(rng, ctx.source),
                    "",
                )
            )
        steps.append(look(ctx, rng, (ctx.source, ctx.helper)))
    return finish(steps, n, give_up(rng, "settling on a plan for the fix"))


def import_placement_swing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper's import at module level (circular), inside the function (the tests' patch target gone), in try/except: round again."""
    steps: list[Step] = []
    mod = ctx.dotted.rsplit(".", 1)[0] + "." + ctx.helper_mod
    while len(steps) < n + 10:
        top = rng.choice(
            [
                f"from .{ctx.helper_mod} import {ctx.helper_func}\n",
                f"from .{ctx.helper_mod} import {ctx.helper_func}  # noqa: F401\n",
                f"from .{ctx.helper_mod} import (\n    {ctx.helper_func},\n)\n",
            ]
        )
        cmd = edit(rng, ctx.source, f"\n\ndef {ctx.func}(", f"\n{top}\n\ndef {ctx.func}(")
        steps.append(
            Step(
                rng.choice(
                    [
                        "Move the import back to the top of the module.",
                        f"Import {ctx.helper_func} at module level again.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        steps.append(
            Step(
                "Check the package still imports.",
                f"python -c 'import {ctx.dotted}'",
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
                f'  File "/testbed/{ctx.source}", line {rng.randint(5, 40)}, in <module>\n'
                f"    from .{ctx.helper_mod} import {ctx.helper_func}\n"
                f'  File "/testbed/{ctx.helper}", line {rng.randint(5, 40)}, in <module>\n'
                f"    from .{ctx.stem} import {ctx.cls}\n"
                f"ImportError: cannot import name '{ctx.helper_func}' from partially initialized module '{mod}' (most likely due to a circular import) (/testbed/{ctx.helper})",
                rc=1,
            )
        )
        if rng.random() < 0.5:
            steps.append(look(ctx, rng, (ctx.source, ctx.helper)))
        cmd = edit(
            rng, ctx.source, "    result = []", f"    from .{ctx.helper_mod} import {ctx.helper_func}\n    result = []"
        )
        steps.append(
            Step(
                rng.choice(
                    [
                        "Circular. Import it inside the function instead.",
                        f"Put the import inside {ctx.func} to break the cycle.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        target = rng.choice([ctx.test_file, f"{ctx.test_file}::{ctx.test_name}"])
        steps.append(
            run_tests(
                ctx,
                rng,
                "Run the tests.",
                target,
                rng.randint(5, 60),
                [
                    (
                        ctx.test_name,
                        [
                            f">       with mock.patch('{ctx.dotted}.{ctx.helper_func}') as m:",
                            f"E       AttributeError: <module '{ctx.dotted}' from '/testbed/{ctx.source}'> does not have the attribute '{ctx.helper_func}'",
                        ],
                        f"AttributeError: <module '{ctx.dotted}'> does not have the attribute '{ctx.helper_func}'",
                    )
                ],
            )
        )
        if rng.random() < 0.6:
            cmd = edit(
                rng,
                ctx.source,
                f"    from .{ctx.helper_mod} import {ctx.helper_func}\n    result = []",
                "    result = []",
            )
            steps.append(
                Step(
                    rng.choice(
                        [
                            "The tests patch the name at module level, so it has to be a module attribute. Take the local import out.",
                            "The mock needs the module-level name. Remove the function-level import.",
                        ]
                    ),
                    cmd,
                    edited(cmd, ctx.source),
                )
            )
        else:
            steps.append(Step("Undo the local import.", revert(rng, ctx.source), ""))
        if rng.random() < 0.5:
            steps.append(
                Step(
                    f"What does {ctx.helper_stem} import from {ctx.stem}?",
                    f"grep -n '^from\\|^import' {ctx.helper}",
                    f"{rng.randint(1, 5)}:import re\n{rng.randint(6, 12)}:from .{ctx.stem} import {ctx.cls}\n",
                )
            )
    return finish(steps, n, give_up(rng, f"where to import {ctx.helper_func} without a circular import"))
