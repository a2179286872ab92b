"""Edits of the instance's real source lines, in the ways gemini writes them (sed, python, heredoc)."""

from __future__ import annotations

import random
import re

from .instance import Instance

IDENT = re.compile(r"\b([a-z_][a-z0-9_]{2,})\b")
TWEAKS = [
    lambda w: f"{w} or None",
    lambda w: f"list({w})",
    lambda w: f"({w} if {w} is not None else ())",
    lambda w: f"self._{w.strip('_')}",
    lambda w: f"getattr(self, '{w}', None)",
    lambda w: f"{w}.copy()",
    lambda w: f"tuple({w})",
    lambda w: f"bool({w})",
    lambda w: f"{w}[:]",
    lambda w: f"dict({w})",
]


def code_lines(inst: Instance, path: str | None = None) -> list[int]:
    """Numbers of lines worth editing: code, not blank, comment or docstring."""
    lines = inst.lines(path or inst.source)
    return [
        n
        for n, text in sorted(lines.items())
        if IDENT.search(text) and text.strip()[:1] not in ("#", '"', "'", "") and len(text) < 100 and "def " not in text
    ]


def near(inst: Instance, function: str) -> list[int]:
    """Code lines in the body of `function` (its first 30 lines), else any code line of the file."""
    lines = inst.lines(inst.source)
    starts = [n for n, text in lines.items() if re.match(rf"\s*def {re.escape(function)}\b", text)]
    body = [n for n in code_lines(inst) if starts and starts[0] < n <= starts[0] + 30]
    return body or code_lines(inst)


def edit(inst: Instance, rng: random.Random, number: int, path: str | None = None) -> tuple[str, str]:
    """(thought, command) changing one word of line `number` of the file, written one of three ways."""
    path = path or inst.source
    text = inst.lines(path)[number]
    words = [
        w
        for w in IDENT.findall(text)
        if w not in ("self", "return", "not", "and", "for", "None", "if", "else", "in", "is")
    ]
    word = rng.choice(words) if words else "value"
    new = rng.choice(TWEAKS)(word)
    style = rng.randrange(3)
    thought = f"Line {number} uses `{word}` directly. I'll change it to `{new}` and see whether that fixes the issue."
    if style == 0:
        return thought, f"sed -i '{number}s/\\b{word}\\b/{_sed(new)}/' {path}"
    if style == 1:
        return thought, (
            f"python - <<'EOF'\nimport re\np = '{path}'\ns = open(p).read().split('\\n')\n"
            f"s[{number - 1}] = re.sub(r'\\b{word}\\b', {new!r}, s[{number - 1}], count=1)\nopen(p, 'w').write('\\n'.join(s))\nEOF"
        )
    indent = len(text) - len(text.lstrip())
    replaced = text.replace(word, new, 1).strip().replace("'", "'\"'\"'")
    return thought, f"sed -i '{number}c\\{' ' * indent}{replaced}' {path}"


def _sed(text: str) -> str:
    return text.replace("/", "\\/").replace("&", "\\&").replace("'", "'\"'\"'")


def diff(inst: Instance, rng: random.Random, number: int, new_text: str, path: str | None = None) -> str:
    """`git diff` of one changed line, with the lines the runs saw around it."""
    path = path or inst.source
    lines = inst.lines(path)
    before = [lines.get(n, "") for n in range(number - 3, number)]
    after = [lines.get(n, "") for n in range(number + 1, number + 4)]
    sha = "".join(rng.choice("0123456789abcdef") for _ in range(10))
    return (
        f"diff --git a/{path} b/{path}\nindex {sha}..{sha[::-1]} 100644\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -{number - 3},7 +{number - 3},7 @@\n"
        + "".join(f" {t}\n" for t in before)
        + f"-{lines[number]}\n+{new_text}\n"
        + "".join(f" {t}\n" for t in after)
    )
