# ruff: noqa: E501
"""Hard negatives: a regression or two met, fixed at its cause, the tests going green and the run going on."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout44.text import Ctx, assertion, look, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra)


def regression_traced_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The fix breaks one other test; its expectation is read, the fix narrowed, everything passes."""
    broke = ctx.case(rng)
    line = rng.randint(30, 600)
    return [
        test_step(ctx, rng, "Let me run the module's tests with my change.", "", [(broke, assertion(rng))]),
        Step(
            f"{broke} broke. Let me read what it checks before touching anything.",
            f"grep -n -A10 'def {broke}' {ctx.test_file}",
            f"{line}:def {broke}():\n{line + 1}-    # None still means 'use the default'\n{line + 2}-    assert {ctx.func}(None, default=[1]) == [1]\n",
        ),
        Step(
            "My change returns [] even when a default is given; it should only do that when no default was passed.",
            py_edit(ctx.source, "        return []", "        return [] if default is None else default"),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the module.", extra=" -q" if not ctx.django else ""),
    ]


def both_cases_satisfied(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One parametrized case breaks; the two inputs are compared, one rule covers both, all cases pass."""
    test = f"test_{ctx.stem}_cases"
    return [
        test_step(
            ctx,
            rng,
            "Let me run the parametrized test.",
            f"{ctx.test_file}::{test}",
            [(f"{test}[a,,b-{rng.randint(0, 9)}]", "AssertionError: assert ['a', '', 'b'] == ['a', 'b']")],
        ),
        Step(
            "Let me compare the two inputs that matter directly.",
            f"python -c \"from {ctx.dotted} import {ctx.func}; print({ctx.func}('a,,b'), {ctx.func}(' a '))\"",
            "['a', '', 'b'] ['a']",
        ),
        Step(
            "Empty items must be dropped after stripping, not before; one comprehension handles both cases.",
            py_edit(ctx.source, "value.split(',')", "[v.strip() for v in value.split(',') if v.strip()]"),
            "patched",
        ),
        _green(ctx, rng, "All cases again.", f"{ctx.test_file}::{test}"),
        _green(ctx, rng, "And the whole module, to be sure.", extra=" -q" if not ctx.django else ""),
    ]


def helper_callers_updated(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The helper change breaks a caller's test; all callers are found and updated once; both modules pass."""
    mods = rng.sample(["base", "utils", "core", "api", "compat"], 2)
    return [
        test_step(
            ctx,
            rng,
            "Let me also run the tests of the code that calls this helper.",
            ctx.other_test,
            [(f"test_public_{ctx.stem}", assertion(rng))],
        ),
        Step(
            "Let me find every caller.",
            f"grep -rn '{ctx.func}(' {ctx.run.package} | grep -v tests",
            "\n".join(f"{ctx.run.package}/{m}.py:{rng.randint(20, 900)}:    out = {ctx.func}(args)" for m in mods),
        ),
        Step(
            f"Both callers relied on the old default; I'll pass it explicitly in {mods[0]} and {mods[1]}.",
            f"sed -i 's/{ctx.func}(args)/{ctx.func}(args, default=())/' {ctx.run.package}/{mods[0]}.py {ctx.run.package}/{mods[1]}.py",
            "",
        ),
        _green(ctx, rng, "Callers' tests.", ctx.other_test),
        _green(ctx, rng, "And the module's own tests.", extra=" -q" if not ctx.django else ""),
    ]


def suite_went_green(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The wider suite shows two failures once; both share the cause, fixed once; the suite passes."""
    mods = rng.sample(["test_api", "test_utils", "test_compat", "test_io"], 2)
    failing = [(f"test_{ctx.stem}_legacy", assertion(rng)), (f"test_{ctx.stem}_compat", assertion(rng))]
    return [
        test_step(
            ctx,
            rng,
            "Let me run the wider tests for regressions.",
            f"{ctx.tests_dir}/{mods[0]}.py {ctx.tests_dir}/{mods[1]}.py" if not ctx.django else "",
            failing,
        ),
        Step(
            "Both failures pass a tuple; my change only handled lists.",
            f"grep -n 'isinstance' {ctx.source} | head -5",
            f"{rng.randint(30, 600)}:    if isinstance(value, list):\n",
        ),
        Step(
            "Accept any sequence, as the docstring says.",
            py_edit(ctx.source, "isinstance(value, list)", "isinstance(value, (list, tuple))"),
            "patched",
        ),
        _green(
            ctx,
            rng,
            "The two modules again.",
            f"{ctx.tests_dir}/{mods[0]}.py {ctx.tests_dir}/{mods[1]}.py" if not ctx.django else "",
        ),
        _green(ctx, rng, "And the module I changed.", extra=" -q" if not ctx.django else ""),
    ]


def default_reconciled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The new default breaks an old test twice; a sentinel keeps the public default, both tests pass."""
    old = ctx.case(rng)
    return [
        test_step(
            ctx, rng, "Running the tests after changing the default.", "", [(old, "AssertionError: assert [] is None")]
        ),
        Step(
            f"{old} wants None back for an explicit None. Let me read the docs of the parameter.",
            f"grep -n -A4 'default' {ctx.source} | head -12",
            "    default : object, optional\n        Returned when *value* is None. Defaults to None.\n",
        ),
        Step(
            "The documented default is None; the issue only needs an unset default to mean []. A sentinel separates the two.",
            py_edit(ctx.source, "default=None", "default=_MISSING"),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", "", [(old, "NameError: name '_MISSING' is not defined")]),
        Step(
            "I forgot to define the sentinel.",
            py_edit(ctx.source, f"def {ctx.func}(", f"_MISSING = object()\n\n\ndef {ctx.func}("),
            "patched",
        ),
        _green(ctx, rng, "And again.", extra=" -q" if not ctx.django else ""),
    ]


def message_matched(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A new message breaks an old `match=` once; a message both patterns accept is chosen; all pass."""
    return [
        test_step(
            ctx,
            rng,
            "Running the tests with the new validation.",
            "",
            [
                (
                    ctx.case(rng),
                    f"AssertionError: Regex pattern did not match.\n Regex: 'invalid {ctx.stem}'\n Input: '{ctx.stem} must not be empty'",
                )
            ],
        ),
        Step(
            "Which tests match on messages here?",
            f"grep -rn 'match=' {ctx.test_file}",
            f"{ctx.test_file}:{rng.randint(20, 400)}:    with pytest.raises(ValueError, match='invalid {ctx.stem}'):\n{ctx.test_file}:{rng.randint(400, 900)}:    with pytest.raises(ValueError, match='must not be empty'):\n",
        ),
        Step(
            "The message can say both: 'invalid <stem>: must not be empty'.",
            py_edit(ctx.source, f"'{ctx.stem} must not be empty'", f"'invalid {ctx.stem}: must not be empty'"),
            "patched",
        ),
        look(ctx, rng),
        _green(ctx, rng, "Rerunning the tests.", extra=" -q" if not ctx.django else ""),
    ]
