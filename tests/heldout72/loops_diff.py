# ruff: noqa: E501
"""Loop families on diffs and file ends: a unified diff never printed as git prints it, a final newline never right."""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable

from heldout20 import text as base
from heldout20.calls import Step
from heldout72.models import Case, Model, State, cat_a, flip, looks, od_c, py
from heldout72.text import Attempt, Ctx, give_up

_DIFFS = ("format_{}_diff", "_unified_{}_diff", "{}_patch_text", "render_{}_diff", "make_{}_diff")
_TEXTS = ("render_{}_lines", "_dump_{}", "{}_file_text", "format_{}_output")
_RERUN = (
    "Run the tests again.",
    "Rerun.",
    "Let me see what fails now.",
    "Check the tests.",
    "Rerun the module.",
    "And the tests?",
)
MARKER = "\\ No newline at end of file\n"
GIT_REF: State = {"keep": "1", "lineterm": "nl", "join": "empty", "tail": "none", "marker": "inline"}


def diff_impl(st: State, case: Case) -> str:
    old, new, path = case.args
    keep = st["keep"] == "1"
    extra = {} if st["lineterm"] == "nl" else {"lineterm": ""}
    diff = difflib.unified_diff(old.splitlines(keep), new.splitlines(keep), "a/" + path, "b/" + path, **extra)
    if st["marker"] == "inline":
        text = "".join(line if line.endswith("\n") else line + "\n" + MARKER for line in diff)
    else:
        text = ("\n" if st["join"] == "nl" else "").join(diff)
    if st["tail"] == "always" or (st["tail"] == "nonempty" and text):
        text += "\n"
    if st["marker"] == "end" and not (old.endswith("\n") and new.endswith("\n")):
        text += MARKER
    return text


def diff_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        split = "splitlines(keepends=True)" if st["keep"] == "1" else "splitlines()"
        lines = [
            f"def {func}(old, new, path):",
            '    """Return the unified diff of `old` and `new`, as git prints it."""',
            "    diff = difflib.unified_diff(",
            f"        old.{split},",
            f"        new.{split},",
            "        fromfile='a/' + path,",
            "        tofile='b/' + path,",
            *(["        lineterm='',"] if st["lineterm"] == "empty" else []),
            "    )",
        ]
        if st["marker"] == "inline":
            lines += [
                "    text = ''",
                "    for line in diff:",
                "        if not line.endswith('\\n'):",
                "            line += '\\n\\\\ No newline at end of file\\n'",
                "        text += line",
            ]
        else:
            join = "'\\n'" if st["join"] == "nl" else "''"
            lines.append(f"    text = {join}.join(diff)")
        lines += {"always": ["    text += '\\n'"], "nonempty": ["    if text:", "        text += '\\n'"]}.get(
            st["tail"], []
        )
        if st["marker"] == "end":
            lines += [
                "    if not (old.endswith('\\n') and new.endswith('\\n')):",
                "        text += '\\\\ No newline at end of file\\n'",
            ]
        return "\n".join([*lines, "    return text", ""])

    return render


def diff_cases(ctx: Ctx, func: str) -> list[Case]:
    path, lines, changed = ctx.doc
    body = "\n".join(lines) + "\n"
    specs = [
        ("basic", body, "\n".join([*lines[:3], changed, *lines[4:]]) + "\n"),
        ("single_line", lines[3] + "\n", changed + "\n"),
        ("identical", body, body),
        ("no_newline_at_eof", "\n".join(lines[:4]), "\n".join([*lines[:3], changed]) + "\n"),
        ("appended_line", "\n".join(lines[:4]) + "\n", body),
    ]
    cases = []
    for name, old, new in specs:
        want = diff_impl(GIT_REF, Case(name, (old, new, path), "", ""))
        setup = (f"old = {old!r}", f"new = {new!r}", f"expected = (DATA / '{name}.diff').read_text()")
        cases.append(Case(name, (old, new, path), want, f"{func}(old, new, {path!r})", setup))
    return cases


def data_file(ctx: Ctx, name: str, suffix: str) -> str:
    return f"{ctx.tests_dir if not ctx.django else f'tests/{ctx.stem}_tests'}/data/{name}.{suffix}"


def unified_diff_lineterm_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A unified diff compared with git's: headers doubled or glued, the final newline and git's no-newline marker never placed right."""
    func = ctx.named(_DIFFS)
    start = {"keep": "0", "lineterm": "nl", "join": "nl", "tail": "none", "marker": "none"}
    model = Model(ctx, func, diff_cases(ctx, func), diff_impl, diff_render(func), start)
    options = [
        (
            "lineterm",
            "empty",
            "The '---', '+++' and '@@' lines come out followed by an empty line: unified_diff ends them with lineterm='\\n' and the join adds another. Pass lineterm=''.",
        ),
        (
            "lineterm",
            "nl",
            "With lineterm='' the header lines have no newline of their own and run into the next line. Put lineterm back to its default.",
        ),
        (
            "keep",
            "1",
            "Keep each line's own ending (splitlines(keepends=True)) so a last line without a newline stays visible to the diff.",
        ),
        (
            "keep",
            "0",
            "keepends=True leaves a newline on every line, and the content lines end up doubled. Go back to plain splitlines().",
        ),
        ("join", "empty", "Every line already carries its newline now; join with '' instead of '\\n'."),
        ("join", "nl", "Some lines have no newline at all after joining with ''. Join with '\\n' again."),
        (
            "tail",
            "always",
            "The expected diff ends with a newline and mine stops right after the last line. Append one.",
        ),
        (
            "tail",
            "nonempty",
            "Identical inputs must give an empty string, not '\\n'. Only add the final newline when there is a diff.",
        ),
        ("tail", "none", "Now the output ends with two newlines. Drop the extra final newline."),
        (
            "marker",
            "end",
            "git writes '\\ No newline at end of file' when a side lacks its final newline. Add the marker in that case.",
        ),
        (
            "marker",
            "none",
            "The marker isn't where the expected file has it and it breaks more than it fixes. Remove it.",
        ),
    ]
    tried: set[str] = set()
    eof = model.case("no_newline_at_eof")

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        failing = model.failing_names(model.seen) if model.seen else []
        lead = rng.choice(
            [
                "",
                f"`{ctx.test_name(failing[0])}` still fails. " if failing else "",
                f"{len(failing)} failing. " if failing else "",
            ]
        )
        return [Step(lead + thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [
            model.probe(
                rng, f"Let me print the repr of what {func} returns for the {name.replace('_', ' ')} case.", name
            )
        ]

    def golden(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        path = data_file(ctx, name, "diff")
        want = model.case(name).want
        if rng.random() < 0.6:
            return [Step("Let me look at the expected diff with the line ends shown.", f"cat -A {path}", cat_a(want))]
        return [
            Step(
                "Let me see the last bytes of the expected diff.",
                f"tail -c 48 {path} | od -c",
                od_c(want.encode()[-48:]),
            )
        ]

    def by_git(k: int) -> list[Step]:
        old, new, _ = eof.args
        git = "".join(
            line if line.endswith("\n") else line + "\n" + MARKER
            for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/tmp/old", "b/tmp/new")
        )
        return [
            Step(
                "Let me check what git itself prints for the no-newline case.",
                py(
                    [f"open('/tmp/old', 'w').write({old!r})", f"open('/tmp/new', 'w').write({new!r})"],
                    " && git diff --no-index /tmp/old /tmp/new",
                ),
                f"diff --git a/tmp/old b/tmp/new\nindex {rng.randrange(16**7):07x}..{rng.randrange(16**7):07x} 100644\n{git}",
                rc=1,
            )
        ]

    def revert(k: int) -> list[Step]:
        if model.state == model.start:
            return probe(k)
        model.reset()
        tried.clear()
        return [
            Step(
                "This is going in circles. Let me restore the original function and start over.",
                f"git checkout -- {ctx.source}",
                "Updated 1 path from the index",
            ),
            model.check(rng, "Back to the original failures."),
        ]

    first = [
        model.run(rng, "Let me run the tests for the diff output."),
        model.show(rng, f"Let me look at {func}."),
    ]
    attempts: list[Attempt] = [edit, edit, edit, probe, golden, by_git, edit, revert]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "matching git's diff output exactly"),
        0.3,
    )


def text_impl(st: State, case: Case) -> str:
    (lines,) = case.args
    if st["guard"] == "1" and not lines:
        return ""
    per = {"raw": lambda s: s, "nl": lambda s: s.rstrip("\n"), "all": lambda s: s.rstrip()}[st["per"]]
    text = "\n".join(per(line) for line in lines)
    if st["ending"] == "add":
        text += "\n"
    elif st["ending"] == "strip":
        text = text.rstrip("\n") + "\n"
    elif st["ending"] == "stripall":
        text = text.rstrip() + "\n"
    return text


def text_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        lines = [
            f"def {func}(lines):",
            '    """Return `lines` as the text of a file: a line each, ending in a single newline."""',
        ]
        lines += ["    if not lines:", "        return ''"] if st["guard"] == "1" else []
        each = {
            "raw": "lines",
            "nl": "(line.rstrip('\\n') for line in lines)",
            "all": "(line.rstrip() for line in lines)",
        }[st["per"]]
        lines.append(f"    text = '\\n'.join{each if each.startswith('(') else '(' + each + ')'}")
        lines += {
            "add": ["    text += '\\n'"],
            "strip": ["    text = text.rstrip('\\n') + '\\n'"],
            "stripall": ["    text = text.rstrip() + '\\n'"],
        }.get(st["ending"], [])
        return "\n".join([*lines, "    return text", ""])

    return render


def text_cases(ctx: Ctx, func: str) -> list[Case]:
    _, lines, _ = ctx.doc
    specs = [
        ("basic", lines[:3]),
        ("empty", []),
        ("readlines", [line + "\n" for line in lines[:3]]),
        ("blank_inside", [lines[0], "", lines[1]]),
        ("trailing_blank", [lines[0], lines[1], ""]),
        ("trailing_spaces", [lines[0] + "  ", lines[1] + "\t"]),
    ]
    ref = {"per": "nl", "ending": "strip", "guard": "1"}
    return [
        Case(
            name,
            (value,),
            text_impl(ref, Case(name, (value,), "", "")),
            f"{func}(lines)",
            (f"lines = {value!r}", f"expected = (DATA / '{name}.txt').read_text()"),
        )
        for name, value in specs
    ]


def cmp_output(a_name: str, a: bytes, b_name: str, b: bytes) -> tuple[str, int]:
    """What `cmp` says of two files."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"{a_name} {b_name} differ: byte {i + 1}, line {a[:i].count(10) + 1}", 1
    if len(a) == len(b):
        return "", 0
    name, short = (a_name, a) if len(a) < len(b) else (b_name, b)
    if not short:
        return f"cmp: EOF on {name} which is empty", 1
    line = short.count(10) + (0 if short.endswith(b"\n") else 1)
    return f"cmp: EOF on {name} after byte {len(short)}, line {line}", 1


def final_newline_count_flipflop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A file's text that must end in exactly one newline: each fix doubles it, drops it, or writes it into an empty file."""
    func = ctx.named(_TEXTS)
    model = Model(
        ctx, func, text_cases(ctx, func), text_impl, text_render(func), {"per": "raw", "ending": "none", "guard": "0"}
    )
    options = [
        ("ending", "add", "The expected file ends with a newline and my text doesn't. Add one at the end."),
        ("ending", "strip", "Some outputs end with two newlines. Strip the trailing newlines and add exactly one."),
        ("ending", "stripall", "Make the end canonical: strip all trailing whitespace, then one newline."),
        ("ending", "none", "Adding a newline at the end is what breaks the other cases. Don't add anything."),
        (
            "per",
            "nl",
            "Lines that come from readlines() keep their '\\n', which doubles with the join. Strip it from each line first.",
        ),
        ("per", "all", "Strip each line completely before joining so stray whitespace can't pile up at the end."),
        ("per", "raw", "Stripping each line changes lines that must be kept as they are. Join them untouched."),
        ("guard", "1", "An empty list should give an empty file. Return '' early when there are no lines."),
        ("guard", "0", "The early return shouldn't be needed if the ending is right. Remove it."),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def compare(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        case = model.case(name)
        got = model.result(case)
        path = data_file(ctx, name, "txt")
        out, rc = cmp_output("/tmp/out.txt", str(got).encode(), path, case.want.encode())
        return [
            Step(
                f"Let me write the {name.replace('_', ' ')} output to a file and compare it byte for byte with the expected one.",
                py(
                    [f"from {ctx.dotted} import {func}", f"open('/tmp/out.txt', 'w').write({func}({case.args[0]!r}))"],
                    f" && cmp /tmp/out.txt {path}",
                ),
                out,
                rc=rc,
            )
        ]

    def tail(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        want = model.case(name).want.encode()
        path = data_file(ctx, name, "txt")
        return [
            Step(
                "How does the expected file end exactly?",
                f"tail -c 16 {path} | od -c",
                od_c(want[-16:]) if want else "0000000",
            ),
            Step("And its size.", f"wc -c {path}", f"{len(want)} {path}"),
        ]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [model.probe(rng, f"Let me print what {func} returns for the {name.replace('_', ' ')} input.", name)]

    first = [model.run(rng, "Let me run the output tests."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, compare, tail, probe]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "the trailing newline of the generated file"),
        0.3,
    )
