"""Loops over text that will not settle: an indentation war, a doctest whose mismatch keeps moving.

Both keep a small model of the file (the block's indentation, the docstring's and the code's output
format) and render what python prints from it, so the line numbers and the Expected/Got pairs drift
with each edit the way they would.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from heldout17.runs import Ctx
from heldout17.talk import diff, numbered, say, sep, tail, traceback
from heldout17.wire import Step

BLOCKS = (
    (
        (0, "if value is None:"),
        (1, "return default"),
        (0, "if isinstance(value, str):"),
        (1, "value = [value]"),
        (0, "result = []"),
        (0, "for item in value:"),
        (1, "result.append(self._normalize(item))"),
        (0, "return result"),
    ),
    (
        (0, "options = dict(self.options or {})"),
        (0, "for key in list(options):"),
        (1, "if options[key] is None:"),
        (2, "del options[key]"),
        (0, "if not options:"),
        (1, "return None"),
        (0, "return options"),
    ),
    (
        (0, "parts = []"),
        (0, "for name, field in self._fields():"),
        (1, "if field.hidden:"),
        (2, "continue"),
        (1, "parts.append(name)"),
        (0, "return ', '.join(parts)"),
    ),
)

FAULTS = {
    "unexpected": "IndentationError: unexpected indent",
    "expected": "IndentationError: expected an indented block",
    "unindent": "IndentationError: unindent does not match any outer indentation level",
    "tab": "TabError: inconsistent use of tabs and spaces in indentation",
}


def indentation_war(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    block = rng.choice(BLOCKS)
    base = rng.randint(60, 700)
    indent = 8

    def render(fault: str, at: int) -> list[str]:
        lines = []
        for i, (depth, text) in enumerate(block):
            pad = " " * (indent + 4 * depth)
            if i == at:
                pad = {
                    "unexpected": pad + "    ",
                    "expected": " " * (indent + 4 * block[i - 1][0]) if i else pad,
                    "unindent": " " * (indent + 4 * depth - 2),
                    "tab": "\t" + " " * (4 * depth),
                }[fault]
            lines.append(pad + text)
        return lines

    def error(fault: str, at: int) -> str:
        line = base + at
        code = block[at][1]
        if fault == "expected" and ctx.minor >= 10:
            keyword = block[at - 1][1].split()[0]
            message = f"IndentationError: expected an indented block after '{keyword}' statement on line {line - 1}"
        else:
            message = FAULTS[fault]
        caret = "" if fault == "unexpected" else "    " + " " * (len(code) if fault != "expected" else 0) + "^\n"
        return f'  File "/testbed/{ctx.src}", line {line}\n    {code}\n{caret}{message}\n'

    def possible(fault: str) -> list[int]:
        if fault == "expected":
            return [i for i in range(1, len(block)) if block[i][0] > block[i - 1][0]]
        if fault == "unindent":
            return [i for i in range(1, len(block)) if block[i][0] < block[i - 1][0] or block[i][0] == 0]
        return [i for i in range(1, len(block)) if not block[i - 1][1].endswith(":")]

    def insert(fault: str, at: int, first: bool) -> Step:
        lines = render(fault, at)
        kind = {"tab": 2, "expected": rng.choice((0, 1)), "unexpected": 0, "unindent": rng.choice((0, 1))}[fault]
        if kind == 0:
            body = "\n".join(lines)
            command = f"{ctx.py} - <<'EOF'\nfrom pathlib import Path\np = Path({ctx.src!r})\nlines = p.read_text().splitlines(True)\nblock = '''\n{body}\n'''\nlines[{base - 1}:{base - 1}] = block.lstrip('\\n').splitlines(True)\np.write_text(''.join(lines))\nEOF"
        elif kind == 1:
            command = f"sed -i '{base - 1}a\\\n" + "\\\n".join(lines) + f"' {ctx.src}"
        else:
            joined = "\\n".join(line.replace("\t", "\\t") for line in lines)
            command = f"{ctx.py} -c \"import pathlib; p = pathlib.Path('{ctx.src}'); l = p.read_text().splitlines(True); l[{base - 1}:{base - 1}] = ['{joined}\\n']; p.write_text(''.join(l))\""
        thought = say(
            rng,
            f"I'll insert the block again at line {base}, this time making sure each line keeps the method's {indent}-space indentation.",
            f"Let me re-apply the change with {'sed' if kind == 1 else 'python'} so the indentation is preserved.",
            "The previous attempt broke the indentation. Re-inserting the block carefully.",
            f"Trying a different way to write the block into `{ctx.src}` so the whitespace is not mangled.",
        )
        if first:
            thought = f"Now I'll add the handling to `{ctx.func}` in `{ctx.src}`, inserting the block at line {base}."
        return Step(thought, command, "", 0, 0.3)

    def check(fault: str, at: int) -> Step:
        if rng.random() < 0.6:
            frames = [(f"/testbed/{ctx.script}", rng.randint(2, 6), "<module>", f"from {ctx.module} import *")]
            out = traceback(frames, "").rstrip("\n") + "\n" + error(fault, at)
            command = f"{ctx.py} {ctx.script}"
        else:
            frames = [
                ("<string>", 1, "<module>", ""),
                (
                    f"/opt/miniconda3/envs/testbed/lib/python{ctx.pyver.rsplit('.', 1)[0]}/ast.py",
                    50,
                    "parse",
                    "return compile(source, filename, mode, flags,",
                ),
            ]
            out = (
                traceback(frames, "").rstrip("\n") + "\n" + error(fault, at).replace(f"/testbed/{ctx.src}", "<unknown>")
            )
            command = f"{ctx.py} -c \"import ast; ast.parse(open('{ctx.src}').read())\""
        return Step(
            say(rng, "Let me check the file compiles now.", "Running it again.", "Checking the syntax."),
            command,
            out,
            1,
            0.5,
        )

    def look(fault: str, at: int) -> Step:
        lines = render(fault, at)
        kind = rng.randint(0, 2)
        if kind == 0:
            shown = "".join(line.replace("\t", "^I") + "$\n" for line in lines)
            return Step(
                f"The error is at line {base + at}. Let me see the exact whitespace with cat -A.",
                f"sed -n '{base},{base + len(lines) - 1}p' {ctx.src} | cat -A",
                shown,
            )
        if kind == 1:
            return Step(
                "Let me look at the diff to see what the edit really did.",
                f"git diff {ctx.src}",
                diff(ctx.src, base, [], lines, [""]),
            )
        return Step(
            f"Let me view the lines around {base + at}.",
            f"nl -ba {ctx.src} | sed -n '{base - 2},{base + len(lines)}p'",
            numbered(["", "", *lines, ""], base - 2),
        )

    def rounds(number: int) -> Iterator[Step]:
        nonlocal base
        fault = rng.choice(list(FAULTS))
        at = rng.choice(possible(fault))
        if number and rng.random() < 0.5:
            yield Step(
                say(rng, "Let me restore the file and start over.", "Reverting the broken edit first."),
                f"git checkout {ctx.src}",
                "Updated 1 path from the index\n",
            )
        elif number:
            base += rng.choice((-1, 1, 2, len(block)))
        yield insert(fault, at, number == 0)
        yield check(fault, at)
        if rng.random() < 0.7:
            yield look(fault, at)

    return tail(rng, rounds, length, GIVE_UP_INDENT)


GIVE_UP_INDENT = (
    "Each way of inserting the block breaks the indentation somewhere else. I'll submit the current state.",
    "I'm going around in circles with the whitespace of this block. Submitting what I have.",
)


@dataclass(frozen=True)
class Shape:
    """How a list of names is printed: sorted or not, list or tuple; typed by hand, which quotes, a trailing space."""

    ordered: bool
    tuple_: bool
    double: bool = False
    space: bool = False

    def show(self, names: list[str]) -> str:
        items = sorted(names) if self.ordered else names
        quote = '"' if self.double else "'"
        inner = ", ".join(f"{quote}{name}{quote}" for name in items)
        text = f"({inner})" if self.tuple_ else f"[{inner}]"
        return text + (" " if self.space else "")

    def code(self) -> str:
        names = "sorted(names)" if self.ordered else "names"
        return f"return tuple({names})" if self.tuple_ else f"return {'sorted(names)' if self.ordered else 'names'}"


def doctest_drift(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    names = rng.choice(
        (["verbose", "name", "default", "choices"], ["sslmode", "host", "port", "dbname"], ["width", "align", "fill"])
    )
    sample = "{" + ", ".join(f"{name!r}: {i + 1}" for i, name in enumerate(names)) + ", 'unused': None}"
    helper = rng.choice(("_option_names", "_set_keys", "_describe_fields"))
    line = rng.randint(50, 500)
    got = Shape(False, False)
    expected = Shape(True, False)
    use_pytest = ctx.repo.style == "pytest" and rng.random() < 0.5
    qualified = f"{ctx.module}.{helper}"
    example = f"{helper}({sample})"

    def source() -> list[str]:
        return [
            f"def {helper}(options):",
            '    """',
            "    Return the names of the options that are set.",
            "",
            f"    >>> {example}",
            f"    {expected.show(names)}",
            '    """',
            "    names = [k for k, v in options.items() if v is not None]",
            f"    {got.code()}",
            "",
        ]

    def report() -> str:
        if use_pytest:
            lines = [
                sep("=", "test session starts"),
                ctx.header.rstrip("\n"),
                "collected 1 item",
                "",
                f"{ctx.src} F".ljust(73) + "[100%]",
                "",
                sep("=", "FAILURES"),
                sep("_", f"[doctest] {qualified}"),
                f"{line + 4:03d}     >>> {example}",
                "Expected:",
                f"    {expected.show(names)}",
                "Got:",
                f"    {got.show(names)}",
                "",
                f"/testbed/{ctx.src}:{line + 4}: DocTestFailure",
                sep("=", "short test summary info"),
                f"FAILED {ctx.src}::{qualified}",
                sep("=", f"1 failed in {rng.uniform(0.05, 0.6):.2f}s"),
            ]
            return "\n".join(lines) + "\n"
        stars = "*" * 70
        return (
            f'{stars}\nFile "/testbed/{ctx.src}", line {line + 4}, in {qualified}\nFailed example:\n    {example}\n'
            f"Expected:\n    {expected.show(names)}\nGot:\n    {got.show(names)}\n{stars}\n1 items had failures:\n"
            f"   1 of   1 in {qualified}\n***Test Failed*** 1 failures.\nTestResults(failed=1, attempted=1)\n"
        )

    def run(first: bool = False) -> Step:
        if use_pytest:
            command = say(
                rng,
                f"{ctx.py} -m pytest --doctest-modules {ctx.src} -k {helper}",
                f"{ctx.py} -m pytest --doctest-modules {ctx.src} -k {helper} 2>&1 | tail -n 25",
            )
        else:
            command = say(
                rng,
                f'{ctx.py} -c "import doctest, {ctx.module} as m; print(doctest.testmod(m))"',
                f"{ctx.py} -c 'import doctest; import {ctx.module} as mod; print(doctest.testmod(mod))'",
            )
        return Step(
            "Running the doctest."
            if first
            else say(rng, "Running the doctest again.", "Let me re-run the doctest.", "Checking the doctest."),
            command,
            report(),
            1 if use_pytest else 0,
            0.8,
        )

    def edit_docstring() -> Step:
        nonlocal expected
        expected = replace(got, space=rng.random() < 0.45, double=rng.random() < 0.25)
        if expected == got:
            expected = replace(expected, double=True)
        text = expected.show(names)
        quote = "'" if expected.double else '"'
        return Step(
            say(
                rng,
                "The function's output is fine, the example in the docstring is what's off. Updating the expected line.",
                "I'll paste the actual output into the docstring.",
                f"Got shows `{got.show(names)}`. I'll make the docstring say exactly that.",
            ),
            f"sed -i {quote}{line + 5}s/.*/    {text}/{quote} {ctx.src}",
            "",
        )

    def edit_code() -> Step:
        nonlocal got
        aspect = rng.choice(("ordered", "tuple_"))
        got = replace(got, **{aspect: not getattr(got, aspect)})
        if got == expected:
            got = replace(got, tuple_=not got.tuple_)
        return Step(
            say(
                rng,
                "Rather than fighting the docstring, the helper should return a stable order. Changing the return statement.",
                f"I'll make `{helper}` return its names in a deterministic form: `{got.code()}`.",
                f"Let me change the implementation so the output is predictable: `{got.code()}`.",
            ),
            f"sed -i '{line + 8}s/return .*/{got.code()}/' {ctx.src}",
            "",
        )

    def look() -> Step:
        if expected.space and rng.random() < 0.6:
            return Step(
                "Expected and Got look identical. There must be invisible whitespace; checking with cat -A.",
                f"sed -n '{line + 4},{line + 6}p' {ctx.src} | cat -A",
                "".join(f"{text}$\n" for text in source()[4:7]),
            )
        return Step(
            "Let me look at the helper and its docstring.",
            f"nl -ba {ctx.src} | sed -n '{line},{line + 9}p'",
            numbered(source(), line),
        )

    def rounds(number: int) -> Iterator[Step]:
        if number == 0:
            body = "\n".join(source())
            yield Step(
                f"I'll add a small helper `{helper}` to `{ctx.src}` with a doctest, so the behaviour is documented, and run it.",
                f"cat <<'EOF' >> {ctx.src}\n\n\n{body}EOF",
                "",
            )
            yield run(first=True)
            return
        yield edit_docstring() if number % 2 else edit_code()
        if rng.random() < 0.45:
            yield look()
        yield run()

    return tail(rng, rounds, length, GIVE_UP_DOCTEST)


GIVE_UP_DOCTEST = (
    "The doctest output keeps differing in some small way no matter which side I change. I'll submit the current state.",
    "I have spent too many steps on this doctest. Submitting what I have.",
)
