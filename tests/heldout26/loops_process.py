# ruff: noqa: E501
"""Loops of the agent's process: widening its change, testing what its change never reaches, verifying a
finished fix again and again, and tangling its fix in the stashes it makes to compare with the baseline.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout20.text import finish, give_up, pytest_output, submit
from heldout26.text import Ctx, edit

_SIBLINGS = [
    "from_dict",
    "to_dict",
    "merge",
    "copy",
    "__eq__",
    "__repr__",
    "update",
    "validate",
    "iter_items",
    "as_tuple",
]


def _failure(ctx: Ctx, rng: random.Random, name: str) -> tuple[str, list[str], str]:
    error = rng.choice(
        [
            f"TypeError: {name}() got an unexpected keyword argument '{rng.choice(['strict', 'ordered', 'keep_none'])}'",
            f"AttributeError: '{ctx.cls}' object has no attribute '_{rng.choice(['items', 'seen', 'order'])}'",
            f"AssertionError: assert {rng.randint(0, 5)} == {rng.randint(6, 12)}",
        ]
    )
    body = [
        f">       {ctx.func}(obj).{name.strip('_')}()",
        f"E       {error}",
        "",
        f"{ctx.test_file}:{rng.randint(30, 800)}: {error.split(':')[0]}",
    ]
    return f"test_{name.strip('_')}_{rng.choice(['roundtrip', 'basic', 'empty', 'nested'])}", body, error


def scope_creep(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix passes, then the agent extends it to sibling methods, each extension breaking other tests."""
    target = ctx.test_file
    steps: list[Step] = [
        Step(
            "The target test passes now. Let me run the whole module to be safe.",
            f"python -m pytest {target} -q",
            pytest_output(ctx, rng, target, rng.randint(20, 90), []),
            seconds=rng.uniform(1, 6),
        )
    ]
    siblings = _SIBLINGS[:]
    rng.shuffle(siblings)
    while len(steps) < n + 4:
        for name in siblings:
            steps.append(
                Step(
                    f"For consistency, {ctx.cls}.{name} should follow the same rule as {ctx.func}. Let me see where it handles this.",
                    f"grep -n 'def {name}' {ctx.source}",
                    f"{rng.randint(100, 990)}:    def {name}(self{rng.choice(['', ', other', ', **kwargs'])}):",
                )
            )
            steps.append(
                Step(
                    f"I'll make {name} go through {ctx.func} too, with a keyword to keep the old behaviour.",
                    edit(
                        ctx,
                        f"def {name}(self",
                        f"def {name}(self, *, {rng.choice(['strict', 'ordered', 'keep_none'])}=False",
                    ),
                    "patched",
                )
            )
            failures = [_failure(ctx, rng, rng.choice(siblings)) for _ in range(rng.randint(1, 4))]
            steps.append(
                Step(
                    rng.choice(
                        ["Run the module again.", "Check the module's tests.", "Let's make sure nothing else broke."]
                    ),
                    rng.choice(
                        [
                            f"python -m pytest {target} -q",
                            f"python -m pytest {target} -q -x",
                            f"python -m pytest {ctx.tests_dir} -q -k {ctx.stem}",
                        ]
                    ),
                    pytest_output(ctx, rng, target, rng.randint(20, 90), failures),
                    rc=1,
                    seconds=rng.uniform(1, 8),
                )
            )
            if rng.random() < 0.5:
                steps.append(
                    Step(
                        "Those callers pass positional arguments. I'll update them to the new signature as well.",
                        f"grep -rn '\\.{name.strip('_')}(' {ctx.run.package} | head -n {rng.randint(10, 30)}",
                        "\n".join(
                            f"{ctx.run.package}/{rng.choice(['core', 'utils', 'base', 'api'])}.py:{rng.randint(10, 900)}:        return obj.{name.strip('_')}({rng.choice(['True', 'other', 'x, y'])})"
                            for _ in range(rng.randint(2, 7))
                        ),
                    )
                )
    return finish(steps, n, give_up(rng, "the follow-on changes around " + ctx.func))


def wrong_test_selected(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent keeps running tests that never reach its change: nothing selected, wrong node ids, unrelated modules."""
    steps: list[Step] = []
    guesses = [
        f"test_{ctx.stem}",
        ctx.func.strip("_"),
        f"{ctx.cls}",
        f"{ctx.stem} and issue",
        "regression",
        f"test_{ctx.func.strip('_')}_empty",
    ]
    while len(steps) < n + 4:
        rng.shuffle(guesses)
        for guess in guesses:
            total = rng.randint(40, 400)
            shape = rng.random()
            if shape < 0.35:
                cmd = f"python -m pytest {ctx.tests_dir} -q -k '{guess}'"
                out = f"{total} deselected in {rng.uniform(0.3, 4):.2f}s"
                rc = 5
            elif shape < 0.6:
                cmd = f"python -m pytest {ctx.test_file}::{guess.replace(' ', '_')} -q"
                out = f"ERROR: not found: /testbed/{ctx.test_file}::{guess.replace(' ', '_')}\n(no name '{guess.replace(' ', '_')}' in any of [<Module {ctx.test_file.rsplit('/', 1)[-1]}>])\n\nno tests ran in {rng.uniform(0.1, 1.5):.2f}s"
                rc = 4
            elif shape < 0.8:
                other = f"{ctx.tests_dir}/test_{rng.choice(['utils', 'base', 'api', 'misc', 'compat'])}.py"
                cmd = f"python -m pytest {other} -q"
                out = pytest_output(ctx, rng, other, rng.randint(10, 120), [])
                rc = 0
            else:
                cmd = f"python -m pytest {ctx.tests_dir}/check_{ctx.stem}_issue.py -q"
                out = f"\nno tests ran in {rng.uniform(0.01, 0.3):.2f}s"
                rc = 5
            thought = rng.choice(
                [
                    f"Let me run the tests for my change, selecting '{guess}'.",
                    "Those passed, but I'm not sure they cover the change. Let me try narrowing to the relevant test.",
                    "Nothing ran. Maybe the test is named differently.",
                    "Let me run my regression test directly.",
                ]
            )
            steps.append(Step(thought, cmd, out, rc=rc, seconds=rng.uniform(0.5, 6)))
            if rng.random() < 0.45:
                steps.append(
                    Step(
                        "Let me see which test files exist here.",
                        rng.choice(
                            [
                                f"ls {ctx.tests_dir} | head -n {rng.randint(20, 50)}",
                                f"ls {ctx.tests_dir} | grep -i {ctx.stem[:5]}",
                            ]
                        ),
                        "\n".join(
                            sorted(
                                {
                                    f"test_{rng.choice(['utils', 'base', 'api', 'misc', 'compat', ctx.stem, 'regression'])}.py"
                                    for _ in range(rng.randint(3, 9))
                                }
                            )
                        ),
                    )
                )
            if rng.random() < 0.3:
                steps.append(
                    Step(
                        f"Where did I put the test for {ctx.func}?",
                        f"grep -rln '{ctx.func}' {ctx.tests_dir} | head",
                        f"{ctx.tests_dir}/check_{ctx.stem}_issue.py",
                    )
                )
    return finish(steps, n, give_up(rng, "finding a test that exercises the change"))


def over_verification(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix is done and every check passes, yet the agent keeps inventing more checks."""
    checks: list[tuple[str, Callable[[], str], Callable[[], str]]] = [
        ("Let me double-check the reproduction once more.", lambda: f"python {ctx.repro}", lambda: f"{ctx.func}: ok"),
        (
            "Let me check an empty input too.",
            lambda: f'python -c "from {ctx.dotted} import *; print(repr({ctx.func}([])))"',
            lambda: "[]",
        ),
        (
            "And a large input, for performance.",
            lambda: (
                f'python -c "import time; from {ctx.dotted} import *; t=time.time(); {ctx.func}(list(range({rng.choice([10**4, 10**5, 10**6])}))); print(round(time.time()-t, 3))"'
            ),
            lambda: f"{rng.uniform(0.001, 0.8):.3f}",
        ),
        (
            "Run the module's tests again to be thorough.",
            lambda: f"python -m pytest {ctx.test_file} -q",
            lambda: pytest_output(ctx, rng, ctx.test_file, rng.randint(20, 90), []),
        ),
        (
            "Let me also run the neighbouring test modules.",
            lambda: (
                f"python -m pytest {ctx.tests_dir} -q -x -k '{rng.choice(['not slow', ctx.stem, 'base or utils'])}'"
            ),
            lambda: pytest_output(ctx, rng, ctx.tests_dir, rng.randint(100, 900), []),
        ),
        ("Check with warnings turned into errors.", lambda: f"python -W error {ctx.repro}", lambda: f"{ctx.func}: ok"),
        (
            "Let me try a few random inputs in a loop.",
            lambda: (
                f"python -c \"import random; from {ctx.dotted} import *; [{ctx.func}([random.random() for _ in range(random.randint(0, 50))]) for _ in range({rng.choice([100, 500, 1000, 5000])})]; print('ok')\""
            ),
            lambda: "ok",
        ),
        (
            "Make sure the code still imports cleanly.",
            lambda: f"python -c 'import {ctx.dotted}; print(\"imported\")'",
            lambda: "imported",
        ),
        (
            "Check the style of my change.",
            lambda: f"python -m flake8 {ctx.source} --select=E,W,F | head -n 20",
            lambda: "",
        ),
        (
            "Check that only the intended file is modified.",
            lambda: "git status --short",
            lambda: f" M {ctx.source}\n?? {ctx.repro}",
        ),
    ]
    steps: list[Step] = []
    while len(steps) < n + 4:
        rng.shuffle(checks)
        for thought, command, output in checks:
            steps.append(
                Step(
                    rng.choice(["", "Everything passes so far. ", "Good. ", "Still fine. "]) + thought,
                    command(),
                    output(),
                    seconds=rng.uniform(0.3, 12),
                )
            )
    last = submit(
        rng.choice(
            [
                f"I've verified {ctx.func} every way I can think of and it all passes. Submitting.",
                "All checks pass; I'll submit now.",
                "I'm confident the fix is correct after all this checking. Submitting.",
            ]
        )
    )
    return finish(steps, n, last)


def stash_tangle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent stashes its fix to compare with the baseline, then loses it in pops, conflicts and checkouts."""
    steps: list[Step] = []
    depth = 0
    while len(steps) < n + 4:
        depth += 1
        steps.append(
            Step(
                "To be sure the fix matters, let me stash it and run the reproduction on the baseline.",
                rng.choice([f"git stash && python {ctx.repro}", f"git stash push {ctx.source} && python {ctx.repro}"]),
                f"Saved working directory and index state WIP on main: {rng.randrange(16**7):07x} {rng.choice(['Merge pull request', 'Fixed', 'Refs'])} #{rng.randint(1000, 30000)}\n{ctx.func}: FAIL (expected {rng.randint(2, 9)} items, got {rng.randint(10, 20)})",
                rc=1,
                seconds=rng.uniform(0.5, 3),
            )
        )
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "Baseline fails as expected. While the fix is stashed, let me tidy the helper the fix uses.",
                    edit(ctx, "    result = []", "    result: list = []"),
                    "patched",
                )
            )
            steps.append(
                Step(
                    "Now bring the fix back.",
                    "git stash pop",
                    f"Auto-merging {ctx.source}\nCONFLICT (content): Merge conflict in {ctx.source}\nThe stash entry is kept in case you need it again.",
                    rc=1,
                )
            )
            steps.append(
                Step(
                    "A conflict with my own tidy-up. Let me just reset the file and pop again.",
                    f"git checkout -- {ctx.source} && git stash pop",
                    f"error: Your local changes to the following files would be overwritten by merge:\n\t{ctx.repro}\nPlease commit your changes or stash them before you merge.\nAborting",
                    rc=1,
                )
            )
        else:
            steps.append(
                Step(
                    "Baseline fails as expected. Restore the fix.",
                    rng.choice(["git stash pop", "git stash apply"]),
                    f"On branch main\nChanges not staged for commit:\n\tmodified:   {ctx.source}\n\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})"
                    if rng.random() < 0.6
                    else f"error: could not restore untracked files from stash\n{ctx.repro} already exists, no checkout",
                    rc=0,
                )
            )
        steps.append(
            Step(
                "Let me see what is stashed now.",
                rng.choice(["git stash list", "git stash list && git status --short"]),
                "\n".join(
                    f"stash@{{{i}}}: WIP on main: {rng.randrange(16**7):07x} {rng.choice(['Merge pull request', 'Fixed', 'Refs'])}"
                    for i in range(depth + rng.randint(0, 2))
                ),
            )
        )
        steps.append(
            Step(
                f"Which stash has the real fix? Let me look at stash@{{{min(depth, 3)}}}.",
                f"git stash show -p stash@{{{rng.randint(0, depth)}}} | head -n {rng.randint(20, 60)}",
                f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{rng.randint(100, 900)},7 +{rng.randint(100, 900)},{rng.randint(7, 12)} @@\n-    result = []\n+    result: list = []",
            )
        )
        steps.append(
            Step(
                "The fix seems to be gone from the working tree. Re-applying it by hand.",
                edit(
                    ctx,
                    f"return _{ctx.stem}_impl(values, **options)",
                    f"return _{ctx.stem}_impl(list(values), **options)",
                ),
                "patched",
            )
        )
        steps.append(
            Step(
                "Check the fix works again.",
                rng.choice([f"python {ctx.repro}", f"python {ctx.repro} && git stash list | wc -l"]),
                f"{ctx.func}: ok" + (f"\n{depth + 1}" if rng.random() < 0.5 else ""),
            )
        )
    return finish(steps, n, give_up(rng, "the stashes and the baseline comparison"))
