# ruff: noqa: E501
"""Productive look-alikes: Optional narrowed, missing stubs and union spellings across Pythons met once or twice, then clean."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.testrun import Fail, clean, green, test_step
from heldout62.text import Ctx, Diag, mypy_step, numbered, py_edit


def none_guard_early_return(ctx: Ctx, rng: random.Random) -> list[Step]:
    """union-attr errors on an Optional parent; the root's test expects an empty label; an early return; clean and green."""
    src, f = ctx.source, ctx.func
    node, opt = f"{ctx.cls}Node", ctx.opt(ctx.base)
    line = ctx.func_line
    errs = [
        Diag(line + k, f'Item "None" of "{opt}" has no attribute "{m}"', "union-attr")
        for k, m in ((2, "name"), (3, "priority"), (4, "get_children"))
    ]
    case = ctx.case(rng, ["root", "no_parent", "top_level"])
    steps = [
        mypy_step(
            ctx,
            rng,
            f"{node}.parent is Optional now; let me type-check.",
            rng.sample(errs, rng.randint(2, 3)),
            rng.choice([0, 1]),
        ),
        Step(
            "What should the label be for a node without a parent?",
            f"grep -n -A5 'def {case}' {ctx.test_file}",
            numbered(
                rng.randint(20, 400),
                f"    def {case}(self):\n        root = {node}('root')\n        self.assertEqual({f}(root), '')\n",
            )
            if ctx.django
            else numbered(
                rng.randint(20, 400), f"def {case}():\n    root = {node}('root')\n    assert {f}(root) == ''\n"
            ),
        ),
        Step(
            "Empty for the root, as the test says. Return early when there is no parent; the rest of the function is then narrowed.",
            py_edit(
                src,
                f"def {f}(node: {node}) -> str:\n",
                f"def {f}(node: {node}) -> str:\n    if node.parent is None:\n        return ''\n    parent = node.parent\n",
            )
            + f"\nsed -i '{line + 3},{line + 9}s/node\\.parent\\./parent./g' {src}",
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            mypy_step(
                ctx,
                rng,
                "Rerun mypy.",
                [Diag(line + 6, f'Item "None" of "{ctx.opt("Match[str]")}" has no attribute "group"', "union-attr")],
                0,
                "plain",
            ),
            Step(
                "The regex can fail to match too; then the label is just the joined text.",
                py_edit(src, "    return match.group(1)\n", "    return match.group(1) if match else label\n"),
                "patched",
            ),
        ]
    steps += [clean(ctx, rng, "Check."), green(ctx, rng, "Run the tests, including the root case.")]
    return steps


def stubs_resolved_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Missing stubs: installed when they exist, else the override put in the config mypy reads; one real error then fixed."""
    src = ctx.source
    typed = [m for m in ctx.stubs if m[1]]
    code = "import" if ctx.mypy_version.startswith("1.4") else "import-untyped"
    note = "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports"
    anyret = Diag(
        ctx.func_line + rng.randint(2, 6),
        f'Returning Any from function declared to return "{ctx.dct("str", "Any")}"',
        "no-any-return",
    )
    if typed and rng.random() < 0.6:
        mod, hint = rng.choice(typed)
        steps = [
            mypy_step(
                ctx,
                rng,
                "Let me type-check my change.",
                [
                    Diag(
                        rng.randint(1, 25),
                        f'Library stubs not installed for "{mod}"',
                        code,
                        (
                            f'Hint: "python3 -m pip install {hint}"',
                            '(or run "mypy --install-types" to install all missing stub packages)',
                            note,
                        ),
                    )
                ],
                0,
            ),
            Step(
                "Install the stubs mypy names.",
                f"pip install {hint}",
                f"Collecting {hint}\n  Downloading {str(hint).replace('-', '_')}-{rng.choice(['6.0.12', '2.9.0', '0.10.8'])}.{rng.choice(['20240917', '20241003'])}-py3-none-any.whl ({rng.randint(12, 90)} kB)\nInstalling collected packages: {hint}\nSuccessfully installed {hint}",
                seconds=rng.uniform(2, 9),
            ),
        ]
    else:
        mod = rng.choice([m for m in ctx.stubs if not m[1]] or ctx.stubs)[0]
        found = ctx.config
        section = (
            f"\n[mypy-{mod}.*]\nignore_missing_imports = True\n"
            if found == "setup.cfg"
            else f'\n[[tool.mypy.overrides]]\nmodule = ["{mod}.*"]\nignore_missing_imports = true\n'
        )
        steps = [
            mypy_step(
                ctx,
                rng,
                "Let me type-check my change.",
                [
                    Diag(
                        rng.randint(1, 25),
                        f'Skipping analyzing "{mod}": module is installed, but missing library stubs or py.typed marker',
                        code,
                        (note,),
                    )
                ],
                0,
            ),
            Step(
                f"{mod} ships no types and there is no stub package. Which config file does mypy read here?",
                f"mypy --verbose {src} 2>&1 | grep -m2 -i 'config\\|version'",
                f"LOG:  Mypy Version:           {ctx.mypy_version}\nLOG:  Config File:            {found}",
            ),
            Step(
                f"Add a per-module override for {mod} in {found}, like the others there.",
                f"cat >> {found} <<'EOF'\n{section}EOF",
                "",
            ),
        ]
    steps.append(mypy_step(ctx, rng, "Rerun.", [anyret], 0, "plain"))
    steps += [
        Step(
            "The loader returns Any; annotate the local so the function's return type is checked against something.",
            py_edit(
                src,
                f"    return {mod}.load(value) or dict()",
                f"    data: {ctx.dct('str', 'Any')} = {mod}.load(value) or dict()\n    return data",
            )
            + f"\nsed -n '{anyret.line - 1},{anyret.line + 1}p' {src}",
            f"patched\n    data: {ctx.dct('str', 'Any')} = {mod}.load(value) or dict()\n    return data",
        ),
        clean(ctx, rng, "And mypy once more."),
    ]
    if rng.random() < 0.5:
        steps.append(green(ctx, rng, "Tests too."))
    return steps


def union_origin_both_handled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The coercion helper fails on this Python's union spelling; both Union forms handled, checked under two interpreters; green."""
    src, f = ctx.source, ctx.func
    old = ctx.python in ("3.8", "3.9")
    case = ctx.case(rng, ["optional", "pep604", "none_value"])
    err = (
        "TypeError: unsupported operand type(s) for |: 'type' and 'NoneType'"
        if old
        else "TypeError: 'types.UnionType' object is not callable"
    )
    py2, v2 = ("/usr/bin/python3", "3.10.12") if ctx.python != "3.10" else ("/opt/miniconda3/bin/python3", "3.11.5")
    steps = [
        test_step(
            ctx,
            rng,
            "Run the tests for the coercion helper.",
            ctx.test_file,
            [
                Fail(
                    case,
                    err,
                    f"result = {f}(Options, data)",
                    [(f, "hints = get_type_hints(cls)" if old else "out[name] = hint(value)")],
                )
            ],
        )
    ]
    if old:
        steps += [
            Step(
                f"Python {ctx.python} can't evaluate `int | None` from a string annotation. Where did I write that?",
                f"grep -n ' | None' {src}",
                f"{rng.randint(20, 300)}:    timeout: int | None = None\n{rng.randint(301, 600)}:    retries: int | None = None",
            ),
            Step(
                "Those are mine; the project still supports this Python, so use Optional.",
                f"sed -i -E 's/: int \\| None = None/: Optional[int] = None/' {src} && grep -c 'Optional\\[int\\]' {src}",
                "2",
            ),
        ]
    steps += [
        Step(
            "And get_origin gives types.UnionType for `X | None` on 3.10+, which `is Union` misses. Accept both, where the type exists.",
            py_edit(src, "if get_origin(hint) is Union:", "if get_origin(hint) in _UNION_TYPES:")
            + f"\nsed -i 's/^import types$/import types\\n\\n_UNION_TYPES = (Union, getattr(types, \"UnionType\", Union))/' {src} && grep -n '_UNION_TYPES' {src}",
            f'{rng.randint(8, 30)}:_UNION_TYPES = (Union, getattr(types, "UnionType", Union))\n{rng.randint(40, 400)}:        if get_origin(hint) in _UNION_TYPES:',
        ),
        Step(
            f"Check the union handling under both interpreters with a standalone copy of the logic ({py2} can't import the package's dependencies).",
            f"cat > /tmp/union_check.py <<'EOF'\nimport sys, types, typing\nU = (typing.Union, getattr(types, 'UnionType', typing.Union))\nprint(sys.version.split()[0], typing.get_origin(typing.Optional[int]) in U, (typing.get_origin(eval('int | None')) in U) if sys.version_info >= (3, 10) else 'n/a')\nEOF\nfor py in python {py2}; do $py /tmp/union_check.py; done",
            f"{ctx.python_full} True {'n/a' if old else 'True'}\n{v2} True True",
        ),
        green(ctx, rng, "Run the tests again."),
    ]
    return steps
