# ruff: noqa: E501
"""Loops over what crosses into a shell, a file system or a URL: argv rendering, path checks, percent-encoding.

Each test run shows what the code really does with its inputs (computed by shlex, subprocess, posixpath, urllib).
"""

from __future__ import annotations

import posixpath
import random
import shlex
import subprocess
from urllib.parse import quote, quote_plus, unquote, urlencode

from heldout20.calls import Step
from heldout53.text import Case, Ctx, Raised, Variant, escape_loop, probe

# -- argv rendered for a shell -------------------------------------------------------------------------------------


def argv_cases(func: str) -> list[Case]:
    trip = f"test_{func.strip('_')}_roundtrip"
    show = f"test_{func.strip('_')}_display"
    argvs = [
        ("plain", ["ls", "-l"]),
        ("space", ["echo", "a b"]),
        ("apostrophe", ["grep", "it's"]),
        ("dquotes", ["echo", '"quoted"']),
        ("backslash", ["printf", "a\\b"]),
        ("dollar", ["echo", "$HOME"]),
        ("empty", ["touch", ""]),
        ("glob", ["rm", "*.py"]),
    ]
    cases = [Case(trip, cid, argv, argv, shlex.split) for cid, argv in argvs]
    shown = [
        ("plain", ["ls", "-l"], "ls -l"),
        ("space", ["echo", "a b"], 'echo "a b"'),
        ("empty", ["touch", ""], 'touch ""'),
    ]
    return cases + [Case(show, cid, argv, text) for cid, argv, text in shown]


def _dq(a: str) -> str:
    return a if a and a.isalnum() else '"' + a.replace('"', '\\"') + '"'


ARGV_VARIANTS = [
    Variant("    return ' '.join(argv)", "Join the arguments with spaces.", " ".join),
    Variant("    return shlex.join(argv)", "shlex.join is made for this; it quotes whatever needs it.", shlex.join),
    Variant(
        "    return ' '.join('\"%s\"' % a if ' ' in a else a for a in argv)",
        "The display test wants double quotes; quote only arguments with spaces, in double quotes.",
        lambda argv: " ".join('"' + a + '"' if " " in a else a for a in argv),
    ),
    Variant(
        "    return subprocess.list2cmdline(argv)",
        "list2cmdline gives the double-quoted style the display test expects.",
        subprocess.list2cmdline,
    ),
    Variant(
        "    return ' '.join(shlex.quote(a).replace(\"'\", '\"') for a in argv)",
        "Use shlex.quote but with double quotes, to match the display test.",
        lambda argv: " ".join(shlex.quote(a).replace("'", '"') for a in argv),
    ),
    Variant(
        "    return ' '.join(a if a and a.isalnum() else '\"%s\"' % a.replace('\"', '\\\\\"') for a in argv)",
        "Double-quote anything that isn't alphanumeric, escaping the double quotes inside.",
        lambda argv: " ".join(_dq(a) for a in argv),
    ),
]


def argv_render_roundtrip(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A command line rendered for display and for the shell: the round trip and the display test never both pass."""
    func = ctx.named(("render_{}_command", "_{}_cmdline", "format_{}_argv", "{}_shell_line"))

    def split(now: Variant) -> list[Step]:
        argv = rng.choice([["grep", "it's"], ["printf", "a\\b"], ["touch", ""], ["echo", '"quoted"']])
        line = now.fn(argv)
        try:
            back = repr(shlex.split(line))
        except ValueError as error:
            back = f"Traceback (most recent call last):\n  ...\nValueError: {error}"
        return [
            Step(
                "Let me see what the rendered line splits back into.",
                f"python - <<'EOF'\nimport shlex\nfrom {ctx.dotted} import {func}\nline = {func}({argv!r})\nprint(line)\nprint(shlex.split(line))\nEOF",
                f"{line}\n{back}",
                rc=1 if back.startswith("Traceback") else 0,
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=ARGV_VARIANTS,
        cases=argv_cases(func),
        target=ctx.selected(rng, ["", f" -k {func.strip('_')}", " -k 'roundtrip or display'"]),
        what="the command-line rendering (the round trip and the display format keep trading failures)",
        param="argv",
        extra=(split,),
    )


# -- a user path joined under a base directory ---------------------------------------------------------------------

BASE = "/srv/app/media"


def _inside(path: str, value: str) -> str:
    if posixpath.commonpath([BASE, path]) != BASE:
        raise ValueError(f"path escapes {BASE}: {value!r}")
    return path


def _no_dots(value: str) -> str:
    if ".." in value:
        raise ValueError(f"path escapes {BASE}: {value!r}")
    return posixpath.join(BASE, value)


def _prefix(value: str, sep: str = "") -> str:
    path = posixpath.normpath(posixpath.join(BASE, value))
    if not path.startswith(BASE + sep):
        raise ValueError(f"path escapes {BASE}: {value!r}")
    return path


def _leading(value: str) -> str:
    if value.startswith(("/", "..")):
        raise ValueError(f"path escapes {BASE}: {value!r}")
    return posixpath.normpath(posixpath.join(BASE, value))


def path_cases(func: str) -> list[Case]:
    test = f"test_{func.strip('_')}"
    good = [
        ("nested", "img/logo.png"),
        ("dot-segment", "a/./b.txt"),
        ("parent-inside", "docs/../readme.md"),
        ("dots-in-name", "foo..bar.txt"),
        ("dotdot-prefix", "..hidden"),
        ("percent-literal", "100%25.txt"),
    ]
    bad = ["../etc/passwd", "a/../../b", "/etc/passwd", "../media2/x", "..%2fsecret"]
    ids = ["parent", "deep-parent", "absolute", "sibling-prefix", "encoded-parent"]
    cases = [Case(test, cid, v, posixpath.normpath(posixpath.join(BASE, v))) for cid, v in good]
    return cases + [Case(f"{test}_rejects", cid, v, Raised("ValueError")) for cid, v in zip(ids, bad, strict=True)]


PATH_VARIANTS = [
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, value))\n    if not path.startswith(BASE):",
        "Normalise the joined path and check it is still under the base.",
        _prefix,
    ),
    Variant(
        "    path = os.path.join(BASE, value)\n    if '..' in value:",
        "Simplest thing: refuse any '..' in the input.",
        _no_dots,
    ),
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, value))\n    if os.path.commonpath([BASE, path]) != BASE:",
        "startswith is fooled by sibling directories; commonpath compares whole components.",
        lambda v: _inside(posixpath.normpath(posixpath.join(BASE, v)), v),
    ),
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, unquote(value)))\n    if os.path.commonpath([BASE, path]) != BASE:",
        "The encoded case is percent-encoded; decode before checking.",
        lambda v: _inside(posixpath.normpath(posixpath.join(BASE, unquote(v))), v),
    ),
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, value))\n    if value.startswith(('/', '..')):",
        "Refuse absolute paths and paths that start by going up.",
        _leading,
    ),
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, value))\n    if not path.startswith(BASE + os.sep):",
        "Compare with a trailing separator so /srv/app/media2 doesn't pass as inside.",
        lambda v: _prefix(v, "/"),
    ),
    Variant(
        "    path = os.path.normpath(os.path.join(BASE, unquote(unquote(value))))\n    if os.path.commonpath([BASE, path]) != BASE:",
        "Decode twice, in case the input was encoded twice.",
        lambda v: _inside(posixpath.normpath(posixpath.join(BASE, unquote(unquote(v)))), v),
    ),
]


def traversal_check_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A path-traversal guard rewritten round after round: each version lets one escape through or refuses a good name."""
    func = ctx.named(("safe_{}_path", "_join_{}", "resolve_{}_file", "{}_storage_path"))

    def norm(now: Variant) -> list[Step]:
        value = rng.choice(["../media2/x", "..%2fsecret", "docs/../readme.md", "a/../../b", "100%25.txt"])
        joined = posixpath.normpath(posixpath.join(BASE, value))
        return [
            probe(
                ctx,
                "Let me see how normpath and unquote treat that input.",
                "import os.path; from urllib.parse import unquote",
                f"os.path.normpath(os.path.join('{BASE}', '{value}')), unquote('{value}')",
                f"{joined} {unquote(value)}",
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=PATH_VARIANTS,
        cases=path_cases(func),
        target=ctx.selected(rng, ["", " -k path", f" -k {func.strip('_')}"]),
        what="the path-traversal check (each version rejects a valid name or lets an escaping path through)",
        extra=(norm,),
    )


# -- one URL path segment percent-encoded --------------------------------------------------------------------------


def url_cases(func: str) -> list[Case]:
    test = f"test_{func.strip('_')}"
    raw = [
        ("space", "a b", "a%20b"),
        ("slash", "a/b", "a%2Fb"),
        ("plus", "c++", "c%2B%2B"),
        ("unicode", "café", "caf%C3%A9"),
        ("tilde", "~user", "~user"),
        ("pre-encoded", "a%20b", "a%20b"),
        ("percent-literal", "100%25 off", "100%2525%20off"),
        ("bare-percent", "100%", "100%25"),
        ("query-chars", "a?b#c", "a%3Fb%23c"),
    ]
    return [Case(test, cid, value, expected) for cid, value, expected in raw]


URL_VARIANTS = [
    Variant("    return quote(value)", "Percent-encode the segment.", quote),
    Variant(
        "    return quote(value, safe='')",
        "A slash inside a segment must be encoded too: safe=''.",
        lambda v: quote(v, safe=""),
    ),
    Variant("    return quote_plus(value)", "quote_plus encodes '+' as well.", quote_plus),
    Variant(
        "    return quote(unquote(value), safe='')",
        "Already-encoded input gets encoded twice; decode it first.",
        lambda v: quote(unquote(v), safe=""),
    ),
    Variant(
        "    return value if '%' in value else quote(value, safe='')",
        "Leave input that already has percent escapes untouched.",
        lambda v: v if "%" in v else quote(v, safe=""),
    ),
    Variant(
        "    return quote(value, safe='%')",
        "Keep '%' as it is so existing escapes survive.",
        lambda v: quote(v, safe="%"),
    ),
    Variant(
        "    return urlencode({'': value})[1:]", "Let urlencode do the encoding.", lambda v: urlencode({"": v})[1:]
    ),
]


def url_percent_encoding_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A path segment encoded once, twice or not at all: each quoting variant breaks other inputs."""
    func = ctx.named(("{}_url_segment", "quote_{}_part", "_{}_path_component", "build_{}_slug"))

    def stdlib(now: Variant) -> list[Step]:
        value = rng.choice(["a b", "a%20b", "100%25 off", "a/b", "c++"])
        return [
            probe(
                ctx,
                "Let me compare the urllib functions on that input directly.",
                "from urllib.parse import quote, quote_plus, unquote",
                f"quote('{value}'), quote('{value}', safe=''), quote_plus('{value}'), unquote('{value}')",
                f"{quote(value)} {quote(value, safe='')} {quote_plus(value)} {unquote(value)}",
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=URL_VARIANTS,
        cases=url_cases(func),
        target=f"{ctx.test_file}::test_{func.strip('_')}",
        what="the URL encoding (every variant double-encodes some input or leaves another unencoded)",
        extra=(stdlib,),
    )
