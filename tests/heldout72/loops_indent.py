# ruff: noqa: E501
"""Loop families on indentation: a source segment re-indented with dedent or cleandoc, a caret that never sits under its tab-shifted column."""

from __future__ import annotations

import inspect
import random
import re
import textwrap
from collections.abc import Callable

from heldout20 import text as base
from heldout20.calls import Step
from heldout72.models import Case, Model, State, flip, looks, py
from heldout72.text import Attempt, Ctx, give_up

_BLOCKS = ("_indent_{}_block", "reindent_{}_segment", "_{}_source_block", "format_{}_snippet")
_CARETS = ("_show_{}_error", "format_{}_caret", "_{}_excerpt", "render_{}_location")
_RERUN = ("Run the tests again.", "Rerun.", "Let me see what fails now.", "Check the tests.", "Rerun the module.")
BLOCK_REF: State = {"method": "col", "tabs": "expand4", "final": "add"}
CARET_REF: State = {"expand": "before", "pad": "expanded"}


def block_impl(st: State, case: Case) -> str:
    segment, col = case.args
    segment = {"none": segment, "expand8": segment.expandtabs(), "expand4": segment.expandtabs(4)}[st["tabs"]]
    method = st["method"]
    if method == "indent":
        body = segment
    elif method == "dedent":
        body = textwrap.dedent(segment)
    elif method == "cleandoc":
        body = inspect.cleandoc(segment)
    elif method == "rest":
        first, _, rest = segment.partition("\n")
        body = first + "\n" + textwrap.dedent(rest) if rest else first
    else:
        body = textwrap.dedent(" " * col + segment)
    out = textwrap.indent(body, "    ")
    return out + "\n" if st["final"] == "add" and not out.endswith("\n") else out


def block_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        lines = [
            f"def {func}(segment, col_offset=0, level=1):",
            '    """Re-indent a node\'s source (from ast.get_source_segment) to `level`."""',
            "    prefix = '    ' * level",
        ]
        lines += {
            "expand8": ["    segment = segment.expandtabs()"],
            "expand4": ["    segment = segment.expandtabs(4)"],
        }.get(st["tabs"], [])
        lines += {
            "indent": ["    out = textwrap.indent(segment, prefix)"],
            "dedent": ["    out = textwrap.indent(textwrap.dedent(segment), prefix)"],
            "cleandoc": ["    out = textwrap.indent(inspect.cleandoc(segment), prefix)"],
            "rest": [
                "    first, _, rest = segment.partition('\\n')",
                "    body = first + '\\n' + textwrap.dedent(rest) if rest else first",
                "    out = textwrap.indent(body, prefix)",
            ],
            "col": [
                "    # get_source_segment drops the first line's indentation: put it back before dedenting",
                "    body = textwrap.dedent(' ' * col_offset + segment)",
                "    out = textwrap.indent(body, prefix)",
            ],
        }[st["method"]]
        lines += ["    if not out.endswith('\\n'):", "        out += '\\n'"] if st["final"] == "add" else []
        return "\n".join([*lines, "    return out", ""])

    return render


def block_cases(ctx: Ctx, func: str) -> list[Case]:
    s = ctx.stem
    specs = [
        ("indented", f"if {s} is None:\n            return default", 8),
        ("flush", f"for item in {s}_items:\n    yield item", 0),
        ("tabs", f"if {s}_ok:\n\treturn result", 0),
        ("blank_line", f"def _{s}_helper():\n    x = 1\n    \n    return x", 0),
        ("single_line", f"return {s}", 8),
    ]
    cases = []
    for name, segment, col in specs:
        want = block_impl(BLOCK_REF, Case(name, (segment, col), "", ""))
        call = f"{func}(segment, col_offset={col})" if col else f"{func}(segment)"
        cases.append(Case(name, (segment, col), want, call, (f"segment = {segment!r}", f"expected = {want!r}")))
    return cases


def source_segment_dedent_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Re-indenting a node's source segment whose first line has lost its indentation: dedent finds no margin, cleandoc flattens the body."""
    func = ctx.named(_BLOCKS)
    model = Model(
        ctx,
        func,
        block_cases(ctx, func),
        block_impl,
        block_render(func),
        {"method": "indent", "tabs": "none", "final": "none"},
    )
    options = [
        (
            "method",
            "dedent",
            "The segment keeps its original indentation. Dedent it before indenting it to the new level.",
        ),
        (
            "method",
            "cleandoc",
            "textwrap.dedent finds no common margin because the first line starts at column 0. inspect.cleandoc leaves the first line out of the margin; use it.",
        ),
        (
            "method",
            "rest",
            "The first line has no indentation, so dedent only what follows it and keep the first line as it is.",
        ),
        ("method", "indent", "Dedenting loses the relative indentation. Indent the segment as it comes."),
        ("tabs", "expand8", "Tabs don't match spaces for dedent's margin. Expand them first."),
        ("tabs", "expand4", "The expected output has 4 spaces where the source has a tab. Use expandtabs(4)."),
        ("tabs", "none", "Expanding tabs changes lines that have nothing to do with the failures. Leave tabs alone."),
        ("final", "add", "The expected block ends with a newline; the segment doesn't. Add one if it's missing."),
        ("final", "none", "Let the segment's own end decide; don't add a newline."),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [model.probe(rng, f"Let me print what {func} returns for the {name.replace('_', ' ')} segment.", name)]

    def dedent_by_hand(k: int) -> list[Step]:
        case = model.case(rng.choice(model.failing_names()))
        tool = rng.choice(["textwrap.dedent", "inspect.cleandoc"])
        got = textwrap.dedent(case.args[0]) if tool == "textwrap.dedent" else inspect.cleandoc(case.args[0])
        return [
            Step(
                f"What does {tool} alone make of that segment?",
                py(["import inspect, textwrap", f"print(repr({tool}({case.args[0]!r})))"]),
                repr(got),
            )
        ]

    first = [model.run(rng, "Let me run the tests for the re-indenting."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, probe, dedent_by_hand]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "the indentation of the re-indented segment"),
        0.3,
    )


def caret_impl(st: State, case: Case) -> str:
    line, lineno, col = case.args
    shown = {"before": line.expandtabs(), "four": line.expandtabs(4)}.get(st["expand"], line)
    gutter = f"{lineno:4d} | "
    text = (gutter + shown).expandtabs() if st["expand"] == "after" else gutter + shown
    prefix = line[:col]
    pad = {
        "col": " " * col,
        "tabs": re.sub(r"[^\t]", " ", prefix),
        "after": re.sub(r"[^\t]", " ", prefix),
        "four": " " * len(prefix.expandtabs(4)),
        "count": " " * (col + 7 * prefix.count("\t")),
        "expanded": " " * len(prefix.expandtabs()),
    }[st["pad"]]
    marker = ("     | " + pad).expandtabs() + "^" if st["pad"] == "after" else "     | " + pad + "^"
    return text + "\n" + marker + "\n"


def caret_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        lines = [
            f"def {func}(line, lineno, col):",
            '    """The source line under a line-number gutter, a caret under column `col`."""',
        ]
        lines.append(
            {"before": "    shown = line.expandtabs()", "four": "    shown = line.expandtabs(4)"}.get(
                st["expand"], "    shown = line"
            )
        )
        lines.append("    gutter = '%4d | ' % lineno")
        lines.append(
            "    text = (gutter + shown).expandtabs()" if st["expand"] == "after" else "    text = gutter + shown"
        )
        lines.append(
            {
                "col": "    pad = ' ' * col",
                "tabs": "    pad = re.sub(r'[^\\t]', ' ', line[:col])",
                "after": "    pad = re.sub(r'[^\\t]', ' ', line[:col])",
                "four": "    pad = ' ' * len(line[:col].expandtabs(4))",
                "count": "    pad = ' ' * (col + 7 * line[:col].count('\\t'))",
                "expanded": "    pad = ' ' * len(line[:col].expandtabs())",
            }[st["pad"]]
        )
        lines.append(
            "    marker = ('     | ' + pad).expandtabs() + '^'"
            if st["pad"] == "after"
            else "    marker = '     | ' + pad + '^'"
        )
        return "\n".join([*lines, "    return text + '\\n' + marker + '\\n'", ""])

    return render


def caret_cases(ctx: Ctx, func: str) -> list[Case]:
    s = ctx.stem
    specs = [
        ("no_tabs", f"result = {s}(value, 2)", "value", 12),
        ("leading_tab", f"\treturn {s}_total +", "+", 40),
        ("tab_in_line", f"{s}\t= value\tcomment", "comment", 7),
        ("two_tabs", f"\t\tif {s}_ok and :", ":", 118),
    ]
    cases = []
    for name, line, at, lineno in specs:
        args = (line, lineno, line.index(at))
        want = caret_impl(CARET_REF, Case(name, args, "", ""))
        cases.append(
            Case(name, args, want, f"{func}(line, {lineno}, {args[2]})", (f"line = {line!r}", f"expected = {want!r}"))
        )
    return cases


def caret_column_tab_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A caret under a source line with tabs: expanded in the wrong place, with the wrong size, or left as tabs; it never lines up."""
    func = ctx.named(_CARETS)
    model = Model(ctx, func, caret_cases(ctx, func), caret_impl, caret_render(func), {"expand": "none", "pad": "col"})
    options = [
        (
            "expand",
            "before",
            "The tab in the source line shifts everything after it. Expand the line's tabs before printing it.",
        ),
        ("expand", "after", "Expand tabs on the whole printed line, gutter included, so nothing is left as a tab."),
        ("expand", "four", "The expected line looks like 4-column tabs. Use expandtabs(4)."),
        ("expand", "none", "Print the line exactly as it is in the file."),
        ("pad", "col", "The caret goes under column `col`: pad with col spaces."),
        ("pad", "tabs", "Keep the tabs in the caret's padding so the caret moves with whatever the line's tabs do."),
        ("pad", "after", "Expand the caret line after the gutter too, the same way as the source line."),
        ("pad", "four", "Measure the padding with the prefix expanded at 4 columns."),
        ("pad", "count", "Each tab before the column is 8 columns, not 1: add 7 per tab."),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def printed(k: int) -> list[Step]:
        case = model.case(rng.choice(model.failing_names()))
        got = model.result(case)
        command = py(
            [
                f"from {ctx.dotted} import {func}",
                f"print({func}({case.args[0]!r}, {case.args[1]}, {case.args[2]}), end='')",
            ],
            " | cat -A",
        )
        return [
            Step(
                "Let me print it with the tabs and line ends visible.",
                command,
                str(got).replace("\t", "^I").replace("\n", "$\n"),
            )
        ]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [model.probe(rng, f"What does it return for the {name.replace('_', ' ')} line?", name)]

    first = [model.run(rng, "Let me run the tests for the caret display."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, printed, probe]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "lining the caret up under tabbed source lines"),
        0.3,
    )
