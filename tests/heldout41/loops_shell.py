# ruff: noqa: E501
"""Loops where the shell around the edit misfires: files written to the wrong place, `python -c` one-liners
that never parse, and output cut off before the line the agent needs."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout41.text import Ctx, churn, failing_test, py_edit


def wrong_path_write(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Edits written to a copy the tests never import: a path relative to the wrong directory, build/lib, /tmp."""
    base = posixpath.basename(ctx.source)
    sub = posixpath.dirname(ctx.source)
    wrong = [
        f"{sub}/{ctx.source}",
        f"build/lib/{ctx.source.replace('src/', '', 1)}",
        f"/tmp/testbed/{ctx.source}",
        f"{ctx.tests_dir}/{base}",
        base,
        f"{ctx.site}/{ctx.source.replace('src/', '', 1).replace('lib/', '', 1)}",
    ]

    def edit_in(k: int) -> list[Step]:
        path = rng.choice(wrong)
        here = rng.choice(["", f"cd {sub} && ", f"cd {ctx.tests_dir} && "])
        cmd = (
            py_edit(path, ctx.old, ctx.new)
            if rng.random() < 0.6
            else f"{here}sed -i 's/return \\[\\]$/return default/' {path}"
        )
        out = "patched\n" if cmd.startswith("python") else ""
        if path == wrong[0] and not here:
            out, rc = (
                f"Traceback (most recent call last):\n  File \"<stdin>\", line 2, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: '{path}'\n",
                1,
            )
        else:
            rc = 0
        return [
            Step(
                rng.choice(
                    [
                        "Let me apply the fix in the module.",
                        "Applying the change again, to the file I think is imported.",
                        "Let me patch this copy.",
                    ]
                ),
                here + cmd if not cmd.startswith(here) else cmd,
                out,
                rc=rc,
            ),
            failing_test(ctx, rng, "Running the test after the edit."),
        ]

    def cp(k: int) -> list[Step]:
        src, dst = rng.sample(wrong, 2)
        return [
            Step(
                "Let me copy my edited version over.",
                f"cp {src} {dst} && echo copied",
                "copied\n" if rng.random() < 0.6 else f"cp: cannot stat '{src}': No such file or directory\n",
                rc=0,
            )
        ]

    def where(k: int) -> list[Step]:
        return [
            Step(
                "Which file does Python import?",
                rng.choice(
                    [
                        f"python -c 'import {ctx.dotted} as m; print(m.__file__)'",
                        f"cd {ctx.tests_dir} && python -c 'import {ctx.dotted}, sys; print(sys.modules[\"{ctx.dotted}\"].__file__)'",
                    ]
                ),
                f"/testbed/{ctx.source}\n",
            )
        ]

    def find(k: int) -> list[Step]:
        copies = sorted([*rng.sample(wrong, 3), ctx.source])
        return [
            Step(
                "Let me find every copy of the file.",
                rng.choice(
                    [
                        f"find / -name {base} -path '*{sub.split('/')[-1]}*' 2>/dev/null | head",
                        f"find . /tmp -name {base} 2>/dev/null",
                    ]
                ),
                "\n".join(("./" + c) if not c.startswith("/") else c for c in copies) + "\n",
            )
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step("Is the fix in the imported file?", f"grep -c 'return default' /testbed/{ctx.source}", "0\n", rc=1)
        ]

    first = Step(
        "I'll go to the package directory and patch the module there.",
        f"cd {sub} && " + py_edit(ctx.source, ctx.old, ctx.new),
        f"Traceback (most recent call last):\n  File \"<stdin>\", line 2, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: '{ctx.source}'\n",
        rc=1,
    )
    return churn(
        ctx, rng, n, first, [edit_in, edit_in, cp, where, find, grep], "edits that keep landing in the wrong file"
    )


_ONELINERS = [
    (
        "for",
        "import {m}; for x in (None, [], 3): print({f}(x))",
        "    import {m}; for x in (None, [], 3): print({f}(x))\n                ^^^\nSyntaxError: invalid syntax",
    ),
    (
        "quotes",
        "from {m} import {f}; print(f'{{{f}(None, default=\"x\")!r}}')",
        "    from {m} import {f}; print(f'{{{f}(None, default=x)!r}}')\n                                        ^\nSyntaxError: f-string: expecting '}}'",
    ),
    (
        "if",
        "from {m} import {f}; r = {f}(None); if r: print('truthy')",
        "    from {m} import {f}; r = {f}(None); if r: print('truthy')\n                                         ^^\nSyntaxError: invalid syntax",
    ),
    (
        "paren",
        "from {m} import {f}; print({f}(None, default=())",
        "    from {m} import {f}; print({f}(None, default=())\n                              ^\nSyntaxError: '(' was never closed",
    ),
    (
        "with",
        "import ast; t = ast.parse(open('{s}').read()); print([n.name for n in ast.walk(t) if isinstance(n, ast.FunctionDef) and n.name == '{f}'][0].lineno)",
        "AttributeError: 'str' object has no attribute 'lineno'",
    ),
    (
        "try",
        "try: from {m} import {f}; print({f}(None)) except Exception as e: print(e)",
        "    try: from {m} import {f}; print({f}(None)) except Exception as e: print(e)\n                                                    ^^^^^^\nSyntaxError: invalid syntax",
    ),
    ("bang", "from {m} import {f}; assert {f}(None) != [], 'still []!'", "bash: !',: event not found"),
    (
        "def",
        "def t(): from {m} import {f}; return {f}(None, default=0)\\nprint(t())",
        "    def t(): from {m} import {f}; return {f}(None, default=0)\\nprint(t())\n                                                          ^\nSyntaxError: unexpected character after line continuation character",
    ),
]


def oneliner_syntax_error(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`python -c` checks that never parse: compound statements after semicolons, nested quotes, `!` in bash."""

    def fill(s: str) -> str:
        return (
            s.replace("{m}", ctx.dotted)
            .replace("{f}", ctx.func)
            .replace("{s}", ctx.source)
            .replace("{{", "{")
            .replace("}}", "}")
        )

    def one(k: int) -> list[Step]:
        kind, code, err = rng.choice(_ONELINERS)
        quote = rng.choice(['"', "'"]) if "'" not in code else '"'
        cmd = f"python{rng.choice(['', '3', ' -W ignore'])} -c {quote}{fill(code)}{quote}"
        out = fill(err) if kind == "bang" else f'  File "<string>", line 1\n{fill(err)}\n'
        if kind == "with":
            out = f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{fill(err).splitlines()[-1]}\n'
        steps = [
            Step(
                rng.choice(
                    [
                        "Quick check of the behaviour from the command line.",
                        "Let me fix the one-liner.",
                        "Trying the check again with different quoting.",
                        "Let me verify the fix with a one-liner.",
                    ]
                ),
                cmd,
                out,
                rc=1,
            )
        ]
        if rng.random() < 0.25:
            steps.append(failing_test(ctx, rng, "Let me just run the test instead."))
        return steps

    def multi(k: int) -> list[Step]:
        return [
            Step(
                "Using $'...' so I can put newlines in.",
                f"python -c $'from {ctx.dotted} import {ctx.func}\\nfor x in {rng.choice(['(None, [])', '(None, (), 0)', '[None, 1]', '(None,)'])}:\\nprint({ctx.func}(x))'",
                f"  File \"<string>\", line 3\n    print({ctx.func}(x))\n    ^\nIndentationError: expected an indented block after 'for' statement on line 2\n",
                rc=1,
            )
        ]

    def edit(k: int) -> list[Step]:
        return [
            Step(
                "Let me re-apply the change in case it didn't stick.",
                py_edit(ctx.source, ctx.old, ctx.new),
                "patched\n",
            )
        ]

    _kind, code, err = _ONELINERS[0]
    first = Step(
        "Let me check what the function returns for a few inputs.",
        f'python -c "{fill(code)}"',
        f'  File "<string>", line 1\n{fill(err)}\n',
        rc=1,
    )
    return churn(ctx, rng, n, first, [one, one, one, multi, edit], "one-liners that never even parse")


def _long_listing(ctx: Ctx, rng: random.Random, count: int) -> str:
    names = [
        f"{ctx.test_file}::test_{ctx.stem}_{w}_{i}"
        for i, w in enumerate(
            rng.choices(["basic", "empty", "nested", "kwargs", "repr", "roundtrip", "unicode", "default"], k=count)
        )
    ]
    failed = rng.randrange(count // 3, count - count // 4)
    lines = [ctx.run.pytest_header, "rootdir: /testbed", f"collected {count} items", ""]
    for i, name in enumerate(names):
        verdict = "FAILED" if i == failed else "PASSED"
        lines.append(f"{name} {verdict} [{100 * (i + 1) // count:3d}%]")
    lines += ["", "=" * 35 + " FAILURES " + "=" * 35, f"{'_' * 20} {names[failed].split('::')[1]} {'_' * 20}"]
    lines += [
        f"    def test():\n>       assert {ctx.func}(None, default=()) == ()\nE       AssertionError: assert [] == ()"
    ] + [f"  {ctx.site}/_pytest/python.py:{rng.randint(150, 1800)}: in pytest_pyfunc_call" for _ in range(40)]
    lines.append(f"{'=' * 20} 1 failed, {count - 1} passed in {rng.uniform(4, 40):.2f}s {'=' * 20}")
    return "\n".join(lines)


def truncated_output_blind(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The answer is always in the part the agent cuts away: elided by the harness, before `head`, after `tail`."""

    def verbose(k: int) -> list[Step]:
        flag = rng.choice(["-v", "-vv", "-v -rA", "-v --tb=long", "-v -l"])
        return [
            Step(
                rng.choice(
                    [
                        "Let me run the test file verbosely.",
                        "Running the whole file to see which test fails.",
                        "Let me see the full output.",
                    ]
                ),
                f"python -m pytest {ctx.test_file} {flag} 2>&1",
                _long_listing(ctx, rng, rng.randint(160, 260)),
                rc=1,
                seconds=rng.uniform(5, 40),
            )
        ]

    def head(k: int) -> list[Step]:
        count = rng.randint(160, 260)
        lines = _long_listing(ctx, rng, count).split("\n")
        m = rng.choice([30, 40, 50, 60, 80])
        return [
            Step(
                "Let me only look at the start.",
                f"python -m pytest {ctx.test_file} -v 2>&1 | head -{m}",
                "\n".join(lines[:m]),
                seconds=rng.uniform(5, 40),
            )
        ]

    def tail(k: int) -> list[Step]:
        m = rng.choice([3, 5, 8, 10, 15])
        lines = _long_listing(ctx, rng, rng.randint(160, 260)).split("\n")
        return [
            Step(
                "Let me look at the end instead.",
                f"python -m pytest {ctx.test_file} -v 2>&1 | tail -{m}",
                "\n".join(lines[-m:]),
                seconds=rng.uniform(5, 40),
            )
        ]

    def grep(k: int) -> list[Step]:
        pat = rng.choice(["Error", "assert", "FAILED", "E  "])
        if rng.random() < 0.5:
            cmd, out = f"python -m pytest {ctx.test_file} -q 2>&1 | grep -c '{pat}'", f"{rng.randint(2, 9)}\n"
        else:
            m = rng.choice([3, 5])
            cmd = f"python -m pytest {ctx.test_file} 2>&1 | grep '{pat}' | head -{m}"
            out = "\n".join(f"  {ctx.site}/_pytest/python.py:{rng.randint(150, 1800)}: {pat.strip()}" for _ in range(m))
        return [Step("Let me grep for the failure.", cmd, out, seconds=rng.uniform(5, 40))]

    def log(k: int) -> list[Step]:
        return [
            Step(
                "Let me dump the output to a file and print it.",
                f"python -m pytest {ctx.test_file} -vv > /tmp/out{k}.txt 2>&1; cat /tmp/out{k}.txt",
                _long_listing(ctx, rng, rng.randint(200, 300)),
                seconds=rng.uniform(5, 40),
            )
        ]

    def short(k: int) -> list[Step]:
        m = rng.choice([12, 15, 20])
        out = failing_test(ctx, rng, "").output or ""
        return [
            Step(
                "Let me run just the issue's test, only the top.",
                f"python -m pytest {ctx.target} 2>&1 | head -{m}",
                "\n".join(out.split("\n")[:7]),
                seconds=rng.uniform(2, 9),
            )
        ]

    first = Step(
        "Let me run the test module to see where it fails.",
        f"python -m pytest {ctx.test_file} -v 2>&1",
        _long_listing(ctx, rng, rng.randint(160, 260)),
        rc=1,
        seconds=rng.uniform(5, 40),
    )
    return churn(
        ctx, rng, n, first, [verbose, head, tail, grep, grep, log, short], "output that never shows the failing line"
    )
