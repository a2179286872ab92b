# ruff: noqa: E501
"""Productive episodes: the same i18n trouble met once or twice (even three times), its cause found, the tests green."""

from __future__ import annotations

import random
import unicodedata

from heldout20.calls import Step
from heldout56.loops_catalog import MESSAGES, PLURALS, RULES, plural_failures
from heldout56.loops_order import RIGHT, STRATEGIES, WORDS, number_failures, render, sort_failures
from heldout56.loops_text import SAME
from heldout56.text import Ctx, Fail, extra, py_edit, test_step, with_env


def _english(ctx: Ctx, rng: random.Random, lang: str) -> list[Fail]:
    en, tr = rng.choice(MESSAGES[lang])
    return [(f"test_{ctx.stem}_message_{lang}", repr(en % ctx.stem), repr(tr % ctx.stem))]


def fuzzy_flag_dropped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The translation stays English after a compile or two; the statistics show a fuzzy entry, its flag goes, the tests pass."""
    lang = rng.choice(sorted(MESSAGES))
    en, tr = rng.choice(MESSAGES[lang])
    po, mo = ctx.po(lang), ctx.mo(lang)
    done = rng.randint(200, 1300)
    steps = [
        Step(f"Let me compile the {lang} catalog with the new entry.", f"msgfmt -o {mo} {po}", ""),
        test_step(ctx, rng, f"Check the {lang} message.", _english(ctx, rng, lang), extra=extra(ctx, rng)),
    ]
    for _ in range(rng.randint(0, 2)):
        command = ctx.compile(lang, rng)
        steps += [
            Step("Still English. Let me recompile in case the .mo was stale.", command, ctx.compiled(lang, command)),
            test_step(ctx, rng, "Run the test again.", _english(ctx, rng, lang), extra=extra(ctx, rng)),
        ]
    line = rng.randint(300, 4000)
    steps += [
        Step(
            "Recompiling changes nothing, so the entry itself is not going into the .mo. Let me ask msgfmt for statistics.",
            f"msgfmt --statistics -o /dev/null {po}",
            f"{done} translated messages, 1 fuzzy translation.\n",
        ),
        Step(
            "One fuzzy translation: msgfmt leaves fuzzy entries out. Let me look at the flags on my entry.",
            f"grep -n -B3 -A1 '^msgid \"{en}\"' {po}",
            f'{line - 3}-\n{line - 2}-#: {ctx.source}:{rng.randint(20, 600)}\n{line - 1}-#, fuzzy, python-format\n{line}:msgid "{en}"\n{line + 1}-msgstr "{tr}"\n',
        ),
        Step(
            "That's it: the entry is marked fuzzy (msgmerge flagged it from a similar old message). The translation is right, so drop the fuzzy flag.",
            f"sed -i '{line - 1}s/^#, fuzzy, python-format$/#, python-format/' {po} && msgfmt --statistics -o {mo} {po}",
            f"{done + 1} translated messages.\n",
        ),
        test_step(ctx, rng, "Now the test should see the translation.", [], extra=extra(ctx, rng)),
    ]
    return steps


def plural_rule_corrected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A plural count or two wrong; the counts printed side by side, the standard expression for the language put in, the tests pass."""
    lang = rng.choice(sorted(PLURALS))
    forms, right = PLURALS[lang]
    po, mo = ctx.po(lang), ctx.mo(lang)
    wrongs = [rule for rule in RULES if rule != right and rule != "(n != 1)" and plural_failures(ctx, lang, rule)]
    rule = rng.choice(wrongs)
    steps = [
        Step(f"Compile the {lang} catalog with the plural entry.", f"msgfmt --check -o {mo} {po}", ""),
        test_step(ctx, rng, "Run the plural tests.", plural_failures(ctx, lang, rule), extra=extra(ctx, rng)),
    ]
    if rng.random() < 0.6:
        other = rng.choice([r for r in wrongs if r != rule])
        steps += [
            Step(
                "Let me adjust the teen numbers in the expression.",
                py_edit(po, f"plural={rule};", f"plural={other};"),
                "patched",
            ),
            Step("Recompile.", f"msgfmt --check -o {mo} {po}", ""),
            test_step(ctx, rng, "And the plural tests.", plural_failures(ctx, lang, other), extra=extra(ctx, rng)),
        ]
        rule = other
    counts = [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 112]
    steps += [
        Step(
            "Guessing at the expression just moves the failure. Let me print which form each count picks with the current rule against the expected words.",
            f"python -c \"import gettext; t = gettext.translation('{ctx.domain}', '{ctx.locale_dir}', ['{lang}']); print([(n, t.ngettext('%d file', '%d files', n) % n) for n in {counts}])\"",
            f"{[(c, forms[RULES[rule](c)] % c) for c in counts]!r}\n",
        ),
        Step(
            f"The wrong ones are the counts whose rule I hand-wrote. The gettext manual lists the standard Plural-Forms for {lang}; let me use exactly that expression.",
            py_edit(po, f"plural={rule};", f"plural={right};"),
            "patched",
        ),
        Step(
            "Check and compile.",
            f"msgfmt --check --statistics -o {mo} {po}",
            f"{rng.randint(200, 1300)} translated messages.\n",
        ),
        Step(
            "Print the forms again.",
            f"python -c \"import gettext; t = gettext.translation('{ctx.domain}', '{ctx.locale_dir}', ['{lang}']); print([t.ngettext('%d file', '%d files', n) % n for n in {counts}])\"",
            f"{[forms[RULES[right](c)] % c for c in counts]!r}\n",
        ),
        test_step(ctx, rng, "All counts look right. Run the plural tests.", [], extra=extra(ctx, rng)),
    ]
    return steps


def catalog_path_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The lookup returns the msgid once or twice; gettext.find says nothing, the code's locale dir is printed and found one level off, fixed, the tests pass."""
    lang = rng.choice(sorted(MESSAGES))
    steps = [
        test_step(
            ctx, rng, f"Let me run the {lang} translation tests.", _english(ctx, rng, lang), extra=extra(ctx, rng)
        )
    ]
    if rng.random() < 0.5:
        steps += [
            with_env(
                test_step(
                    ctx,
                    rng,
                    "Maybe the language comes from the environment.",
                    _english(ctx, rng, lang),
                    extra=extra(ctx, rng),
                ),
                f"LANGUAGE={lang}",
            )
        ]
    sub = ctx.source.rsplit("/", 1)[0]
    wrong = f"/testbed/{sub}/locale" if sub != ctx.locale_dir.rsplit("/", 1)[0] else f"/testbed/{sub}/utils/locale"
    steps += [
        Step(
            "Still English, so the catalog is probably not found and gettext silently falls back. Where does the code look?",
            f"python -c \"import gettext, {ctx.dotted} as m; print(m.LOCALE_DIR); print(gettext.find('{ctx.domain}', m.LOCALE_DIR, ['{lang}']))\"",
            f"{wrong}\nNone\n",
        ),
        Step(
            "It looks next to the module, not at the package's locale directory. Let me confirm the catalog is found there.",
            f"python -c \"import gettext; print(gettext.find('{ctx.domain}', '/testbed/{ctx.locale_dir}', ['{lang}']))\"",
            f"/testbed/{ctx.mo(lang)}\n",
        ),
        Step(
            "Point LOCALE_DIR at the package root's locale directory.",
            py_edit(
                ctx.source,
                "LOCALE_DIR = os.path.join(os.path.dirname(__file__), 'locale')",
                f"LOCALE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), {ctx.locale_dir.rsplit('/', 1)[1]!r})",
            ),
            "patched",
        ),
        test_step(ctx, rng, "Run the translation tests again.", [], extra=extra(ctx, rng)),
    ]
    return steps


def sort_tailored_per_locale(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Sorting fails for one locale after another key; the expectations read, a tailoring per locale written, all orders pass."""
    langs = sorted(WORDS)
    key = rng.choice(["key=str.casefold", "key=lambda s: (_strip_accents(s), s)"])
    steps = [test_step(ctx, rng, "Run the locale sort tests.", sort_failures(ctx, key, langs), extra=extra(ctx, rng))]
    if key == "key=str.casefold" and rng.random() < 0.7:
        steps += [
            Step(
                "Accents should sort with their base letters; strip them for the key.",
                py_edit(ctx.source, "key=str.casefold", "key=lambda s: (_strip_accents(s), s)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the sort tests again.",
                sort_failures(ctx, "key=lambda s: (_strip_accents(s), s)", langs),
                extra=extra(ctx, rng),
            ),
        ]
    line = rng.randint(80, 900)
    steps += [
        Step(
            "German passes now but Swedish and Spanish want their own letters after z and n. Let me read those expectations.",
            f"grep -n -A3 'def test_{ctx.stem}_sort_sv\\|def test_{ctx.stem}_sort_es' {ctx.i18n_test}",
            f"{line}:    def test_{ctx.stem}_sort_sv(self):\n{line + 1}-        words = {WORDS['sv'][0]!r}\n{line + 2}-        self.assertEqual({ctx.func}(words, locale='sv'), {WORDS['sv'][1]!r})\n--\n{line + 8}:    def test_{ctx.stem}_sort_es(self):\n{line + 9}-        words = {WORDS['es'][0]!r}\n{line + 10}-        self.assertEqual({ctx.func}(words, locale='es'), {WORDS['es'][1]!r})\n",
        ),
        Step(
            "No single key can give both orders: collation is tailored per locale. Keep the accent-stripping key as the base and let a locale keep some letters as letters of their own, after their base.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('def _strip_accents(s):', '''TAILORED = dict(sv='åäö', es='ñ')\n\n\ndef _collation_key(s, locale):\n    keep = TAILORED.get(locale.split('_')[0], '')\n    base = ''.join(c if c in keep else _strip_accents(c) for c in s.casefold())\n    return ([(c > 'z', keep.find(c), c) for c in base], s)\n\n\ndef _strip_accents(s):''', 1)\ns = s.replace('key=lambda s: (_strip_accents(s), s)', 'key=lambda s: _collation_key(s, locale)')\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
            "patched",
        ),
        Step(
            "Check the three orders by hand first.",
            f"python -c \"from {ctx.dotted} import {ctx.func}; [print(l, {ctx.func}(w, locale=l)) for l, w in [('de', {WORDS['de'][0]!r}), ('sv', {WORDS['sv'][0]!r}), ('es', {WORDS['es'][0]!r})]]\"",
            "".join(f"{lang} {WORDS[lang][1]!r}\n" for lang in ("de", "sv", "es")),
        ),
        test_step(ctx, rng, "All three look right. Run the sort tests.", [], extra=extra(ctx, rng)),
    ]
    return steps


def number_pattern_from_locale(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Numbers wrong for a locale once or twice; Babel's pattern for the locale read, two decimals forced on it, the tests pass."""
    locs = ["de", "en_IN", "fr", "sv"]
    values = [1234567.891, 1000.0, 2.675]
    first = rng.choice(
        ["format_decimal(value, format='#,##0.00', locale=locale)", "format_decimal(value, locale=locale)"]
    )
    steps = [
        test_step(
            ctx,
            rng,
            "Run the localised number tests.",
            number_failures(ctx, first, locs, values),
            extra=extra(ctx, rng),
        )
    ]
    if rng.random() < 0.6:
        second = next(s for s in STRATEGIES if s.startswith("format_decimal") and s != first and "quantize" not in s)
        steps += [
            Step(
                "Let me try the other way of calling format_decimal.",
                py_edit(ctx.source, f"return {first}", f"return {second}"),
                "patched",
            ),
            test_step(ctx, rng, "Run them again.", number_failures(ctx, second, locs, values), extra=extra(ctx, rng)),
        ]
        first = second
    steps += [
        Step(
            "One call loses the Indian grouping, the other the two decimals. What pattern does each locale define?",
            "python -c \"from babel import Locale; [print(l, Locale.parse(l).decimal_formats[None].pattern) for l in ('de', 'en_IN', 'fr', 'sv')]\"",
            "de #,##0.###\nen_IN #,##,##0.###\nfr #,##0.###\nsv #,##0.###\n",
        ),
        Step(
            "The grouping is in the locale's own pattern; only the fraction digits must be fixed at two. Parse the locale's pattern and force two decimals.",
            py_edit(
                ctx.source,
                f"return {first}",
                "pattern = parse_pattern(Locale.parse(locale).decimal_formats[None].pattern)\n    pattern.frac_prec = (2, 2)\n    return pattern.apply(Decimal(str(value)), locale)",
            ),
            "patched",
        ),
        Step(
            "Check a few by hand.",
            f"python -c \"from {ctx.dotted} import {ctx.func}; print([{ctx.func}(v, locale=l) for l in ('de', 'en_IN', 'fr', 'sv') for v in (1234567.891, 2.675)])\"",
            f"{[render(v, loc, RIGHT) for loc in locs for v in (1234567.891, 2.675)]!r}\n",
        ),
        test_step(ctx, rng, "Run the number tests.", [], extra=extra(ctx, rng)),
    ]
    return steps


def casefold_dot_stripped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """İstanbul fails the caseless match once or twice; its folded code points shown, the combining dot removed after folding, the tests pass."""
    fails: list[Fail] = [
        (f"test_{ctx.stem}_fold_match[{a}]", repr(a.casefold()), repr(b.casefold()))
        for a, b in SAME
        if a.casefold() != b.casefold()
    ]
    steps = [test_step(ctx, rng, "Run the caseless matching tests.", fails, extra=extra(ctx, rng))]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Maybe lower() handles the dotted I better than casefold().",
                py_edit(ctx.source, "return text.casefold()", "return text.lower()"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run them again.",
                [
                    (f"test_{ctx.stem}_fold_match[{a}]", repr(a.lower()), repr(b.lower()))
                    for a, b in SAME
                    if a.lower() != b.lower()
                ],
                extra=extra(ctx, rng),
            ),
            Step(
                "Worse: lower() breaks ß and the others. Back to casefold().",
                py_edit(ctx.source, "return text.lower()", "return text.casefold()"),
                "patched",
            ),
        ]
    steps += [
        Step(
            "Let me see what casefold() really makes of the dotted capital I.",
            "python -c \"import unicodedata; print([unicodedata.name(c) for c in 'İstanbul'.casefold()[:3]])\"",
            f"{[unicodedata.name(c) for c in 'İstanbul'.casefold()[:3]]!r}\n",
        ),
        Step(
            "The dotted capital I folds to i plus COMBINING DOT ABOVE, and the decomposed é keeps its combining acute. For a caseless match neither mark should count: decompose after folding, drop combining marks, and recompose.",
            py_edit(
                ctx.source,
                "return text.casefold()",
                "folded = unicodedata.normalize('NFKD', text.casefold())\n    return unicodedata.normalize('NFC', ''.join(c for c in folded if not unicodedata.combining(c)))",
            ),
            "patched",
        ),
        test_step(ctx, rng, "Run the fold tests.", [], extra=extra(ctx, rng)),
    ]
    return steps
