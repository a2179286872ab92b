"""The lines of a config file the agent writes, and the ways a hand edit makes one unparsable.

The file is kept as lines, some of them wrong in the way a hand edit goes wrong; the parser reports the first,
at the line and column it stops at, and a fix may slip and leave the line wrong in another way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_WARNINGS = [
    "ignore::DeprecationWarning",
    "ignore:.*distutils:UserWarning",
    "ignore::PendingDeprecationWarning",
    "ignore:unclosed file:ResourceWarning",
    "ignore:the imp module is deprecated:DeprecationWarning",
    "error::FutureWarning",
    "ignore:Jupyter is migrating:DeprecationWarning",
]


@dataclass
class Line:
    """A line of the file; `bad` says what is wrong with it (None: nothing)."""

    text: str
    role: str  # key, entry, last (the last item of a block)
    good: str = ""
    bad: str | None = None
    column: int = 1
    delta: int = 0  # the parser stops this many lines further on
    why: str = ""


def compose(kind: str, tests: str, rng: random.Random) -> list[Line]:
    w = rng.sample(_WARNINGS, 2)
    if kind == "toml":
        rows = [
            ("[tool.pytest.ini_options]", "head"),
            ('minversion = "6.0"', "key"),
            ('addopts = "-ra"', "key"),
            (f'testpaths = ["{tests}"]', "key"),
            ("xfail_strict = true", "key"),
            ("filterwarnings = [", "head"),
            ('    "error",', "entry"),
            ('    "ignore::DeprecationWarning",', "entry"),
            (f'    "{w[0]}",', "entry"),
            (f'    "{w[1]}",', "last"),
            ("]", "head"),
        ]
    elif kind == "ini":
        rows = [
            ("[pytest]", "head"),
            ("minversion = 6.0", "key"),
            ("addopts = -ra", "key"),
            (f"testpaths = {tests}", "key"),
            ("xfail_strict = true", "key"),
            ("filterwarnings =", "head"),
            ("    error", "entry"),
            ("    ignore::DeprecationWarning", "entry"),
            (f"    {w[0]}", "entry"),
            (f"    {w[1]}", "last"),
        ]
    elif kind == "yaml":
        rows = [
            ("cases:", "head"),
            ("  - name: basic", "head"),
            ("    input: [1, 2, 3]", "key"),
            ("    expected: 6", "key"),
            ("  - name: empty", "head"),
            ("    input: []", "key"),
            ("    expected: 0", "key"),
            ("  - name: nested", "head"),
            ("    input: [[1], [2]]", "key"),
            ("    expected: 3", "key"),
            ("options:", "head"),
            ("  strict: true", "key"),
        ]
    else:
        rows = [
            ("{", "head"),
            ('  "cases": [', "head"),
            ("    {", "head"),
            ('      "name": "basic",', "key"),
            ('      "input": [1, 2, 3],', "key"),
            ('      "expected": 6', "last"),
            ("    },", "head"),
            ("    {", "head"),
            ('      "name": "empty",', "key"),
            ('      "input": [],', "key"),
            ('      "expected": 0', "last"),
            ("    }", "head"),
            ("  ],", "head"),
            ('  "strict": true', "last"),
            ("}", "head"),
        ]
    return [Line(text, role, text) for text, role in rows]


def spoil(kind: str, line: Line, rng: random.Random) -> None:
    """Makes `line` wrong in one of the ways a hand edit of this kind of file goes wrong."""
    good, indent = line.good, len(line.good) - len(line.good.lstrip())
    key, _, value = good.strip().partition(" = " if kind in ("toml", "ini") else ": ")
    options: list[tuple[str, int, int, str, str]] = []  # text, column, delta, message, why
    if kind == "toml" and line.role == "key":
        if value.startswith('"'):
            options.append(
                (f"{key} = {value.strip(chr(34))}", len(key) + 4, 0, "Invalid value", "an unquoted string value")
            )
        options += [
            (f"{key} {value}", len(key) + 2, 0, "Expected '=' after a key in a key/value pair", "a missing `=`"),
            (
                f"{key} = {value} {value.split()[0]}",
                len(key) + len(value) + 5,
                0,
                "Expected newline or end of document after a statement",
                "something left after the value",
            ),
        ]
    elif kind == "toml":
        if line.role == "entry":
            options.append((good.rstrip(","), 5, 1, "Unclosed array", "a missing comma at its end"))
        options.append(
            (good.rstrip(",").rstrip('"'), len(good) - 1, 0, "Unterminated string", "an unterminated string")
        )
    elif kind == "ini" and line.role == "key":
        options.append((f"{key} {value}", 1, 0, f"unexpected line: '{key} {value}'", "a key without `=`"))
    elif kind == "ini":
        options.append((good.strip(), 1, 0, f"unexpected line: '{good.strip()}'", "a filter that lost its indentation"))
    elif kind == "yaml":
        options += [
            (
                "\t" + good.strip(),
                1,
                0,
                "while scanning for the next token\nfound character '\\t' that cannot start any token",
                "a tab used for indentation",
            ),
            (f"{' ' * indent}{key} {value}", indent + 1, 0, "could not find expected ':'", "a key that lost its colon"),
        ]
        if indent == 4:
            options.append(
                (
                    f"   {good.strip()}",
                    indent,
                    0,
                    "expected <block end>, but found '<block mapping start>'",
                    "one space too little indentation",
                )
            )
        if not value.startswith("["):
            options.append(
                (
                    f"{' ' * indent}{key}: total: {value}",
                    indent + len(key) + 8,
                    0,
                    "mapping values are not allowed here",
                    "an unquoted colon inside the value",
                )
            )
    else:
        if line.role == "key":
            options.append((good.rstrip(","), indent + 1, 1, "Expecting ',' delimiter", "a missing comma at its end"))
        else:
            options.append(
                (good + ",", indent - 1, 1, "Expecting property name enclosed in double quotes", "a trailing comma")
            )
        options.append(
            (
                good.replace('"', "'", 2),
                indent + 1,
                0,
                "Expecting property name enclosed in double quotes",
                "single-quoted keys",
            )
        )
        if value.strip(",") in ("6", "0", "true"):
            options.append(
                (
                    good.replace(value.strip(","), "True"),
                    indent + len(key) + 3,
                    0,
                    "Expecting value",
                    "a Python `True` instead of JSON `true`",
                )
            )
    line.text, line.column, line.delta, line.bad, line.why = rng.choice(options)
