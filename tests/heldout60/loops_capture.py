# ruff: noqa: E501
"""Loop family on greedy and lazy quantifiers: each call's arguments captured by one pattern."""

from __future__ import annotations

import random
from typing import Any

from heldout20.calls import Step
from heldout60.errors import re_traceback, run_cases
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, test_step


def _call_cases(ctx: Ctx, rng: random.Random) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    f, g, h = rng.sample(ctx.funcs, 3)
    a, b = ctx.pick(rng, 2)
    return {
        "nested": (f"{f}({g}({a}), {b})", [(f, f"{g}({a}), {b}")]),
        "two_calls": (f"{f}({a}) + {g}({b})", [(f, a), (g, b)]),
        "quoted_paren": (f'{f}(")", {a})', [(f, f'")", {a}')]),
        "multiline": (f"{f}({a},\n    {b})", [(f, f"{a},\n    {b}")]),
        "deep": (f"{f}({g}({h}({a})))", [(f, f"{g}({h}({a}))")]),
    }


_RINDEX = "    start = text.find('(')\n    if start < 0:\n        return []\n    name = text[:start].split()[-1] if text[:start].split() else ''\n    return [(name, text[start + 1 : text.rindex(')')])]"
_CALL_PATTERNS = {
    "greedy": r"(\w+)\((.*)\)",
    "lazy": r"(\w+)\((.*?)\)",
    "negated": r"(\w+)\(([^()]*)\)",
    "onelevel": r"(\w+)\(((?:[^()]|\([^()]*\))*)\)",
    "dotall": r"(?s)(\w+)\((.*)\)",
}


def greedy_lazy_capture_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Capturing each call's arguments with one pattern: greedy swallows the next call, lazy stops at the inner paren, every class or nesting level breaks another case."""
    func = rng.choice([f"_{ctx.stem}_call_args", f"split_{ctx.stem}_calls", f"_find_{ctx.stem}_calls"])
    src, tf = ctx.source, ctx.test_file
    state = {"kind": "greedy"}
    body = f'_CALL_RE = re.compile(r"{_CALL_PATTERNS["greedy"]}")\n\n\ndef {func}(text):\n    return [(m.group(1), m.group(2)) for m in _CALL_RE.finditer(text)]\n'

    def source() -> str:
        if state["kind"] == "rindex":
            return f"def {func}(text):\n{_RINDEX}\n"
        return f'import re\n\n_CALL_RE = re.compile(r"{_CALL_PATTERNS[state["kind"]]}")\n\n\ndef {func}(text):\n    return [(m.group(1), m.group(2)) for m in _CALL_RE.finditer(text)]\n'

    cases = dict(rng.sample(list(_call_cases(ctx, rng).items()), 5))  # in the test file's order

    def run(thought: str) -> Step:
        wrong = run_cases(
            source(), [(f"test_{ctx.stem}_{case}", func, (text,), want) for case, (text, want) in cases.items()]
        )
        fails = [
            Fail(name, f"AssertionError: assert {got!r} == {want!r}", f"assert {fn}({args[0]!r}) == {want!r}")
            for name, fn, args, want, got in wrong
        ]
        extra = rng.choice(["", " -q", " -x", " -rf"])
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    thoughts = {
        "lazy": "The greedy `.*` runs on to the last closing paren on the line. Make it lazy so each call stops at its own `)`.",
        "greedy": "Lazy stops at the first `)`, which breaks nested calls. Back to greedy so the capture reaches the matching paren.",
        "negated": "Instead of `.`, exclude parentheses from the argument text so a match can't cross into another call.",
        "onelevel": "Allow one level of nested parentheses inside the arguments explicitly.",
        "dotall": "The multi-line call isn't found because `.` doesn't match a newline. Add DOTALL inline and keep it greedy.",
    }

    def switch(k: int) -> list[Step]:
        kind = rng.choice([kind for kind in thoughts if kind != state["kind"]])
        if state["kind"] == "rindex":
            edit = f"git checkout -- {src} && " + py_edit(src, _CALL_PATTERNS["greedy"], _CALL_PATTERNS[kind])
        else:
            edit = py_edit(src, _CALL_PATTERNS[state["kind"]], _CALL_PATTERNS[kind])
        state["kind"] = kind
        return [
            Step(thoughts[kind], edit, "patched"),
            run(rng.choice(["Rerun the call tests.", "Run the tests again.", "Check all the cases now."])),
        ]

    def recursive(k: int) -> list[Step]:
        modern = ctx.python in ("3.11", "3.12")
        pattern = r"(\w+)(\((?:[^()]++|(?2))*\))"
        error = (
            "re.error: unknown extension ?2 at position 20" if modern else "re.error: multiple repeat at position 17"
        )
        return [
            Step(
                "Balanced parentheses need recursion; PCRE-style `(?2)` would do it. Let me check whether the pattern compiles with `re`.",
                f"python -c \"import re; print(re.findall(r'{pattern}', 'f(g(a), b)'))\"",
                re_traceback(ctx, rng, [("<string>", 1, "<module>", "")], error, "findall").replace(
                    '    \n  File "/', '  File "/', 1
                ),
                rc=1,
            ),
            Step(
                "And the third-party `regex` module?",
                'python -c "import regex; print(regex.__version__)"',
                "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'regex'",
                rc=1,
            ),
        ]

    def rindex(k: int) -> list[Step]:
        state["kind"] = "rindex"
        return [
            Step(
                "Let me take the name up to the first `(` and the arguments up to the last `)`, without a regex for the arguments.",
                py_edit(
                    src,
                    "    return [(m.group(1), m.group(2)) for m in _CALL_RE.finditer(text)]",
                    _RINDEX,
                ),
                "patched",
            ),
            run("Run the call tests."),
        ]

    def probe(k: int) -> Step:
        shown = [cases[c][0] for c in rng.sample(list(cases), 3)]
        space: dict[str, Any] = {}
        exec(compile(source(), "<family>", "exec"), space)  # the attempt's own code, on the probe's inputs
        return Step(
            "Let me print what the current code finds for the test inputs.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nfor text in {shown!r}:\n    print(repr(text), '->', {func}(text))\nEOF",
            "\n".join(f"{text!r} -> {space[func](text)!r}" for text in shown),
        )

    first = [
        run("Let me run the tests for the call splitter I changed."),
        Step("Let me look at the pattern.", f"grep -n '_CALL_RE' -A6 {src}", f"{rng.randint(20, 300)}:" + body),
    ]
    attempts: list[Attempt] = [switch, switch, switch, switch, recursive, rindex, lambda k: [probe(k)]]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "capturing the call arguments with one regex",
        func,
        lambda: source().removeprefix("import re\n\n"),
    )
