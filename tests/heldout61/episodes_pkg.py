# ruff: noqa: E501
"""Productive look-alikes inside a package: a circular import, a lazy __getattr__ and an empty registry met once or twice, then fixed at the cause."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import green, import_fail, test_step
from heldout61.text import Ctx, Fail, partial, py_edit, py_edits


def cycle_import_moved_to_leaf(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A circular import between the module and a sibling; maybe one deferral tried; the helper moved to where its class lives; both import orders checked."""
    a, adot, cls, helper = ctx.source, ctx.dotted, ctx.cls, ctx.helper
    back = "." if a.endswith("__init__.py") else f".{ctx.modname}"
    b, bdot = f"{ctx.pkgdir}/{ctx.sib}.py", f"{ctx.pkg}.{ctx.sib}"
    imp_a, imp_b = f"from .{ctx.sib} import {helper}", f"from {back} import {cls}"
    line = rng.randint(20, 300)
    steps = [
        import_fail(
            ctx,
            rng,
            f"Let me run the tests for {ctx.stem} after my change.",
            [(a, "<module>", imp_a), (b, "<module>", imp_b)],
            partial(adot, cls, a),
        ),
        Step(
            "A circular import. Let me see what each module takes from the other.",
            f"grep -n '{cls}\\|{helper}' {a} {b} | head -20",
            f"{a}:{rng.randint(3, 20)}:{imp_a}\n{a}:{line}:        key = {helper}(value)\n{b}:{rng.randint(1, 8)}:{imp_b}\n{b}:{rng.randint(10, 20)}:_DEFAULT = {cls}.default\n{b}:{rng.randint(21, 40)}:def {helper}(value):\n{b}:{rng.randint(41, 50)}:    if isinstance(value, {cls}):",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                f"Try importing {cls} inside {helper} in {ctx.sib}.py.",
                py_edits(b, [(imp_b + "\n", ""), (f"def {helper}(value):\n", f"def {helper}(value):\n    {imp_b}\n")]),
                "patched",
            ),
            import_fail(
                ctx,
                rng,
                "Rerun.",
                [(a, "<module>", imp_a), (b, "<module>", f"_DEFAULT = {cls}.default")],
                f"NameError: name '{cls}' is not defined",
            ),
            Step(
                f"{ctx.sib}.py uses {cls} at module level too, so deferring the import can't work. Undo that.",
                f"sed -i '/^    {imp_b}$/d; 1i {imp_b}' {b} && grep -n '{cls}' {b} | head -3",
                f"1:{imp_b}\n{rng.randint(10, 20)}:_DEFAULT = {cls}.default\n{rng.randint(41, 50)}:    if isinstance(value, {cls}):",
            ),
        ]
    steps += [
        Step(
            f"{helper} is only about {cls} and is only called from {ctx.modname}.py; it belongs next to {cls}. Move it into {ctx.modname}.py and have {ctx.sib}.py import it from there, so the import goes one way only.",
            f"python - <<'EOF'\nimport re\nb = open('{b}').read()\nfunc = re.search(r'\\ndef {helper}\\(.*?(?=\\n\\S|\\Z)', b, re.S).group(0)\nopen('{b}', 'w').write(b.replace(func, '').replace('{imp_b}', 'from {back} import {cls}, {helper}'))\na = open('{a}').read().replace('{imp_a}\\n', '')\nopen('{a}', 'w').write(a.rstrip('\\n') + '\\n\\n' + func.strip('\\n') + '\\n')\nprint('moved')\nEOF",
            "moved",
        ),
        Step(
            "Check both import orders.",
            f"python -c \"import {adot}, {bdot}; print('ok')\" && python -c \"import {bdot}, {adot}; print('ok')\"",
            "ok\nok",
        ),
        green(ctx, rng, "Run the tests."),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                f"And grep that nothing else imported {helper} from {ctx.sib}.",
                f"grep -rn 'from .*{ctx.sib} import.*{helper}' {ctx.run.package} | head",
                f"{b}:{rng.randint(1, 8)}:from {back} import {cls}, {helper}",
            )
        )
    return steps


def lazy_attr_cached_in_globals(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A lazy package __getattr__ recursing and failing relative imports; rewritten once with a package, a cache, AttributeError and __dir__; maybe __all__ once."""
    pinit, pkg, cls, helper = f"{ctx.pkgdir}/__init__.py", ctx.pkg, ctx.cls, ctx.helper
    mod = ctx.modname if not ctx.source.endswith("__init__.py") else ctx.sib
    body = f"import importlib\nimport sys\n\n_LAZY = {{\n    '{cls}': '.{mod}',\n    '{helper}': '.{ctx.sib}',\n}}\n\n\ndef __getattr__(name):\n    if name in _LAZY:\n        module = importlib.import_module(_LAZY[name])\n        return getattr(module, name)\n    return getattr(sys.modules[__name__], name)\n"
    fixed = f"import importlib\n\n_LAZY = {{\n    '{cls}': '.{mod}',\n    '{helper}': '.{ctx.sib}',\n}}\n\n\ndef __getattr__(name):\n    if name not in _LAZY:\n        raise AttributeError('module %r has no attribute %r' % (__name__, name))\n    value = getattr(importlib.import_module(_LAZY[name], __name__), name)\n    globals()[name] = value  # the next lookup doesn't come here\n    return value\n\n\ndef __dir__():\n    return sorted(set(globals()) | set(_LAZY))\n"
    frames = [(pinit, "__getattr__", "return getattr(sys.modules[__name__], name)")] * 2
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests now that the package imports lazily.",
            ctx.test_file,
            [
                Fail(
                    f"test_{ctx.stem}_public_api",
                    f"TypeError: the 'package' argument is required to perform a relative import for '.{mod}'",
                    f"from {pkg} import {cls}",
                    [(pinit, "__getattr__", "module = importlib.import_module(_LAZY[name])")],
                ),
                Fail(
                    f"test_{ctx.stem}_doctest",
                    "RecursionError: maximum recursion depth exceeded",
                    f"doctest.DocTestFinder().find({pkg})",
                    frames,
                ),
            ],
        ),
        Step("Let me read the __getattr__.", f"cat {pinit}", body),
        Step(
            "Two bugs: the relative module name needs the package as anchor, and unknown names call getattr on the module again, which comes straight back into __getattr__ (doctest and inspect probe attributes like __wrapped__). Unknown names must raise AttributeError. While at it, cache resolved values and list the lazy names in dir().",
            f"cat > {pinit} <<'EOF'\n{fixed}EOF",
            "",
        ),
    ]
    if rng.random() < 0.5:
        listed = sorted([cls, helper])
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                ctx.test_file,
                [
                    Fail(
                        f"test_{ctx.stem}_star_import",
                        f"AssertionError: assert [] == {listed!r}",
                        f"assert sorted(getattr({pkg}, '__all__', [])) == {listed!r}",
                    )
                ],
            ),
            Step(
                "The star-import test wants __all__ too; the lazy names are the public ones.",
                py_edit(pinit, "_LAZY = {", f"__all__ = ['{cls}', '{helper}']\n\n_LAZY = {{"),
                "patched",
            ),
        ]
    steps += [
        Step(
            "Check the attributes by hand.",
            f"python -c \"import {pkg}; print({pkg}.{cls}); print(hasattr({pkg}, '__wrapped__')); print('{cls}' in dir({pkg}))\"",
            f"<class '{pkg}.{mod}.{cls}'>\nFalse\nTrue",
        ),
        green(ctx, rng, "Run the tests."),
    ]
    return steps


def registry_populated_on_import(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Lookups fail with an empty registry; the plugin modules found never imported; maybe a cycle from importing them at the top; imported after the registry is defined."""
    a, adot, kind, names = ctx.source, ctx.dotted, ctx.kind, ctx.plugin_names
    sub, subdot = f"{ctx.pkgdir}/{kind}s", f"{ctx.pkg}.{kind}s"
    up = "" if a.endswith("__init__.py") else ctx.modname
    reg, get = f"register_{kind}", f"get_{kind}"
    name = rng.choice(names)
    fail = Fail(
        f"test_{ctx.stem}_lookup",
        f"ValueError: Unknown {kind} '{name}'. Available {kind}s: []",
        f"cls = {get}({name!r})",
        [
            (
                get,
                f"raise ValueError('Unknown %s %r. Available %ss: %s' % ('{kind}', name, '{kind}', sorted(_{kind}s))) from None",
            )
        ],
    )
    imports = f"from .{kind}s import {', '.join(names)}  # noqa: E402,F401  (importing them registers them)"
    first_line = rng.choice(['"""', "import functools", "from collections import defaultdict", "import re"])
    top_line = imports.replace("  # noqa: E402,F401", "  # noqa: F401")
    steps = [
        test_step(ctx, rng, f"Let me run the {kind} registry tests.", ctx.test_file, [fail]),
        Step(
            f"Let me see how a built-in {kind} registers.",
            f"head -8 {sub}/{name}.py",
            f"from ..{up} import {reg}\n\n\n@{reg}({name!r})\nclass {name.title().replace('_', '')}{kind.title()}:\n    name = {name!r}\n",
        ),
        Step(
            f"Registration happens when the module is imported. Is anything importing the {kind} modules?",
            f"python -c \"import sys, {adot}; print(sorted(m for m in sys.modules if m.startswith('{subdot}')))\"",
            "[]",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                f"Nothing imports them. Import them at the top of {ctx.modname}.py.",
                f"sed -i '1i {top_line}' {a} && head -2 {a}",
                f"{top_line}\n{first_line}",
            ),
            import_fail(
                ctx,
                rng,
                "Rerun.",
                [
                    (a, "<module>", imports.split("  #")[0]),
                    (f"{sub}/{names[0]}.py", "<module>", f"from ..{up} import {reg}"),
                ],
                partial(adot, reg, a),
            ),
            Step(
                f"The {kind} modules import {reg} back from {ctx.stem}, so they have to be imported after it is defined: at the bottom of the module. Drop the line at the top.",
                f"sed -i '1d' {a} && head -1 {a}",
                first_line,
            ),
        ]
    steps += [
        Step(
            f"Import the built-in {kind}s at the end of {ctx.modname}.py, once the registry and {reg} exist.",
            f"printf '\\n\\n{imports}\\n' >> {a} && tail -2 {a}",
            imports,
        ),
        Step("Check the registry.", f'python -c "import {adot} as m; print(sorted(m._{kind}s))"', repr(sorted(names))),
        green(ctx, rng, "Run the registry tests."),
    ]
    return steps
