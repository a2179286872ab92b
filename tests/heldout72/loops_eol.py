# ruff: noqa: E501
"""Loop family on line ends: a file rewritten in place that never keeps its endings."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from heldout20 import text as base
from heldout20.calls import Step
from heldout72.models import Case, Crash, Model, State, flip, looks, od_c, py
from heldout72.text import Attempt, Ctx, give_up

_REWRITES = ("rewrite_{}_file", "_rename_in_{}", "update_{}_source", "{}_replace_name")
_RERUN = ("Run the tests again.", "Rerun.", "Let me see what fails now.", "Check the tests.", "Rerun the module.")
_SEEN = (None, "\n", "\r", ("\r", "\n"), "\r\n", ("\n", "\r\n"), ("\r", "\r\n"), ("\r", "\n", "\r\n"))
EOL_REF: State = {"read": "nl", "detect": "first", "split": "re", "final": "none", "write": "nl"}


def eol_impl(st: State, case: Case) -> bytes:
    data, old, new = case.args
    raw = data.decode()
    text = re.sub(r"\r\n?", "\n", raw) if st["read"] == "text" else raw
    ending: str | tuple[str, ...]
    if st["detect"] == "none":
        ending = "\n"
    elif st["detect"] == "contains":
        ending = "\r\n" if "\r\n" in text else "\n"
    elif st["detect"] == "newlines":
        if st["read"] == "bytes":
            raise Crash(
                "AttributeError: '_io.BufferedReader' object has no attribute 'newlines'",
                "ending = f.newlines or '\\n'",
            )
        bits = 0
        for found in re.finditer(r"\r\n|\r|\n", raw):
            bits |= {"\r\n": 4, "\r": 2, "\n": 1}[found.group()]
        ending = _SEEN[bits] or "\n"
    else:
        first = re.search(r"\r\n|\n", text)
        ending = first.group() if first else "\n"
    split = {"split": lambda t: t.split("\n"), "lines": str.splitlines, "re": lambda t: re.split(r"\r\n|\n", t)}[
        st["split"]
    ]
    lines = [line.replace(old, new) for line in split(text)]
    if isinstance(ending, tuple):
        raise Crash("AttributeError: 'tuple' object has no attribute 'join'", "out = ending.join(lines)")
    out = ending.join(lines)
    if st["final"] == "add" or (st["final"] == "keep" and text.endswith(("\n", "\r"))):
        out += ending
    return (out.replace("\n", ending) if st["write"] == "ending" else out).encode()


def eol_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        opened = {"text": "open(path)", "nl": "open(path, newline='')", "bytes": "open(path, 'rb')"}[st["read"]]
        lines = [
            f"def {func}(path, old, new):",
            '    """Replace `old` with `new` in the file at `path`, keeping its line endings."""',
            f"    with {opened} as f:",
        ]
        lines.append("        text = f.read().decode()" if st["read"] == "bytes" else "        text = f.read()")
        lines += {
            "newlines": ["        ending = f.newlines or '\\n'"],
            "contains": ["    ending = '\\r\\n' if '\\r\\n' in text else '\\n'"],
            "none": ["    ending = '\\n'"],
            "first": ["    first = re.search(r'\\r\\n|\\n', text)", "    ending = first.group() if first else '\\n'"],
        }[st["detect"]]
        lines.append(
            {
                "split": "    lines = text.split('\\n')",
                "lines": "    lines = text.splitlines()",
                "re": "    lines = re.split(r'\\r\\n|\\n', text)",
            }[st["split"]]
        )
        lines += ["    lines = [line.replace(old, new) for line in lines]", "    out = ending.join(lines)"]
        lines += {
            "add": ["    out += ending"],
            "keep": ["    if text.endswith(('\\n', '\\r')):", "        out += ending"],
        }.get(st["final"], [])
        written = {
            "text": "open(path, 'w')",
            "ending": "open(path, 'w', newline=ending)",
            "nl": "open(path, 'w', newline='')",
        }[st["write"]]
        return "\n".join([*lines, f"    with {written} as f:", "        f.write(out)", ""])

    return render


def eol_cases(ctx: Ctx, func: str) -> list[Case]:
    old, new = f"get_{ctx.stem}", f"fetch_{ctx.stem}"
    lines = [f"from {ctx.dotted} import {old}", f"x = {old}(1)", f"y = {old}(2)"]
    specs = [
        ("crlf", "\r\n".join(lines) + "\r\n"),
        ("lf", "\n".join(lines) + "\n"),
        ("no_final_newline", "\r\n".join(lines)),
        ("mixed", lines[0] + "\n" + lines[1] + "\r\n" + lines[2] + "\r\n"),
        ("form_feed", lines[0] + "\n\x0c\n" + lines[1] + "\n" + lines[2] + "\n"),
    ]
    cases = []
    for name, body in specs:
        args = (body.encode(), old, new)
        want = eol_impl(EOL_REF, Case(name, args, "", ""))
        setup = (f"path = tmp_path / '{name}.py'", f"path.write_bytes({args[0]!r})", f"expected = {want!r}")
        cases.append(
            Case(name, args, want, "path.read_bytes()", setup, f"{func}(str(path), {old!r}, {new!r})", "tmp_path")
        )
    return cases


def file_says(path: str, data: bytes) -> str:
    """What `file` says of a small text file."""
    kinds = [
        k
        for k, found in (
            ("CRLF", b"\r\n" in data),
            ("CR", re.search(rb"\r(?!\n)", data)),
            ("LF", re.search(rb"(?<!\r)\n", data)),
        )
        if found
    ]
    return f"{path}: ASCII text" + (
        f", with {', '.join(kinds)} line terminators" if kinds else ", with no line terminators"
    )


def read_test(model: Model, thought: str, name: str, comment: str = "") -> Step:
    """The agent reading one of the rewrite's tests."""
    ctx, case = model.ctx, model.case(name)
    test = ctx.test_name(name)
    if ctx.django:
        body = [
            *(s.replace("tmp_path /", "Path(self.tmpdir) /") for s in case.setup),
            case.act,
            "self.assertEqual(path.read_bytes(), expected)",
        ]
        lines = [f"    def {test}(self):", *([f"    {comment}"] if comment else []), *(f"        {s}" for s in body)]
    else:
        lines = [
            f"def {test}(tmp_path):",
            *([comment] if comment else []),
            *(f"    {s}" for s in case.setup),
            f"    {case.act}",
            "    assert path.read_bytes() == expected",
        ]
    start = ctx.test_line(test, model.names)
    return Step(
        thought,
        f"grep -n -A{len(lines) - 1} 'def {test}' {ctx.test_file}",
        "\n".join(f"{start + i}{':' if i == 0 else '-'}{line}" for i, line in enumerate(lines)),
    )


def crlf_rewrite_ending_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A file rewritten in place must keep its line endings: CRLF turns to LF, doubles to CR CR LF, or a mixed file breaks the detection."""
    func = ctx.named(_REWRITES)
    model = Model(
        ctx,
        func,
        eol_cases(ctx, func),
        eol_impl,
        eol_render(func),
        {"read": "text", "detect": "none", "split": "split", "final": "none", "write": "text"},
    )
    options = [
        (
            "read",
            "nl",
            "open() in text mode turns every '\\r\\n' into '\\n' before I ever see it. Read with newline='' to keep them.",
        ),
        ("read", "bytes", "Read the raw bytes and decode them myself so nothing is translated on the way in."),
        ("read", "text", "Reading untranslated leaves '\\r' at the end of each line. Go back to a plain open()."),
        ("detect", "contains", "Pick the ending from the text itself: '\\r\\n' if the file has any, else '\\n'."),
        ("detect", "newlines", "The file object records the endings it met in f.newlines. Use that."),
        ("detect", "none", "The detection isn't helping; always use '\\n' and let the writer translate."),
        (
            "split",
            "lines",
            "split('\\n') leaves the '\\r' on each line. Use splitlines(), which knows every line ending.",
        ),
        (
            "split",
            "split",
            "splitlines() splits on more than newlines and drops the last empty piece. Back to split('\\n').",
        ),
        ("final", "add", "The output lost its final line ending. Always add one at the end."),
        ("final", "keep", "Only add the final ending when the original text had one."),
        ("final", "none", "Now there's an extra ending at the end of the file. Don't add one."),
        ("write", "ending", "Write with newline=ending so each '\\n' becomes the file's ending on the way out."),
        ("write", "nl", "Write with newline='' so exactly what I joined lands on disk."),
        ("write", "text", "Let open() write the way it does by default."),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def bytes_out(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        case = model.case(name)
        got = model.result(case)
        write = f"open('/tmp/{name}.py', 'wb').write({case.args[0]!r})"
        call = f"{func}('/tmp/{name}.py', {case.args[1]!r}, {case.args[2]!r})"
        if isinstance(got, Crash):
            command = py([f"from {ctx.dotted} import {func}", write, call])
            where = '"<string>"' if command.startswith("python -c") else '"<stdin>"'
            return [
                Step(
                    f"Let me run it by hand on the {name.replace('_', ' ')} file.",
                    command,
                    f'Traceback (most recent call last):\n  File {where}, line 1, in <module>\n  File "/testbed/{ctx.source}", line {model.line + model.at(got)}, in {func}\n    {got.code.strip()}\n{got.error}',
                    rc=1,
                )
            ]
        assert isinstance(got, bytes)
        shown = rng.choice(["od", "file", "repr"])
        if shown == "od":
            return [
                Step(
                    f"Let me look at the bytes the {name.replace('_', ' ')} file ends up with.",
                    py([f"from {ctx.dotted} import {func}", write, call], f" && od -c /tmp/{name}.py"),
                    od_c(got),
                )
            ]
        if shown == "file":
            return [
                Step(
                    "What does `file` make of the rewritten file?",
                    py([f"from {ctx.dotted} import {func}", write, call], f" && file /tmp/{name}.py"),
                    file_says(f"/tmp/{name}.py", got),
                )
            ]
        return [
            Step(
                f"Let me print the rewritten {name.replace('_', ' ')} file's bytes.",
                f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\n{write}\n{call}\nprint(open('/tmp/{name}.py', 'rb').read())\nEOF",
                repr(got),
            )
        ]

    def fixture(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [read_test(model, f"Let me see the {name.replace('_', ' ')} input as the test writes it.", name)]

    first = [model.run(rng, "Let me run the tests for the rewrite."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, bytes_out, fixture, edit]
    return base.churn(
        rng, n, first, attempts, lambda: looks(model, rng), lambda: give_up(rng, "keeping the file's line endings"), 0.3
    )
