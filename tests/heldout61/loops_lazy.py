# ruff: noqa: E501
"""Loop family on lazy imports: a package __init__ made lazy with a module __getattr__."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step, traceback
from heldout61.text import Attempt, Ctx, Fail, partial, py_edit


def module_getattr_lazy_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A package __init__ made lazy with a module __getattr__: recursion, relative imports, dir() and __all__ each in turn."""
    pinit, pkg, cls, helper = f"{ctx.pkgdir}/__init__.py", ctx.pkg, ctx.cls, ctx.helper
    mod = ctx.modname if not ctx.source.endswith("__init__.py") else ctx.sib
    body = f"import importlib\nimport sys\n\n_LAZY = {{\n    '{cls}': '.{mod}',\n    '{helper}': '.{ctx.sib}',\n}}\n\n\ndef __getattr__(name):\n    if name in _LAZY:\n        module = importlib.import_module(_LAZY[name])\n        return getattr(module, name)\n    return getattr(sys.modules[__name__], name)\n"
    cases = ("public_api", "lazy_import", "dir", "star_import", "pickle", "mock_patch", "doctest")
    lazy_frames = [(pinit, "__getattr__", "return getattr(sys.modules[__name__], name)")]
    importing = [(pinit, "__getattr__", "module = importlib.import_module(_LAZY[name])")]

    def recursion(code: str) -> Fail:
        return Fail(
            ctx.case(rng, cases),
            rng.choice(
                [
                    "RecursionError: maximum recursion depth exceeded",
                    "RecursionError: maximum recursion depth exceeded while calling a Python object",
                ]
            ),
            code,
            lazy_frames * 2,
        )

    def errors(kind: str) -> Fail:
        name = ctx.case(rng, cases)
        listed = sorted(rng.sample([cls, helper, f"{cls}Error", "register", "DEFAULTS", "get_default"], 3))
        dropped = rng.choice(listed)
        shown = [x for x in listed if x != dropped]
        found = {
            "relative": Fail(
                name,
                f"TypeError: the 'package' argument is required to perform a relative import for '.{mod}'",
                f"from {pkg} import {cls}",
                importing,
            ),
            "recursion": recursion(
                rng.choice(
                    [
                        f"assert inspect.unwrap({pkg}) is {pkg}",
                        f"assert not hasattr({pkg}, '__wrapped__')",
                        f"doctest.DocTestFinder().find({pkg})",
                    ]
                )
            ),
            "cannot": Fail(
                name,
                f"ImportError: cannot import name '{helper}' from '{pkg}' (/testbed/{pinit})",
                f"from {pkg} import {helper}",
            ),
            "noattr": Fail(
                name,
                f"AttributeError: module '{pkg}' has no attribute '{rng.choice([cls, helper])}'",
                f"{pkg}.{rng.choice([cls, helper])}",
                [(pinit, "__getattr__", "raise AttributeError('module %r has no attribute %r' % (__name__, name))")],
            ),
            "dir": Fail(
                name,
                f"AssertionError: assert {shown!r} == {listed!r}",
                f"assert sorted(n for n in dir({pkg}) if not n.startswith('_')) == sorted({pkg}.__all__)",
            ),
            "pickle": Fail(
                name,
                f"_pickle.PicklingError: Can't pickle <class '{pkg}.{mod}.{cls}'>: it's not the same object as {pkg}.{mod}.{cls}",
                "pickle.dumps(obj)",
            ),
            "cycle": Fail(
                name,
                partial(pkg, cls, pinit),
                f"from {pkg} import {cls}",
                [(pinit, "<module>", f"from .{mod} import {cls}")],
            ),
            "mock": Fail(
                name,
                f"AttributeError: <module '{pkg}' from '/testbed/{pinit}'> does not have the attribute '{helper}'",
                f"with mock.patch('{pkg}.{helper}'):",
            ),
        }
        return found[kind]

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (errors(k) for k in kinds)}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", ctx.test_file, f"{ctx.test_file}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q"]),
        )

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                (
                    "importlib.import_module(_LAZY[name])",
                    "importlib.import_module(_LAZY[name], __name__)",
                    "pass the package so the relative import resolves",
                    ["recursion", "noattr"],
                ),
                (
                    "    return getattr(sys.modules[__name__], name)",
                    "    raise AttributeError('module %r has no attribute %r' % (__name__, name))",
                    "raise AttributeError for unknown names instead of looking them up again",
                    ["cannot", "dir"],
                ),
                (
                    "        return getattr(module, name)",
                    "        value = getattr(module, name)\n        globals()[name] = value\n        return value",
                    "cache the resolved attribute in the module globals",
                    ["pickle", "mock"],
                ),
                (
                    "def __getattr__(name):",
                    "def __dir__():\n    return sorted(list(globals()) + list(_LAZY))\n\n\ndef __getattr__(name):",
                    "add a module __dir__ listing the lazy names",
                    ["dir", "mock"],
                ),
                (
                    f"    '{helper}': '.{ctx.sib}',",
                    f"    '{helper}': '.{ctx.third}',",
                    f"point {helper} at {ctx.third}, where it is defined now",
                    ["noattr", "cannot"],
                ),
                (
                    "_LAZY = {",
                    f"__all__ = ['{cls}', '{helper}']\n\n_LAZY = {{",
                    "declare __all__ for the lazy names",
                    ["dir", "recursion"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(pinit, old, new), "patched"),
            run("Rerun the tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def eager(k: int) -> list[Step]:
        return [
            Step(
                f"Maybe the lazy loading isn't worth it. Go back to plain imports in {pinit} and see what breaks.",
                f"cat > {pinit} <<'EOF'\nfrom .{mod} import {cls}\nfrom .{ctx.sib} import {helper}\n\n__all__ = ['{cls}', '{helper}']\nEOF",
                "",
            ),
            import_fail(
                ctx,
                rng,
                "Run the tests with eager imports.",
                [
                    (pinit, "<module>", f"from .{mod} import {cls}"),
                    (f"{ctx.pkgdir}/{mod}.py", "<module>", f"from . import {helper}"),
                ],
                partial(pkg, helper, pinit),
            ),
            Step(
                "That's the cycle the lazy import was for. Put the lazy __init__ back.",
                f"cat > {pinit} <<'EOF'\n{body}EOF",
                "",
            ),
        ]

    def probe(k: int) -> Step:
        attr = rng.choice([cls, helper, "__wrapped__", "__path__", "missing"])
        outcome = rng.choice(["value", "recursion", "type"])
        if attr == "__path__":
            out, rc = f"['/testbed/{ctx.pkgdir}']", 0
        elif outcome == "value" and attr in (cls, helper):
            out, rc = (
                (
                    f"<class '{pkg}.{mod}.{cls}'>"
                    if attr == cls
                    else f"<function {helper} at 0x7f{rng.randrange(16**10):010x}>"
                ),
                0,
            )
        elif outcome == "type" and attr in (cls, helper):
            out, rc = (
                traceback(
                    rng,
                    [(pinit, "__getattr__", "module = importlib.import_module(_LAZY[name])")],
                    f"TypeError: the 'package' argument is required to perform a relative import for '.{mod}'",
                ),
                1,
            )
        else:
            out, rc = (
                traceback(
                    rng,
                    [(pinit, "__getattr__", "return getattr(sys.modules[__name__], name)")] * 3,
                    "RecursionError: maximum recursion depth exceeded",
                ),
                1,
            )
        return Step(
            "Let me poke at the package by hand.",
            f"python -c \"import {pkg}; print(getattr({pkg}, '{attr}'))\"",
            out,
            rc=rc,
        )

    first = [
        run("Let me run the tests after making the package imports lazy.", ["relative", "recursion"]),
        Step("Let me look at the lazy __getattr__.", f"cat {pinit}", body),
    ]
    attempts: list[Attempt] = [
        edit,
        edit,
        edit,
        eager,
        lambda k: [probe(k)],
        lambda k: [
            run(
                "Run just the tests again to see which still fail.",
                rng.sample(["dir", "mock", "pickle", "recursion", "noattr"], 2),
            )
        ],
    ]
    return churn(ctx, rng, n, first, attempts, f"the lazy attribute loading in {pkg}", [pinit], body)
