# ruff: noqa: E501
"""Loop family on a recursive-descent parser: each precedence level or associativity fixed unsettles another."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, test_step

# Each part of the grammar as the parser spells it, right ("ok") or in one of the ways it goes wrong.
ARITH = {
    "sum": {
        "ok": "        node = self._term()\n        while self._peek() in _LEVELS[0]:\n            op = self._next()\n            node = BinOp(op, node, self._term())\n        return node",
        "right": "        node = self._term()\n        if self._peek() in _LEVELS[0]:\n            op = self._next()\n            return BinOp(op, node, self._sum())\n        return node",
    },
    "pow": {
        "ok": "        base = self._atom()\n        if self._accept('**'):\n            return BinOp('**', base, self._unary())\n        return base",
        "loop": "        node = self._atom()\n        while self._accept('**'):\n            node = BinOp('**', node, self._atom())\n        return node",
        "rhs": "        base = self._atom()\n        if self._accept('**'):\n            return BinOp('**', base, self._power())\n        return base",
    },
    "unary": {
        "ok": "    def _unary(self):\n        if self._accept('-'):\n            return Neg(self._unary())\n        return self._power()",
        "high": "    def _unary(self):\n        return self._power()\n\n    def _signed_atom(self):\n        if self._accept('-'):\n            return Neg(self._signed_atom())\n        return self._atom()",
    },
    "levels": {"ok": "_LEVELS = (('+', '-'), ('*', '/'))", "swapped": "_LEVELS = (('*', '/'), ('+', '-'))"},
}
BOOLEAN = {
    "chain": {
        "ok": "        node = self._not()\n        while self._accept(_LEVELS[1]):\n            node = And(node, self._not())\n        return node",
        "right": "        node = self._not()\n        if self._accept(_LEVELS[1]):\n            return And(node, self._and())\n        return node",
    },
    "not": {
        "ok": "        if self._accept('not'):\n            return Not(self._not())\n        return self._primary()",
        "wide": "        if self._accept('not'):\n            return Not(self._and())\n        return self._primary()",
        "atom": "        if self._accept('not'):\n            return Not(self._primary())\n        return self._primary()",
    },
    "levels": {"ok": "_LEVELS = ('or', 'and')", "swapped": "_LEVELS = ('and', 'or')"},
}
_WHY = {
    (
        "sum",
        "ok",
    ): "`2 - 3 - 4` has to group to the left: loop over + and - instead of recursing into _sum for the right operand.",
    ("sum", "right"): "Let me make _sum recursive like the other levels so they're all written the same way.",
    (
        "pow",
        "ok",
    ): "`**` is right-associative and its exponent may be negative: recurse into _unary for the right operand.",
    ("pow", "loop"): "Make ** a loop like * and / so all binary operators are handled the same way.",
    ("pow", "rhs"): "The exponent should recurse into _power so `2 ** 3 ** 2` groups to the right.",
    (
        "unary",
        "ok",
    ): "Unary minus must bind looser than **: `-2 ** 2` is -(2 ** 2). _unary wraps _power, not the other way round.",
    ("unary", "high"): "Handle the sign directly on the atom so `2 ** -1` parses; `-` then binds tightest.",
    ("levels", "ok"): "_sum and _term are the wrong way round: * and / must be parsed below + and -.",
    (
        "levels",
        "swapped",
    ): "Reorder the levels so the loop over * and / is the outer one; that's how the precedence table reads.",
    ("chain", "ok"): "`a and b and c` should nest to the left; loop instead of recursing into _and.",
    ("chain", "right"): "Let me write _and recursively like _or.",
    ("not", "ok"): "`not` applies to the next not-expression only; recurse into _not, not _and.",
    ("not", "wide"): "`not` should take everything up to the next `or`; parse an _and after it.",
    ("not", "atom"): "`not` should only take a primary so `not a and b` is (not a) and b.",
    ("levels", "ok_bool"): "_or and _and are swapped: `and` binds tighter than `or`, so _and must be the inner level.",
    ("levels", "swapped_bool"): "Put the `and` loop outermost to match the order the keywords are listed in the docs.",
}


def _parser_source(ctx: Ctx, grammar: dict[str, dict[str, str]], s: dict[str, str]) -> str:
    """The parser class as the attempts have left it (its levels table, its methods)."""
    if ctx.boolean:
        methods = [
            "    def _or(self):\n        node = self._and()\n        while self._accept(_LEVELS[0]):\n            node = Or(node, self._and())\n        return node",
            "    def _and(self):\n" + grammar["chain"][s["chain"]],
            "    def _not(self):\n" + grammar["not"][s["not"]],
        ]
        start = "_or"
    else:
        methods = [
            "    def _sum(self):\n" + grammar["sum"][s["sum"]],
            "    def _term(self):\n        node = self._unary()\n        while self._peek() in _LEVELS[1]:\n            op = self._next()\n            node = BinOp(op, node, self._unary())\n        return node",
            grammar["unary"][s["unary"]],
            "    def _power(self):\n"
            + grammar["pow"][s["pow"]].replace(
                "self._atom()", "self._signed_atom()" if s["unary"] == "high" else "self._atom()", 1
            ),
        ]
        start = "_sum"
    head = f"{grammar['levels'][s['levels']]}\n\n\nclass {ctx.cls}Parser:\n    def parse(self):\n        node = self.{start}()\n        self._expect_end()\n        return node\n\n"
    return head + "\n\n".join(methods) + "\n"


def _arith_cases(ctx: Ctx, s: dict[str, str], names: list[str]) -> list[Fail]:
    """The arithmetic tests the grammar `s` gets wrong."""
    p, err = ctx.parser, f"{ctx.dotted}.ParseError"
    a, b, c = names
    fails = []
    swapped = s["levels"] == "swapped"
    if s["sum"] == "right" or swapped:
        fails.append(
            Fail(
                f"test_{ctx.stem}_subtraction_left_assoc",
                f"AssertionError: assert {24 if swapped else 3} == {4 if swapped else -5}",
                f"assert {p}('{'10 - 2 * 3' if swapped else '2 - 3 - 4'}').evaluate() == {4 if swapped else -5}",
            )
        )
        fails.append(
            Fail(
                f"test_{ctx.stem}_division_left_assoc",
                "AssertionError: assert 4.0 == 1.0",
                f"assert {p}('8 / 4 / 2').evaluate() == 1.0",
            )
        )
        fails.append(
            Fail(
                f"test_{ctx.stem}_sub_tree",
                f"AssertionError: assert BinOp('-', Name({a!r}), BinOp('-', Name({b!r}), Name({c!r}))) == BinOp('-', BinOp('-', Name({a!r}), Name({b!r})), Name({c!r}))",
                f"assert {p}('{a} - {b} - {c}') == BinOp('-', BinOp('-', Name({a!r}), Name({b!r})), Name({c!r}))",
            )
        )
    if swapped:
        fails.append(
            Fail(
                f"test_{ctx.stem}_mul_before_add",
                "AssertionError: assert 14 == 10",
                f"assert {p}('2 * 3 + 4').evaluate() == 10",
            )
        )
    if s["pow"] == "loop":
        fails.append(
            Fail(
                f"test_{ctx.stem}_power_right_assoc",
                "AssertionError: assert 64 == 512",
                f"assert {p}('2 ** 3 ** 2').evaluate() == 512",
            )
        )
        fails.append(
            Fail(
                f"test_{ctx.stem}_negative_exponent",
                f"{err}: unexpected '-' at column 6",
                f"assert {p}('2 ** -1').evaluate() == 0.5",
                [("_atom", "raise ParseError('unexpected %r at column %d' % (tok.value, tok.column))")],
            )
        )
    if s["pow"] == "rhs" and s["unary"] == "ok":
        fails.append(
            Fail(
                f"test_{ctx.stem}_negative_exponent",
                f"{err}: unexpected '-' at column 6",
                f"assert {p}('2 ** -1').evaluate() == 0.5",
                [
                    ("_power", "return BinOp('**', base, self._power())"),
                    ("_atom", "raise ParseError('unexpected %r at column %d' % (tok.value, tok.column))"),
                ],
            )
        )
    if s["unary"] == "high":
        fails.append(
            Fail(
                f"test_{ctx.stem}_unary_minus_power",
                "AssertionError: assert 4 == -4",
                f"assert {p}('-2 ** 2').evaluate() == -4",
            )
        )
        fails.append(
            Fail(
                f"test_{ctx.stem}_unary_tree",
                f"AssertionError: assert BinOp('**', Neg(Name({a!r})), Num(2)) == Neg(BinOp('**', Name({a!r}), Num(2)))",
                f"assert {p}('-{a} ** 2') == Neg(BinOp('**', Name({a!r}), Num(2)))",
            )
        )
    return fails


def _bool_cases(ctx: Ctx, s: dict[str, str], names: list[str]) -> list[Fail]:
    """The keyword-expression tests the grammar `s` gets wrong."""
    p, err = ctx.parser, f"{ctx.dotted}.ParseError"
    a, b, c = names
    fails = []
    if s["chain"] == "right":
        fails.append(
            Fail(
                f"test_{ctx.stem}_and_chain",
                f"AssertionError: assert And(Ident({a!r}), And(Ident({b!r}), Ident({c!r}))) == And(And(Ident({a!r}), Ident({b!r})), Ident({c!r}))",
                f"assert {p}('{a} and {b} and {c}') == And(And(Ident({a!r}), Ident({b!r})), Ident({c!r}))",
            )
        )
    if s["not"] == "wide":
        fails.append(
            Fail(
                f"test_{ctx.stem}_not_binds_tight",
                f"AssertionError: assert Not(And(Ident({a!r}), Ident({b!r}))) == And(Not(Ident({a!r})), Ident({b!r}))",
                f"assert {p}('not {a} and {b}') == And(Not(Ident({a!r})), Ident({b!r}))",
            )
        )
    if s["not"] == "atom":
        fails.append(
            Fail(
                f"test_{ctx.stem}_double_not",
                f"{err}: unexpected 'not' at column 5",
                f"assert {p}('not not {a}') == Not(Not(Ident({a!r})))",
                [("_primary", "raise ParseError('unexpected %r at column %d' % (tok.value, tok.column))")],
            )
        )
    if s["levels"] == "swapped":
        fails.append(
            Fail(
                f"test_{ctx.stem}_and_before_or",
                f"AssertionError: assert And(Or(Ident({a!r}), Ident({b!r})), Ident({c!r})) == Or(Ident({a!r}), And(Ident({b!r}), Ident({c!r})))",
                f"assert {p}('{a} or {b} and {c}') == Or(Ident({a!r}), And(Ident({b!r}), Ident({c!r})))",
            )
        )
        fails.append(
            Fail(
                f"test_{ctx.stem}_evaluate",
                "AssertionError: assert False is True",
                f"assert {p}('{a} or {b} and {c}').evaluate({{{a!r}: True, {b!r}: False, {c!r}: False}}.get) is True",
            )
        )
    return fails


def parser_precedence_reshuffle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A recursive-descent expression parser: fixing one level's associativity or the unary operator's place moves the error to another level."""
    src, tf, p = ctx.source, ctx.test_file, ctx.parser
    grammar = BOOLEAN if ctx.boolean else ARITH
    cases: Callable[[Ctx, dict[str, str], list[str]], list[Fail]] = _bool_cases if ctx.boolean else _arith_cases
    state = (
        {"chain": "ok", "not": "wide", "levels": "swapped"}
        if ctx.boolean
        else {"sum": "ok", "pow": "loop", "unary": "high", "levels": "ok"}
    )
    names = ctx.pick(rng, 3)
    order: dict[str, float] = {}

    def body() -> str:
        return _parser_source(ctx, grammar, state)

    def run(thought: str) -> Step:
        fails = cases(ctx, state, names)
        fails.sort(key=lambda f: order.setdefault(f.name, rng.random()))  # the test file's order
        extra = rng.choice(["", " -q", " -x", " -q -x"])
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    def why(part: str, kind: str) -> str:
        return _WHY[(part, f"{kind}_bool")] if ctx.boolean and part == "levels" else _WHY[(part, kind)]

    def edit(part: str, kind: str) -> Step:
        old = grammar[part][state[part]]
        state[part] = kind
        return Step(why(part, kind), py_edit(src, old, grammar[part][kind]), "patched")

    def change(k: int) -> list[Step]:
        options = [(part, kind) for part in grammar for kind in grammar[part] if kind != state[part]]
        part, kind = rng.choice(options)
        steps = [edit(part, kind)]
        if all(value == "ok" for value in state.values()):
            # The same rewrite also tidies another level, the way it reads better to the agent.
            other = rng.choice([q for q in grammar if q != part])
            steps.append(edit(other, rng.choice([k2 for k2 in grammar[other] if k2 != "ok"])))
        return [
            *steps,
            run(
                rng.choice(["Rerun the parser tests.", "Run the tests again.", "Let me see what that does.", "Rerun."])
            ),
        ]

    def climbing(k: int) -> list[Step]:
        table = "{'or': 1, 'and': 2}" if ctx.boolean else "{'+': 1, '-': 1, '*': 2, '/': 2, '**': 3}"
        right = rng.random() < 0.5 or (ctx.boolean and state["not"] == "ok")
        step = Step(
            "Let me replace the per-level methods with precedence climbing driven by a table; it's easier to get right in one place.",
            f"cat > /tmp/climb_{k}.py <<'EOF'\n_PREC = {table}\n\n\ndef _climb(self, min_prec):\n    node = self._operand()\n    while self._peek() in _PREC and _PREC[self._peek()] >= min_prec:\n        op = self._next()\n        rhs = self._climb(_PREC[op]{'' if right else ' + 1'})\n        node = self._make(op, node, rhs)\n    return node\nEOF\npython /tmp/splice_method.py {src} {ctx.cls}Parser /tmp/climb_{k}.py",
            f"inserted _climb into {ctx.cls}Parser ({rng.randint(9, 12)} lines)",
        )
        if ctx.boolean:
            # One table for `or` and `and`; `not` is still parsed as before.
            state.update(chain="right" if right else "ok", levels="ok")
        else:
            state.update(sum="right" if right else "ok", pow="ok" if right else "loop", levels="ok")
        return [step, run("Run the parser tests with precedence climbing.")]

    def probe(k: int) -> Step:
        fail = rng.choice(cases(ctx, state, names))
        expr = fail.code.split(f"{p}('", 1)[1].split("')", 1)[0]
        call = f"{p}({expr!r})" + (".evaluate()" if ".evaluate()" in fail.code.split("==")[0] else "")
        if fail.error.startswith("AssertionError: assert "):
            shown, rc = fail.error.removeprefix("AssertionError: assert ").rsplit(" == ", 1)[0], 0
        else:
            shown, rc = (
                f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{src}", line {rng.randint(30, 700)}, in {p}\n    return {ctx.cls}Parser(tokens).parse()\n  ...\n{fail.error}',
                1,
            )
        return Step(
            "Let me print what the parser gives for one of the failing inputs.",
            f'python -c "from {ctx.dotted} import {p}; print(repr({call}))"',
            shown,
            rc=rc,
        )

    def grammar_doc(k: int) -> Step:
        line = rng.randint(20, 400)
        doc = (
            "expr   := or_expr\nor_expr  := and_expr ('or' and_expr)*\nand_expr := not_expr ('and' not_expr)*\nnot_expr := 'not' not_expr | primary\nprimary  := IDENT | '(' expr ')'"
            if ctx.boolean
            else "expr  := sum\nsum   := term (('+' | '-') term)*\nterm  := unary (('*' | '/') unary)*\nunary := '-' unary | power\npower := atom ['**' unary]\natom  := NUMBER | NAME | '(' expr ')'"
        )
        return Step(
            "Let me re-read the grammar in the module docstring.",
            f"sed -n '{line},{line + 8}p' {src}",
            f'"""Grammar:\n\n{doc}\n"""',
        )

    first = [
        run("Let me run the parser tests for the expressions I changed."),
        Step(
            "Let me read the parser's precedence levels.",
            f"grep -n 'class {ctx.cls}Parser' -A40 {src}",
            f"{rng.randint(20, 300)}:" + body(),
        ),
        Step(
            "I'll want a helper to splice a rewritten method into the class.",
            "cat > /tmp/splice_method.py <<'EOF'\nimport ast, sys\npath, cls, new = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()\nsrc = open(path).read()\nnode = next(n for n in ast.parse(src).body if isinstance(n, ast.ClassDef) and n.name == cls)\nlines = src.splitlines(True)\nbody = ''.join('    ' + l if l.strip() else l for l in new.splitlines(True))\nlines.insert(node.end_lineno, '\\n' + body)\nopen(path, 'w').write(''.join(lines))\nprint('inserted %s into %s (%d lines)' % (new.split('(')[0].split()[-1], cls, len(new.splitlines())))\nEOF",
            "",
        ),
    ]
    attempts: list[Attempt] = [change, change, change, climbing, lambda k: [probe(k)], lambda k: [grammar_doc(k)]]
    return churn(ctx, rng, n, first, attempts, "operator precedence in the expression parser", p, body)
