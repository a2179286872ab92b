# ruff: noqa: E501
"""Loops of working on the wrong code: a stale build copy of the module, a base method the subclass overrides,
and the test bent to the symptom instead of the code fixed.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout33.text import Ctx, edit, failing, loop


def wrong_copy_edited(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent greps its way to a build/ copy of the module and keeps fixing that one; nothing changes."""
    copy = ctx.build_copy
    want = repr(f"{ctx.stem}-ok")

    def fix(k: int) -> Step:
        forms = [
            "if value is None:\n            continue",
            "if value in (None, ''):\n            continue",
            "if not value and value != 0:\n            continue",
            "if value is None or value != value:\n            continue",
        ]
        return Step(
            rng.choice(
                [f"Fix the loop in {copy}.", "Make the guard stricter.", f"Try another form of the guard in {copy}."]
            ),
            edit(ctx, "for value in values:", "for value in values:\n        " + forms[k % len(forms)], copy),
            "patched",
        )

    def run(k: int) -> Step:
        return Step(
            "Run the reproduction.",
            [
                f"python {ctx.script}",
                f"python -B {ctx.script}",
                f"PYTHONDONTWRITEBYTECODE=1 python {ctx.script}",
                f"python -X importtime {ctx.script} 2>/dev/null",
            ][k % 4],
            f"got: None\nexpected: {want}\nMISMATCH ({rng.randint(1, 40)} of {rng.randint(41, 90)} cases)\n",
            rc=1,
            seconds=rng.uniform(0.4, 3),
        )

    def find(k: int) -> Step:
        return Step(
            "Let me make sure I am editing the code that defines it.",
            [
                f"grep -rn 'def {ctx.func}' --include=*.py . | head",
                f"find . -name '{ctx.source.rsplit('/', 1)[-1]}' -not -path './.git/*'",
                f"grep -rln '{ctx.func}' build | head -3",
            ][k % 3],
            f"./{copy}:{rng.randint(100, 900)}:def {ctx.func}(values, **options):\n./{ctx.source}:{rng.randint(100, 900)}:def {ctx.func}(values, **options):\n",
        )

    def clear(k: int) -> Step:
        return Step(
            "Perhaps stale bytecode is being used. Clear the caches.",
            [
                "find . -name __pycache__ -type d -prune -exec rm -rf {} +",
                "find . -name '*.pyc' -delete",
                "rm -rf build/lib*/**/__pycache__ .pytest_cache",
            ][k % 3],
            "",
        )

    def debug(k: int) -> Step:
        return Step(
            "Add a print to see whether my branch runs.",
            edit(ctx, "    result = []", f"    print('DEBUG-{k} {ctx.func} called', values)\n    result = []", copy),
            "patched",
        )

    def test(k: int) -> Step:
        return Step(
            "Run the failing test too.",
            ctx.tests(f" -x{' -p no:cacheprovider' if k % 2 else ''}"),
            failing(ctx, rng, "None", want),
            rc=1,
            seconds=rng.uniform(1, 8),
        )

    def diff(k: int) -> Step:
        return Step(
            "Why does git diff show nothing for my edits?",
            ["git diff --stat", "git status --short --ignored build | head", "git check-ignore -v " + copy][k % 3],
            ["", f"!! build/\n?? {ctx.script}\n", f".gitignore:{rng.randint(3, 30)}:build/\t{copy}\n"][k % 3],
        )

    def reinstall(k: int) -> Step:
        return Step(
            "Reinstall, then try again.",
            ["pip install -e . -q", "pip install -e . -q --force-reinstall --no-deps"][k % 2],
            f"Successfully installed {ctx.dist}-{rng.randint(0, 5)}.{rng.randint(0, 20)}.dev{rng.randint(1, 400)}\n",
            seconds=rng.uniform(8, 60),
        )

    return loop(
        ctx,
        rng,
        n,
        [find, fix, run, debug, run, clear, fix, test, diff, reinstall, run],
        f"my edits to {ctx.func} having no effect",
    )


def overridden_method_edited(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Fixes go into the base class's method; the class the issue uses overrides it, so the output never moves."""
    base = ctx.subclass
    meth = ctx.func.lstrip("_")
    want = rng.randint(10, 60)

    def fix(k: int) -> Step:
        forms = [
            "values = [v for v in values if v is not None]",
            "values = list(filter(lambda v: v is not None, values))",
            "values = [v for v in values if v not in (None, '')]",
            "values = tuple(v for v in values if v is not None)",
        ]
        return Step(
            rng.choice(
                [
                    f"Fix `{base}.{meth}` to drop missing values first.",
                    f"Try a different filter in `{base}.{meth}`.",
                    f"The filter in `{base}.{meth}` must not be reached; move it to the top.",
                ]
            ),
            edit(
                ctx, f"    def {meth}(self, values):", f"    def {meth}(self, values):\n        {forms[k % len(forms)]}"
            ),
            "patched",
        )

    def run(k: int) -> Step:
        got = rng.randint(2, 9)
        return Step(
            "Run the issue's example.",
            [
                f"python {ctx.script}",
                f"python {ctx.script} --verbose",
                f"python -c 'import {ctx.dotted} as m; print(len(m.{ctx.cls}().{meth}(m.EXAMPLE)))'",
            ][k % 3],
            f"{ctx.cls}.{meth}: {got} values (expected {want})\n",
            rc=1 if k % 3 != 2 else 0,
        )

    def debug(k: int) -> Step:
        return Step(
            f"Put a print in `{base}.{meth}` to see what it receives.",
            edit(
                ctx,
                f"    def {meth}(self, values):",
                f"    def {meth}(self, values):\n        print('DEBUG {base}.{meth}', len(values))  # {k}",
            ),
            "patched",
        )

    def grep(k: int) -> Step:
        return Step(
            "Where is the method defined?",
            [
                f"grep -n 'def {meth}' {ctx.source}",
                f"grep -n 'class .*{base}' {ctx.source}",
                f"grep -rn 'def {meth}' {ctx.package_dir} | head -{3 + k % 3}",
            ][k % 3],
            f"{ctx.source}:{rng.randint(100, 500)}:    def {meth}(self, values):\n",
        )

    def test(k: int) -> Step:
        return Step(
            "And the test.",
            ctx.tests(f" -k {meth}" if k % 2 else ""),
            failing(ctx, rng, str(rng.randint(2, 9)), str(want)),
            rc=1,
            seconds=rng.uniform(1, 8),
        )

    def reread(k: int) -> Step:
        lo = rng.randint(100, 500)
        return Step(
            f"Read `{base}.{meth}` again, the print never shows.",
            f"sed -n '{lo},{lo + 10 + k % 8}p' {ctx.source}",
            f"class {base}:\n    def {meth}(self, values):\n        print('DEBUG {base}.{meth}', len(values))\n        values = [v for v in values if v is not None]\n        return self._combine(values)\n",
        )

    def clear(k: int) -> Step:
        return Step(
            "Maybe an old bytecode file is used.",
            ["find . -name '*.pyc' -path '*" + ctx.package_dir.split("/")[0] + "*' -delete", f"python -B {ctx.script}"][
                k % 2
            ],
            "" if k % 2 == 0 else f"{ctx.cls}.{meth}: {rng.randint(2, 9)} values (expected {want})\n",
            rc=0 if k % 2 == 0 else 1,
        )

    return loop(
        ctx, rng, n, [fix, run, debug, run, grep, reread, fix, test, clear], f"`{base}.{meth}` not changing the result"
    )


def test_expectation_bending(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The failing test is edited to the code's output (values, approx, xfail, skip); others fail in turn."""
    tests = [
        ctx.test_name,
        f"{ctx.test_name}_empty",
        f"{ctx.test_name}_roundtrip",
        f"test_{ctx.stem}_repr",
        f"{ctx.test_name}_none",
    ]

    def bend(k: int) -> Step:
        name = tests[k % len(tests)]
        moves = [
            (
                f"Update the expected value in `{name}` to what the function returns now.",
                f"    assert {ctx.func}(case) == expected",
                f"    assert {ctx.func}(case) == {rng.randint(2, 40)}",
            ),
            (
                f"Loosen `{name}` with pytest.approx.",
                "== expected",
                f"== pytest.approx(expected, rel=1e-{rng.randint(1, 4)})",
            ),
            (
                f"Mark `{name}` as xfail, it depends on the old behaviour.",
                f"def {name}(",
                f"@pytest.mark.xfail(reason='behaviour changed')\ndef {name}(",
            ),
            (
                f"Compare as sets in `{name}`, the order is not important.",
                f"assert {ctx.func}(case) ==",
                f"assert set({ctx.func}(case)) ==",
            ),
            (f"Skip `{name}` for now.", f"def {name}(", f"@pytest.mark.skip(reason='see issue')\ndef {name}("),
        ]
        thought, old, new = moves[k % len(moves)]
        return Step(thought, edit(ctx, old, new, ctx.test_file), "patched")

    def run(k: int) -> Step:
        name = tests[(k + 1) % len(tests)]
        got, want = rng.randint(2, 30), rng.randint(31, 60)
        body = [
            f">       assert {ctx.func}(case) == {want}",
            f"E       assert {got} == {want}",
            "",
            f"{ctx.test_file}:{rng.randint(40, 600)}: AssertionError",
        ]
        return Step(
            "Run the tests.",
            [
                ctx.tests(),
                ctx.tests(" -rxs"),
                f"python -m pytest {ctx.test_file} -q -x",
                f"python -m pytest {ctx.test_file} -q --lf",
            ][k % 4],
            pytest_output(ctx, rng, ctx.test_file, rng.randint(10, 60), [(name, body, f"assert {got} == {want}")]),
            rc=1,
            seconds=rng.uniform(1, 9),
        )

    def repro(k: int) -> Step:
        return Step(
            "Does the issue's own example behave now?",
            f"python {ctx.script}",
            f"got:      {rng.randint(2, 30)} values\nexpected: {rng.randint(31, 60)} values\nStill wrong\n",
            rc=1,
        )

    def show(k: int) -> Step:
        name = tests[(k + 2) % len(tests)]
        return Step(
            f"Let me look at `{name}`.",
            f"grep -n -A{6 + k % 5} 'def {name}' {ctx.test_file}",
            f"def {name}():\n    case = make_case({rng.randint(1, 9)})\n    expected = {rng.randint(31, 60)}\n    assert {ctx.func}(case) == expected\n",
        )

    def diff(k: int) -> Step:
        return Step(
            "What have I changed in the tests?",
            [f"git diff --stat {ctx.test_file}", f"git diff {ctx.test_file} | head -{20 + k % 10}"][k % 2],
            f" {ctx.test_file} | {4 + k} +++--\n 1 file changed, {3 + k} insertions(+), {1 + k % 4} deletions(-)\n",
        )

    return loop(ctx, rng, n, [run, bend, run, show, bend, repro, diff], "the failing tests")
