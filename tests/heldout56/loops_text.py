# ruff: noqa: E501
"""Loops over text compared and shown across scripts: a caseless key that never fits every test, bidi marks that never come out right."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

from heldout20.calls import Step
from heldout56.text import Ctx, Fail, churn, extra, py_edit, test_step

# Words a caseless match must treat as equal, and words whose key must keep their length (match offsets).
SAME = [
    ("Straße", "STRASSE"),
    ("İstanbul", "istanbul"),
    ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
    ("ﬁle", "FILE"),
    ("\u212bngström", "Ångström"),
    ("Cafe\u0301", "CAFÉ"),
]
KEEP_LENGTH = ["Straße", "İstanbul", "ﬁle", "Maß"]


def _nfkd_strip(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


FOLDS: dict[str, Callable[[str], str]] = {
    "text.lower()": str.lower,
    "text.casefold()": str.casefold,
    "text.upper().lower()": lambda s: s.upper().lower(),
    "unicodedata.normalize('NFC', text).casefold()": lambda s: unicodedata.normalize("NFC", s).casefold(),
    "unicodedata.normalize('NFKC', text).casefold()": lambda s: unicodedata.normalize("NFKC", s).casefold(),
    "_strip_marks(unicodedata.normalize('NFKD', text)).casefold()": _nfkd_strip,
    "text.lower().replace('ß', 'ss')": lambda s: s.lower().replace("ß", "ss"),
    "unicodedata.normalize('NFC', text.lower())": lambda s: unicodedata.normalize("NFC", s.lower()),
}


def fold_failures(ctx: Ctx, fold: str) -> list[Fail]:
    key = FOLDS[fold]
    failing = [(f"test_{ctx.stem}_fold_match[{a}]", repr(key(a)), repr(key(b))) for a, b in SAME if key(a) != key(b)]
    failing += [
        (f"test_{ctx.stem}_fold_offsets[{w}]", repr(len(key(w))), repr(len(w)))
        for w in KEEP_LENGTH
        if len(key(w)) != len(w)
    ]
    return failing


def case_folding_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The caseless key rewritten (lower, casefold, upper, NFC/NFKC/NFKD, ß replaced): each fixes some of ß, İ, final sigma, ligatures, decomposed accents, and breaks the offsets or another match."""
    state = {"fold": rng.choice(["text.lower()", "text.casefold()"])}

    def run(thought: str, target: str = "") -> Step:
        failing = fold_failures(ctx, state["fold"])
        if target:
            failing = [f for f in failing if target.split("::")[1] in f[0]]
        return test_step(ctx, rng, thought, failing, target=target, extra=extra(ctx, rng))

    def swap(k: int) -> list[Step]:
        old, new = state["fold"], rng.choice([f for f in FOLDS if f != state["fold"]])
        state["fold"] = new
        why = rng.choice(
            [
                f"{rng.choice(['ß', 'İ', 'ς', 'ﬁ', 'Å'])} still does not match. Let me change the folding.",
                "Different fold cases fail now. Another key:",
                "The offsets and the matches want different things; let me try this key.",
            ]
        )
        return [Step(why, py_edit(ctx.source, f"return {old}", f"return {new}"), "patched"), run("Run the fold tests.")]

    def probe(k: int) -> list[Step]:
        words = rng.sample([w for pair in SAME for w in pair], 4)
        key = FOLDS[state["fold"]]
        return [
            Step(
                "Let me print the keys and their lengths for the tricky words.",
                f'python -c "from {ctx.dotted} import {ctx.func}; [print(repr(w), repr({ctx.func}(w)), len(w), len({ctx.func}(w))) for w in {words!r}]"',
                "".join(f"{w!r} {key(w)!r} {len(w)} {len(key(w))}\n" for w in words),
            )
        ]

    def codepoints(k: int) -> list[Step]:
        word = rng.choice(["İstanbul", "Cafe\u0301", "\u212bngström", "ﬁle", "Straße"])
        key = FOLDS[state["fold"]]
        return [
            Step(
                f"Let me look at the code points of {word!r} after folding.",
                f'python -c "import unicodedata; from {ctx.dotted} import {ctx.func}; print([unicodedata.name(c) for c in {ctx.func}({word!r})[:4]])"',
                f"{[unicodedata.name(c) for c in key(word)[:4]]!r}\n",
            )
        ]

    def special(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("return ", "text = text.replace('İ', 'I')\n    return "),
                ("return ", "text = text.replace('\\u0307', '')\n    return "),
                ("return ", "text = text.replace('ς', 'σ')\n    return "),
            ]
        )
        return [
            Step("Let me special-case the character that keeps failing.", py_edit(ctx.source, old, new), "patched"),
            run("Run the fold tests."),
        ]

    def offsets(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the offsets test should use the folded text's length. Let me read it.",
                f"grep -n -B2 -A6 'def test_{ctx.stem}_fold_offsets' {ctx.i18n_test}",
                f"{rng.randint(100, 800)}:    @pytest.mark.parametrize('word', {KEEP_LENGTH!r})\n    def test_{ctx.stem}_fold_offsets(word):\n        # highlight spans are computed on the folded key and applied to the original text\n        assert len({ctx.func}(word)) == len(word)\n",
            ),
            run("Run just the offsets test.", target=f"{ctx.i18n_test}::test_{ctx.stem}_fold_offsets"),
        ]

    first = [run("The caseless matching change is in. Let me run the fold tests.")]
    attempts: list[Callable[[int], list[Step]]] = [swap, swap, swap, probe, codepoints, special, offsets]
    return churn(ctx, rng, n, first, attempts, "caseless matching across scripts", "tr")


FSI, PDI, LRI, RLM, RLE, PDF = "\u2068", "\u2069", "\u2066", "\u200f", "\u202b", "\u202c"
MESSAGES = {"ar": "تم حفظ الملف %s", "he": "הקובץ %s נשמר", "en": "Saved %s"}
# The message's language and the name put in it.
CASES = [
    ("ar", "report.txt"),
    ("he", "notes.md"),
    ("en", "تقرير.pdf"),
    ("en", "report.txt"),
    ("ar", "تقرير.pdf"),
    ("en", "2024 تقرير.csv"),
    ("en", "report (نسخة).txt"),
]


def _strong(text: str) -> str:
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("L", "R", "AL"):
            return "rtl" if kind != "L" else "ltr"
    return "ltr"


def _rtl_any(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


# What the agent writes to decide and wrap, and what it does.
WRAPS: dict[str, Callable[[str, str], str]] = {
    "FSI + name + PDI  # always": lambda lang, name: FSI + name + PDI,
    "FSI + name + PDI if is_rtl(lang) else name": lambda lang, name: FSI + name + PDI if lang != "en" else name,
    "FSI + name + PDI if any_rtl(name) else name": lambda lang, name: FSI + name + PDI if _rtl_any(name) else name,
    "name + RLM if is_rtl(lang) else name": lambda lang, name: name + RLM if lang != "en" else name,
    "RLE + name + PDF if direction(name[0]) != direction(lang) else name": lambda lang, name: (
        RLE + name + PDF if _first(name) != _dir(lang) else name
    ),
    "LRI + name + PDI if direction(name[0]) != direction(lang) else name": lambda lang, name: (
        LRI + name + PDI if _first(name) != _dir(lang) else name
    ),
    "FSI + name + PDI if direction(name[0]) != direction(lang) else name": lambda lang, name: (
        FSI + name + PDI if _first(name) != _dir(lang) else name
    ),
    "FSI + name + PDI if any_rtl(name) != is_rtl(lang) else name": lambda lang, name: (
        FSI + name + PDI if _rtl_any(name) != (lang != "en") else name
    ),
}


def _dir(lang: str) -> str:
    return "ltr" if lang == "en" else "rtl"


def _first(name: str) -> str:
    return "rtl" if unicodedata.bidirectional(name[0]) in ("R", "AL") else "ltr"


def _wanted(lang: str, name: str) -> str:
    return MESSAGES[lang] % (FSI + name + PDI if _strong(name) != _dir(lang) else name)


def bidi_failures(ctx: Ctx, wrap: str) -> list[Fail]:
    failing = []
    for lang, name in CASES:
        got, want = MESSAGES[lang] % WRAPS[wrap](lang, name), _wanted(lang, name)
        if got != want:
            failing.append((f"test_{ctx.stem}_rtl[{lang}-{name}]", repr(got), repr(want)))
    return failing


def bidi_isolate_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The marks around a name in a right-to-left message rewritten (FSI/PDI always, RLM, RLE/PDF, LRI, by first character, by any RTL letter): each run another case comes out wrong."""
    state = {"wrap": rng.choice(list(WRAPS)[:3])}

    def run(thought: str) -> Step:
        return test_step(ctx, rng, thought, bidi_failures(ctx, state["wrap"]), extra=extra(ctx, rng))

    def swap(k: int) -> list[Step]:
        old, new = state["wrap"], rng.choice([w for w in WRAPS if w != state["wrap"]])
        state["wrap"] = new
        return [
            Step(
                rng.choice(
                    [
                        "The Arabic and Hebrew cases disagree with the English ones. Let me change when and how the name is isolated.",
                        "Let me try different bidi marks around the interpolated name.",
                        f"The {rng.choice(['ar', 'he', 'en'])} cases still fail. Another way to wrap the name:",
                    ]
                ),
                py_edit(ctx.source, "wrapped = " + old.split("  #")[0], "wrapped = " + new.split("  #")[0]),
                "patched",
            ),
            run("Run the RTL tests."),
        ]

    def probe(k: int) -> list[Step]:
        lang, name = rng.choice(CASES)
        got = MESSAGES[lang] % WRAPS[state["wrap"]](lang, name)
        return [
            Step(
                "The marks are invisible; let me print the code points around the name.",
                f"python -c \"from {ctx.dotted} import {ctx.func}; s = {ctx.func}({name!r}, lang='{lang}'); print(ascii(s))\"",
                f"{got!a}\n",
            )
        ]

    def bidi_class(k: int) -> list[Step]:
        name = rng.choice([name for _, name in CASES])
        return [
            Step(
                f"What bidi classes does {name!r} start with?",
                f'python -c "import unicodedata; print([unicodedata.bidirectional(c) for c in {name!r}[:6]])"',
                f"{[unicodedata.bidirectional(c) for c in name[:6]]!r}\n",
            )
        ]

    def reverse(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the RTL message must be reversed for display. Let me try reversing it for ar and he.",
                py_edit(
                    ctx.source,
                    "return message % wrapped",
                    "return (message % wrapped)[::-1] if is_rtl(lang) else message % wrapped",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the RTL tests.",
                [
                    (
                        f"test_{ctx.stem}_rtl[{lang}-{name}]",
                        repr((MESSAGES[lang] % WRAPS[state["wrap"]](lang, name))[::-1]),
                        repr(_wanted(lang, name)),
                    )
                    for lang, name in CASES
                    if lang != "en"
                ],
                extra=extra(ctx, rng),
            ),
            Step(
                "No, reversing is clearly wrong. Undo it.",
                py_edit(
                    ctx.source,
                    "return (message % wrapped)[::-1] if is_rtl(lang) else message % wrapped",
                    "return message % wrapped",
                ),
                "patched",
            ),
        ]

    first = [run("The message with the file name is in place. Let me run the RTL tests.")]
    attempts: list[Callable[[int], list[Step]]] = [swap, swap, swap, probe, bidi_class, reverse]
    return churn(ctx, rng, n, first, attempts, "bidi isolation of names in RTL messages", rng.choice(["ar", "he"]))
