# ruff: noqa: E501
"""Productive look-alikes: the same whitespace trouble met once or twice, its cause found, the tests green."""

from __future__ import annotations

import ast
import difflib
import random
import textwrap

from heldout20.calls import Step
from heldout72 import loops_diff, loops_eol, loops_indent, loops_wrap, loops_ws
from heldout72.loops_diff import MARKER, data_file
from heldout72.models import Model, cat_a, od_c, py
from heldout72.text import Ctx


def _maybe(rng: random.Random, odds: float, steps: list[Step]) -> list[Step]:
    return steps if rng.random() < odds else []


def diff_marker_after_line(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Only the no-newline case fails; the marker tried at the end once maybe; put right after the line that lacks it; green."""
    func = ctx.named(loops_diff._DIFFS)
    model = Model(
        ctx,
        func,
        loops_diff.diff_cases(ctx, func),
        loops_diff.diff_impl,
        loops_diff.diff_render(func),
        {**loops_diff.GIT_REF, "marker": "none"},
    )
    eof = model.case("no_newline_at_eof")
    steps = [model.run(rng, "Let me run the diff output tests.", extra=rng.choice(["", " -q"]))]
    steps += _maybe(
        rng,
        0.6,
        [
            Step(
                "Only the no-newline case fails. Let me look at the expected diff with line ends shown.",
                f"cat -A {data_file(ctx, 'no_newline_at_eof', 'diff')}",
                cat_a(eof.want),
            )
        ],
    )
    if rng.random() < 0.5:
        steps += [
            Step(
                "git prints '\\ No newline at end of file' for a side without a final newline. Let me add it when either input lacks one.",
                model.change(marker="end"),
                "patched",
            ),
            model.run_one(rng, "Rerun that test.", "no_newline_at_eof"),
        ]
    steps += [
        Step(
            "The marker belongs right after the line that has no newline (here the last '-' line, before the '+' lines), not at the end of the output. With keepends=True that line is the one diff yields without '\\n', so the marker can go in as each line is written.",
            model.change(marker="inline"),
            "patched",
        ),
        model.run(rng, "Run the diff tests again.", extra=rng.choice(["", " -q"])),
    ]
    old, new, _ = eof.args
    git = "".join(
        line if line.endswith("\n") else line + "\n" + MARKER
        for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/tmp/old", "b/tmp/new")
    )
    steps += _maybe(
        rng,
        0.5,
        [
            Step(
                "And compare with git's own output for the same input.",
                py(
                    [f"open('/tmp/old', 'w').write({old!r})", f"open('/tmp/new', 'w').write({new!r})"],
                    " && git diff --no-index /tmp/old /tmp/new",
                ),
                f"diff --git a/tmp/old b/tmp/new\nindex {rng.randrange(16**7):07x}..{rng.randrange(16**7):07x} 100644\n{git}",
                rc=1,
            )
        ],
    )
    assert not model.fails(), model.state
    return steps


def eol_sniffed_from_first_line(ctx: Ctx, rng: random.Random) -> list[Step]:
    """CRLF files come out LF; read untranslated, then the mixed case; the first line's ending used throughout; green."""
    func = ctx.named(loops_eol._REWRITES)
    start = {"read": "text", "detect": "none", "split": "split", "final": "none", "write": "text"}
    model = Model(ctx, func, loops_eol.eol_cases(ctx, func), loops_eol.eol_impl, loops_eol.eol_render(func), start)
    crlf = model.case("crlf")
    got = model.result(crlf)
    assert isinstance(got, bytes)
    steps = [
        model.run(rng, "Let me run the tests for the in-place rewrite."),
        Step(
            "Let me see the bytes of a rewritten CRLF file.",
            py(
                [
                    f"from {ctx.dotted} import {func}",
                    f"open('/tmp/crlf.py', 'wb').write({crlf.args[0]!r})",
                    f"{func}('/tmp/crlf.py', {crlf.args[1]!r}, {crlf.args[2]!r})",
                ],
                " && od -c /tmp/crlf.py | head -4",
            ),
            "\n".join(od_c(got).split("\n")[:4]),
        ),
        Step(
            "Every '\\r\\n' became '\\n': open() in text mode translates them on the way in, so the function never sees them. Read with newline='' instead.",
            model.change(read="nl"),
            "patched",
        ),
        model.run(rng, "Rerun."),
        loops_eol.read_test(
            model,
            "Only the mixed file fails now. Let me read that test.",
            "mixed",
            "    # the first line's ending is the file's: the other lines follow it",
        ),
        Step(
            "The file's style is its first line's ending, and every line should be rewritten with it. Take the first ending with a regex, split on either ending, join with the chosen one, and write with newline='' so nothing is translated back.",
            model.change(detect="first", split="re", write="nl"),
            "patched",
        ),
        model.run(rng, "Run the rewrite tests again."),
    ]
    steps += _maybe(
        rng,
        0.5,
        [
            Step(
                "And `file` on a rewritten CRLF file.",
                py(
                    [
                        f"from {ctx.dotted} import {func}",
                        f"open('/tmp/crlf.py', 'wb').write({crlf.args[0]!r})",
                        f"{func}('/tmp/crlf.py', {crlf.args[1]!r}, {crlf.args[2]!r})",
                    ],
                    " && file /tmp/crlf.py",
                ),
                loops_eol.file_says("/tmp/crlf.py", crlf.want if isinstance(crlf.want, bytes) else b""),
            )
        ],
    )
    assert not model.fails(), model.state
    return steps


def fenced_blocks_left_alone(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Hard breaks, CRLF and a code block fail; maybe the hard breaks restored first; a line loop that tracks fences; green."""
    func = ctx.named(loops_ws._STRIPS)
    model = Model(
        ctx,
        func,
        loops_ws.ws_cases(ctx, func),
        loops_ws.ws_impl,
        loops_ws.ws_render(func),
        {"method": "rstrip_ws", "hard": "0"},
    )
    steps = [model.run(rng, "Let me run the whitespace tests."), model.show(rng, f"Let me read {func}.")]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Markdown hard breaks need their two spaces. Let me put them back where the original line had them.",
                model.change(hard="1"),
                "patched",
            ),
            model.run(rng, "Rerun.", extra=" -q" if not ctx.django else ""),
        ]
    body = model.case("code_block").args[0]
    steps += [
        Step(
            "Let me look at the code-block input with whitespace shown.",
            f"python - <<'EOF' | cat -A\nimport sys\nsys.stdout.write({body!r})\nEOF",
            cat_a(body),
        ),
        Step(
            "Three rules, one per failure: keep the '\\r' of CRLF lines, keep a two-space hard break, and leave everything between ``` fences untouched. A loop over splitlines(keepends=True) that strips only ' \\t' from the line body and tracks whether it is inside a fence covers all three.",
            model.change(method="fenced", hard="0"),
            "patched",
        ),
        model.run(rng, "Run the whitespace tests."),
    ]
    steps += _maybe(rng, 0.5, [model.probe(rng, "Check the CRLF case by hand.", "crlf")])
    assert not model.fails(), model.state
    return steps


def segment_col_offset_restored(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A nested segment keeps its body too deep; maybe cleandoc tried once; the first line's column put back before dedent; green."""
    func = ctx.named(loops_indent._BLOCKS)
    model = Model(
        ctx,
        func,
        loops_indent.block_cases(ctx, func),
        loops_indent.block_impl,
        loops_indent.block_render(func),
        {"method": "dedent", "tabs": "expand4", "final": "add"},
    )
    steps = [model.run(rng, "Let me run the re-indent tests.")]
    if rng.random() < 0.5:
        steps += [
            Step(
                "dedent finds no margin because the first line starts at column 0. inspect.cleandoc leaves the first line out of the margin; try it.",
                model.change(method="cleandoc"),
                "patched",
            ),
            model.run(rng, "Rerun."),
            Step(
                "cleandoc flattens the body to column 0 and breaks the blocks that were fine. Back to dedent.",
                model.change(method="dedent"),
                "patched",
            ),
        ]
    source = f"class {ctx.cls}Thing:\n    def method(self, value, default=None):\n        if value is None:\n            return default\n"
    node = ast.parse(source).body[0].body[0].body[0]  # type: ignore[attr-defined]
    shown = f"{ast.get_source_segment(source, node)!r} {node.col_offset}"
    steps += [
        Step(
            "Let me see what get_source_segment actually returns for a nested statement.",
            f"python - <<'EOF'\nimport ast\nsrc = {source!r}\nnode = ast.parse(src).body[0].body[0].body[0]\nprint(repr(ast.get_source_segment(src, node)), node.col_offset)\nEOF",
            shown,
        ),
        Step(
            "The segment starts at col_offset, so its first line has lost its indentation while the lines after it keep theirs. Put col_offset spaces back in front before dedenting; then the margin is right and the relative indentation survives.",
            model.change(method="col"),
            "patched",
        ),
        model.run(rng, "Run the tests again."),
    ]
    steps += _maybe(rng, 0.5, [model.probe(rng, "And the nested case by hand.", "indented")])
    assert not model.fails(), model.state
    return steps


def caret_under_expanded_prefix(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Carets off on tabbed lines; maybe 7 extra per tab tried (the mid-line tab still off); the expanded prefix measured; green."""
    func = ctx.named(loops_indent._CARETS)
    model = Model(
        ctx,
        func,
        loops_indent.caret_cases(ctx, func),
        loops_indent.caret_impl,
        loops_indent.caret_render(func),
        {"expand": "before", "pad": "col"},
    )
    steps = [model.run(rng, "Let me run the caret display tests.")]
    case = model.case("tab_in_line")
    got = str(model.result(case))
    steps.append(
        Step(
            "Let me print the tab-in-line case with tabs visible.",
            py(
                [
                    f"from {ctx.dotted} import {func}",
                    f"print({func}({case.args[0]!r}, {case.args[1]}, {case.args[2]}), end='')",
                ],
                " | cat -A",
            ),
            got.replace("\t", "^I").replace("\n", "$\n"),
        )
    )
    if rng.random() < 0.5:
        steps += [
            Step(
                "The line is expanded but the caret padding still counts a tab as one column. Add 7 columns per tab before the caret.",
                model.change(pad="count"),
                "patched",
            ),
            model.run(rng, "Rerun."),
        ]
    steps += [
        Step(
            "A tab only advances to the next multiple of 8, so its width depends on where it sits; a tab after text is narrower than 8. The padding has to be the width of the expanded prefix: len(line[:col].expandtabs()), measured the same way as the printed line.",
            model.change(pad="expanded"),
            "patched",
        ),
        model.run(rng, "Run the caret tests again."),
    ]
    assert not model.fails(), model.state
    return steps


def paragraphs_wrapped_separately(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The paragraph case merges into one block; maybe line-by-line wrapping tried (reflow breaks); paragraphs split and each filled; green."""
    func = ctx.named(loops_wrap._WRAPS)
    model = Model(
        ctx,
        func,
        loops_wrap.wrap_cases(ctx, func),
        loops_wrap.wrap_impl,
        loops_wrap.wrap_render(func),
        {"para": "fill", "long": "0", "hyphen": "0"},
    )
    case = model.case("paragraphs")
    steps = [
        model.run(rng, "Let me run the help text tests."),
        Step(
            "Let me see how textwrap treats the two paragraphs.",
            py(["import textwrap", f"print(textwrap.wrap({case.args[0]!r}, {case.args[1]}))"]),
            repr(textwrap.wrap(case.args[0], case.args[1])),
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "fill() turns the blank line into a space and merges the paragraphs. Wrap each line separately to keep the blank line.",
                model.change(para="lines"),
                "patched",
            ),
            model.run(rng, "Rerun."),
        ]
    steps += [
        Step(
            "Paragraphs are separated by blank lines, and inside a paragraph the old line breaks should be reflowed. Split on blank lines, fill each paragraph (fill already turns its newlines into spaces), and join them with a blank line.",
            model.change(para="split"),
            "patched",
        ),
        model.run(rng, "Run the help text tests again."),
    ]
    assert not model.fails(), model.state
    return steps
