# ruff: noqa: E501
"""Loop family on Optional: a parent annotated Optional, and every way of narrowing it either misses a use or breaks the root case."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.testrun import Fail, test_step
from heldout62.text import Attempt, Ctx, Diag, mypy_step, numbered, pyright_step

_MEMBERS = ("name", "options", "get_children", "priority", "label", "path")


def optional_narrowing_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`parent` annotated Optional: guards, asserts, casts, ignores and a non-Optional annotation each trade errors for others, or for a failing root case."""
    src, f, base = ctx.source, ctx.func, ctx.base
    opt = ctx.opt(base)
    node = f"{ctx.cls}Node"
    body = f"def {f}(node: {node}) -> str:\n    label = node.parent.name if node.parent else ''\n    handlers = sorted(node.handlers, key=lambda h: node.parent.priority)\n    for child in node.parent.get_children():\n        label += child.label\n    match = _LABEL_RE.match(label)\n    return match.group(1)\n"
    other = ctx.other(rng)
    lines = {m: rng.randint(30, 700) for m in _MEMBERS}

    def union(member: str) -> Diag:
        return Diag(
            lines[member] + rng.choice([0, 0, 1, 2]),
            f'Item "None" of "{opt}" has no attribute "{member}"',
            "union-attr",
        )

    pool = {
        "lambda": lambda: union("priority"),
        "children": lambda: union("get_children"),
        "options": lambda: union("options"),
        "path": lambda: Diag(
            rng.randint(20, 800), f'Item "None" of "{opt}" has no attribute "path"', "union-attr", (), other
        ),
        "match": lambda: Diag(
            rng.randint(30, 700), f'Item "None" of "{ctx.opt("Match[str]")}" has no attribute "group"', "union-attr"
        ),
        "return": lambda: Diag(
            rng.randint(30, 700),
            f'Incompatible return value type (got "{ctx.opt("str")}", expected "str")',
            "return-value",
        ),
        "arg": lambda: Diag(
            rng.randint(20, 800),
            f'Argument 1 to "{f}" has incompatible type "{ctx.opt(node)}"; expected "{node}"',
            "arg-type",
            (),
            other,
        ),
        "default": lambda: Diag(
            rng.randint(20, 300),
            f'Incompatible default for argument "parent" (default has type "None", argument has type "{base}")',
            "assignment",
            (
                "PEP 484 prohibits implicit Optional. Accordingly, mypy has changed its default to no_implicit_optional=True",
                "Use https://github.com/hauntsaninja/no_implicit_optional to automatically upgrade your codebase",
            ),
        ),
        "assign": lambda: Diag(
            rng.randint(20, 800),
            f'Incompatible types in assignment (expression has type "None", variable has type "{base}")',
            "assignment",
            (),
            ctx.other(rng),
        ),
        "unused": lambda: Diag(rng.randint(30, 700), 'Unused "type: ignore" comment', "unused-ignore"),
        "unreachable": lambda: Diag(rng.randint(30, 700), "Statement is unreachable", "unreachable"),
        "cast": lambda: Diag(rng.randint(30, 700), f'Redundant cast to "{base}"', "redundant-cast"),
    }

    def run(thought: str, keys: list[str]) -> Step:
        picked = rng.sample(keys, max(1, len(keys) - rng.randint(0, 2)))
        return mypy_step(ctx, rng, thought, [pool[k]() for k in picked])

    def root_fails(thought: str, error: str, frame: str, want: str = "") -> Step:
        case = ctx.case(rng, ["root", "orphan", "detached", "no_parent", "top_level"])
        return test_step(
            ctx,
            rng,
            thought,
            ctx.test_file,
            [
                Fail(case, error, f"assert {f}(root) == {want!r}", [])
                if want
                else Fail(case, error, f"label = {f}(root)", [(f, frame)])
            ],
            rng.choice(["", " -x", " -q"]),
        )

    def guard(k: int) -> list[Step]:
        return [
            Step(
                "Wrap the uses of node.parent in an explicit `is not None` check.",
                edit(rng, src, "    handlers = sorted(", "    if node.parent is not None:\n        handlers = sorted("),
                "patched",
            ),
            run("Rerun mypy.", ["lambda", "children", "match", "path"]),
        ]

    def local(k: int) -> list[Step]:
        return [
            Step(
                "mypy doesn't keep the narrowing of an attribute inside the lambda. Bind it to a local first.",
                edit(rng, src, "key=lambda h: node.parent.priority", "key=lambda h: parent.priority")
                + f"\nsed -i 's/^    handlers = sorted(/    parent = node.parent\\n    handlers = sorted(/' {src}",
                "patched",
            ),
            run("Check.", ["lambda", "children", "match", "return"]),
        ]

    def asserts(k: int) -> list[Step]:
        return [
            Step(
                "The parent is always set by the time this runs; assert it.",
                edit(
                    rng,
                    src,
                    f"def {f}(node: {node}) -> str:\n",
                    f"def {f}(node: {node}) -> str:\n    assert node.parent is not None\n",
                ),
                "patched",
            ),
            run("mypy.", ["match", "unreachable", "path"]),
            root_fails("And the tests.", "AssertionError", "assert node.parent is not None"),
        ]

    def casts(k: int) -> list[Step]:
        return [
            Step(
                f"Cast node.parent to {base} where it is used; the None case is handled earlier by the caller.",
                edit(rng, src, "node.parent.", f"cast({base}, node.parent).", None),
                "patched",
            ),
            run("Rerun mypy.", ["cast", "match", "arg", "path"]),
            root_fails(
                "Run the tests.",
                f"AttributeError: 'NoneType' object has no attribute '{rng.choice(['get_children', 'priority'])}'",
                f"for child in cast({base}, node.parent).get_children():",
            ),
        ]

    def ignores(k: int) -> list[Step]:
        return [
            Step(
                "Suppress the union-attr errors on these lines; the code handles None at runtime.",
                f"sed -i -e '/node.parent.priority/s/$/  # type: ignore[union-attr]/' -e '/node.parent.get_children/s/$/  # type: ignore[union-attr]/' -e '/match.group/s/$/  # type: ignore/' {src}",
                "",
            ),
            run("Rerun.", ["unused", "unused", "path", "arg", "return"]),
        ]

    def not_optional(k: int) -> list[Step]:
        return [
            Step(
                f"Simplest is for parent not to be Optional at all: annotate it as {base}.",
                edit(rng, src, f"parent: {opt}", f"parent: {base}", None),
                "patched",
            ),
            run("mypy again.", ["default", "assign", "assign", "assign", "arg", "match"]),
        ]

    def early_return(k: int) -> list[Step]:
        want = rng.choice(["root", "index", "top", ctx.stem])
        return [
            Step(
                "Return early when there is no parent, then everything below is narrowed.",
                edit(
                    rng,
                    src,
                    f"def {f}(node: {node}) -> str:\n",
                    f"def {f}(node: {node}) -> str:\n    if node.parent is None:\n        return ''\n",
                ),
                "patched",
            ),
            root_fails("Run the tests for the root case.", f"AssertionError: assert '' == {want!r}", "", want),
            run("And mypy.", ["match", "return", "path"]),
        ]

    def second_opinion(k: int) -> list[Step]:
        items = [
            (lines[m] + rng.choice([0, 1]), f'"{m}" is not a known attribute of "None"', "reportOptionalMemberAccess")
            for m in rng.sample(_MEMBERS, rng.randint(2, 5))
        ]
        items.append((rng.randint(30, 700), '"group" is not a known attribute of "None"', "reportOptionalMemberAccess"))
        return [
            pyright_step(ctx, rng, "Let me see whether pyright agrees with mypy about which uses are unsafe.", items)
        ]

    def no_strict(k: int) -> list[Step]:
        return [
            Step(
                "How many of these are purely strict-optional? Check with it switched off.",
                f"mypy --no-strict-optional {src}",
                "Success: no issues found in 1 source file",
                seconds=rng.uniform(3, 20),
            ),
            run(
                "All of them, but the project checks with strict optional on, so that doesn't help. Back to the normal run.",
                ["lambda", "children", "match", "return", "path"],
            ),
        ]

    first = [
        run(
            f"Now that {node}.parent is annotated {opt}, let me type-check.",
            ["lambda", "children", "options", "match", "return"],
        ),
        Step(f"Let me read {f}.", f"grep -n -A8 'def {f}' {src}", numbered(ctx.func_line, body)),
    ]
    attempts: list[Attempt] = [
        guard,
        local,
        asserts,
        casts,
        ignores,
        not_optional,
        early_return,
        second_opinion,
        no_strict,
    ]
    return churn(ctx, rng, n, first, attempts, f"the Optional errors around {node}.parent", body)
