# ruff: noqa: E501
"""Loop family on import order inside a package: two modules importing each other."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step, traceback
from heldout61.text import Attempt, Ctx, Fail, partial, partial_attr, py_edit, py_edits


def partial_init_import_cycle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix imports a helper from a sibling that imports back: each move of an import shifts the cycle elsewhere."""
    a, adot, cls, helper = ctx.source, ctx.dotted, ctx.cls, ctx.helper
    init = a.endswith("__init__.py")
    back = "." if init else f".{ctx.modname}"
    b, bdot = f"{ctx.pkgdir}/{ctx.sib}.py", f"{ctx.pkg}.{ctx.sib}"
    c = f"{ctx.pkgdir}/{ctx.third}.py"
    pinit = f"{ctx.pkgdir}/__init__.py"
    imp_a = f"from .{ctx.sib} import {helper}"
    imp_b = f"from {back} import {cls}"
    body = f"{imp_b}\n\n_DEFAULT = {cls}.default\n\n\ndef {helper}(value):\n    if isinstance(value, {cls}):\n        return value\n    return {cls}(value)\n"
    cases = ("import", "default", "roundtrip", "coerce", "public_api", "mocked_helper", "subclass")

    def a_first(thought: str = "") -> Step:
        frames = [(a, "<module>", imp_a), (b, "<module>", imp_b)]
        thought = thought or rng.choice(["Rerun the tests.", "Run the tests again.", "Let me run the module's tests."])
        return import_fail(ctx, rng, thought, frames, partial(adot, cls, a))

    def b_first() -> Step:
        frames = [(pinit, "<module>", f"from .{ctx.sib} import *"), (b, "<module>", imp_b), (a, "<module>", imp_a)]
        return import_fail(
            ctx,
            rng,
            rng.choice(["Rerun.", "Let me run the tests once more.", "Try the tests again."]),
            frames,
            partial(bdot, helper, b),
        )

    def failing(thought: str, errors: list[tuple[str, str, list[tuple[str, str]]]]) -> Step:
        fails = list({f.name: f for f in (Fail(ctx.case(rng, cases), e, code, fr) for e, code, fr in errors)}.values())
        return test_step(ctx, rng, thought, rng.choice(["", ctx.test_file]), fails, rng.choice(["", " -x", " -q"]))

    def mocked(module: str, path: str, name: str) -> tuple[str, str, list[tuple[str, str]]]:
        return (
            f"AttributeError: <module '{module}' from '/testbed/{path}'> does not have the attribute '{name}'",
            f"with mock.patch('{module}.{name}') as patched:",
            [],
        )

    def defer_in_b(k: int) -> list[Step]:
        steps = [
            Step(
                f"{ctx.sib}.py only needs {cls} inside {helper}. Let me move that import into the function so importing {ctx.sib} doesn't pull {ctx.stem} back in.",
                py_edits(b, [(imp_b + "\n", ""), (f"def {helper}(value):\n", f"def {helper}(value):\n    {imp_b}\n")]),
                "patched",
            )
        ]
        outcome = rng.choice(["default", "mock", "mock"])
        if outcome == "default":
            steps.append(
                import_fail(
                    ctx,
                    rng,
                    "Rerun the tests.",
                    [(a, "<module>", imp_a), (b, "<module>", f"_DEFAULT = {cls}.default")],
                    f"NameError: name '{cls}' is not defined",
                )
            )
        else:
            steps.append(
                failing(
                    "Rerun the tests.",
                    [
                        mocked(bdot, b, cls),
                        (f"AssertionError: assert {rng.randint(0, 2)} == 1", "assert patched.call_count == 1", []),
                    ],
                )
            )
        return steps

    def defer_in_a(k: int) -> list[Step]:
        return [
            Step(
                f"Do it the other way round: import {helper} inside the {ctx.stem} functions that call it, not at module level.",
                f"sed -i '/^{imp_a}$/d; s/^\\( *\\)\\(.*[^_a-z]{helper}(\\)/\\1{imp_a}\\n\\1\\2/' {a} && grep -n '{helper}' {a}",
                "\n".join(
                    f"{line}:{code}"
                    for line, code in sorted(
                        {rng.randint(40, 400): f"        {imp_a}", rng.randint(401, 900): f"    {imp_a}"}.items()
                    )
                ),
            ),
            rng.choice(
                [
                    failing("Run the tests.", [mocked(adot, a, helper)]),
                    import_fail(
                        ctx,
                        rng,
                        "Run the tests.",
                        [(c, "<module>", f"from {back if not init else '.'} import {helper}")],
                        f"ImportError: cannot import name '{helper}' from '{adot}' (/testbed/{a})",
                    ),
                    b_first(),
                ]
            ),
        ]

    def to_bottom(k: int) -> list[Step]:
        error = rng.choice(
            [
                (f"NameError: name '{helper}' is not defined", f"key = staticmethod({helper})"),
                (partial(adot, cls, a), imp_b),
            ]
            + (
                [
                    (
                        "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet.",
                        "from django.contrib.contenttypes.models import ContentType",
                    )
                ]
                if ctx.django
                else []
            )
        )
        return [
            Step(
                f"Move the import of {helper} to the bottom of {ctx.modname}.py, after {cls} is defined, so {ctx.sib} finds it when it imports back.",
                f"sed -i '/^{imp_a}$/d' {a} && printf '\\n{imp_a}  # noqa: E402\\n' >> {a} && tail -3 {a}",
                f"\n\n{imp_a}  # noqa: E402",
            ),
            import_fail(
                ctx,
                rng,
                "Rerun the tests.",
                [(a, "<module>", error[1])]
                if error[0].startswith("NameError")
                else [(a, "<module>", imp_a), (b, "<module>", error[1])],
                error[0],
            ),
        ]

    def module_import(k: int) -> list[Step]:
        return [
            Step(
                f"Import the module instead of the name: `from . import {ctx.sib}` and call `{ctx.sib}.{helper}`, so nothing has to exist yet at import time.",
                py_edits(a, [(imp_a, f"from . import {ctx.sib}"), (f"= {helper}(", f"= {ctx.sib}.{helper}(")]),
                "patched",
            ),
            import_fail(
                ctx,
                rng,
                "Run the tests.",
                [(a, "<module>", f"_KEY = {ctx.sib}.{helper}(DEFAULT)")],
                partial_attr(bdot, helper),
            ),
        ]

    def type_checking(k: int) -> list[Step]:
        return [
            Step(
                f"The {cls} import in {ctx.sib}.py is mostly for annotations. Put it under TYPE_CHECKING.",
                py_edit(b, imp_b + "\n", f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {imp_b}\n"),
                "patched",
            ),
            failing(
                "Rerun the tests.",
                [
                    (
                        f"NameError: name '{cls}' is not defined",
                        f"result = {helper}(value)",
                        [(b, helper, f"if isinstance(value, {cls}):")],
                    )
                ]
                + ([mocked(bdot, b, cls)] if rng.random() < 0.4 else []),
            ),
        ]

    moved: list[int] = []

    def extract(k: int) -> list[Step]:
        if moved:
            return [
                Step(
                    f"Let me try moving {helper} to {ctx.third}.py again.",
                    f"python - <<'EOF'\nimport re\nsrc = open('{b}').read()\nfunc = re.search(r'\\ndef {helper}\\(.*?(?=\\n\\S|\\Z)', src, re.S).group(0)\nprint(func)\nEOF",
                    traceback(rng, [], "AttributeError: 'NoneType' object has no attribute 'group'", "<stdin>"),
                    rc=1,
                ),
                a_first(),
            ]
        moved.append(k)
        return [
            Step(
                f"Move {helper} out of {ctx.sib}.py into {ctx.third}.py, which {ctx.stem} can import without a cycle.",
                f"python - <<'EOF'\nimport re\nsrc = open('{b}').read()\nfunc = re.search(r'\\ndef {helper}\\(.*?(?=\\n\\S|\\Z)', src, re.S).group(0)\nopen('{b}', 'w').write(src.replace(func, '\\nfrom .{ctx.third} import {helper}  # noqa: F401\\n'))\nopen('{c}', 'a').write('\\n' + func + '\\n')\nEOF\nsed -i 's/{imp_a}/from .{ctx.third} import {helper}/' {a}",
                "",
            ),
            import_fail(
                ctx,
                rng,
                "Run the tests.",
                [(a, "<module>", f"from .{ctx.third} import {helper}"), (c, "<module>", f"from {back} import {cls}")],
                partial(adot, cls, a),
            ),
        ]

    def sys_modules(k: int) -> list[Step]:
        return [
            Step(
                f"Take {cls} from sys.modules in {ctx.sib}.py instead of importing it; the module object exists already even while it is initialising.",
                py_edit(b, imp_b, f"import sys\n{cls} = sys.modules['{adot}'].{cls}"),
                "patched",
            ),
            import_fail(
                ctx,
                rng,
                "Rerun.",
                [(a, "<module>", imp_a), (b, "<module>", f"{cls} = sys.modules['{adot}'].{cls}")],
                partial_attr(adot, cls),
            ),
        ]

    def probe(k: int) -> Step:
        order = rng.sample([adot, bdot], 2)
        ok = rng.random() < 0.2
        frames = (
            [(a, "<module>", imp_a), (b, "<module>", imp_b)]
            if order[0] == adot
            else [(b, "<module>", imp_b), (a, "<module>", imp_a)]
        )
        return Step(
            "Let me import the two modules by hand, in this order, to see which one breaks.",
            f"python -c \"import {order[0]}; import {order[1]}; print('ok')\"",
            "ok"
            if ok
            else traceback(rng, frames, partial(bdot, helper, b) if order[0] == bdot else partial(adot, cls, a)),
            rc=0 if ok else 1,
        )

    def revert(k: int) -> list[Step]:
        return [
            Step(
                f"This is getting messy. Let me restore {ctx.sib}.py and start over from the original error.",
                rng.choice([f"git checkout -- {b} && git diff --stat", f"git checkout {b} && git status --short"]),
                f" {a} | {rng.randint(2, 9)} ++--\n 1 file changed, {rng.randint(2, 6)} insertions(+), {rng.randint(1, 4)} deletions(-)",
            ),
            rng.choice([a_first, b_first])(),
        ]

    def importtime(k: int) -> Step:
        lines = [
            f"import time: {rng.randint(80, 3000):>9} | {rng.randint(3000, 90000):>10} | {'  ' * d}{m}"
            for d, m in ((2, ctx.pkg), (3, rng.choice([adot, bdot])))
        ]
        return Step(
            "Let me see the order the modules are imported in.",
            f"python -X importtime -c 'import {adot}' 2>&1 | grep -E '{ctx.pkg}|Error' | tail -8",
            "\n".join(lines) + "\n" + (partial(adot, cls, a) if rng.random() < 0.6 else partial(bdot, helper, b)),
        )

    first = [
        a_first(f"Let me run the tests for {ctx.stem} with my change."),
        Step(
            "A circular import. Let me see how the two modules import each other.",
            f"grep -n '^from\\|^import\\|^    from' {a} {b}",
            f"{a}:{rng.randint(3, 30)}:{imp_a}\n{b}:{rng.randint(1, 4)}:import re\n{b}:{rng.randint(5, 12)}:{imp_b}",
        ),
    ]
    attempts: list[Attempt] = [
        defer_in_b,
        defer_in_a,
        to_bottom,
        module_import,
        type_checking,
        extract,
        sys_modules,
        revert,
        lambda k: [probe(k)],
        lambda k: [importtime(k)],
    ]
    return churn(ctx, rng, n, first, attempts, f"the circular import between {ctx.stem} and {ctx.sib}", [a, b], body)
