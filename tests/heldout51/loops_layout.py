# ruff: noqa: E501
"""Loops on laid-out text: table columns whose padding never lines up, unicode pretty-printed art that stays skewed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout51.text import Ctx, churn, differ, flags, one_test, py_edit, test_step

_ROWS = (("alpha", "1.5", "m"), ("b", "12.0", "kg"), ("gamma_long", "-0.25", "s"), ("d", "1000", ""))


def table(
    rows: list[tuple[str, str, str]], extra: int = 0, numbers: str = ">", trail: bool = False, rule: int = 0
) -> str:
    """The rendered table: a header, a rule, the rows; `extra`, `numbers`, `trail` and `rule` are the knobs that drift."""
    head = ("name", "value", "unit")
    widths = [max(len(r[i]) for r in [head, *rows]) + extra for i in range(3)]
    lines = []
    for row in [head, None, *rows]:
        if row is None:
            cells = ["-" * max(1, w + rule) for w in widths]
        else:
            cells = [f"{row[0]:<{widths[0]}}", f"{row[1]:{numbers}{widths[1]}}", f"{row[2]:<{widths[2]}}"]
        line = "  ".join(cells)
        lines.append(line if trail else line.rstrip())
    return "\n".join(lines)


def column_padding_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A table's columns never line up with the expected text: widths, alignment, trailing spaces and rules drift."""
    rows = list(rng.sample(_ROWS, 3))
    expected = table(rows)

    def off() -> str:
        while True:
            got = table(
                rows,
                extra=rng.choice([0, 0, 1, -1]),
                numbers=rng.choice([">", "<", "^"]),
                trail=rng.random() < 0.4,
                rule=rng.choice([0, 0, 1, 2]),
            )
            if got != expected:
                return got

    def failing() -> list[tuple[str, str, list[str]]]:
        return [
            (
                f"test_{ctx.stem}_{rng.choice(['table', 'columns', 'alignment', 'unicode'])}",
                f"{ctx.render}(rows)",
                differ(ctx, off(), expected),
            )
        ]

    first = [test_step(ctx, rng, "Let me run the table rendering tests.", "", failing())]

    def width(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "max(len(c) for c in col)",
                "max(len(c) for c in col) + 1",
                "max(map(len, col))",
                "max(len(str(c)) for c in col)",
                "max(len(c) for c in col[1:])",
                "max(len(c.strip()) for c in col)",
            ],
            2,
        )
        return [
            Step(
                rng.choice(
                    [
                        "The columns are off by one somewhere. Let me change how the width is computed.",
                        f"Maybe the width should be `{new}`.",
                        "The widths are still wrong; adjusting the width computation.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", failing(), flags(ctx, rng)),
        ]

    def align(k: int) -> list[Step]:
        old, new = rng.sample(
            ["cell.ljust(w)", "cell.rjust(w)", "cell.center(w)", "f'{cell:<{w}}'", "f'{cell:>{w}}'"], 2
        )
        return [
            Step(
                "The numbers column looks mis-aligned. Switching the justification.",
                py_edit(ctx.source, old, new, None),
                "patched",
            ),
            one_test(ctx, rng, "Tests.", f"test_{ctx.stem}_table", failing(), flags(ctx, rng)),
        ]

    def trailing(k: int) -> list[Step]:
        strip, thought, command = rng.choice(
            [
                (
                    True,
                    "Maybe the difference is trailing whitespace. Let me strip each line.",
                    py_edit(ctx.source, "lines.append(line)", "lines.append(line.rstrip())"),
                ),
                (
                    False,
                    "Let me stop stripping lines; the expected text may keep the padding.",
                    py_edit(ctx.source, "lines.append(line.rstrip())", "lines.append(line)"),
                ),
                (
                    False,
                    "The expected text keeps the padding; removing the rstrip calls.",
                    f"sed -i 's/\\.rstrip()//' {ctx.source}",
                ),
            ]
        )
        return [
            Step(thought, command, "patched" if command.startswith("python") else ""),
            test_step(ctx, rng, "Again." if strip else "Tests again.", "", failing(), flags(ctx, rng)),
        ]

    def show(k: int) -> list[Step]:
        got = off()
        return [
            Step(
                "Let me print the rendered table with line ends visible.",
                rng.choice(
                    [
                        f'python -c "from {ctx.dotted} import {ctx.render}; print({ctx.render}(ROWS))" | cat -A',
                        f'python -c "from {ctx.dotted} import {ctx.render}; [print(repr(l)) for l in {ctx.render}(ROWS).splitlines()]"',
                    ]
                ),
                "\n".join(line + "$" for line in got.splitlines())
                if rng.random() < 0.5
                else "\n".join(repr(line) for line in got.splitlines()),
            )
        ]

    def wrap(k: int) -> list[Step]:
        w = rng.choice([60, 70, 72, 78, 79, 80])
        return [
            Step(
                f"Perhaps the long names are wrapped. Let me give textwrap a width of {w}.",
                py_edit(ctx.source, "textwrap.fill(text", f"textwrap.fill(text, width={w}"),
                "patched",
            ),
            test_step(ctx, rng, "Tests.", "", failing(), flags(ctx, rng)),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [width, width, align, trailing, show, wrap],
        "the table layout: the columns never line up with the expected text",
    )


def art(num: str, den: str, shift: int = 0, bar: int = 0, parens: bool = False, trail: bool = True) -> str:
    """A unicode fraction with a power, as pretty printers draw it; the knobs move the centring and the rule."""
    width = max(len(num), len(den)) + bar
    power = " " * (num.index(" ") if " " in num else len(num)) + "2"
    rows = [power, num, "─" * width, den]
    rows = [(" " * shift + r) if i != 2 else r for i, r in enumerate(rows)]
    rows = [r.center(width) if i == 3 else r.ljust(width) for i, r in enumerate(rows)]
    if parens:
        edges = [("⎛", "⎞"), ("⎜", "⎟"), ("⎜", "⎟"), ("⎝", "⎠")]
        rows = [f"{a}{r}{b}" for (a, b), r in zip(edges, rows, strict=True)]
    return "\n".join(r if trail else r.rstrip() for r in rows)


_ARTS = (("x  + 1", "y"), ("a  - b", "c + d"), ("sin (x)", "2"), ("t  + 3", "2⋅t"))


def pretty_art_misalignment(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Unicode pretty-printed output stays skewed: the baseline, centring, rule length and brackets shift each edit."""
    num, den = rng.choice(_ARTS)
    parens = rng.random() < 0.5
    expected = art(num, den, parens=parens)

    def skewed() -> str:
        while True:
            got = art(
                num,
                den,
                shift=rng.choice([0, 0, 1, 2]),
                bar=rng.choice([0, 1, 2]),
                parens=parens,
                trail=rng.random() < 0.6,
            )
            if got != expected:
                return got

    def failing() -> list[tuple[str, str, list[str]]]:
        return [
            (
                f"test_{ctx.stem}_{rng.choice(['unicode', 'pretty', 'fraction', 'power'])}",
                f"{ctx.render}(expr, use_unicode=True)",
                differ(ctx, skewed(), expected),
            )
        ]

    first = [test_step(ctx, rng, "Let me run the pretty-printing tests.", "", failing())]

    def centre(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "den.center(width)",
                "den.center(width + 1)",
                "(' ' * ((width - len(den)) // 2) + den).ljust(width)",
                "den.rjust((width + len(den)) // 2).ljust(width)",
            ],
            2,
        )
        return [
            Step(
                rng.choice(
                    [
                        "The denominator is off by a column. Changing how it is centred.",
                        f"Centring with `{new}` instead.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", failing(), flags(ctx, rng)),
        ]

    def baseline(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "baseline = 1",
                "baseline = 2",
                "baseline = num.height()",
                "baseline = num.height() - 1",
                "baseline = (height + 1) // 2",
            ],
            2,
        )
        return [
            Step(
                "The fraction sits a line too high or low relative to the power. Adjusting the baseline.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Tests.", "", failing(), flags(ctx, rng)),
        ]

    def rule(k: int) -> list[Step]:
        old, new = rng.sample(
            ["'─' * width", "'─' * (width + 1)", "'─' * (width + 2)", "'─' * max(num.width(), den.width())"], 2
        )
        return [
            Step("The fraction bar has the wrong length. Let me change it.", py_edit(ctx.source, old, new), "patched"),
            one_test(ctx, rng, "Again.", f"test_{ctx.stem}_unicode", failing(), flags(ctx, rng)),
        ]

    def draw(k: int) -> list[Step]:
        got = skewed()
        return [
            Step(
                "Let me print the art with each line's end marked, to count the columns.",
                f"python -c \"from {ctx.dotted} import {ctx.render}; s = {ctx.render}(EXPR, use_unicode=True); print(s.replace(' ', '·')); print([len(l) for l in s.splitlines()])\"",
                got.replace(" ", "·") + "\n" + str([len(line) for line in got.splitlines()]),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [centre, centre, baseline, rule, draw],
        "the unicode pretty printing: the art is always a column or a line off",
    )
