# ruff: noqa: E501
"""Loop family on trailing whitespace: a strip that takes too much or too little, and never spares a code block."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from heldout20 import text as base
from heldout20.calls import Step
from heldout72.models import Case, Model, State, cat_a, flip, looks
from heldout72.text import Attempt, Ctx, give_up

_STRIPS = ("strip_{}_whitespace", "_clean_{}_text", "normalize_{}_ws", "tidy_{}_lines")
_RERUN = ("Run the tests again.", "Rerun.", "Let me see what fails now.", "Check the tests.", "Rerun the module.")


def ws_impl(st: State, case: Case) -> str:
    (text,) = case.args
    method = st["method"]
    if method == "re_s":
        out = re.sub(r"\s+$", "", text, flags=re.M)
    elif method == "re_cls":
        out = re.sub(r"[ \t]+$", "", text, flags=re.M)
    elif method in ("rstrip", "rstrip_ws"):
        out = "\n".join(line.rstrip(None if method == "rstrip" else " \t") for line in text.split("\n"))
    elif method == "lines":
        out = "\n".join(line.rstrip() for line in text.splitlines())
    else:
        kept, fence = [], False
        for line in text.splitlines(True):
            body = line.rstrip("\r\n")
            end = line[len(body) :]
            if body.lstrip().startswith("```"):
                fence, body = not fence, body.rstrip(" \t")
            elif not fence:
                body = body.rstrip(" \t") + ("  " if body.endswith("  ") and body.strip() else "")
            kept.append(body + end)
        return "".join(kept)
    if st["hard"] == "1":
        lines = []
        for before, after in zip(text.split("\n"), out.split("\n"), strict=False):
            lines.append(after + "  " if before.rstrip("\r").endswith("  ") and after.strip() else after)
        out = "\n".join(lines)
    return out


def ws_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        lines = [
            f"def {func}(text):",
            '    """Strip trailing whitespace, keeping Markdown hard breaks, line endings and code blocks."""',
        ]
        lines += {
            "re_s": ["    out = re.sub(r'\\s+$', '', text, flags=re.M)"],
            "re_cls": ["    out = re.sub(r'[ \\t]+$', '', text, flags=re.M)"],
            "rstrip": ["    out = '\\n'.join(line.rstrip() for line in text.split('\\n'))"],
            "rstrip_ws": ["    out = '\\n'.join(line.rstrip(' \\t') for line in text.split('\\n'))"],
            "lines": ["    out = '\\n'.join(line.rstrip() for line in text.splitlines())"],
            "fenced": [
                "    kept, fence = [], False",
                "    for line in text.splitlines(keepends=True):",
                "        body = line.rstrip('\\r\\n')",
                "        end = line[len(body):]",
                "        if body.lstrip().startswith('```'):",
                "            fence, body = not fence, body.rstrip(' \\t')",
                "        elif not fence:",
                "            hard = body.endswith('  ') and body.strip()",
                "            body = body.rstrip(' \\t') + ('  ' if hard else '')",
                "        kept.append(body + end)",
                "    return ''.join(kept)",
            ],
        }[st["method"]]
        if st["method"] == "fenced":
            return "\n".join([*lines, ""])
        if st["hard"] == "1":
            lines += [
                "    lines = []",
                "    for before, after in zip(text.split('\\n'), out.split('\\n')):",
                "        if before.rstrip('\\r').endswith('  ') and after.strip():",
                "            after += '  '  # Markdown hard break",
                "        lines.append(after)",
                "    out = '\\n'.join(lines)",
            ]
        return "\n".join([*lines, "    return out", ""])

    return render


def ws_cases(ctx: Ctx, func: str) -> list[Case]:
    _, doc, _ = ctx.doc
    one, two = f"Set the {ctx.stem} option before calling it.", "See the reference for details."
    specs = [
        ("spaces_and_tabs", f"{one} \n{two}\t\n"),
        ("blank_lines", f"{one}\n   \n\n{two}\n"),
        ("hard_break", f"{one}  \n{two}\n"),
        ("crlf", f"{one} \r\n{two}\t\r\n"),
        ("no_final_newline", f"{one}\t\n{two} "),
        ("code_block", f"{one}\n\n```\n{doc[1]}    \n{doc[2]}\n```\n"),
    ]
    ref = {"method": "fenced", "hard": "0"}
    return [
        Case(
            name,
            (body,),
            ws_impl(ref, Case(name, (body,), "", "")),
            f"{func}(text)",
            (f"text = {body!r}", f"expected = {ws_impl(ref, Case(name, (body,), '', ''))!r}"),
        )
        for name, body in specs
    ]


def trailing_space_strip_overreach(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Stripping trailing whitespace: the regex eats blank lines and final newlines, rstrip eats CR and hard breaks, code blocks are never spared."""
    func = ctx.named(_STRIPS)
    model = Model(ctx, func, ws_cases(ctx, func), ws_impl, ws_render(func), {"method": "re_s", "hard": "0"})
    options = [
        ("method", "re_s", "Use one regex over the whole text: re.sub(r'\\s+$', '', text, flags=re.M)."),
        (
            "method",
            "re_cls",
            "\\s also matches newlines, so the regex swallows blank lines and the final newline. Only strip spaces and tabs: [ \\t]+$.",
        ),
        ("method", "rstrip", "Do it line by line: split on '\\n' and rstrip() each line."),
        ("method", "rstrip_ws", "rstrip() without an argument also takes the '\\r' of CRLF lines. Strip only ' \\t'."),
        ("method", "lines", "Use splitlines() so every kind of line ending is handled, then rstrip each line."),
        (
            "hard",
            "1",
            "Markdown needs two trailing spaces for a hard line break. Put them back where the original line had them.",
        ),
        ("hard", "0", "Restoring the hard breaks isn't lining up with the output lines. Remove that part."),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [model.probe(rng, f"Let me see exactly what comes back for the {name.replace('_', ' ')} text.", name)]

    def show_input(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        body = model.case(name).args[0]
        shown = repr(body)
        command = (
            f"printf {shown} | cat -A"
            if shown.startswith("'") and "%" not in body
            else f"python - <<'EOF' | cat -A\nimport sys\nsys.stdout.write({shown})\nEOF"
        )
        return [
            Step(
                f"Let me see the {name.replace('_', ' ')} input with its whitespace made visible.", command, cat_a(body)
            )
        ]

    first = [model.run(rng, "Let me run the whitespace tests."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, probe, show_input]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "stripping trailing whitespace without breaking the other cases"),
        0.3,
    )
