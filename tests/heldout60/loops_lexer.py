# ruff: noqa: E501
"""Loop families on tokenizers: a hand-written scanner's bounds and columns, a master pattern's alternation order.

Each attempt's tokenizer is run here on the tests' inputs (but for one that never advances, which hangs), so the
failures a run prints are the ones that code has.
"""

from __future__ import annotations

import random
import traceback
from typing import Any

from heldout20.calls import Step
from heldout60.errors import collection_error, hang, raised_at, run_cases
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, test_step

_BOUNDS = {"short": "while pos < len(text) - 1:", "full": "while pos < len(text):", "over": "while pos <= len(text):"}
_PEEKS = {"index": "elif text[pos] + text[pos + 1] in _TWO:", "slice": "elif text[pos : pos + 2] in _TWO:"}
_COLUMNS = {"one": "    return pos + 1", "zero": "    return pos"}
_QUOTES = {"after": "end = text.index(ch, pos + 1)", "at": "end = text.index(ch, pos)"}
_SPACES = {
    "step": "        if ch.isspace():\n            pos += 1\n            continue",
    "skip": "        if ch.isspace():\n            continue",
    "while": "        if ch.isspace():\n            while text[pos].isspace():\n                pos += 1\n            continue",
}


def scanner_source(lexer: str, s: dict[str, str]) -> str:
    return (
        '_TWO = ("**", "<=", ">=", "==", "!=")\n\n\ndef _column(pos):\n'
        f"{_COLUMNS[s['column']]}\n\n\ndef {lexer}(text):\n    tokens = []\n    pos = 0\n    {_BOUNDS[s['bound']]}\n        ch = text[pos]\n{_SPACES[s['space']]}\n"
        '        if ch.isdigit():\n            start = pos\n            while pos < len(text) and (text[pos].isdigit() or text[pos] == "."):\n                pos += 1\n'
        '            tokens.append(("NUMBER", text[start:pos], _column(start)))\n        elif ch.isalpha() or ch == "_":\n            start = pos\n'
        '            while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):\n                pos += 1\n            tokens.append(("NAME", text[start:pos], _column(start)))\n'
        f'        elif ch in "\\"\'":\n            {_QUOTES[s["quote"]]}\n            tokens.append(("STRING", text[pos + 1 : end], _column(pos)))\n            pos = end + 1\n'
        f'        {_PEEKS[s["peek"]]}\n            tokens.append(("OP", text[pos : pos + 2], _column(pos)))\n            pos += 2\n'
        '        elif ch in "+-*/()<>=,":\n            tokens.append(("OP", ch, _column(pos)))\n            pos += 1\n        else:\n'
        '            raise SyntaxError("unexpected character %r at column %d" % (ch, _column(pos)))\n    return tokens\n'
    )


_SCANNER_WHY = {
    (
        "bound",
        "full",
    ): "The last character is never looked at because the loop stops at len(text) - 1. Loop while pos < len(text).",
    ("bound", "short"): "Stop the loop one before the end so the two-character lookahead can't run off the string.",
    ("bound", "over"): "Use <= so the final position is processed too.",
    ("peek", "slice"): "`text[pos + 1]` runs past the end on the last character; slicing never raises.",
    ("peek", "index"): "Spell the two-character check as two indexed characters again; the slice hides mistakes.",
    ("column", "one"): "Columns should be 1-based as the error message promises.",
    ("column", "zero"): "The token offsets are 0-based in the tests; make _column return pos unchanged.",
    ("quote", "at"): "The closing-quote search looks off by one; search from pos itself.",
    ("quote", "after"): "Search for the closing quote after the opening one.",
    ("space", "skip"): "The whitespace branch does its own increment and then the loop's; simplify it to `continue`.",
    ("space", "while"): "Skip a whole run of whitespace at once.",
    ("space", "step"): "Back to advancing one whitespace character at a time.",
}


def lexer_index_off_by_one(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A hand-written scanner: the loop bound drops the last character, fixing it overruns the lookahead, the shared column helper is 0-based for tokens and 1-based for errors."""
    src, tf, lexer = ctx.source, ctx.test_file, ctx.lexer
    state = {"bound": "short", "peek": "index", "column": "one", "quote": "after", "space": "step"}
    body = scanner_source(lexer, state)
    a, b = ctx.pick(rng, 2)

    def cases() -> list[tuple[str, str, tuple[Any, ...], Any]]:
        x, y, z = ctx.pick(rng, 3)
        num = rng.choice(["1", "2", "10", "3"])
        return [
            (f"test_{ctx.stem}_simple", lexer, (f"{x} + {num}",), [("NAME", x), ("OP", "+"), ("NUMBER", num)]),
            (f"test_{ctx.stem}_single_name", lexer, (x,), [("NAME", x)]),
            (f"test_{ctx.stem}_parens", lexer, (f"({x})",), [("OP", "("), ("NAME", x), ("OP", ")")]),
            (
                f"test_{ctx.stem}_two_char_ops",
                lexer,
                (f"{x} ** 2 <= {y}",),
                [("NAME", x), ("OP", "**"), ("NUMBER", "2"), ("OP", "<="), ("NAME", y)],
            ),
            (
                f"test_{ctx.stem}_string",
                lexer,
                (f"'{x} {y}' + {z}",),
                [("STRING", f"{x} {y}"), ("OP", "+"), ("NAME", z)],
            ),
            (f"test_{ctx.stem}_trailing_space", lexer, (f"{x} ",), [("NAME", x)]),
            (f"test_{ctx.stem}_token_offsets", lexer, (f"{x} + {y}",), [0, len(x) + 1, len(x) + 3]),
            (f"test_{ctx.stem}_error_column", lexer, (f"{x} @ {num}",), f"column {len(x) + 2}"),
        ]

    fixed = cases()
    rng.shuffle(fixed)  # the test file's order

    def run(thought: str) -> Step:
        extra = rng.choice(["", " -q", " -x", " -q -x"])
        if state["space"] == "skip":
            case = f"test_{ctx.stem}_{rng.choice(['simple', 'two_char_ops', 'string'])}"
            return hang(ctx, rng, ctx.tests(rng.choice([tf, ""]), extra), thought, lexer, "ch = text[pos]", case)
        space: dict[str, Any] = {}
        exec(compile(scanner_source(lexer, state), "<family>", "exec"), space)
        scan = space[lexer]
        wrong = []
        for name, _, args, want in fixed:
            try:
                tokens = scan(*args)
            except Exception as error:  # what the test would see raised
                trace = [
                    f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == "<family>" and f.lineno
                ]
                error.add_note(scanner_source(lexer, state).split("\n")[trace[-1] - 1].strip() if trace else "")
                if name.endswith("error_column") and isinstance(error, SyntaxError):
                    if str(want) not in str(error):
                        wrong.append((name, args, want, error))
                    continue
                wrong.append((name, args, want, error))
                continue
            got = [t[2] for t in tokens] if name.endswith("offsets") else [t[:2] for t in tokens]
            if name.endswith("error_column") or got != want:
                wrong.append((name, args, want, got))
        fails = [_scan_fail(ctx, lexer, *w) for w in wrong]
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    def change(k: int) -> list[Step]:
        which, kind = rng.choice([key for key in _SCANNER_WHY if state[key[0]] != key[1]])
        table = {"bound": _BOUNDS, "peek": _PEEKS, "column": _COLUMNS, "quote": _QUOTES, "space": _SPACES}[which]
        old = table[state[which]]
        state[which] = kind
        return [
            Step(_SCANNER_WHY[(which, kind)], py_edit(src, old, table[kind]), "patched"),
            run(rng.choice(["Rerun the tokenizer tests.", "Run them again.", "Rerun."])),
        ]

    def probe(k: int) -> Step:
        text = rng.choice([f"({a})", f"{a} ** 2", f"{a} <= {b}", a, f"'{a}' + {b}"])
        if state["space"] == "skip" and " " in text:
            text = f"({a})"
        space: dict[str, Any] = {}
        exec(compile(scanner_source(lexer, state), "<family>", "exec"), space)
        try:
            shown, rc = repr(space[lexer](text)), 0
        except Exception as error:  # printed as the probe's traceback
            shown = f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{src}", line {rng.randint(30, 700)}, in {lexer}\n    {_PEEKS[state["peek"]].removeprefix("el")}\n{type(error).__name__}: {error}'
            rc = 1
        return Step(
            "Let me tokenize an input by hand.",
            f'python -c "from {ctx.dotted} import {lexer}; print({lexer}({text!r}))"',
            shown,
            rc=rc,
        )

    first = [
        run("Let me run the tokenizer tests after my change."),
        Step("Let me read the tokenizer.", f"grep -n 'def {lexer}' -A40 {src}", f"{rng.randint(20, 300)}:" + body),
    ]
    attempts: list[Attempt] = [change, change, change, lambda k: [probe(k)]]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "the tokenizer's positions and bounds",
        lexer,
        lambda: scanner_source(lexer, state),
    )


def _scan_fail(ctx: Ctx, lexer: str, name: str, args: tuple[Any, ...], want: Any, got: Any) -> Fail:
    text = args[0]
    if name.endswith("error_column"):
        raises = (
            f"with self.assertRaisesRegex(SyntaxError, {want!r}):"
            if ctx.django
            else f"with pytest.raises(SyntaxError, match={want!r}):"
        )
        if isinstance(got, SyntaxError):
            error = (
                f'AssertionError: "{want}" does not match "{got}"'
                if ctx.django
                else f'AssertionError: Regex pattern did not match.\n Regex: {want!r}\n Input: "{got}"'
            )
            return Fail(
                name,
                error,
                raises,
                [(lexer, 'raise SyntaxError("unexpected character %r at column %d" % (ch, _column(pos)))')],
            )
        if not isinstance(got, Exception):
            return Fail(name, "Failed: DID NOT RAISE <class 'SyntaxError'>", raises)
    if isinstance(got, Exception):
        return Fail(name, f"{type(got).__name__}: {got}", f"tokens = {lexer}({text!r})", [(lexer, raised_at(got))])
    shown = f"[t[2] for t in {lexer}({text!r})]" if name.endswith("offsets") else f"[t[:2] for t in {lexer}({text!r})]"
    return Fail(name, f"AssertionError: assert {got!r} == {want!r}", f"assert {shown} == {want!r}")


_KEYWORD = {"bare": "and|or|not|in", "bounded": r"(?:and|or|not|in)\b", "lookahead": r"(?:and|or|not|in)(?!\w)"}
_OPS = {"short": r"[-+*/<>=()]|\*\*|<=|>=|==", "long": r"\*\*|<=|>=|==|[-+*/<>=()]"}
_NUMBERS = {
    "plain": r"\d+(?:\.\d+)?",
    "signed": r"-?\d+(?:\.\d+)?",
    "behind": r"(?<![\w)])-?\d+(?:\.\d+)?",
    "behind_space": r"(?<![\w)]\s*)-?\d+(?:\.\d+)?",
}
_ORDER_WHY = {
    ("order", "keyword_first"): "Keywords have to be tried before names or they're never produced; move KEYWORD first.",
    (
        "order",
        "name_first",
    ): "A keyword alternative first splits names like `index` into `in` + `dex`. Put NAME before KEYWORD.",
    ("keyword", "bounded"): "Add `\\b` after the keywords so they only match whole words.",
    ("keyword", "lookahead"): "Use a negative lookahead `(?!\\w)` after the keywords instead of `\\b`.",
    ("keyword", "bare"): "Drop the boundary from the keywords again.",
    (
        "ops",
        "long",
    ): "Alternation takes the first alternative that matches, so `*` wins over `**`. List the two-character operators first.",
    ("ops", "short"): "Keep the single-character class first; it's the common case.",
    ("number", "signed"): "A negative literal like `-1` should be one NUMBER token; allow an optional sign.",
    ("number", "plain"): "The sign makes `x-1` a NAME followed by NUMBER -1. Take the sign out of NUMBER again.",
    (
        "number",
        "behind",
    ): "Only treat `-` as a sign when it doesn't follow a name or a closing paren: a negative lookbehind.",
    ("number", "behind_space"): "The lookbehind misses `x -1` with a space; allow whitespace inside it.",
}


def _master(lexer: str, s: dict[str, str]) -> str:
    kw, name = f'    ("KEYWORD", r"{_KEYWORD[s["keyword"]]}"),\n', '    ("NAME", r"[A-Za-z_]\\w*"),\n'
    return (
        "import re\n\n_SPEC = [\n"
        + (kw + name if s["order"] == "keyword_first" else name + kw)
        + f'    ("NUMBER", r"{_NUMBERS[s["number"]]}"),\n    ("OP", r"{_OPS[s["ops"]]}"),\n    ("SKIP", r"\\s+"),\n]\n'
        + '_TOKEN_RE = re.compile("|".join("(?P<%s>%s)" % pair for pair in _SPEC))\n\n\n'
        + f'def {lexer}(text):\n    return [(m.lastgroup, m.group()) for m in _TOKEN_RE.finditer(text) if m.lastgroup != "SKIP"]\n'
    )


def alternation_order_shuffle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A tokenizer from one master pattern: the order of the alternatives decides keywords, operators and signs, and every reordering or lookaround breaks another input."""
    src, tf, lexer = ctx.source, ctx.test_file, ctx.lexer
    state = {"order": "keyword_first", "keyword": "bare", "ops": "short", "number": "plain"}
    body = _master(lexer, state).removeprefix("import re\n\n")
    prefixed = rng.choice(["index", "order_by", "notes", "origin", "android", "inner", "notify"])

    def cases() -> list[tuple[str, str, tuple[Any, ...], Any]]:
        x, y = ctx.pick(rng, 2)
        return [
            (
                f"test_{ctx.stem}_keyword_prefix",
                lexer,
                (f"{prefixed} and {x}",),
                [("NAME", prefixed), ("KEYWORD", "and"), ("NAME", x)],
            ),
            (f"test_{ctx.stem}_keyword", lexer, (f"not {x}",), [("KEYWORD", "not"), ("NAME", x)]),
            (f"test_{ctx.stem}_power", lexer, (f"{x} ** 2",), [("NAME", x), ("OP", "**"), ("NUMBER", "2")]),
            (f"test_{ctx.stem}_compare", lexer, (f"{x} <= 10",), [("NAME", x), ("OP", "<="), ("NUMBER", "10")]),
            (f"test_{ctx.stem}_minus_no_space", lexer, (f"{x}-1",), [("NAME", x), ("OP", "-"), ("NUMBER", "1")]),
            (f"test_{ctx.stem}_minus_spaced", lexer, (f"{y} -1",), [("NAME", y), ("OP", "-"), ("NUMBER", "1")]),
            (f"test_{ctx.stem}_negative_literal", lexer, ("-1",), [("NUMBER", "-1")]),
            (
                f"test_{ctx.stem}_call_minus",
                lexer,
                (f"({x})-2",),
                [("OP", "("), ("NAME", x), ("OP", ")"), ("OP", "-"), ("NUMBER", "2")],
            ),
        ]

    fixed = cases()
    rng.shuffle(fixed)  # the test file's order

    def run(thought: str) -> Step:
        extra = rng.choice(["", " -q", " -x", " -rf"])
        if state["number"] == "behind_space":
            code = '_TOKEN_RE = re.compile("|".join("(?P<%s>%s)" % pair for pair in _SPEC))'
            return collection_error(
                ctx,
                rng,
                thought,
                rng.choice([tf, ""]),
                lexer,
                code,
                "re.error: look-behind requires fixed-width pattern",
            )
        wrong = run_cases(_master(lexer, state), fixed)
        fails = [
            Fail(name, f"AssertionError: assert {got!r} == {want!r}", f"assert {fn}({args[0]!r}) == {want!r}")
            for name, fn, args, want, got in wrong
        ]
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    def change(k: int) -> list[Step]:
        which, kind = rng.choice([key for key in _ORDER_WHY if state[key[0]] != key[1]])
        before = _master(lexer, state)
        state[which] = kind
        after = _master(lexer, state)
        old = "\n".join(line for line in before.split("\n") if line not in after.split("\n"))
        new = "\n".join(line for line in after.split("\n") if line not in before.split("\n"))
        if which == "order":
            old, new = (
                before[before.index("_SPEC") : before.index('    ("NUMBER"')],
                after[after.index("_SPEC") : after.index('    ("NUMBER"')],
            )
        return [
            Step(_ORDER_WHY[(which, kind)], py_edit(src, old, new), "patched"),
            run(rng.choice(["Rerun the tokenizer tests.", "Run the tests.", "See what that changes."])),
        ]

    def probe(k: int) -> Step:
        x = ctx.pick(rng, 1)[0]
        texts = rng.sample([f"{prefixed} and {x}", f"{x}-1", f"{x} -1", "-1", f"{x} ** 2", f"not {x}"], 3)
        if state["number"] == "behind_space":
            out = f'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n  File "/testbed/{src}", line {rng.randint(20, 300)}, in <module>\n    _TOKEN_RE = re.compile("|".join("(?P<%s>%s)" % pair for pair in _SPEC))\nre.error: look-behind requires fixed-width pattern'
        else:
            space: dict[str, Any] = {}
            exec(compile(_master(lexer, state), "<family>", "exec"), space)
            out = "\n".join(f"{t!r:<24} {space[lexer](t)}" for t in texts)
        return Step(
            "Let me print the tokens for the inputs that disagree.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {lexer}\nfor t in {texts!r}:\n    print('%-24r %s' % (t, {lexer}(t)))\nEOF",
            out,
            rc=1 if out.startswith("Traceback") else 0,
        )

    first = [
        run("Let me run the tokenizer tests for the module I changed."),
        Step(
            "Let me look at the token specification.", f"grep -n '_SPEC' -A12 {src}", f"{rng.randint(20, 300)}:" + body
        ),
    ]
    attempts: list[Attempt] = [change, change, change, lambda k: [probe(k)]]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "the order of the token alternatives",
        lexer,
        lambda: _master(lexer, state).removeprefix("import re\n\n"),
    )
