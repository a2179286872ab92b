# ruff: noqa: E501
"""Loops that swing between two fixes, two files or two conditions: each fixes one test and breaks another."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout32.text import Ctx, assertion, edit, edited, give_up, look, revert, run_tests


def two_fix_alternation(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A guard in the function or a filter in the helper: each passes the issue's test and breaks another module's test."""
    callee = [
        ("        if value is None:\n            continue", "        if not value:\n            continue"),
        ("    result = []", "    values = [v for v in values if v is not None]\n    result = []"),
        ("    for value in values:", "    for value in values or ():"),
    ]
    caller = [
        ("    return value", "    return value if value is not None else ''"),
        ("    if value is None:\n        return None", "    if value is None:\n        return ''"),
        (
            "def " + ctx.helper_func + "(value, strict=False):",
            "def " + ctx.helper_func + "(value, strict=False, keep_none=False):",
        ),
    ]
    steps: list[Step] = []
    neighbour = f"test_{ctx.stem}_skips_falsy"
    helper_test = f"test_{ctx.helper_stem}_none_passthrough"
    round_no = 0
    while len(steps) < n + 12:
        round_no += 1
        old, new = rng.choice(callee)
        cmd = edit(rng, ctx.source, old, new)
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Back to fixing it inside {ctx.func}: guard the empty values there.",
                        f"Let me try the fix in {ctx.func} itself again, written a bit differently.",
                        f"I'll put the fix in {ctx.func} instead of the helper.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        steps.append(run_tests(ctx, rng, "Run the issue's test.", f"{ctx.test_file}::{ctx.test_name}", 1, []))
        got, want = rng.randint(2, 6), rng.randint(7, 12)
        steps.append(
            run_tests(
                ctx,
                rng,
                "It passes. Now the whole module.",
                ctx.test_file,
                rng.randint(20, 90),
                [assertion(ctx, rng, neighbour, f"len({ctx.func}(['', 0, 'x']))", str(got), str(want))],
            )
        )
        if rng.random() < 0.6:
            steps.append(look(ctx, rng, (ctx.source,)))
        steps.append(
            Step(
                rng.choice(
                    [
                        f"{neighbour} expects falsy values other than None to be kept, so the guard in {ctx.func} is wrong. Revert it and do it in {ctx.helper_stem} instead.",
                        f"That breaks {neighbour} again. Undo and move the fix to the helper.",
                    ]
                ),
                revert(rng, ctx.source),
                "",
            )
        )
        old, new = rng.choice(caller)
        cmd = edit(rng, ctx.helper, old, new)
        steps.append(
            Step(f"Fix it in {ctx.helper_func} so None never reaches {ctx.func}.", cmd, edited(cmd, ctx.helper))
        )
        steps.append(
            run_tests(
                ctx, rng, "Run the issue's test with the helper change.", f"{ctx.test_file}::{ctx.test_name}", 1, []
            )
        )
        steps.append(
            run_tests(
                ctx,
                rng,
                f"Good. And the tests of {ctx.helper_stem}.",
                ctx.helper_test,
                rng.randint(10, 60),
                [assertion(ctx, rng, helper_test, f"{ctx.helper_func}(None)", "''", "None", ctx.helper_test)],
            )
        )
        if rng.random() < 0.5:
            steps.append(
                Step(
                    f"Which of the two tests is more important? Let me read {helper_test}.",
                    f"grep -n -B2 -A{rng.randint(4, 9)} '{helper_test}' {ctx.helper_test}",
                    f"{rng.randint(20, 300)}:def {helper_test}():\n    # other callers rely on None coming back unchanged\n    assert {ctx.helper_func}(None) is None\n",
                )
            )
        steps.append(
            Step(
                rng.choice(
                    [
                        f"The helper must keep returning None for its other callers. So the fix belongs in {ctx.func} after all. Revert the helper.",
                        f"Changing {ctx.helper_func} breaks its other callers. Revert it; I'll go back to the guard in {ctx.func}, maybe a narrower one.",
                    ]
                ),
                revert(rng, ctx.helper),
                "",
            )
        )
    return finish(steps, n, give_up(rng, f"choosing between the fix in {ctx.func} and the one in {ctx.helper_func}"))


def file_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The call in the source and the helper's signature changed in turn, each file's tests breaking after the other's edit."""
    steps: list[Step] = []
    kw = rng.choice(["strict", "allow_empty", "coerce"])
    while len(steps) < n + 12:
        line = rng.randint(80, 700)
        cmd = edit(rng, ctx.source, f"{ctx.helper_func}(value, {kw}={kw})", f"{ctx.helper_func}(value, {kw})")
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Pass {kw} positionally from {ctx.func} so it matches the helper's signature.",
                        f"Edit {ctx.source}: call {ctx.helper_func} with {kw} as a positional argument again.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        steps.append(
            run_tests(
                ctx,
                rng,
                f"Run {ctx.stem}'s tests.",
                ctx.test_file,
                rng.randint(15, 80),
                [
                    (
                        ctx.test_name,
                        [
                            f">       {ctx.func}(data, {kw}=True)",
                            f"{ctx.source}:{line}: in {ctx.func}",
                            f"E       TypeError: {ctx.helper_func}() takes 1 positional argument but 2 were given",
                        ],
                        f"TypeError: {ctx.helper_func}() takes 1 positional argument but 2 were given",
                    )
                ],
            )
        )
        steps.append(
            Step(
                f"Let me see {ctx.helper_func}'s signature in {ctx.helper}.",
                rng.choice(
                    [
                        f"grep -n 'def {ctx.helper_func}' {ctx.helper}",
                        f"sed -n '{line // 4},{line // 4 + 12}p' {ctx.helper}",
                    ]
                ),
                f"{line // 4}:def {ctx.helper_func}(value, *, {kw}=False):\n",
            )
        )
        cmd = edit(
            rng,
            ctx.helper,
            f"def {ctx.helper_func}(value, *, {kw}=False):",
            f"def {ctx.helper_func}(value, {kw}=False):",
        )
        steps.append(Step(f"Make {kw} positional-or-keyword in the helper.", cmd, edited(cmd, ctx.helper)))
        steps.append(
            run_tests(
                ctx,
                rng,
                f"Run {ctx.helper_stem}'s tests.",
                ctx.helper_test,
                rng.randint(10, 50),
                [
                    (
                        f"test_{ctx.helper_stem}_keyword_only",
                        [
                            ">       with pytest.raises(TypeError):",
                            f">           {ctx.helper_func}('x', True)",
                            "E       Failed: DID NOT RAISE <class 'TypeError'>",
                        ],
                        "Failed: DID NOT RAISE <class 'TypeError'>",
                    )
                ],
            )
        )
        if rng.random() < 0.5:
            steps.append(look(ctx, rng, (ctx.source, ctx.helper)))
        steps.append(
            Step(
                rng.choice(
                    [
                        f"There is a test that insists {kw} is keyword-only. Put the helper back and change the call in {ctx.stem} instead.",
                        f"The helper's keyword-only {kw} is tested on purpose. Revert {ctx.helper}.",
                    ]
                ),
                revert(rng, ctx.helper),
                "",
            )
        )
        cmd = edit(rng, ctx.source, f"{ctx.helper_func}(value, {kw})", f"{ctx.helper_func}(value, {kw}={kw})")
        steps.append(Step(f"Restore the keyword call in {ctx.func}.", cmd, edited(cmd, ctx.source)))
        steps.append(
            run_tests(
                ctx,
                rng,
                "Run the issue's test again.",
                f"{ctx.test_file}::{ctx.test_name}",
                0,
                [assertion(ctx, rng, ctx.test_name, f"{ctx.func}(data)", str([rng.randint(1, 9)]), "[]")],
            )
        )
        if rng.random() < 0.4:
            steps.append(
                Step(
                    "Let me re-read the test that fails with the keyword call.",
                    f"grep -n -A{rng.randint(5, 10)} 'def {ctx.test_name}' {ctx.test_file}",
                    f"{rng.randint(100, 600)}:def {ctx.test_name}():\n    data = [None, '', 'x']\n    assert {ctx.func}(data) == []\n",
                )
            )
    return finish(
        steps, n, give_up(rng, f"the signature of {ctx.helper_func} between {ctx.stem} and {ctx.helper_stem}")
    )


def boundary_flip_flop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`<` and `<=` (and +1/-1) flipped in turn: the issue's test and an older test fail alternately."""
    forms = [
        ("if index < limit:", "if index <= limit:"),
        ("if index <= limit:", "if index < limit:"),
        ("if index < limit:", "if index < limit + 1:"),
        ("if index < limit + 1:", "if index < limit:"),
        ("end = limit", "end = limit - 1"),
        ("end = limit - 1", "end = limit"),
    ]
    steps: list[Step] = []
    old_test = f"test_{ctx.stem}_limit_exclusive"
    while len(steps) < n + 10:
        for inclusive in (True, False):
            old, new = rng.choice(forms[0::2] if inclusive else forms[1::2])
            cmd = edit(rng, ctx.source, old, new)
            steps.append(
                Step(
                    rng.choice(
                        [
                            "Make the upper bound inclusive, as the issue asks."
                            if inclusive
                            else "Go back to the exclusive bound.",
                            f"Flip the comparison in {ctx.func} again.",
                            f"Try `{new.strip()}` in {ctx.func}.",
                        ]
                    ),
                    cmd,
                    edited(cmd, ctx.source),
                )
            )
            limit = rng.randint(3, 12)
            got = list(range(limit + (0 if inclusive else 1)))
            want = list(range(limit + (1 if inclusive else 0)))
            name = old_test if inclusive else ctx.test_name
            if not inclusive:
                got, want = want, got
            steps.append(
                run_tests(
                    ctx,
                    rng,
                    "Run the module's tests.",
                    ctx.test_file,
                    rng.randint(20, 90),
                    [assertion(ctx, rng, name, f"{ctx.func}(range(20), limit={limit})", str(got[-3:]), str(want[-3:]))],
                    rng.choice(["", " -x", " --tb=short"]),
                )
            )
            if rng.random() < 0.5:
                steps.append(look(ctx, rng))
            if rng.random() < 0.4:
                steps.append(
                    Step(
                        f"Let me read {name} again.",
                        f"grep -n -A{rng.randint(4, 8)} 'def {name}' {ctx.test_file}",
                        f"{rng.randint(50, 500)}:def {name}():\n    assert {ctx.func}(range(20), limit=5)[-1] == {4 if name == old_test else 5}\n",
                    )
                )
    return finish(steps, n, give_up(rng, f"the bound in {ctx.func}: one of the two tests always fails"))


def raise_or_warn_swing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Raising ValueError for bad input, or warning and returning: the issue's test and a deprecation test fail in turn."""
    steps: list[Step] = []
    msgs = ["invalid value", "unsupported input", "value must not be empty", "bad argument"]
    dep_test = f"test_{ctx.stem}_deprecated_input_warns"
    while len(steps) < n + 10:
        msg = rng.choice(msgs)
        cmd = edit(
            rng,
            ctx.source,
            rng.choice(["warnings.warn(msg, DeprecationWarning, stacklevel=2)\n        return []", "return []"]),
            f"raise ValueError({msg!r})",
        )
        steps.append(
            Step(
                rng.choice(
                    [
                        "The issue says bad input should raise ValueError. Raise it.",
                        "Switch back to raising ValueError.",
                        f"Raise ValueError({msg!r}) in {ctx.func}.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        steps.append(
            run_tests(
                ctx,
                rng,
                "Run the tests.",
                ctx.test_file,
                rng.randint(20, 80),
                [
                    (
                        dep_test,
                        [
                            "    def test():",
                            ">       with pytest.warns(DeprecationWarning):",
                            f"E       ValueError: {msg}",
                        ],
                        f"ValueError: {msg}",
                    )
                ],
                rng.choice(["", " -x", " -k 'warn or issue'"]),
            )
        )
        if rng.random() < 0.6:
            steps.append(look(ctx, rng))
        cmd = edit(
            rng,
            ctx.source,
            f"raise ValueError({msg!r})",
            rng.choice(
                [
                    "warnings.warn(msg, DeprecationWarning, stacklevel=2)\n        return []",
                    "warnings.warn(msg, FutureWarning)\n        return []",
                ]
            ),
        )
        steps.append(
            Step(
                rng.choice(
                    [
                        f"{dep_test} expects a DeprecationWarning and a return value, so warn instead of raising.",
                        "Raising breaks the deprecation test. Warn and return instead.",
                    ]
                ),
                cmd,
                edited(cmd, ctx.source),
            )
        )
        warned = "FutureWarning" in cmd
        steps.append(
            run_tests(
                ctx,
                rng,
                "Run the tests again.",
                ctx.test_file,
                rng.randint(20, 80),
                [
                    (
                        ctx.test_name,
                        [
                            "    def test():",
                            ">       with pytest.raises(ValueError):",
                            "E       Failed: DID NOT RAISE <class 'ValueError'>",
                        ],
                        "Failed: DID NOT RAISE <class 'ValueError'>",
                    )
                ]
                + (
                    [
                        (
                            dep_test,
                            [
                                ">       with pytest.warns(DeprecationWarning):",
                                "E       Failed: DID NOT WARN. No warnings of type (<class 'DeprecationWarning'>,) were emitted.",
                            ],
                            "Failed: DID NOT WARN",
                        )
                    ]
                    if warned
                    else []
                ),
            )
        )
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "Let me compare what the two tests want.",
                    f"grep -n -A4 -e 'def {ctx.test_name}' -e 'def {dep_test}' {ctx.test_file}",
                    f"{rng.randint(40, 300)}:def {dep_test}():\n    with pytest.warns(DeprecationWarning):\n        assert {ctx.func}([object()]) == []\n--\n{rng.randint(400, 800)}:def {ctx.test_name}():\n    with pytest.raises(ValueError):\n        {ctx.func}([object()])\n",
                )
            )
    return finish(steps, n, give_up(rng, "raising versus warning for the bad input"))
