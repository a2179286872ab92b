# ruff: noqa: E501
"""Loops within one module's tests: each edit passes the test it aims at and fails another one."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout44.text import Ctx, assertion, churn, look, py_edit, sed_edit, test_step

_RETURNS = (
    "return default",
    "return []",
    "return default or []",
    "return list(default or ())",
    "return ()",
    "return None",
)
_GUARDS = ("if value is None:", "if not value:", "if value in (None, ''):", "if value is None or value == []:")


def regression_hopping(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Each edit makes the targeted test pass and another test in the same module fail; the failure hops around."""
    target = ctx.case(rng)
    first = [test_step(ctx, rng, f"Let me run the tests to see where {target} stands.", "", [(target, assertion(rng))])]

    def edit(k: int) -> list[Step]:
        old, new = rng.sample(_RETURNS, 2)
        line = rng.randint(40, 700)
        now = ctx.case(rng)
        broke = ctx.case(rng)
        while broke == now:
            broke = ctx.case(rng)
        return [
            Step(
                f"{now} expects a different value for the empty case. Let me change the early return.",
                rng.choice(
                    [
                        py_edit(ctx.source, old, new),
                        sed_edit(ctx.source, line, old.replace(" ", "\\ "), new.replace(" ", "\\ ")),
                    ]
                ),
                "patched" if rng.random() < 0.7 else "",
            ),
            test_step(
                ctx,
                rng,
                f"Now {now} should pass. Let me rerun the module.",
                "",
                [(broke, assertion(rng))],
                rng.choice(["", " -q", " -x", " -q -x"])
                if not ctx.django
                else rng.choice(["", " -v 2", " --parallel 1"]),
            ),
        ]

    def single(k: int) -> list[Step]:
        now = ctx.case(rng)
        return [
            test_step(
                ctx,
                rng,
                f"Let me run just {now} on its own.",
                f"{ctx.test_file}::{now}" if not ctx.django else f"{ctx.stem}_tests.tests.{ctx.cls}Tests.{now}",
                [] if rng.random() < 0.6 else [(now, assertion(rng))],
                rng.choice(["", " -q", " -vv"]) if not ctx.django else "",
            )
        ]

    def guard(k: int) -> list[Step]:
        old, new = rng.sample(_GUARDS, 2)
        return [
            Step(
                f"Maybe the guard is too broad. Let me change `{old}` to `{new}`.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the tests.",
                "",
                [(ctx.case(rng), assertion(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -k " + ctx.stem]) if not ctx.django else "",
            ),
        ]

    return churn(
        ctx, rng, n, first, [edit, edit, single, guard], "the tests in this module (every fix breaks a different test)"
    )


def parametrize_case_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Fixing one parametrized case breaks a case fixed before; the agent edits back and forth."""
    test = f"test_{ctx.stem}_cases"
    inputs = ["''", "'a,b'", "'a, b'", "' a '", "None", "'a,,b'", "'A'", "'ä'", "'1.0'", "'-1'", "'0'"]

    def case_id(value: str) -> str:
        return f"{test}[{value.strip(chr(39)) or 'empty'}-{rng.randint(0, 9)}]".replace(" ", "_")

    first = [
        test_step(
            ctx,
            rng,
            "Let me run the parametrized test to see which cases fail.",
            f"{ctx.test_file}::{test}",
            [(case_id(rng.choice(inputs)), assertion(rng))],
        )
    ]

    def swap(k: int) -> list[Step]:
        fixed, broke = rng.sample(inputs, 2)
        strip = rng.choice(
            [
                "value.strip()",
                "value.split(',')",
                "[v.strip() for v in value.split(',')]",
                "[v for v in value.split(',') if v]",
                "value.lower()",
                "value.casefold()",
                "float(value)",
                "int(value)",
            ]
        )
        other = rng.choice(
            [
                "value.strip()",
                "value.split(',')",
                "[v.strip() for v in value.split(',') if v.strip()]",
                "value",
                "value.lower()",
                "int(float(value))",
            ]
        )
        return [
            Step(
                f"The case for {fixed} needs `{strip}` instead of `{other}`.",
                py_edit(ctx.source, other, strip),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                f"Rerunning the cases; {fixed} should pass now.",
                f"{ctx.test_file}::{test}",
                [(case_id(broke), assertion(rng))],
                rng.choice(["", " -q", " -v", " -rf"]),
            ),
        ]

    def only(k: int) -> list[Step]:
        value = rng.choice(inputs)
        return [
            Step(
                f"Let me check directly what the function returns for {value}.",
                f'python -c "from {ctx.dotted} import {ctx.func}; print(repr({ctx.func}({value})))"',
                rng.choice(["[]", "['a', 'b']", "['a', '', 'b']", "None", "'a'", "''", "[' a ']", "1.0", "-1"]),
            )
        ]

    def special(k: int) -> list[Step]:
        value = rng.choice(inputs)
        return [
            Step(
                f"I'll special-case {value} before the general path.",
                py_edit(
                    ctx.source,
                    "    result = []",
                    f"    if value == {value}:\n        return {rng.choice(['[]', 'None', '[value]', 'value'])}\n    result = []",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the whole parametrized test again.",
                f"{ctx.test_file}::{test}",
                [(case_id(rng.choice(inputs)), assertion(rng)) for _ in range(rng.randint(1, 3))],
                rng.choice(["", " -q"]),
            ),
        ]

    return churn(
        ctx, rng, n, first, [swap, swap, only, special], "the parametrized cases, fixing one keeps breaking another"
    )


def shared_helper_ripple(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper change passes the targeted test and fails the callers' tests in another module; then the reverse."""
    target = ctx.case(rng)
    api = ctx.other_test
    first = [
        test_step(
            ctx,
            rng,
            f"The fix for {target} is in. Let me also run the tests of the callers.",
            api,
            [(f"test_{rng.choice(['call', 'public', 'wrapper', 'roundtrip'])}_{ctx.stem}", assertion(rng))],
        )
    ]

    def caller(k: int) -> list[Step]:
        mod = f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'api', 'compat', 'helpers'])}.py"
        arg = rng.choice(["default=()", "default=None", "strict=False", "strict=True", "default=[]"])
        return [
            Step(
                f"The caller in {mod} relies on the old behaviour. Let me pass `{arg}` there.",
                py_edit(mod, f"{ctx.func}(args)", f"{ctx.func}(args, {arg})"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "The callers' tests now.",
                api,
                []
                if rng.random() < 0.5
                else [(f"test_{rng.choice(['call', 'public', 'wrapper', 'legacy'])}_{ctx.stem}", assertion(rng))],
                rng.choice(["", " -q", " -x"]) if not ctx.django else "",
            ),
            test_step(
                ctx,
                rng,
                f"And {ctx.test_file} again, to see that {target} still passes.",
                "",
                [(ctx.case(rng), assertion(rng))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            )
            if rng.random() < 0.8
            else look(ctx, rng),
        ][: 2 + (k % 2)] + (
            []
            if k % 2
            else [test_step(ctx, rng, f"And {ctx.test_file}, which had passed.", "", [(target, assertion(rng))])]
        )

    def helper(k: int) -> list[Step]:
        old, new = rng.sample(_RETURNS, 2)
        return [
            Step(
                f"Maybe the helper itself should keep `{old}` and only the new path change. Let me restore that part.",
                py_edit(ctx.source, new, old),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Both test modules together.",
                f"{ctx.test_file} {api}" if not ctx.django else "",
                [
                    (
                        rng.choice([target, f"test_{rng.choice(['call', 'public', 'wrapper'])}_{ctx.stem}"]),
                        assertion(rng),
                    )
                ],
                rng.choice(["", " -q", " -q -x"]) if not ctx.django else "",
            ),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "How many places call the helper?",
                rng.choice(
                    [
                        f"grep -rn '{ctx.func}(' {ctx.run.package} | wc -l",
                        f"grep -rln '{ctx.func}' {ctx.run.package}",
                        f"git grep -n '{ctx.func}' -- '*.py' | head -15",
                    ]
                ),
                str(rng.randint(4, 23))
                if rng.random() < 0.4
                else "\n".join(
                    f"{ctx.run.package}/{m}.py"
                    for m in rng.sample(["base", "utils", "core", "api", "compat", "helpers", "io"], rng.randint(2, 5))
                ),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [caller, helper, helper, grep],
        "the shared helper: whichever caller I satisfy, the other one's tests fail",
    )


def revert_redo_cycle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The change is reverted to get a test back, re-made to pass the target, reverted again."""
    target = ctx.case(rng)
    other = ctx.case(rng)
    first = [test_step(ctx, rng, "Let me run the module's tests with my fix.", "", [(other, assertion(rng))])]

    def revert(k: int) -> list[Step]:
        how = rng.choice(
            [
                f"git checkout -- {ctx.source}",
                "git stash",
                f"git restore {ctx.source}",
                f"git diff {ctx.source} > /tmp/fix{k}.patch && git checkout {ctx.source}",
            ]
        )
        return [
            Step(
                f"Let me go back to the original code and check that {other} passed before my change.",
                how,
                ""
                if "stash" not in how
                else f"Saved working directory and index state WIP on main: {rng.randrange(16**7):07x} {rng.choice(['Merge pull request', 'Fix docs', 'Bump version'])}",
            ),
            test_step(
                ctx,
                rng,
                "Tests on the original code.",
                "",
                [(target, assertion(rng))],
                rng.choice(["", " -q", " -x"]) if not ctx.django else "",
            ),
        ]

    def redo(k: int) -> list[Step]:
        how = rng.choice(
            [
                "git stash pop",
                f"git apply /tmp/fix{max(1, k - 1)}.patch",
                py_edit(ctx.source, rng.choice(_RETURNS), rng.choice(_RETURNS)),
                "git stash apply",
            ]
        )
        return [
            Step(
                f"So the original fails {target}. Let me put my change back and adjust it differently.",
                how,
                rng.choice(
                    ["patched", "", f"On branch main\nChanges not staged for commit:\n\tmodified:   {ctx.source}\n"]
                ),
            ),
            test_step(
                ctx,
                rng,
                "Running the module again with the change back.",
                "",
                [(rng.choice([other, ctx.case(rng)]), assertion(rng))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def tweak(k: int) -> list[Step]:
        old, new = rng.sample(_GUARDS, 2)
        return [
            Step("A smaller version of the change might satisfy both.", py_edit(ctx.source, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "Let me see.",
                "",
                [(rng.choice([target, other]), assertion(rng))],
                rng.choice(["", " -q", " -x"]) if not ctx.django else "",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [revert, redo, tweak, lambda k: [look(ctx, rng)]],
        "the fix: with it one test fails, without it another",
    )
