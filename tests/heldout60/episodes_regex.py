# ruff: noqa: E501
"""Productive look-alikes on patterns: the same regex trouble met once or twice, then its cause found and the tests green.

Where an episode's code is small enough, it is run here on the tests' inputs, as the loops' is.
"""

from __future__ import annotations

import random
from typing import Any

from heldout20.calls import Step
from heldout60.errors import error_line, hang, raised_at, run_cases
from heldout60.loops_escape import SUB_PATTERNS, SUB_REPLS
from heldout60.text import Ctx, Fail, py_edit, py_edits, test_step


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def _fails(wrong: list[tuple[str, str, tuple[Any, ...], Any, Any]]) -> list[Fail]:
    fails = []
    for name, fn, args, want, got in wrong:
        shown = ", ".join(repr(a) for a in args)
        if isinstance(got, Exception):
            fails.append(
                Fail(
                    name,
                    error_line(got),
                    f"assert {fn}({shown}) {'is' if isinstance(want, bool) else '=='} {want!r}",
                    [(fn, raised_at(got))],
                )
            )
        else:
            op = "is" if isinstance(want, bool) else "=="
            fails.append(
                Fail(name, f"AssertionError: assert {got!r} {op} {want!r}", f"assert {fn}({shown}) {op} {want!r}")
            )
    return fails


def checked(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    source: str,
    cases: list[tuple[str, str, tuple[Any, ...], Any]],
    target: str = "",
) -> Step:
    """A test run of the code in `source`: red with what it gets wrong, green when nothing."""
    return test_step(ctx, rng, thought, target, _fails(run_cases(source, cases)), rng.choice(["", " -q"]))


def quantifier_unnested(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A validator hangs on a long invalid input; maybe a bound tried once; the growth measured; the group made unambiguous; flat timings, green."""
    src, tf = ctx.source, ctx.test_file
    func = rng.choice([f"_is_valid_{ctx.stem}_name", f"validate_{ctx.stem}_label"])
    case = f"test_{ctx.stem}_long_invalid_input"
    old = r"^([\w.-]+\s?)+$"
    new = r"^[\w.-]+(?:\s[\w.-]+)*\s?$"
    steps = [
        hang(
            ctx,
            rng,
            ctx.tests(tf),
            "Let me run the tests for the validator I changed.",
            func,
            f"return {ctx.regex}.match(value) is not None",
            case,
        ),
        Step(
            "It hangs. Let me look at the pattern.",
            f"grep -n '{ctx.regex}' -A4 {src}",
            f'{rng.randint(20, 300)}:{ctx.regex} = re.compile(r"{old}")\n\n\ndef {func}(value):\n    return {ctx.regex}.match(value) is not None\n',
        ),
    ]
    if rng.random() < 0.5:
        bounded = r"^([\w.-]{1,64}\s?)+$"
        steps += [
            Step("Maybe bounding the word length is enough.", py_edit(src, old, bounded), "patched"),
            hang(
                ctx,
                rng,
                ctx.tests(f"{tf}::{case}"),
                "Run the long-input test alone.",
                func,
                f"return {ctx.regex}.match(value) is not None",
                case,
            ),
        ]
        old = bounded
    sizes = [14, 16, 18, 20]
    base = rng.uniform(0.0015, 0.003)
    steps += [
        Step(
            "Let me measure how the time grows with the input length.",
            f"python - <<'EOF'\nimport time\nfrom {ctx.dotted} import {func}\nfor n in {sizes!r}:\n    t = time.perf_counter()\n    {func}('a' * n + '!')\n    print('%3d %.3fs' % (n, time.perf_counter() - t))\nEOF",
            "\n".join(f"{n:>3} {base * 4**i:.3f}s" for i, n in enumerate(sizes)),
            seconds=rng.uniform(2, 6),
        ),
        Step(
            "Every extra character doubles the time: `([\\w.-]+\\s?)+` can split a run of word characters between iterations in exponentially many ways once the final `$` fails. Requiring the separator between words leaves exactly one way to match.",
            py_edit(src, old, new),
            "patched",
        ),
        Step(
            "Measure again, with a much longer input.",
            f"python - <<'EOF'\nimport time\nfrom {ctx.dotted} import {func}\nfor n in (20, 1000, 100000):\n    t = time.perf_counter()\n    {func}('a' * n + '!')\n    print('%6d %.4fs' % (n, time.perf_counter() - t))\nEOF",
            "\n".join(
                f"{n:>6} {t:.4f}s"
                for n, t in (
                    (20, rng.uniform(0, 0.0001)),
                    (1000, rng.uniform(0.0001, 0.0003)),
                    (100000, rng.uniform(0.002, 0.009)),
                )
            ),
            seconds=rng.uniform(1, 3),
        ),
        green(ctx, rng, "Run the validator tests.", tf),
    ]
    if rng.random() < 0.5:
        steps.append(green(ctx, rng, "And the long-input test on its own to be sure.", f"{tf}::{case}", " -x"))
    return steps


_QUOTED = {
    "greedy": r'"(.*)"',
    "lazy": r'"(.*?)"',
    "escapes": r'"((?:[^"\\]|\\.)*)"',
}


def negated_class_delimited(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Quoted values captured greedily; lazy tried and an escaped quote breaks it; a class that excludes quotes but allows escapes; green."""
    src, tf = ctx.source, ctx.test_file
    func = rng.choice([f"_{ctx.stem}_quoted_values", f"split_{ctx.stem}_strings"])
    a, b, c = ctx.pick(rng, 3)

    def source(kind: str) -> str:
        return f"import re\n\n_QUOTED_RE = re.compile(r'{_QUOTED[kind]}')\n\n\ndef {func}(text):\n    return _QUOTED_RE.findall(text)\n"

    cases = [
        (f"test_{ctx.stem}_two_values", func, (f'"{a}", "{b}"',), [a, b]),
        (f"test_{ctx.stem}_escaped_quote", func, (f'"say \\"{a}\\"", "{b}"',), [f'say \\"{a}\\"', b]),
        (f"test_{ctx.stem}_empty_value", func, (f'"", "{c}"',), ["", c]),
        (f"test_{ctx.stem}_single", func, (f'"{c}"',), [c]),
    ]
    steps = [
        checked(ctx, rng, "Let me run the tests for the quoted-value splitting.", source("greedy"), cases, tf),
        Step(
            "Let me look at the pattern.",
            f"grep -n '_QUOTED_RE' -A4 {src}",
            f"{rng.randint(20, 300)}:" + source("greedy").removeprefix("import re\n\n"),
        ),
    ]
    kind = "greedy"
    if rng.random() < 0.6:
        steps += [
            Step(
                "The greedy `.*` runs from the first quote to the last one. Make it lazy.",
                py_edit(src, _QUOTED["greedy"], _QUOTED["lazy"]),
                "patched",
            ),
            checked(ctx, rng, "Rerun.", source("lazy"), cases, tf),
        ]
        kind = "lazy"
    steps += [
        Step(
            "A lazy `.*?` still stops at an escaped quote inside a value. The value is any run of characters that are neither a quote nor a backslash, or a backslash followed by any character.",
            py_edit(src, _QUOTED[kind], _QUOTED["escapes"]),
            "patched",
        ),
        Step(
            "Check the tricky input by hand.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nprint({func}({cases[1][2][0]!r}))\nEOF",
            repr(cases[1][3]),
        ),
        checked(ctx, rng, "Run the tests.", source("escapes"), cases, tf),
    ]
    return steps


def anchors_split_by_flag(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A field on a later line not found and a token with a newline accepted; the shared flags split, MULTILINE for the field only, fullmatch for the token; maybe CRLF once; green."""
    src, tf = ctx.source, ctx.test_file
    func = rng.choice([f"_{ctx.stem}_header", f"get_{ctx.stem}_field"])
    check = rng.choice([f"_is_{ctx.stem}_token", f"valid_{ctx.stem}_token"])
    k1, k2 = (w.replace("_", "-").title() for w in ctx.pick(rng, 2))
    v1, v2 = ctx.pick(rng, 2)
    crlf = rng.random() < 0.5

    def source(field_flags: str, value: str, token: str) -> str:
        return (
            f'import re\n\n_FLAGS = re.IGNORECASE\n_FIELD_RE = re.compile(r"^(?P<key>[\\w-]+):[ \\t]*{value}", {field_flags})\n_TOKEN_RE = re.compile(r"[\\w.-]+", _FLAGS)\n\n\n'
            f'def {func}(text, key):\n    for m in _FIELD_RE.finditer(text):\n        if m.group("key").lower() == key.lower():\n            return m.group("value")\n    return None\n\n\n'
            f"def {check}(value):\n    return _TOKEN_RE.{token}(value) is not None\n"
        )

    cases = [
        (f"test_{ctx.stem}_field_on_later_line", func, (f"{k1}: {v1}\n{k2}: {v2}\n", k2), v2),
        (f"test_{ctx.stem}_missing_key", func, (f"{k1}: {v1}\n", k2), None),
        (f"test_{ctx.stem}_token", check, (v1,), True),
        (f"test_{ctx.stem}_token_trailing_newline", check, (f"{v1}\n",), False),
        (f"test_{ctx.stem}_token_embedded_newline", check, (f"{v1}\n{v2}",), False),
    ]
    if crlf:
        cases.append((f"test_{ctx.stem}_crlf", func, (f"{k1}: {v1}\r\n{k2}: {v2}\r\n", k2), v2))
    before = source("_FLAGS", "(?P<value>.*)$", "match").replace('r"[\\w.-]+"', 'r"^[\\w.-]+$"')
    steps = [
        checked(ctx, rng, "Let me run the header tests.", before, cases, tf),
        Step(
            "Let me look at the patterns.",
            f"grep -n '_FLAGS\\|_FIELD_RE\\|_TOKEN_RE' {src}",
            "\n".join(f"{rng.randint(20, 300)}:{line}" for line in before.split("\n")[2:5]),
        ),
        Step(
            "Two different needs share one flags constant: the field lookup needs MULTILINE so `^`/`$` work per line, while the token check must cover the whole string, where `$` also accepts a trailing newline. Give the field its own flags and use fullmatch for the token.",
            py_edits(
                src,
                [
                    ('(?P<value>.*)$", _FLAGS)', '(?P<value>.*)$", _FLAGS | re.MULTILINE)'),
                    ('r"^[\\w.-]+$", _FLAGS)', 'r"[\\w.-]+", _FLAGS)'),
                    ("_TOKEN_RE.match(value)", "_TOKEN_RE.fullmatch(value)"),
                ],
            ),
            "patched",
        ),
    ]
    middle = source("_FLAGS | re.MULTILINE", "(?P<value>.*)$", "fullmatch")
    if crlf:
        steps += [
            checked(ctx, rng, "Rerun.", middle, cases, tf),
            Step(
                "With CRLF the `.` takes the `\\r` too, and `$` only stops before `\\n`. Leave an optional `\\r` outside the value.",
                py_edit(src, '(?P<value>.*)$"', '(?P<value>.*?)\\r?$"'),
                "patched",
            ),
        ]
        middle = source("_FLAGS | re.MULTILINE", "(?P<value>.*?)\\r?$", "fullmatch")
    steps.append(checked(ctx, rng, "Run the header tests.", middle, cases, tf))
    return steps


def _repl_line(kind: str) -> str:
    return f"re.sub(pattern, {SUB_REPLS[kind]}, text)"


def repl_escaped_by_function(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A backslash in the replacement raises or corrupts; re.sub's template rules read; the name escaped and the replacement passed as a function; green."""
    src, tf = ctx.source, ctx.test_file
    func = rng.choice([f"_rename_{ctx.stem}_symbol", f"_replace_{ctx.stem}_name"])
    latex = ctx.run.owner in ("sympy", "matplotlib", "astropy")
    a, b, c = ctx.pick(rng, 3)
    value, other = rng.sample(
        [r"\mu", r"\lambda", r"\sigma", r"\theta_0"] if latex else [r"C:\Users\build", r"D:\data\out", r"C:\temp\logs"],
        2,
    )

    def source(pattern: str, repl: str) -> str:
        return f"import re\n\n\ndef {func}(text, old, new):\n    pattern = {SUB_PATTERNS[pattern]}\n    return re.sub(pattern, {SUB_REPLS[repl]}, text)\n"

    cases = [
        (f"test_{ctx.stem}_literal_dot", func, (f"{a}.{b} + {a}x{b}", f"{a}.{b}", c), f"{c} + {a}x{b}"),
        (f"test_{ctx.stem}_word_boundary", func, (f"{a} + {a}{a}", a, c), f"{c} + {a}{a}"),
        (f"test_{ctx.stem}_backslash_value", func, (f"{a} + {b}", a, value), f"{value} + {b}"),
        (f"test_{ctx.stem}_backslash_{'command' if latex else 'path'}", func, (f"{b}*{a}", b, other), f"{other}*{a}"),
    ]
    steps = [
        checked(ctx, rng, "Let me run the rename tests.", source("raw", "new"), cases, tf),
        Step(
            "Let me look at the substitution.",
            f"grep -n 'def {func}' -A3 {src}",
            f"{rng.randint(20, 300)}:" + source("raw", "new").removeprefix("import re\n\n\n"),
        ),
        Step(
            "Let me check how re.sub treats the replacement string.",
            'python -c "import re; print(re.sub.__doc__)" | head -12',
            "Return the string obtained by replacing the leftmost\n    non-overlapping occurrences of the pattern in string by the\n    replacement repl.  repl can be either a string or a callable;\n    if a string, backslash escapes in it are processed.  If it is\n    a callable, it's passed the Match object and must return\n    a replacement string to be used.",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Backslash escapes in the replacement are processed. Double them first.",
                py_edit(src, _repl_line("new"), _repl_line("doubled")),
                "patched",
            ),
            checked(ctx, rng, "Rerun.", source("raw", "doubled"), cases, tf),
            Step(
                "The backslashes come through now; what's left is the old name: it's inserted into the pattern unescaped, so its `.` matches any character. A callable replacement is simpler than doubling, and the name needs re.escape.",
                py_edits(
                    src,
                    [
                        (_repl_line("doubled"), _repl_line("lambda")),
                        (f"pattern = {SUB_PATTERNS['raw']}", f"pattern = {SUB_PATTERNS['escaped']}"),
                    ],
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "The replacement is meant literally, so pass it as a function, which re.sub inserts untouched; and the old name must be escaped so its `.` only matches a dot.",
                py_edits(
                    src,
                    [
                        (_repl_line("new"), _repl_line("lambda")),
                        (f"pattern = {SUB_PATTERNS['raw']}", f"pattern = {SUB_PATTERNS['escaped']}"),
                    ],
                ),
                "patched",
            )
        )
    steps.append(checked(ctx, rng, "Run the rename tests.", source("escaped", "lambda"), cases, tf))
    return steps
