# ruff: noqa: E501
"""Productive look-alikes on tokenizers and parsers: a bound or a precedence level wrong once or twice, then fixed from the grammar and green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout60.episodes_regex import checked, green
from heldout60.loops_lexer import scanner_source
from heldout60.loops_parser import ARITH, BOOLEAN
from heldout60.text import Ctx, Fail, py_edit, py_edits, test_step


def lexer_bound_checked(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The scanner drops the last token; the bound fixed; the lookahead overruns once; sliced; green."""
    src, tf, lexer = ctx.source, ctx.test_file, ctx.lexer
    x, y = ctx.pick(rng, 2)
    state = {"bound": "short", "peek": "index", "column": "one", "quote": "after", "space": "step"}
    cases = [
        (
            f"test_{ctx.stem}_simple",
            lexer,
            (f"{x} + 1",),
            [("NAME", x, 1), ("OP", "+", len(x) + 2), ("NUMBER", "1", len(x) + 4)],
        ),
        (f"test_{ctx.stem}_single_name", lexer, (x,), [("NAME", x, 1)]),
        (f"test_{ctx.stem}_parens", lexer, (f"({x})",), [("OP", "(", 1), ("NAME", x, 2), ("OP", ")", len(x) + 2)]),
        (
            f"test_{ctx.stem}_power",
            lexer,
            (f"{x} ** {y}",),
            [("NAME", x, 1), ("OP", "**", len(x) + 2), ("NAME", y, len(x) + 5)],
        ),
    ]
    steps = [
        checked(ctx, rng, "Let me run the tokenizer tests.", scanner_source(lexer, state), cases, tf),
        Step(
            "The last token is missing in each failure. Let me read the loop.",
            f"grep -n 'def {lexer}' -A32 {src}",
            f"{rng.randint(20, 300)}:" + scanner_source(lexer, state).split("\n\n\n")[2],
        ),
        Step(
            "`while pos < len(text) - 1` never looks at the last character. Loop to the end.",
            py_edit(src, "while pos < len(text) - 1:", "while pos < len(text):"),
            "patched",
        ),
    ]
    state["bound"] = "full"
    if rng.random() < 0.7:
        steps += [
            checked(ctx, rng, "Rerun.", scanner_source(lexer, state), cases, tf),
            Step(
                "Now the two-character check reads `text[pos + 1]` on the last character, which is exactly why the bound was `len(text) - 1`. A slice can't overrun.",
                py_edit(src, "elif text[pos] + text[pos + 1] in _TWO:", "elif text[pos : pos + 2] in _TWO:"),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "The bound was probably `len(text) - 1` to protect the `text[pos + 1]` lookahead; slice instead so the last character is safe.",
                py_edit(src, "elif text[pos] + text[pos + 1] in _TWO:", "elif text[pos : pos + 2] in _TWO:"),
                "patched",
            )
        )
    state["peek"] = "slice"
    steps += [
        Step(
            "Check by hand.",
            f'python -c "from {ctx.dotted} import {lexer}; print({lexer}({f"({x})"!r}))"',
            repr(cases[2][3]),
        ),
        checked(ctx, rng, "Run the tokenizer tests.", scanner_source(lexer, state), cases, tf),
    ]
    return steps


def precedence_levels_split(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Associativity wrong at one level, maybe the unary minus next; each level fixed from the grammar; checked by hand; green."""
    src, tf, p = ctx.source, ctx.test_file, ctx.parser
    boolean = ctx.boolean
    a, b, c = ctx.pick(rng, 3)
    first = (
        Fail(
            f"test_{ctx.stem}_and_chain",
            f"AssertionError: assert And(Ident({a!r}), And(Ident({b!r}), Ident({c!r}))) == And(And(Ident({a!r}), Ident({b!r})), Ident({c!r}))",
            f"assert {p}('{a} and {b} and {c}') == And(And(Ident({a!r}), Ident({b!r})), Ident({c!r}))",
        )
        if boolean
        else Fail(
            f"test_{ctx.stem}_subtraction_left_assoc",
            "AssertionError: assert 3 == -5",
            f"assert {p}('2 - 3 - 4').evaluate() == -5",
        )
    )
    second = (
        Fail(
            f"test_{ctx.stem}_not_binds_tight",
            f"AssertionError: assert Not(And(Ident({a!r}), Ident({b!r}))) == And(Not(Ident({a!r})), Ident({b!r}))",
            f"assert {p}('not {a} and {b}') == And(Not(Ident({a!r})), Ident({b!r}))",
        )
        if boolean
        else Fail(
            f"test_{ctx.stem}_unary_minus_power",
            "AssertionError: assert 4 == -4",
            f"assert {p}('-2 ** 2').evaluate() == -4",
        )
    )
    two = rng.random() < 0.6
    line = rng.randint(3, 30)
    grammar = (
        ["and_expr := not_expr ('and' not_expr)*", "not_expr := 'not' not_expr | primary"]
        if boolean
        else ["sum   := term (('+' | '-') term)*", "unary := '-' unary | power", "power := atom ['**' unary]"]
    )
    steps = [
        test_step(ctx, rng, "Let me run the parser tests.", tf, [first, second] if two else [first]),
        Step(
            "Let me read the grammar in the docstring and the methods.",
            f"grep -n 'def _and\\|def _not\\|:=' {src}"
            if boolean
            else f"grep -n 'def _sum\\|def _unary\\|def _power\\|:=' {src}",
            "\n".join(f"{line + i}:{row}" for i, row in enumerate(grammar))
            + "\n"
            + "\n".join(
                f"{line + 30 + 9 * i}:    def {m}(self):"
                for i, m in enumerate(["_and", "_not"] if boolean else ["_sum", "_unary", "_power"])
            ),
        ),
        Step(
            "The grammar says `(...)*`, a repetition, but the method recurses into itself for the right operand, which nests to the right. A loop builds the tree to the left.",
            py_edit(src, BOOLEAN["chain"]["right"], BOOLEAN["chain"]["ok"])
            if boolean
            else py_edit(src, ARITH["sum"]["right"], ARITH["sum"]["ok"]),
            "patched",
        ),
    ]
    if two:
        if boolean:
            fix = Step(
                "`not` takes a not_expr in the grammar, but the method parses a whole and_expr after it.",
                py_edit(src, "            return Not(self._and())", "            return Not(self._not())"),
                "patched",
            )
        else:
            fix = Step(
                "The unary minus is parsed on the atom, so it binds tighter than `**`; in the grammar unary wraps power.",
                py_edits(
                    src,
                    [
                        ("        base = self._signed_atom()", "        base = self._atom()"),
                        (
                            "        return self._power()\n",
                            "        if self._accept('-'):\n            return Neg(self._unary())\n        return self._power()\n",
                        ),
                    ],
                ),
                "patched",
            )
        steps += [test_step(ctx, rng, "Rerun.", tf, [second]), fix]
    exprs = [f"{a} and {b} and {c}", f"not {a} and {b}"] if boolean else ["2 - 3 - 4", "-2 ** 2", "2 ** 3 ** 2"]
    shown = (
        [f"And(And(Ident({a!r}), Ident({b!r})), Ident({c!r}))", f"And(Not(Ident({a!r})), Ident({b!r}))"]
        if boolean
        else ["-5", "-4", "512"]
    )
    steps += [
        Step(
            "Check the examples by hand.",
            f'python -c "from {ctx.dotted} import {p}; print(*[{p}(e){"" if boolean else ".evaluate()"} for e in {exprs!r}], sep=chr(10))"',
            "\n".join(shown),
        ),
        green(ctx, rng, "Run the parser tests.", tf),
    ]
    return steps
