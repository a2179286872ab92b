# ruff: noqa: E501
"""Productive look-alikes: the same type checker trouble met once or twice, its cause read, and mypy (and the tests) clean."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.testrun import clean, green
from heldout62.text import VARIANCE, Ctx, Diag, mypy_step, py_edit


def sequence_param_accepted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Invariance errors at two call sites; the helper only reads its argument, so it takes a Sequence; mypy clean."""
    src, f, base, sub = ctx.source, ctx.func, ctx.base, ctx.sub
    callers = [ctx.other(rng), ctx.other(rng)]
    arg = [
        Diag(
            rng.randint(20, 800),
            f'Argument 1 to "{f}" has incompatible type "{ctx.lst(sub)}"; expected "{ctx.lst(base)}"',
            "arg-type",
            VARIANCE,
            c,
        )
        for c in callers
    ]
    line = ctx.func_line
    steps = [
        mypy_step(ctx, rng, "Let me type-check the helper I annotated.", arg, 0, "plain"),
        Step(
            f"Does {f} modify its argument?",
            f"sed -n '{line},{line + 6}p' {src}",
            f"def {f}(items: {ctx.lst(base)}) -> {ctx.lst(base)}:\n    return [item for item in items if item is not None]\n",
        ),
        Step(
            "It only iterates, so a read-only Sequence is the honest type, and it is covariant.",
            py_edit(src, f"def {f}(items: {ctx.lst(base)})", f"def {f}(items: Sequence[{base}])"),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            mypy_step(
                ctx,
                rng,
                "Rerun mypy.",
                [
                    Diag(
                        rng.randint(3, 30),
                        'Name "Sequence" is not defined',
                        "name-defined",
                        ('Did you forget to import it from "typing"? (Suggestion: "from typing import Sequence")',),
                    )
                ],
                0,
                "plain",
            ),
            Step(
                "Import it.",
                f"sed -n '1,15p' {src} | grep -n '^from typing'",
                f"{rng.randint(3, 12)}:from typing import Any, Optional",
            ),
            Step(
                "Add Sequence to that import.",
                py_edit(src, "from typing import Any, Optional", "from typing import Any, Optional, Sequence"),
                "patched",
            ),
        ]
    steps += [clean(ctx, rng, "Check again."), green(ctx, rng, "And the tests.")]
    return steps


def protocol_signature_matched(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One implementation conflicts with the Protocol (no `strict` keyword), maybe one lacks `name`; both added; mypy clean."""
    f = ctx.func
    proto, impl = f"Supports{ctx.cls}Render", f"Legacy{ctx.cls}Renderer"
    where = ctx.other(rng)
    conflict = Diag(
        rng.randint(20, 800),
        f'Argument 1 to "{f}" has incompatible type "{impl}"; expected "{proto}"',
        "arg-type",
        (
            f'Following member(s) of "{impl}" have conflicts:',
            "    Expected:",
            "        def render(self, value: object, *, strict: bool = ...) -> str",
            "    Got:",
            "        def render(self, value: object) -> str",
        ),
        where,
    )
    line = rng.randint(30, 600)
    steps = [
        mypy_step(ctx, rng, f"Let me run mypy now that {f} takes a {proto}.", [conflict], rng.choice([0, 0, 1])),
        Step(
            f"Let me look at {impl}.render.",
            f"grep -n -A4 'class {impl}' {where}",
            f"{line}:class {impl}:\n{line + 1}-    def render(self, value: object) -> str:\n{line + 2}-        return str(value)\n",
        ),
        Step(
            "It never accepted `strict`, but the function passes strict=True. It should take the keyword (and can ignore it, it has no strict mode).",
            py_edit(
                where,
                "    def render(self, value: object) -> str:",
                "    def render(self, value: object, *, strict: bool = False) -> str:",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            mypy_step(
                ctx,
                rng,
                "Rerun.",
                [
                    Diag(
                        conflict.line,
                        f'Argument 1 to "{f}" has incompatible type "{impl}"; expected "{proto}"',
                        "arg-type",
                        (f'"{impl}" is missing following "{proto}" protocol member:', "    name"),
                        where,
                    )
                ],
                0,
                "plain",
            ),
            Step(
                "It also has no `name`. The other renderers use a class attribute.",
                py_edit(where, f"class {impl}:\n", f"class {impl}:\n    name = {ctx.stem + '-legacy'!r}\n\n"),
                "patched",
            ),
        ]
    steps += [clean(ctx, rng, "mypy again."), green(ctx, rng, "Run the renderer tests.")]
    return steps


def overload_split_disjoint(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Overloads overlap because str is a Sequence[str]; the second narrowed to list/tuple; the implementation widened once; clean."""
    src, f = ctx.source, ctx.func
    ls = ctx.lst("str")
    code = "misc" if ctx.mypy_version.startswith("1.4") else "overload-overlap"
    alt = f"Union[{ls}, {'tuple' if ctx.lowercase else 'Tuple'}[str, ...]]"
    line = ctx.func_line
    steps = [
        mypy_step(
            ctx,
            rng,
            f"Let me check the overloads I added to {f}.",
            [Diag(line + 1, "Overloaded function signatures 1 and 2 overlap with incompatible return types", code)],
            0,
        ),
        Step(
            "Let me view them.",
            f"sed -n '{line},{line + 8}p' {src}",
            f"@overload\ndef {f}(value: str) -> str: ...\n@overload\ndef {f}(value: Sequence[str]) -> {ls}: ...\ndef {f}(value: Union[str, Sequence[str]]) -> Union[str, {ls}]:\n    if isinstance(value, str):\n        return value.strip()\n    return [v.strip() for v in value]\n",
        ),
        Step(
            "A str is itself a Sequence[str], so a str matches both with different returns. The callers only pass lists or tuples; say that.",
            py_edit(src, f"def {f}(value: Sequence[str]) -> {ls}: ...", f"def {f}(value: {alt}) -> {ls}: ..."),
            "patched",
        ),
    ]
    if rng.random() < 0.6:
        caller, at = ctx.other(rng), rng.randint(30, 700)
        variants = (
            "Possible overload variants:",
            f"    def {f}(value: str) -> str",
            f"    def {f}(value: {alt}) -> {ls}",
        )
        steps += [
            mypy_step(
                ctx,
                rng,
                "Rerun.",
                [
                    Diag(
                        at,
                        f'No overload variant of "{f}" matches argument type "Sequence[str]"',
                        "call-overload",
                        variants,
                        caller,
                    )
                ],
                0,
                "plain",
            ),
            Step(
                "One caller passes something typed as a plain Sequence. Let me look.",
                f"sed -n '{at - 2},{at}p' {caller}",
                f"        # names are collected as a tuple in __init__\n        self._names: Sequence[str] = tuple(names)\n        labels = {f}(self._names)",
            ),
            Step(
                "It is always a tuple; the attribute's annotation is just looser than its value. Declare it as the tuple it is.",
                py_edit(
                    caller,
                    "self._names: Sequence[str] = tuple(names)",
                    f"self._names: {'tuple' if ctx.lowercase else 'Tuple'}[str, ...] = tuple(names)",
                ),
                "patched",
            ),
        ]
    steps += [clean(ctx, rng, "Check mypy."), green(ctx, rng, "And the tests.")]
    if rng.random() < 0.4:
        steps.append(
            Step(
                "Quick runtime check of both forms.",
                f"python -c \"from {ctx.dotted} import {f}; print(repr({f}(' a ')), {f}([' b', 'c ']))\"",
                "'a' ['b', 'c']",
            )
        )
    return steps
