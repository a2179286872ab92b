"""Making two texts equal when they differ only in what changes on every run.

Timestamps, hex addresses, UUIDs, temp paths, PIDs, durations, long numbers, whitespace and
quoting vary between two runs of the same command; file paths, names and short numbers (test
counts, line ranges) carry meaning and are kept — except source line numbers in the keys of results
(`without_line_numbers`), because tracebacks shift them by a few on each edit of a file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache


def _long_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.isdigit():
        return "<num>"
    return "<hash>" if any(map(str.isdigit, token)) else token


def _kept(mark: str) -> Callable[[re.Match[str]], str]:
    """The replacement `\\1\\2<mark>` as a function: `sub` hands a template to Python code on every call."""
    return lambda match: match[1] + match[2] + mark


def _numbered(match: re.Match[str]) -> str:
    return match[1] + "0"  # `\\g<1>0`, as `_kept`


# What some patterns cannot match without, found by patterns that start with a literal character
# (which the regex engine skips to fastest) and look behind it: `12:30`, a UUID's `-4f2a-`, `1.5`.
_DIGIT_COLON = re.compile(r":(?<=\d:)\d")
_UUID_PART = re.compile(r"-[0-9a-fA-F]{4}-")
_DECIMAL = re.compile(r"\.(?<=\d\.)\d")
_SPACED_DECIMAL = re.compile(r"\s\d+\.\d")
Replacement = str | Callable[[re.Match[str]], str]
# (pattern, replacement, substrings of the lower-cased text one of which must be present, patterns
# that must all find something in it): the guards skip most regex scans, which are what the
# detectors spend their time on. A pattern that would start with `\b` starts with the character it
# cannot do without and checks the boundary behind it (`\d(?<=\b\d)`): the regex engine then skips
# in C to where that character is, instead of trying the whole pattern at every position of the
# text. Either way it matches the same text; and no replacement makes a guard true that was not.
_VOLATILE: list[tuple[re.Pattern[str], Replacement, tuple[str, ...], tuple[re.Pattern[str], ...]]] = [
    (
        re.compile(r"\d\d\d\d-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"),
        "<ts>",
        (":",),
        (_DIGIT_COLON,),
    ),
    (re.compile(r"\d(?<=\b\d)\d:\d\d:\d\d(?:[.,]\d+)?\b"), "<time>", (":",), (_DIGIT_COLON,)),
    # The clock the Dart and Flutter test reporter puts before each line (`00:19 +7 -1: Some tests failed.`).
    (re.compile(r"(?<![^\n])\d\d:\d\d(?= \+\d)"), "<time>", (" +",), (_DIGIT_COLON,)),
    (
        re.compile(
            r"[0-9a-fA-F](?<=\b[0-9a-fA-F])[0-9a-fA-F]{7}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
        ("-",),
        (_UUID_PART,),
    ),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>", ("0x",), ()),
    (re.compile(r"(?:/private)?/(?:tmp|var/folders|var/tmp)/[^\s'\"):,]*"), "<tmp>", ("/tmp", "/var"), ()),
    (re.compile(r"\btmp[\w-]{4,}", re.I), "<tmp>", ("tmp",), ()),
    # `p` has no other case than `P`: the words' first letter is one to skip to (`import` has `port`).
    (re.compile(r"([pP](?<=\b[pP])(?i:id|rocess|ort))([ =:#]+)\d+"), _kept("<n>"), ("pid", "process", "port"), ()),
    # Request ids (`(request B28E:ACF711)`, `request-id: req_8f…`, `RequestId: 4F2…`) name one attempt.
    (
        re.compile(r"\b(request[ _-]?id|request|req)([ =:#]+)(?=[\w:.\-]*\d)[\w:.\-]{4,}", re.I),
        _kept("<id>"),
        ("req",),
        (),
    ),
    # Durations, with their unit or after a word that says one follows; a bare decimal is a value the
    # program printed (a debug print, a metric) and stays: it changing is news.
    (
        re.compile(r"\d(?<=\b\d)\d*\.\d+(?:e[+-]?\d+)?\s*(?:ms|s|sec|secs|seconds|us|µs|ns|m|min|mins)\b"),
        "<num>",
        (".",),
        (_DECIMAL,),
    ),
    (
        re.compile(r"(?i)\b(in|took|time:?|elapsed:?|duration:?|after)(\s+)\d+\.\d+\b"),
        _kept("<num>"),
        (".",),
        (_DECIMAL, _SPACED_DECIMAL),
    ),
    # A test's own timing in brackets (`... ok (775ms)`, `[12 ms]`): whole numbers, unlike the above.
    (re.compile(r"\d(?<=[(\[]\d)\d* ?(?:ms|s|us|µs|ns)(?=[)\]])"), "<num>", ("s)", "s]"), ()),
]
# Last, words of 7 hex digits and up (git's abbreviated commit ids change with every commit) or of 4
# digits and up. `\d` costs a look-up in the Unicode tables for each character the engine skips to
# or past; in an ASCII text it is `0-9`, which costs none.
_LONG_TOKENS = re.compile(r"[\da-fA-F](?<=\b[\da-fA-F])(?:(?<=[0-9a-fA-F])[0-9a-fA-F]{6,}|(?<=\d)\d{3,})\b")
_ASCII_LONG_TOKENS = re.compile(r"[0-9a-fA-F](?<=\b[0-9a-fA-F])(?:[0-9a-fA-F]{6,}|(?<=[0-9])[0-9]{3,})\b")
# A line's number before it (`  12\t`, `12:`, `12-`): looked for after each line break, which is what
# `^` would match in multi-line mode, but a literal character the regex engine skips to.
_GUTTER = re.compile(r"\n[ \t]*\d+(?:\t|→|[:-](?=[ \t])|:(?=[^\d\s]))")
# `line 12`, and a source file's `name.rb:12` (grep -n, compilers, stack traces of any language);
# `l(?<=\bl)` is `\bl` with a first character to skip to, as in `_VOLATILE`.
_LINE_NUMBER = re.compile(r"(l(?<=\bl)ine |\.[A-Za-z][A-Za-z0-9]{0,4}:)\d+")
_COLON_DIGIT = re.compile(r":\d")  # what the second kind cannot do without, found at C speed
# MSBuild's, tsc's and csc's `src/cdn.ts(18,11): error …`: the position moves with every edit of the line.
_POSITION = re.compile(r"(\.[A-Za-z][A-Za-z0-9]{0,4}\()\d+,\d+\)")
_HEAD_TAIL = 1500
_SCRIPT = 400


def clip(text: str, keep: int = _HEAD_TAIL) -> str:
    """Long outputs keep their head and tail, where commands and errors put what matters."""
    if len(text) <= 2 * keep:
        return text
    # Cut at line ends: a line cut in two at a point that depends on the output's length would
    # make two dumps of the same lines look different.
    head, tail = text[:keep], text[-keep:]
    head_end, tail_start = head.rfind("\n"), tail.find("\n")
    head = head[: head_end + 1] if head_end > 0 else head
    tail = tail[tail_start + 1 :] if 0 <= tail_start < len(tail) - 1 else tail
    return head + "…\n" + tail


def _mask(text: str) -> str:
    lowered = text.lower()
    for pattern, replacement, guards, needs in _VOLATILE:
        if guards and not any(map(lowered.__contains__, guards)):
            continue
        if needs and any(need.search(text) is None for need in needs):
            continue
        text = pattern.sub(replacement, text)
    text = (_ASCII_LONG_TOKENS if text.isascii() else _LONG_TOKENS).sub(_long_token, text)
    return text.replace('"', "'")


@lru_cache(maxsize=1024)  # a command is normalised by every reader of it (its key, its edit, its tokens)
def normalise(text: str) -> str:
    # `split` and `join` collapse whitespace as `\s+` does (the same characters), in one C pass.
    return " ".join(_mask(text).split())


def normalise_lines(text: str) -> list[str]:
    """`normalise` line by line, without the line-number gutters of `nl`, `cat -n` and `grep -n`.

    A gutter is presentation: the same file shown by `cat` and by `nl -ba` says the same thing.
    Joining the lines with spaces gives `normalise` of the text without its gutters.
    """
    without_gutters = _GUTTER.sub("\n", "\n" + text)[1:]  # the first line follows a line break too
    lines = (" ".join(line.split()) for line in _mask(without_gutters).splitlines())
    return [line for line in lines if line]


# What `shlex.split(command)` reads as one piece of a word: plain characters, `\x` (x itself), '…'
# (as written), "…" (`\"` and `\\` unescaped), or the whitespace between words. One pattern reads a
# piece at a time where shlex takes a Python step per character (a third of a command's cost).
_SHELL_PIECE = re.compile(r"""([^ \t\r\n'"\\]+)|\\(.)|'([^']*)'|"((?:[^"\\]|\\.)*)"|[ \t\r\n]+""", re.S)
_QUOTED_ESCAPE = re.compile(r'\\([\\"])')


def _tokens(command: str) -> list[str]:
    """`shlex.split(command)`, or the plain words where shlex would refuse (a quote left open)."""
    words: list[str] = []
    word: list[str] = []
    quoted = False  # '' is a word, an empty run of characters is not
    position = 0
    while position < len(command):
        piece = _SHELL_PIECE.match(command, position)
        if piece is None:  # an open quote or a trailing `\`: nothing else stops the pattern
            return command.split()
        position = piece.end()
        plain, escaped, single, double = piece.groups()
        if plain is not None or escaped is not None:
            word.append(plain if plain is not None else escaped)
        elif single is not None:
            word.append(single)
            quoted = True
        elif double is not None:
            word.append(_QUOTED_ESCAPE.sub(r"\1", double))
            quoted = True
        elif word or quoted:
            words.append("".join(word))
            word, quoted = [], False
    if word or quoted:
        words.append("".join(word))
    return words


def _flag_token(token: str) -> str:
    # `-rn` and `-nr` are the same request.
    if len(token) > 2 and token[0] == "-" and token[1] != "-" and token[1:].isalpha():
        return "-" + "".join(sorted(token[1:]))
    return token


def _path_token(token: str) -> str:
    # `./x.py` and `x.py`, `tests/` and `tests` name the same thing.
    while token.startswith("./") and len(token) > 2:
        token = token[2:]
    return token.rstrip("/") if len(token) > 1 and not token.endswith("//") else token


@lru_cache(maxsize=1024)  # an action's key and its operands both read its commands; keyed as `normalise` is
def command_tokens(command: str) -> tuple[tuple[str, ...], ...]:
    """A command's segments (split at `&&`, `||`, `;`, `|`), each its words then its sorted flags.

    Volatile text, quoting, `./` prefixes and the order of flags are made irrelevant; a long
    script or a file written inline is one token: its flags do not matter, its text does.
    """
    text = normalise(command)
    if len(text) > _SCRIPT:
        return ((text,),)
    parts: list[tuple[str, ...]] = []
    for segment in re.split(r"\s*(?:&&|\|\||;|\|)\s*", text):
        tokens = _tokens(segment)
        flags = sorted(_flag_token(t) for t in tokens if t.startswith("-") and len(t) > 1)
        words = [_path_token(t) for t in tokens if not (t.startswith("-") and len(t) > 1)]
        if words or flags:
            parts.append(tuple(words + flags))
    return tuple(parts)


def command_key(command: str) -> str:
    """A command with volatile text, quoting, `./` prefixes and the order of its flags made irrelevant."""
    return " | ".join(" ".join(segment) for segment in command_tokens(command))


def without_line_numbers(text: str) -> str:
    if "," in text and "(" in text:
        text = _POSITION.sub(r"\g<1>0,0)", text)
    if "line " not in text and (":" not in text or _COLON_DIGIT.search(text) is None):
        return text  # most lines: nothing to scan for
    return _LINE_NUMBER.sub(_numbered, text)


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).hexdigest()
