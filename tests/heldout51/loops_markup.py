# ruff: noqa: E501
"""Loops on printed markup: LaTeX whose braces, parentheses and spacing never match, MathML whose nesting keeps moving."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout51.text import Ctx, churn, differ, flags, one_test, py_edit, test_step

# Each group: the LaTeX a test expects first, then what the printer put out on the way.
_LATEX = (
    (
        r"\frac{1}{x + 1}",
        r"\frac{1}{\left(x + 1\right)}",
        r"\frac{1}{{x + 1}}",
        r"\dfrac{1}{x + 1}",
        r"\frac{1}{\left(x + 1 \right)}",
        r"1 / \left(x + 1\right)",
    ),
    (
        r"\sin{\left(x \right)}^{2}",
        r"\sin^{2}{\left(x \right)}",
        r"\sin\left(x\right)^{2}",
        r"\left(\sin{\left(x \right)}\right)^{2}",
        r"\operatorname{sin}{\left(x \right)}^{2}",
    ),
    (
        r"1.5\,\mathrm{m\,s^{-1}}",
        r"1.5 \; \mathrm{m\,s^{-1}}",
        r"1.5\mathrm{m\,s^{-1}}",
        r"1.5\,\mathrm{\frac{m}{s}}",
        r"1.5\,\mathrm{m}\,\mathrm{s}^{-1}",
        r"1.5\,\mathrm{m\ s^{-1}}",
    ),
    (
        r"x^{2} y",
        r"x^2 y",
        r"{x}^{2} y",
        r"x^{2}y",
        r"x^{2} \cdot y",
    ),
)
_WRAPS = ("$%s$", "$\\displaystyle %s$", "$$%s$$", "%s")


def latex_brace_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The LaTeX printer's output never equals the test's string: braces, `\\left(`, spacing and `$` wrapping trade places."""
    groups = rng.sample(_LATEX, 2)
    wrap = rng.choice(_WRAPS)
    method = f"_print_{ctx.cls}" if ctx.run.owner == "sympy" else "_repr_latex_"

    def failing() -> list[tuple[str, str, list[str]]]:
        cases = []
        for group in rng.sample(groups, rng.choice([1, 1, 2])):
            actual = wrap % rng.choice(group[1:]) if rng.random() < 0.8 else rng.choice(_WRAPS) % group[0]
            if actual == wrap % group[0]:
                actual = wrap % group[1]
            cases.append(
                (
                    f"test_{ctx.stem}_{rng.choice(['latex', 'latex_units', 'latex_power', 'repr_latex'])}",
                    f"{'latex(obj)' if ctx.run.owner == 'sympy' else 'obj._repr_latex_()'}",
                    differ(ctx, actual, wrap % group[0]),
                )
            )
        return cases

    first = [test_step(ctx, rng, "Running the LaTeX printing tests.", "", failing())]

    def braces(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                r"r'\frac{%s}{%s}' % (num, den)",
                r"r'\frac{%s}{\left(%s\right)}' % (num, den)",
                r"r'\frac{{{}}}{{{}}}'.format(num, den)",
                r"r'\dfrac{%s}{%s}' % (num, den)",
                r"r'%s^{%s}' % (self._print(base), exp)",
                r"r'{%s}^{%s}' % (self._print(base), exp)",
            ],
            2,
        )
        return [
            Step(
                rng.choice(
                    [
                        "The braces still differ from what the test spells out. Let me change the template.",
                        f"Rewriting the template as `{new}`.",
                        "Maybe the grouping braces are doubled. Adjusting the LaTeX template.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", failing(), flags(ctx, rng)),
        ]

    def parens(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "self.parenthesize(expr, PRECEDENCE['Mul'])",
                "self.parenthesize(expr, PRECEDENCE['Pow'])",
                "self.parenthesize(expr, PRECEDENCE['Add'], strict=True)",
                r"r'\left(%s\right)' % self._print(expr)",
                "self._print(expr)",
            ],
            2,
        )
        return [
            Step(
                "The parentheses come and go. Let me change the precedence used to decide them.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            one_test(ctx, rng, "Tests.", f"test_{ctx.stem}_latex", failing(), flags(ctx, rng)),
        ]

    def spacing(k: int) -> list[Step]:
        old, new = rng.sample([r"'\,'", r"' \; '", r"'\ '", "' '", "''"], 2)
        return [
            Step(
                rng.choice(
                    ["The space between the value and the unit is wrong now.", "Trying a different LaTeX space."]
                ),
                py_edit(ctx.source, f"sep = {old}", f"sep = {new}"),
                "patched",
            ),
            test_step(ctx, rng, "Again.", "", failing(), flags(ctx, rng)),
        ]

    def render(k: int) -> list[Step]:
        group = rng.choice(groups)
        return [
            Step(
                "Let me print the LaTeX for the failing objects directly.",
                f'python -c "from {ctx.dotted} import *; print({"latex(EXPR)" if ctx.run.owner == "sympy" else "OBJ._repr_latex_()"})"',
                "\n".join(rng.choice(_WRAPS) % s for s in rng.sample(group[1:], rng.randint(1, 2))),
            )
        ]

    def dollars(k: int) -> list[Step]:
        old, new = rng.sample(["'$%s$'", r"'$\displaystyle %s$'", "'$$%s$$'"], 2)
        return [
            Step(
                f"The `$` wrapping may be the difference; switching {old} to {new}.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, f"Running the tests for {method}.", "", failing(), flags(ctx, rng)),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [braces, braces, parens, spacing, render, dollars],
        "the LaTeX output: braces and spacing never match the expected string",
    )


_MATHML = (
    (
        "<mfrac><mn>1</mn><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow></mfrac>",
        "<mfrac><mn>1</mn><mfenced><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow></mfenced></mfrac>",
        "<mfrac><mn>1</mn><mi>x</mi><mo>+</mo><mn>1</mn></mfrac>",
        "<mrow><mfrac><mn>1</mn><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow></mfrac></mrow>",
        "<mfrac><mrow><mn>1</mn></mrow><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow></mfrac>",
    ),
    (
        "<msup><mi>x</mi><mn>2</mn></msup>",
        "<msup><mrow><mi>x</mi></mrow><mn>2</mn></msup>",
        "<msup><mi>x</mi><mrow><mn>2</mn></mrow></msup>",
        '<msup><mi mathvariant="italic">x</mi><mn>2</mn></msup>',
    ),
    (
        '<mrow><mi mathvariant="normal">sin</mi><mo>&#x2061;</mo><mfenced><mi>x</mi></mfenced></mrow>',
        "<mrow><mi>sin</mi><mfenced><mi>x</mi></mfenced></mrow>",
        '<mrow><mi mathvariant="normal">sin</mi><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow>',
        '<mrow><mi mathvariant="normal">sin</mi><mo>&#x2062;</mo><mfenced><mi>x</mi></mfenced></mrow>',
    ),
)


def mathml_tag_nesting_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The MathML printer's markup never equals the expected: `mrow` wrappers, `mfenced`, `mathvariant` and entities shift."""
    groups = rng.sample(_MATHML, 2)

    def failing() -> list[tuple[str, str, list[str]]]:
        cases = []
        for group in rng.sample(groups, rng.choice([1, 1, 2])):
            name = f"test_{ctx.stem}_{rng.choice(['mathml', 'mathml_presentation', 'mathml_power', 'mathml_fraction'])}"
            if rng.random() < 0.15:
                cases.append(
                    (
                        name,
                        "parseString(mathml(obj))",
                        [f"xml.parsers.expat.ExpatError: mismatched tag: line 1, column {rng.randint(30, 140)}"],
                    )
                )
            else:
                cases.append(
                    (name, "mathml(obj, printer='presentation')", differ(ctx, rng.choice(group[1:]), group[0]))
                )
        return cases

    first = [test_step(ctx, rng, "Running the MathML printer tests.", "", failing())]

    def rewrap(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "mrow.appendChild(self._print(arg))",
                "mrow.appendChild(self._print(arg).firstChild)",
                "return self._print(arg)",
                "return self._wrap_mrow(self._print(arg))",
                "x.appendChild(self._print(arg))",
            ],
            2,
        )
        return [
            Step(
                rng.choice(
                    [
                        "There's an extra or missing <mrow>. Changing where children are appended.",
                        "The nesting is still different from the expected markup; adjusting the wrapper.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", failing(), flags(ctx, rng)),
        ]

    def fences(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "mfenced is deprecated in MathML Core; let me emit explicit <mo> parentheses instead.",
                        "Maybe the tests still want <mfenced>. Switching back.",
                    ]
                ),
                rng.choice(
                    [
                        py_edit(ctx.source, "self.dom.createElement('mfenced')", "self._paren_row()"),
                        py_edit(ctx.source, "self._paren_row()", "self.dom.createElement('mfenced')"),
                    ]
                ),
                "patched",
            ),
            one_test(ctx, rng, "Tests.", f"test_{ctx.stem}_mathml", failing(), flags(ctx, rng)),
        ]

    def variant(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "x.setAttribute('mathvariant', 'normal')",
                "x.setAttribute('mathvariant', 'italic')",
                "pass  # no mathvariant",
                "x.removeAttribute('mathvariant')",
            ],
            2,
        )
        return [
            Step(
                "The mathvariant attribute differs. Let me change how it is set.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Again.", "", failing(), flags(ctx, rng)),
        ]

    def dump(k: int) -> list[Step]:
        group = rng.choice(groups)
        got = rng.choice(group[1:])
        return [
            Step(
                "Let me print the markup pretty-printed, to compare the trees.",
                f"python -c \"from {ctx.dotted} import *; from xml.dom.minidom import parseString; print(parseString(mathml(EXPR)).toprettyxml(indent='  '))\"",
                '<?xml version="1.0" ?>\n' + got.replace("><", ">\n<"),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [rewrap, rewrap, fences, variant, dump],
        "the MathML markup: the nesting never matches the expected tree",
    )
