# ruff: noqa: E501
"""Hard negatives: rendered text that differs once or twice, the difference traced to its cause, the tests going green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout51.loops_layout import art, table
from heldout51.text import Ctx, differ, flags, look, one_test, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], flags(ctx, rng))


def repr_fixed_by_reading_test(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The repr misses its quotes once; the test's expectation is read, `!r` used for the name, the tests pass."""
    want, got = f"{ctx.cls}(name='x', value=1.5)", f"{ctx.cls}(name=x, value=1.5)"
    case = f"test_{ctx.stem}_repr"
    line = rng.randint(30, 600)
    return [
        test_step(
            ctx, rng, "Let me run the tests with the new __repr__.", "", [(case, "repr(obj)", differ(ctx, got, want))]
        ),
        Step(
            f"The quotes around the name are missing. Let me see how {case} builds its expectation.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f'{line}:def {case}():\n{line + 1}-    obj = {ctx.obj}\n{line + 2}-    assert repr(obj) == "{want}"\n{line + 3}-    assert eval(repr(obj)) == obj\n',
        ),
        Step(
            "The repr must round-trip through eval, so every field goes through repr(), not str().",
            py_edit(ctx.source, "name={self.name}, value={self.value}", "name={self.name!r}, value={self.value!r}"),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the tests."),
    ]


def latex_parens_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The LaTeX gets `\\left(` it should not have twice; the precedence check is read and corrected, the tests pass."""
    want, got = r"$\frac{1}{x + 1}$", r"$\frac{1}{\left(x + 1\right)}$"
    case = f"test_{ctx.stem}_latex"
    fail = [(case, "obj._repr_latex_()", differ(ctx, got, want))]
    return [
        test_step(ctx, rng, "Running the LaTeX tests.", "", fail),
        Step(
            "A fraction's denominator never needs parentheses. Let me try printing the denominator without parenthesize().",
            py_edit(ctx.source, "den = self.parenthesize(expr.den, PRECEDENCE['Mul'])", "den = self._print(expr.den)"),
            "patched",
        ),
        one_test(ctx, rng, "Rerunning.", case, fail),
        Step(
            "Same output, so that line is not the one used. Let me find where fractions are printed.",
            f"grep -n 'frac' {ctx.source}",
            f"{rng.randint(100, 400)}:        den = self.parenthesize(expr.den, PRECEDENCE['Mul'])\n{rng.randint(400, 800)}:            return r'\\frac{{%s}}{{%s}}' % (num, self._print_grouped(den))\n",
        ),
        Step(
            "The second path wraps the denominator again in _print_grouped. The braces of \\frac already group it.",
            py_edit(ctx.source, "self._print_grouped(den)", "self._print(den)"),
            "patched",
        ),
        _green(ctx, rng, "The LaTeX tests again."),
    ]


def digits_rounded_half_up(ctx: Ctx, rng: random.Random) -> list[Step]:
    """2.675 prints as 2.67 twice; the float's real value is printed, Decimal from its str rounds half up, the tests pass."""
    case = f"test_{ctx.stem}_rounding"
    fail = [(case, f"str({ctx.cls}('x', value=2.675))", differ(ctx, f"{ctx.cls}: x = 2.67", f"{ctx.cls}: x = 2.68"))]
    return [
        test_step(ctx, rng, "Running the formatting tests.", "", fail),
        Step(
            "Maybe round() before formatting gives the expected digits.",
            py_edit(ctx.source, "text = f'{value:.2f}'", "text = f'{round(value, 2):.2f}'"),
            "patched",
        ),
        one_test(ctx, rng, "Rerunning.", case, fail),
        Step(
            "Still 2.67. Let me look at the float's exact value.",
            'python -c "from decimal import Decimal; print(Decimal(2.675)); print(round(2.675, 2))"',
            "2.67499999999999982236431605997495353221893310546875\n2.67",
        ),
        Step(
            "2.675 is stored just below the half, so binary rounding is right and the test wants decimal rounding of the shown value. Rounding Decimal(str(value)) half up does that.",
            py_edit(
                ctx.source,
                "text = f'{round(value, 2):.2f}'",
                "text = str(Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP))",
            ),
            "patched",
        ),
        Step(
            "And the import.",
            py_edit(ctx.source, "import ", "from decimal import ROUND_HALF_UP, Decimal\nimport "),
            "patched",
        ),
        _green(ctx, rng, "The formatting tests again."),
    ]


def column_widths_from_cells(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A table is a column off once; its cells printed with `cat -A` show widths taken before str(); fixed, the tests pass."""
    rows = [("alpha", "1.5", "m"), ("gamma_long", "-0.25", "s"), ("b", "12.0", "kg")]
    want, got = table(rows), table(rows, extra=-1, trail=True)
    case = f"test_{ctx.stem}_table"
    return [
        test_step(ctx, rng, "Running the table tests.", "", [(case, f"{ctx.render}(rows)", differ(ctx, got, want))]),
        Step(
            "The value column is narrower than expected. Let me see the raw lines.",
            f'python -c "from {ctx.dotted} import {ctx.render}; print({ctx.render}(ROWS))" | cat -A',
            "\n".join(line + "$" for line in got.splitlines()),
        ),
        Step(
            "The widths come from the raw values (floats have no len, so the fallback width is used); they must come from the rendered cells.",
            py_edit(
                ctx.source,
                "widths = [max(len(c) for c in col if isinstance(c, str)) for col in zip(*rows)]",
                "cells = [[str(c) for c in row] for row in rows]\n    widths = [max(map(len, col)) for col in zip(*cells)]",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the table tests."),
        look(ctx, rng),
    ]


def format_spec_corrected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A spec raises for floats, then for None; the values' types are checked and the spec fixed once, the tests pass."""
    case = ctx.case(rng)
    return [
        test_step(
            ctx,
            rng,
            "Running the tests with the column formatting.",
            "",
            [(case, f"{ctx.render}(obj)", ["ValueError: Unknown format code 'd' for object of type 'float'"])],
        ),
        Step(
            "The values can be floats; `d` only takes ints. Using the general format.",
            py_edit(ctx.source, 'f"{value:>{width}d}"', 'f"{value:>{width}g}"'),
            "patched",
        ),
        test_step(
            ctx,
            rng,
            "Rerunning.",
            "",
            [(case, f"{ctx.render}(obj)", ["TypeError: unsupported format string passed to NoneType.__format__"])],
        ),
        Step(
            "Missing values are None. Let me check what the docs say should be printed for them.",
            f"grep -rn -i 'missing\\|none' {ctx.source} | head -5",
            f"{rng.randint(20, 200)}:    Missing values (None) are shown as an empty cell.\n",
        ),
        Step(
            "An empty cell, padded to the width like the others.",
            py_edit(
                ctx.source, 'f"{value:>{width}g}"', "(f\"{value:>{width}g}\" if value is not None else ' ' * width)"
            ),
            "patched",
        ),
        _green(ctx, rng, "The tests again."),
    ]


def pretty_art_baseline_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The unicode art is a column off; the widths are printed, the centring made to use the widest line; the tests pass."""
    want = art("x  + 1", "y")
    got = art("x  + 1", "y", shift=1)
    case = f"test_{ctx.stem}_unicode"
    return [
        test_step(
            ctx,
            rng,
            "Running the pretty-printing tests.",
            "",
            [(case, f"{ctx.render}(expr, use_unicode=True)", differ(ctx, got, want))],
        ),
        Step(
            "Let me count the columns of each line.",
            f"python -c \"from {ctx.dotted} import *; s = {ctx.render}(EXPR, use_unicode=True); print(s.replace(' ', '·')); print([len(l) for l in s.splitlines()])\"",
            got.replace(" ", "·") + "\n" + str([len(line) for line in got.splitlines()]),
        ),
        Step(
            "The numerator is shifted by the left padding meant for the power; the padding must be computed from the widest line, not added to every row.",
            py_edit(
                ctx.source,
                "rows = [' ' + r for r in rows]",
                "width = max(map(len, rows))\n        rows = [r.ljust(width) for r in rows]",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the tests."),
        _green(ctx, rng, "And the whole module."),
    ]
