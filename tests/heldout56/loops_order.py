# ruff: noqa: E501
"""Loops over locale-aware output: a sort order no single key gives, numbers no one formatting prints right everywhere."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from heldout20.calls import Step
from heldout56.text import Ctx, Fail, churn, extra, py_edit, test_step

# Each locale's words in the order the tests were given them, and the order they expect back.
WORDS = {
    "de": (
        ["Zebra", "Äpfel", "Öl", "apfel", "Eule", "éclair", "Ober", "Bär"],
        ["apfel", "Äpfel", "Bär", "éclair", "Eule", "Ober", "Öl", "Zebra"],
    ),
    "sv": (
        ["Östen", "Zorn", "Åsa", "Adam", "Ärla", "Olof", "Bertil"],
        ["Adam", "Bertil", "Olof", "Zorn", "Åsa", "Ärla", "Östen"],
    ),
    "es": (
        ["oso", "ñandú", "Núñez", "nube", "Nadal", "llama", "luz"],
        ["llama", "luz", "Nadal", "nube", "Núñez", "ñandú", "oso"],
    ),
}


def _strip(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


def _alphabet(order: str) -> Callable[[str], list[int]]:
    return lambda word: [order.index(c) if c in order else 100 + ord(c) for c in word.casefold()]


# What the agent writes as the sort key, and what it does for real.
KEYS: dict[str, Callable[[str], object]] = {
    "key=str.lower": str.lower,
    "key=str.casefold": str.casefold,
    "key=_strip_accents": _strip,
    "key=lambda s: (_strip_accents(s), s)": lambda s: (_strip(s), s),
    "key=locale.strxfrm": lambda s: s,  # the C.UTF-8 locale: code point order
    "key=_alphabet_key  # a-z then åäö": _alphabet("abcdefghijklmnopqrstuvwxyzåäö"),
    "key=lambda s: _strip_accents(s).replace('ae', 'a')": lambda s: _strip(s.replace("ä", "ae").replace("Ä", "Ae")),
    "key=lambda s: unicodedata.normalize('NFC', s).casefold()": lambda s: unicodedata.normalize("NFC", s).casefold(),
}


def sort_failures(ctx: Ctx, key: str, langs: list[str]) -> list[Fail]:
    failing = []
    for lang in langs:
        given, wanted = WORDS[lang]
        got = sorted(given, key=KEYS[key])  # type: ignore[arg-type]
        if got != wanted:
            failing.append((f"test_{ctx.stem}_sort_{lang}", repr(got), repr(wanted)))
    return failing


def collation_order_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The sort key swapped round after round (lower, casefold, accents stripped, strxfrm, an alphabet): each passes one locale's order and breaks another's."""
    langs = sorted(WORDS)
    state = {"key": rng.choice(["key=str.lower", "key=str.casefold"])}

    def run(thought: str) -> Step:
        return test_step(ctx, rng, thought, sort_failures(ctx, state["key"], langs), extra=extra(ctx, rng))

    def swap_key(k: int) -> list[Step]:
        old, new = state["key"], rng.choice([key for key in KEYS if key != state["key"]])
        state["key"] = new
        why = {
            "key=str.lower": "Case should not matter; sort on the lowercased word.",
            "key=str.casefold": "casefold() is the proper caseless key; let me use it.",
            "key=_strip_accents": "Accented letters should sort with their base letter. Strip the accents for the key.",
            "key=lambda s: (_strip_accents(s), s)": "Strip accents but break ties on the original word so the order is stable.",
            "key=locale.strxfrm": "Let the locale's collation do it: locale.strxfrm.",
            "key=_alphabet_key  # a-z then åäö": "Swedish puts å, ä, ö after z. Let me sort by an explicit alphabet.",
            "key=lambda s: _strip_accents(s).replace('ae', 'a')": "German phonebook order expands ä to ae; let me try that.",
            "key=lambda s: unicodedata.normalize('NFC', s).casefold()": "Maybe some words are decomposed. Normalise to NFC before folding.",
        }[new]
        return [
            Step(why, py_edit(ctx.source, old.split("  #")[0], new.split("  #")[0]), "patched"),
            run("Run the sort tests."),
        ]

    def probe(k: int) -> list[Step]:
        lang = rng.choice(langs)
        given, _ = WORDS[lang]
        key = state["key"].split("  #")[0].removeprefix("key=")
        return [
            Step(
                f"Let me print what the current key gives for the {lang} words.",
                f'python -c "from {ctx.dotted} import *; print(sorted({given!r}, {state["key"].split("  #")[0]}))"',
                f"{sorted(given, key=KEYS[state['key']])!r}\n",  # type: ignore[arg-type]
            ),
            Step(
                "And the key values themselves for the first few.",
                f'python -c "from {ctx.dotted} import *; k = {key}; print([k(w) for w in {given[:3]!r}])"',
                f"{[KEYS[state['key']](w) for w in given[:3]]!r}\n",
            ),
        ][: rng.randint(1, 2)]

    def icu(k: int) -> list[Step]:
        module = rng.choice(["icu", "pyuca"])
        return [
            Step(
                f"A real collation library would get this right. Is {module} available?",
                f'python -c "import {module}; print({module}.__name__)"',
                f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{module}'\n",
                rc=1,
            )
        ]

    def one_locale(k: int) -> list[Step]:
        lang = rng.choice(langs)
        return [
            test_step(
                ctx,
                rng,
                f"Let me run only the {lang} sort test.",
                sort_failures(ctx, state["key"], [lang]),
                target=f"{ctx.i18n_test}::test_{ctx.stem}_sort_{lang}",
            )
        ]

    def expected(k: int) -> list[Step]:
        lang = rng.choice(langs)
        line = rng.randint(60, 900)
        given, wanted = WORDS[lang]
        return [
            Step(
                f"Let me look at the {lang} expectation again.",
                f"grep -n -A4 'def test_{ctx.stem}_sort_{lang}' {ctx.i18n_test}",
                f"{line}:    def test_{ctx.stem}_sort_{lang}(self):\n{line + 1}-        words = {given!r}\n{line + 2}-        self.assertEqual({ctx.func}(words, locale='{lang}'), {wanted!r})\n",
            )
        ]

    first = [run("The sorting change is in. Let me run the i18n sort tests.")]
    attempts: list[Callable[[int], list[Step]]] = [swap_key, swap_key, swap_key, probe, icu, one_locale, expected]
    return churn(ctx, rng, n, first, attempts, "locale-aware sort order", rng.choice(langs))


# Each locale's group separator, decimal mark and minus sign as CLDR gives them, and whether it groups by lakh.
SYMBOLS = {
    "de": (".", ",", "-"),
    "fr": ("\u202f", ",", "-"),
    "sv": ("\xa0", ",", "\u2212"),
    "de_CH": ("\u2019", ".", "-"),
    "en_IN": (",", ".", "-"),
}
VALUES = (1234567.891, -1234.5, 1000.0, 2.675, 0.5, 98765.4321)


def _group(digits: str, sep: str, lakh: bool) -> str:
    head, tail = digits[:-3], digits[-3:]
    size = 2 if lakh else 3
    parts = []
    while head:
        parts.insert(0, head[-size:])
        head = head[:-size]
    return sep.join([*parts, tail]) if parts else tail


class Style(NamedTuple):
    """How one strategy prints a number: its symbols, grouping, rounding and fraction digits."""

    table: dict[str, tuple[str, str, str]]
    lakh: str  # "locale": lakh grouping where the locale wants it; "never"; "always"
    binary: bool  # rounds the float's binary value, not its decimal text
    places: int
    zeros: bool  # keeps trailing zeros


def render(value: float, loc: str, style: Style) -> str:
    """The value as one strategy prints it for `loc`."""
    group, point, minus = style.table[loc]
    exact = Decimal(abs(value)) if style.binary else abs(Decimal(str(value)))
    text = str(exact.quantize(Decimal(1).scaleb(-style.places), rounding=ROUND_HALF_EVEN))
    if not style.zeros:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    lakh = style.lakh == "always" or (style.lakh == "locale" and loc == "en_IN")
    return (minus if value < 0 else "") + _group(whole, group, lakh) + (point + frac if frac else "")


RIGHT = Style(SYMBOLS, "locale", False, 2, True)
_ASCII = {**SYMBOLS, "fr": ("\xa0", ",", "-"), "sv": ("\xa0", ",", "-"), "de_CH": ("'", ".", "-")}
_NARROW = {**SYMBOLS, "sv": ("\u202f", ",", "-")}
# What the agent writes, and how it prints.
STRATEGIES: dict[str, Style] = {
    "f'{0:,.2f}'.translate(SEPARATORS[locale])  # ascii minus, groups of three": Style(_ASCII, "never", True, 2, True),
    "format_decimal(value, locale=locale)": Style(SYMBOLS, "locale", False, 3, False),
    "format_decimal(value, format='#,##0.00', locale=locale)": Style(SYMBOLS, "never", False, 2, True),
    "f'{0:,.2f}'.translate(SEPARATORS[locale])  # narrow no-break space": Style(_NARROW, "never", True, 2, True),
    "format_decimal(Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP), locale=locale)": Style(
        SYMBOLS, "locale", True, 2, False
    ),
    "format_decimal(value, format='#,##,##0.00', locale=locale)": Style(SYMBOLS, "always", False, 2, True),
}


def number_failures(ctx: Ctx, strategy: str, locs: list[str], values: list[float]) -> list[Fail]:
    failing = []
    for loc in locs:
        for value in values:
            got, want = render(value, loc, STRATEGIES[strategy]), render(value, loc, RIGHT)
            if got != want:
                failing.append((f"test_{ctx.stem}_number[{loc}-{value!r}]", repr(got), repr(want)))
    return failing


def separator_format_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The number formatting rewritten between a translated f-string and Babel with and without patterns: separators, lakh grouping, rounding or trailing zeros wrong somewhere each time."""
    locs = sorted(["en_IN", *rng.sample(sorted(set(SYMBOLS) - {"en_IN"}), 3)])
    values = sorted([VALUES[0], *rng.sample(VALUES[1:], 2)])
    state = {"how": rng.choice(sorted(STRATEGIES)[:2])}

    def run(thought: str) -> Step:
        failing = number_failures(ctx, state["how"], locs, values)
        return test_step(
            ctx,
            rng,
            thought,
            failing or number_failures(ctx, sorted(STRATEGIES)[0], locs, values),
            extra=extra(ctx, rng),
        )

    def rewrite(k: int) -> list[Step]:
        old, new = state["how"], rng.choice([s for s in STRATEGIES if s != state["how"]])
        state["how"] = new
        return [
            Step(
                rng.choice(
                    [
                        "Different cases fail now. Let me change how the number is formatted.",
                        f"The {rng.choice(locs)} cases are still wrong. Another way to format it:",
                        "Let me try formatting it this way instead.",
                    ]
                ),
                py_edit(ctx.source, "return " + old.split("  #")[0], "return " + new.split("  #")[0]),
                "patched",
            ),
            run("Run the number formatting tests."),
        ]

    def probe(k: int) -> list[Step]:
        loc = rng.choice(locs)
        value = rng.choice(values)
        return [
            Step(
                f"Let me see exactly which characters come out for {loc}.",
                f"python -c \"from {ctx.dotted} import {ctx.func}; s = {ctx.func}({value!r}, locale='{loc}'); print(repr(s), [hex(ord(c)) for c in s if not c.isdigit()])\"",
                (lambda s: f"{s!r} {[hex(ord(c)) for c in s if not c.isdigit()]!r}\n")(
                    render(value, loc, STRATEGIES[state["how"]])
                ),
            )
        ]

    def babel_symbols(k: int) -> list[Step]:
        loc = rng.choice(locs)
        group, point, minus = SYMBOLS[loc]
        return [
            Step(
                f"What does Babel say the {loc} symbols are?",
                f"python -c \"from babel import Locale, __version__; l = Locale.parse('{loc}'); print(__version__, repr(l.number_symbols['latn']['group']), repr(l.number_symbols['latn']['decimal']), repr(l.number_symbols['latn']['minusSign']), l.decimal_formats[None].pattern)\"",
                f"2.{rng.choice([12, 13, 14])}.{rng.randint(0, 1)} {group!r} {point!r} {minus!r} {'#,##,##0.###' if loc == 'en_IN' else '#,##0.###'}\n",
            )
        ]

    def table_edit(k: int) -> list[Step]:
        loc = rng.choice([loc for loc in locs if loc != "de"] or locs)
        old_sep = rng.choice(["'\\xa0'", "' '", "'\\u202f'", '"\'"'])
        new_sep = rng.choice([s for s in ["'\\xa0'", "'\\u202f'", "'\\u2009'", "'\\u2019'"] if s != old_sep])
        return [
            Step(
                f"The {loc} group separator in my table must be wrong. Let me change it.",
                py_edit(ctx.source, f"'{loc}': ({old_sep},", f"'{loc}': ({new_sep},"),
                "patched",
            ),
            run("Run the number tests again."),
        ]

    first = [run("The number formatting change is in. Let me run the localised number tests.")]
    attempts: list[Callable[[int], list[Step]]] = [rewrite, rewrite, probe, babel_symbols, table_edit]
    return churn(ctx, rng, n, first, attempts, "locale number formatting", rng.choice(["de", "fr", "sv"]))
