# ruff: noqa: E501
"""Loops on one line of text: a repr that never matches, printed digits that never agree, format specs that keep raising."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout51.text import Ctx, churn, differ, flags, one_test, py_edit, test_step


def _reprs(ctx: Ctx) -> list[str]:
    c = ctx.cls
    return [
        f"{c}(name='x', value=1.5)",
        f"{c}(name=x, value=1.5)",
        f'{c}(name="x", value=1.5)',
        f"{c}('x', value=1.5)",
        f"{c}(value=1.5, name='x')",
        f"<{c} name='x' value=1.5>",
        f"{ctx.dotted}.{c}(name='x', value=1.5)",
        f"{c}(name='x', value=1.5, unit=None)",
        f"{c}(name='x', value=1.50)",
    ]


_REPR_FMTS = (
    'f"{type(self).__name__}(name={self.name!r}, value={self.value!r})"',
    'f"{type(self).__name__}(name={self.name}, value={self.value})"',
    'f"{self.__class__.__qualname__}({self.name!r}, value={self.value!r})"',
    'f"<{type(self).__name__} name={self.name!r} value={self.value!r}>"',
    'f"{type(self).__module__}.{type(self).__name__}(name={self.name!r}, value={self.value!r})"',
    "'%s(name=%r, value=%r)' % (type(self).__name__, self.name, self.value)",
    'f"{type(self).__name__}(value={self.value!r}, name={self.name!r})"',
)


def repr_quoting_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The repr a test spells out never comes out: quotes, argument order, qualname and `!r`/`!s` swapped in turn."""
    shapes = _reprs(ctx)
    expected = shapes[0]

    def failing(expr: str = "repr(obj)") -> list[tuple[str, str, list[str]]]:
        actual = rng.choice(shapes[1:])
        cases = [(ctx.case(rng), expr, differ(ctx, actual, expected))]
        if rng.random() < 0.35:
            other = rng.choice([s for s in shapes[1:] if s != actual])
            cases.append((ctx.case(rng), "repr([obj])", differ(ctx, f"[{other}]", f"[{expected}]")))
        return cases

    first = [test_step(ctx, rng, "Let me run the tests for the new repr.", "", failing())]

    def reformat(k: int) -> list[Step]:
        old, new = rng.sample(_REPR_FMTS, 2)
        return [
            Step(
                rng.choice(
                    [
                        "The quoting is still off. Let me rewrite the return of __repr__.",
                        "The test wants a different layout; trying another format for __repr__.",
                        "Maybe the name should go through repr() and the value through str(). Adjusting.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning the tests.", "", failing(), flags(ctx, rng)),
        ]

    def by_hand(k: int) -> list[Step]:
        return [
            Step(
                "Let me print the repr directly and compare it with the expectation by eye.",
                rng.choice(
                    [
                        f'python -c "from {ctx.dotted} import {ctx.cls}; print(repr({ctx.obj}))"',
                        f'python -c "from {ctx.dotted} import {ctx.cls}; o = {ctx.obj}; print(repr(o)); print(str(o)); print([o])"',
                    ]
                ),
                "\n".join(rng.sample(shapes[1:], rng.randint(1, 3))),
            )
        ]

    def dunder_str(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Maybe __str__ is being picked up instead of __repr__ in the container case. Let me make __str__ delegate.",
                        "Perhaps the test goes through __str__. I'll define __str__ = __repr__.",
                    ]
                ),
                py_edit(
                    ctx.source,
                    "    def __repr__(self):",
                    "    def __str__(self):\n        return repr(self)\n\n    def __repr__(self):",
                ),
                "patched",
            ),
            one_test(
                ctx, rng, "Again.", ctx.case(rng), failing(rng.choice(["repr(obj)", "str(obj)"])), flags(ctx, rng)
            ),
        ]

    def reprlib_try(k: int) -> list[Step]:
        return [
            Step(
                "The value may be formatted by a helper. Let me use reprlib-style explicit formatting of the float.",
                py_edit(
                    ctx.source,
                    "value={self.value!r}",
                    rng.choice(["value={self.value}", "value={self.value:g}", "value={float(self.value)!r}"]),
                    None,
                ),
                "patched",
            ),
            test_step(ctx, rng, "Tests.", "", failing(), flags(ctx, rng)),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [reformat, reformat, by_hand, dunder_str, reprlib_try],
        f"the repr of {ctx.cls}: it never matches the test's string exactly",
    )


_FLOAT_FMTS = (
    "{value:.2f}",
    "{value:g}",
    "{round(value, 2)}",
    "{value!r}",
    "{value:.15g}",
    "{value:.3g}",
    "{value:#.3g}",
    "{value:.2e}",
)
_PAIRS = (
    ("2.675", "2.68", "2.67"),
    ("0.1 + 0.2", "0.3", "0.30000000000000004"),
    ("-0.0", "0", "-0"),
    ("1e-05", "1.0e-05", "1e-05"),
    ("1.5", "1.5", "1.50"),
    ("0.125", "0.13", "0.12"),
    ("1234.5", "1234.5", "1.23e+03"),
    ("100.0", "100", "1e+02"),
    ("-0.004", "0.00", "-0.00"),
)


def printed_digits_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Printed numbers never agree with the test: each format (`.2f`, `g`, `round`, `!r`) fixes one value and breaks another."""

    def failing() -> list[tuple[str, str, list[str]]]:
        cases = []
        for value, want, got in rng.sample(_PAIRS, rng.randint(1, 2)):
            cases.append(
                (
                    f"test_{ctx.stem}_{rng.choice(['precision', 'rounding', 'zero', 'float', 'negative', 'large'])}",
                    f"obj = {ctx.cls}('x', value={value})\nstr(obj)",
                    differ(ctx, f"{ctx.cls}: x = {got}", f"{ctx.cls}: x = {want}"),
                )
            )
        return cases

    first = [test_step(ctx, rng, "Running the formatting tests.", "", failing())]

    def refmt(k: int) -> list[Step]:
        old, new = rng.sample(_FLOAT_FMTS, 2)
        return [
            Step(
                rng.choice(
                    [
                        f"The digits are still wrong. Let me switch the value's format from `{old}` to `{new}`.",
                        f"`{new}` should print the values the tests expect.",
                        "Another format for the number, then.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", failing(), flags(ctx, rng)),
        ]

    def poke(k: int) -> list[Step]:
        value = rng.choice(_PAIRS)[0]
        fmts = rng.sample(_FLOAT_FMTS[:4], 3)
        return [
            Step(
                "Let me see what each format gives for the problem values.",
                f"python -c \"value = {value}; print(f'{fmts[0]}', f'{fmts[1]}', f'{fmts[2]}')\"",
                " ".join(eval(f"f'{fmt}'", {"value": eval(value)}) for fmt in fmts),  # what Python prints
            )
        ]

    def strip_zeros(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Some expected values have no trailing zeros. Let me strip them after formatting.",
                        "I'll strip trailing zeros and the dot, and turn '-0' into '0'.",
                    ]
                ),
                py_edit(
                    ctx.source,
                    "    return text",
                    rng.choice(
                        [
                            "    return text.rstrip('0').rstrip('.')",
                            "    text = text.rstrip('0').rstrip('.')\n    return '0' if text == '-0' else text",
                            "    return text if '.' not in text else text.rstrip('0')",
                        ]
                    ),
                ),
                "patched",
            ),
            test_step(ctx, rng, "And the tests.", "", failing(), flags(ctx, rng)),
        ]

    def decimal_try(k: int) -> list[Step]:
        mode = rng.choice(["ROUND_HALF_EVEN", "ROUND_HALF_UP", "ROUND_05UP"])
        return [
            Step(
                f"Rounding through Decimal with {mode} might give the expected digits.",
                py_edit(
                    ctx.source,
                    "    text = ",
                    f"    value = float(Decimal(value).quantize(Decimal('0.01'), {mode}))\n    text = ",
                ),
                "patched",
            ),
            one_test(ctx, rng, "Tests again.", f"test_{ctx.stem}_precision", failing(), flags(ctx, rng)),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [refmt, refmt, poke, strip_zeros, decimal_try],
        "the printed digits: every format breaks some other expected value",
    )


_SPEC_ERRORS = (
    "ValueError: Unknown format code 'd' for object of type 'float'",
    "ValueError: Invalid format specifier",
    "TypeError: unsupported format string passed to NoneType.__format__",
    "ValueError: Format specifier missing precision",
    "ValueError: Sign not allowed in string format specifier",
    "KeyError: 'width'",
    "IndexError: Replacement index 1 out of range for positional args tuple",
    "ValueError: Cannot specify ',' with 's'.",
    "ValueError: '=' alignment not allowed in string format specifier",
    "ValueError: Unknown format code 'f' for object of type 'str'",
)
_SPECS = (
    'f"{value:>{width}.{prec}f}"',
    'f"{value:{width}d}"',
    'f"{value:>{width}}"',
    "'{:>{width}.{prec}}'.format(value, width=width, prec=prec)",
    "'{0:{1}.{2}f}'.format(value, width)",
    'f"{value:+{width}}"',
    'f"{value:,}"',
    "format(value, f'>{width}.{prec}g')",
    'f"{value!s:{fill}{align}{width}}"',
    'f"{value:={width}.{prec}f}"',
)


def format_spec_error_cascade(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Each rewritten format spec raises a new error: wrong type code, missing precision, None, sign on str, bad index."""

    def raising() -> list[tuple[str, str, list[str]]]:
        errors = rng.sample(_SPEC_ERRORS, rng.randint(1, 2))
        return [
            (
                ctx.case(rng),
                f"{ctx.render}(obj)",
                [
                    error,
                    *(
                        [f"  (value={rng.choice(['None', '3', '1.5', repr('x')])}, width={rng.randint(4, 14)})"]
                        if rng.random() < 0.3
                        else []
                    ),
                ],
            )
            for error in errors
        ]

    first = [test_step(ctx, rng, "Running the tests with the column formatting in place.", "", raising())]

    def respec(k: int) -> list[Step]:
        old, new = rng.sample(_SPECS, 2)
        return [
            Step(
                rng.choice(
                    [
                        f"The spec `{old}` raises; let me write it as `{new}`.",
                        "That spec is wrong for some value types. Rewriting it.",
                        "Let me try a different way of building the format spec.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", raising(), flags(ctx, rng)),
        ]

    def probe(k: int) -> list[Step]:
        spec = rng.choice(_SPECS)
        value = rng.choice(["1.5", "3", "None", "'x'", "-2"])
        return [
            Step(
                "Let me evaluate the spec on its own for one of the failing values.",
                f"python -c \"value, width, prec, fill, align = {value}, 8, 2, ' ', '>'; print(repr({spec}))\"",
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
                + rng.choice(_SPEC_ERRORS),
                rc=1,
            )
        ]

    def coerce(k: int) -> list[Step]:
        cast = rng.choice(
            [
                "value = float(value)",
                "value = str(value)",
                "value = '' if value is None else value",
                "value = int(value)",
            ]
        )
        return [
            Step(
                f"The values are of mixed types. I'll coerce before formatting: `{cast}`.",
                py_edit(ctx.source, "    text = ", f"    {cast}\n    text = "),
                "patched",
            ),
            test_step(ctx, rng, "Tests.", "", raising(), flags(ctx, rng)),
        ]

    def compile_check(k: int) -> list[Step]:
        broken = rng.random() < 0.35
        return [
            Step(
                "Let me at least make sure the module still compiles after all these edits.",
                f"python -m py_compile {ctx.source} && echo ok",
                f'  File "{ctx.source}", line {rng.randint(40, 700)}\n    text = f"{{value:>{{width}}"\n           ^\nSyntaxError: f-string: expecting \'}}\''
                if broken
                else "ok",
                rc=1 if broken else 0,
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [respec, respec, probe, coerce, compile_check],
        "the format specs: each rewrite raises a different formatting error",
    )
