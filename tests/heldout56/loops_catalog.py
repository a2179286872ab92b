# ruff: noqa: E501
"""Loops over message catalogs: a fuzzy entry never compiled, a plural rule that never fits."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout56.text import Ctx, Fail, churn, extra, py_edit, test_step

# English message, then its translation, per language.
MESSAGES = {
    "de": [
        ("Invalid %s value", "Ungültiger %s-Wert"),
        ("No matching %s found", "Kein passendes %s gefunden"),
        ("%s could not be saved", "%s konnte nicht gespeichert werden"),
    ],
    "fr": [
        ("Invalid %s value", "Valeur %s non valide"),
        ("No matching %s found", "Aucun %s correspondant trouvé"),
        ("%s could not be saved", "Impossible d’enregistrer %s"),
    ],
    "es": [
        ("Invalid %s value", "Valor de %s no válido"),
        ("No matching %s found", "No se encontró ningún %s coincidente"),
        ("%s could not be saved", "No se pudo guardar %s"),
    ],
    "nl": [
        ("Invalid %s value", "Ongeldige %s-waarde"),
        ("No matching %s found", "Geen overeenkomende %s gevonden"),
        ("%s could not be saved", "%s kon niet worden opgeslagen"),
    ],
    "it": [
        ("Invalid %s value", "Valore %s non valido"),
        ("No matching %s found", "Nessun %s corrispondente trovato"),
        ("%s could not be saved", "Impossibile salvare %s"),
    ],
}
_TESTS = ("message", "error", "label", "lazy_message", "override", "activate")


def untranslated(ctx: Ctx, rng: random.Random, lang: str, k: int = 0) -> list[Fail]:
    """One or two of the messages still coming back in English."""
    pairs = rng.sample(MESSAGES[lang], rng.randint(1, 2))
    return [
        (f"test_{ctx.stem}_{rng.choice(_TESTS)}_{lang}", repr(en % ctx.stem), repr(tr % ctx.stem)) for en, tr in pairs
    ]


def _stats(rng: random.Random, fuzzy: int) -> str:
    done = rng.randint(180, 1400)
    return (
        f"{done} translated messages, {fuzzy} fuzzy translation{'s' if fuzzy != 1 else ''}"
        + rng.choice(["", f", {rng.randint(1, 30)} untranslated messages"])
        + ".\n"
    )


def fuzzy_catalog_recompile(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The new entry is translated and compiled again and again; its `#, fuzzy` flag keeps it out of every .mo."""
    lang = rng.choice(sorted(MESSAGES))
    en, tr = rng.choice(MESSAGES[lang])
    po, mo = ctx.po(lang), ctx.mo(lang)

    def run(thought: str) -> Step:
        return test_step(ctx, rng, thought, untranslated(ctx, rng, lang), extra=extra(ctx, rng))

    def recompile(k: int) -> list[Step]:
        command = ctx.compile(lang, rng)
        return [
            Step(
                f"Maybe the .mo is stale. Let me compile the {lang} catalog again.",
                command,
                ctx.compiled(lang, command),
            ),
            run("Run the i18n tests against the freshly compiled catalog."),
        ]

    def reword(k: int) -> list[Step]:
        new = rng.choice([tr, tr.replace("%s", "«%s»"), tr + ".", tr.replace("%s", "%(name)s")])
        return [
            Step(
                "Perhaps the msgstr is malformed. Let me rewrite the entry's translation.",
                py_edit(po, f'msgstr "{tr}"', f'msgstr "{new}"'),
                "patched",
            ),
            Step(
                "Compile it with statistics to be sure it goes in.",
                f"msgfmt -v --statistics -o {mo} {po}",
                _stats(rng, rng.randint(1, 3)),
            ),
            run("And the tests again."),
        ]

    def by_hand(k: int) -> list[Step]:
        grep = rng.choice([f"msgunfmt {mo} | grep -n -A1 '{en[:12]}'", f"strings {mo} | grep -c '{en.split()[1]}'"])
        probe = f"python -c \"import gettext; t = gettext.translation('{ctx.domain}', '{ctx.locale_dir}', ['{lang}']); print(type(t).__name__, t.info().get('language')); print(repr(t.gettext('{en}')))\""
        return [
            Step(
                "Let me load the catalog by hand and look the message up directly.",
                probe,
                f"GNUTranslations {lang}\n{en!r}\n",
            ),
            Step(
                "The catalog loads but the message is not in it. Is it in the compiled file at all?",
                grep,
                "" if grep.startswith("msgunfmt") else "0\n",
                rc=1,
            ),
        ]

    def msgid_whitespace(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the msgid in the catalog differs from the source string. Let me compare them.",
                f"grep -rn '{en[:14]}' {ctx.source} {po}",
                f'{ctx.source}:{rng.randint(20, 400)}:    {rng.choice(["INVALID", "NOT_FOUND", "UNSAVED"])} = _("{en}")\n{po}:{rng.randint(300, 4000)}:msgid "{en}"\n',
            ),
            Step(
                "They look identical; maybe a trailing space or quote differs. Let me normalise the msgid line.",
                f'sed -i \'s/^msgid "{en[:10]}.*"$/msgid "{en}"/\' {po} && {ctx.compile(lang, rng)}',
                "",
            ),
            run("Test again."),
        ]

    def merge(k: int) -> list[Step]:
        pot = f"{ctx.locale_dir}/{ctx.domain}.pot"
        return [
            Step(
                "Maybe the catalog is out of sync with the template. Let me merge it.",
                f"msgmerge --update --backup=none {po} {pot}",
                "." * rng.randint(8, 30) + " done.\n",
            ),
            Step("Compile after the merge.", f"msgfmt --statistics -o {mo} {po}", _stats(rng, rng.randint(1, 4))),
            run("Run the tests after merging."),
        ]

    def lazy(k: int) -> list[Step]:
        old, new = rng.choice(
            [("gettext(", "gettext_lazy("), ("_(", "gettext("), ("gettext_lazy(", "pgettext_lazy('error', ")]
        )
        return [
            Step(
                "Maybe the string is translated at import time, before the language is active. Let me translate at call time.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            run("Run the tests with the lookup moved."),
        ]

    def timestamps(k: int) -> list[Step]:
        return [
            Step(
                "Let me check the .mo really is newer than the .po.",
                f"ls -la --time-style=+%H:%M:%S {ctx.locale_dir}/{lang}/LC_MESSAGES/",
                f"total {rng.randint(200, 900)}\n-rw-r--r-- 1 root root {rng.randint(80000, 300000)} {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} {ctx.domain}.mo\n-rw-r--r-- 1 root root {rng.randint(90000, 400000)} {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} {ctx.domain}.po\n",
            ),
            Step(
                "Remove the compiled catalog and any cached bytecode, then compile from scratch.",
                f"rm -f {mo} && find . -name __pycache__ -prune -exec rm -rf {{}} + && msgfmt -o {mo} {po}",
                "",
            ),
            run("Run the tests on the clean build."),
        ]

    first = [
        Step(
            f"I added the {lang} translation for the new message. Let me compile the catalog.",
            f"msgfmt -o {mo} {po}",
            "",
        ),
        run(f"Now check the {lang} message in the tests."),
    ]
    attempts: list[Callable[[int], list[Step]]] = [
        recompile,
        reword,
        by_hand,
        msgid_whitespace,
        merge,
        lazy,
        timestamps,
    ]
    return churn(ctx, rng, n, first, attempts, f"the {lang} translation that never shows up", lang)


# Plural forms: the word for "file" in each form, the rule, and rules the agent tries instead.
PLURALS: dict[str, tuple[tuple[str, ...], str]] = {
    "pl": (("%d plik", "%d pliki", "%d plików"), "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2"),
    "ru": (
        ("%d файл", "%d файла", "%d файлов"),
        "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2",
    ),
    "uk": (
        ("%d файл", "%d файли", "%d файлів"),
        "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2",
    ),
    "cs": (("%d soubor", "%d soubory", "%d souborů"), "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2"),
}
RULES: dict[str, Callable[[int], int]] = {
    "(n != 1)": lambda n: int(n != 1),
    "n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2": lambda n: 0 if n == 1 else 1 if 2 <= n % 10 <= 4 else 2,
    "n==1 ? 0 : n>=2 && n<=4 ? 1 : 2": lambda n: 0 if n == 1 else 1 if 2 <= n <= 4 else 2,
    "n%10==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2": lambda n: 0 if n % 10 == 1 else 1 if 2 <= n % 10 <= 4 else 2,
    "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2": lambda n: (
        0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20) else 2
    ),
    "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2": lambda n: (
        0 if n == 1 else 1 if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20) else 2
    ),
    "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2": lambda n: 0 if n == 1 else 1 if 2 <= n <= 4 else 2,
    "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2": lambda n: 0 if n % 10 == 1 and n % 100 != 11 else 1 if n != 0 else 2,
}
COUNTS = (0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112)


def plural_failures(ctx: Ctx, lang: str, rule: str, swapped: bool = False) -> list[Fail]:
    """The parametrized cases a rule (and the forms' order) gets wrong, with what ngettext gave."""
    forms, right = PLURALS[lang]
    order = (forms[0], forms[2], forms[1]) if swapped else forms
    wrong = RULES[rule]
    return [
        (f"test_{ctx.stem}_plural[{n}]", repr(order[wrong(n)] % n), repr(forms[RULES[right](n)] % n))
        for n in COUNTS
        if order[wrong(n)] != forms[RULES[right](n)]
    ]


def plural_form_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The Plural-Forms expression and the msgstr[] order rewritten round after round; each fixes some counts and breaks others."""
    lang = rng.choice(sorted(PLURALS))
    forms, right = PLURALS[lang]
    po, mo = ctx.po(lang), ctx.mo(lang)
    wrongs = [rule for rule in RULES if rule != right and plural_failures(ctx, lang, rule)]
    state = {"rule": rng.choice(wrongs)}

    def run(thought: str, swapped: bool = False) -> Step:
        failing = plural_failures(ctx, lang, state["rule"], swapped) or plural_failures(ctx, lang, rng.choice(wrongs))
        return test_step(ctx, rng, thought, failing, extra=extra(ctx, rng))

    def header(k: int) -> list[Step]:
        old, new = state["rule"], rng.choice([rule for rule in wrongs if rule != state["rule"]])
        state["rule"] = new
        was, now = (2 if rule == "(n != 1)" else 3 for rule in (old, new))
        return [
            Step(
                f"The cases for {rng.choice(COUNTS[3:])} are wrong. The plural expression must be off; let me rewrite it.",
                py_edit(po, f"nplurals={was}; plural={old};", f"nplurals={now}; plural={new};"),
                "patched",
            ),
            Step("Recompile the catalog.", f"msgfmt --check -o {mo} {po}", ""),
            run("And run the plural tests."),
        ]

    def forms_order(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the rule is fine and the msgstr[1]/msgstr[2] entries are the wrong way round. Let me swap them.",
                f"sed -i -e 's/^msgstr\\[1\\] \"{forms[1]}\"/msgstr[9] \"{forms[1]}\"/' -e 's/^msgstr\\[2\\]/msgstr[1]/' -e 's/^msgstr\\[9\\]/msgstr[2]/' {po} && msgfmt -o {mo} {po}",
                "",
            ),
            run("Run the tests with the forms swapped.", swapped=True),
        ]

    def by_hand(k: int) -> list[Step]:
        sample = rng.sample(COUNTS, 6)
        probe = f"python -c \"import gettext; t = gettext.translation('{ctx.domain}', '{ctx.locale_dir}', ['{lang}']); print([t.ngettext('%d file', '%d files', n) % n for n in {list(sample)}])\""
        got = [forms[RULES[state["rule"]](c)] % c for c in sample]
        return [Step("Let me print what ngettext gives for a few counts.", probe, f"{got}\n")]

    def parse_error(k: int) -> list[Step]:
        broken = state["rule"].replace(")", "", 1) if "(" in state["rule"] else state["rule"] + ")"
        return [
            Step(
                "Let me write the expression with explicit parentheses around each branch.",
                py_edit(po, f"plural={state['rule']};", f"plural={broken};"),
                "patched",
            ),
            Step("Compile it.", f"msgfmt -o {mo} {po}", ""),
            test_step(
                ctx,
                rng,
                "Run the plural tests.",
                [
                    (f"test_{ctx.stem}_plural[{c}]", "!ValueError: unbalanced parenthesis in plural form", "")
                    for c in rng.sample(COUNTS, rng.randint(1, 3))
                ],
                extra=extra(ctx, rng),
            ),
            Step(
                "That broke parsing. Put the previous expression back.",
                py_edit(po, f"plural={broken};", f"plural={state['rule']};"),
                "patched",
            ),
        ]

    def code_side(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("ngettext(singular, plural, count)", "ngettext(singular, plural, abs(int(count)))"),
                ("ngettext(singular, plural, count)", "ngettext(singular, plural, count % 100)"),
                ("% count", "% (count,)"),
            ]
        )
        return [
            Step(
                "Perhaps the count we pass is not what the catalog expects. Let me adjust the call site.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            run("Run the plural tests again."),
        ]

    def header_grep(k: int) -> list[Step]:
        nplurals = 2 if state["rule"] == "(n != 1)" else 3
        return [
            Step(
                "Let me look at the header and the entry as they are now.",
                f"grep -n 'Plural-Forms\\|msgid_plural \"%d files\"' -A3 {po} | head -12",
                f'{rng.randint(14, 20)}:"Plural-Forms: nplurals={nplurals}; plural={state["rule"]};\\n"\n--\n{rng.randint(400, 3000)}:msgid_plural "%d files"\n'
                + "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms)),
            )
        ]

    first = [
        Step(f"Compile the {lang} catalog with the new plural entry.", f"msgfmt --check -o {mo} {po}", ""),
        run("Now the plural tests."),
    ]
    attempts: list[Callable[[int], list[Step]]] = [
        header,
        header,
        forms_order,
        by_hand,
        parse_error,
        code_side,
        header_grep,
    ]
    return churn(ctx, rng, n, first, attempts, f"the {lang} plural forms", lang)
