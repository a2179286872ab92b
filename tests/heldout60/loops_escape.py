# ruff: noqa: E501
"""Loop family on escaping: backslashes through raw strings, re.escape and re.sub's replacement template.

Each attempt's code is run here on the tests' inputs, so the failures a run prints are the ones that code has.
"""

from __future__ import annotations

import random
from typing import Any

from heldout20.calls import Step
from heldout60.errors import error_line, raised_at, re_traceback, run_cases
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, test_step

_LATEX = [r"\alpha", r"\theta_0", r"\nu", r"\mu", r"\sigma^2", r"\lambda", r"\beta"]
_PATHS = [r"C:\Users\build", r"D:\data\out", r"C:\new\tmp", r"C:\temp\logs", r"\\server\share"]
SUB_PATTERNS = {
    "raw": 'r"\\b" + old + r"\\b"',
    "escaped": 'r"\\b" + re.escape(old) + r"\\b"',
    "plain": '"\\b" + re.escape(old) + "\\b"',
    "double": 'r"\\b" + re.escape(re.escape(old)) + r"\\b"',
}
SUB_REPLS = {
    "new": "new",
    "doubled": 'new.replace("\\\\", "\\\\\\\\")',
    "lambda": "lambda m: new",
    "escape": "re.escape(new)",
    "slash": 'new.replace("\\\\", "/")',
}
_PATTERN_WHY = {
    "raw": "Keep the old name unescaped so callers can pass a pattern, as before.",
    "escaped": "The old name must be matched literally; escape it so a `.` doesn't match any character.",
    "plain": "Tidy the word boundaries into ordinary strings around the escaped name.",
    "double": "The name may come in already escaped from the caller; escape it once more to be safe.",
}
_REPL_WHY = {
    "new": "Pass the replacement through unchanged; re.sub should handle it.",
    "doubled": "re.sub interprets backslashes in the replacement; double them so they come out literally.",
    "lambda": "A function as the replacement is inserted as-is, with no escape processing.",
    "escape": "Escape the replacement with re.escape so its backslashes are literal.",
    "slash": "Normalise backslashes to forward slashes in the replacement; they mean the same in paths.",
}


def _sub_line(which: str, code: str) -> str:
    """The line of the substitution that holds the pattern or the replacement, as an edit names it."""
    return f"pattern = {code}" if which == "pattern" else f"re.sub(pattern, {code}, text)"


def backslash_escape_layering(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Renaming a word with re.sub: the replacement's backslashes corrupt or raise, escaping them breaks group references, raw and plain strings swap meanings."""
    func = rng.choice([f"_rename_{ctx.stem}_symbol", f"{ctx.stem}_substitute", f"_replace_{ctx.stem}_name"])
    src, tf = ctx.source, ctx.test_file
    latex = ctx.run.owner in ("sympy", "matplotlib", "astropy")
    state = {"pattern": "raw", "repl": "new"}

    def source() -> str:
        return f"import re\n\n\ndef {func}(text, old, new):\n    pattern = {SUB_PATTERNS[state['pattern']]}\n    return re.sub(pattern, {SUB_REPLS[state['repl']]}, text)\n"

    body = source().removeprefix("import re\n\n\n")

    def cases() -> list[tuple[str, str, tuple[Any, ...], Any]]:
        a, b, c = ctx.pick(rng, 3)
        value, other = rng.sample(_LATEX if latex else _PATHS, 2)
        return [
            (f"test_{ctx.stem}_literal_dot", func, (f"{a}.{b} + {a}x{b}", f"{a}.{b}", c), f"{c} + {a}x{b}"),
            (f"test_{ctx.stem}_word_boundary", func, (f"{a} + {a}{a}", a, c), f"{c} + {a}{a}"),
            (f"test_{ctx.stem}_backslash_value", func, (f"{a} + {b}", a, value), f"{value} + {b}"),
            (
                f"test_{ctx.stem}_backslash_{'command' if latex else 'path'}",
                func,
                (f"{b}*{a}", b, other),
                f"{other}*{a}",
            ),
            (f"test_{ctx.stem}_group_reference", func, (f"{a} + {b}", a, "\\g<0>_0"), f"{a}_0 + {b}"),
        ]

    fixed = cases()
    rng.shuffle(fixed)  # the test file's order

    def run(thought: str) -> Step:
        extra = rng.choice(["", " -q", " -x", " -rf"])
        wrong = run_cases(source(), fixed)
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
                fails.append(
                    Fail(name, f"AssertionError: assert {got!r} == {want!r}", f"assert {fn}({shown}) == {want!r}")
                )
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    def switch(which: str) -> list[Step]:
        table, whys = (SUB_PATTERNS, _PATTERN_WHY) if which == "pattern" else (SUB_REPLS, _REPL_WHY)
        kind = rng.choice([k for k in table if k != state[which]])
        old = table[state[which]]
        state[which] = kind
        return [
            Step(whys[kind], py_edit(src, _sub_line(which, old), _sub_line(which, table[kind])), "patched"),
            run(
                rng.choice(
                    ["Rerun the rename tests.", "Run the tests again.", "Let me see what that does to the tests."]
                )
            ),
        ]

    def warnings(k: int) -> Step:
        return Step(
            "Let me check whether the module has any invalid escape sequences in its strings.",
            rng.choice(
                [
                    f'python -W error -c "import {ctx.dotted}" && echo clean',
                    f"python -W error::DeprecationWarning -m py_compile {src} && echo clean",
                ]
            ),
            "clean",
        )

    def probe(k: int) -> Step:
        a, b = ctx.pick(rng, 2)
        value = rng.choice(_LATEX if latex else _PATHS)
        space: dict[str, Any] = {}
        exec(compile(source(), "<family>", "exec"), space)
        try:
            shown = repr(space[func](f"{a} + {b}", a, value))
        except Exception as error:  # printed as the probe's traceback
            outer = [
                ("<stdin>", 2, "<module>", ""),
                (
                    f"/testbed/{src}",
                    rng.randint(30, 700),
                    func,
                    f"return re.sub(pattern, {SUB_REPLS[state['repl']]}, text)",
                ),
            ]
            shown = re_traceback(ctx, rng, outer, error_line(error), "sub").replace("    \n", "", 1)
        return Step(
            "Let me call it by hand with a backslash in the replacement.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nprint(repr({func}({f'{a} + {b}'!r}, {a!r}, r'{value}')))\nEOF",
            shown,
            rc=1 if shown.startswith("Traceback") else 0,
        )

    first = [
        run("Let me run the rename tests for the module I changed."),
        Step(
            "Let me look at how the substitution is built.",
            f"grep -n 'def {func}' -A4 {src}",
            f"{rng.randint(20, 300)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        lambda k: switch("repl"),
        lambda k: switch("repl"),
        lambda k: switch("pattern"),
        lambda k: [warnings(k)],
        lambda k: [probe(k)],
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "the backslashes in the substitution",
        func,
        lambda: source().removeprefix("import re\n\n\n"),
    )
