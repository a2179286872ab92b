# ruff: noqa: E501
"""A loop over translation lookups: every lookup returns the English msgid, the catalog never found."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout56.loops_catalog import MESSAGES, untranslated
from heldout56.text import Ctx, churn, extra, py_edit, test_step, with_env


def translation_returns_msgid(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Every lookup falls back to the English msgid; env vars, paths, domains and recompiles tried, the catalog never found."""
    lang = rng.choice(sorted(MESSAGES))
    en, _ = rng.choice(MESSAGES[lang])
    po, mo = ctx.po(lang), ctx.mo(lang)

    def run(thought: str, env: str = "") -> Step:
        return with_env(test_step(ctx, rng, thought, untranslated(ctx, rng, lang), extra=extra(ctx, rng)), env)

    def env_var(k: int) -> list[Step]:
        var = rng.choice(
            [
                f"LANGUAGE={lang}",
                f"LANG={lang}_{lang.upper()}.UTF-8",
                f"LANGUAGE={lang}:en",
                f"LC_MESSAGES={lang}_{lang.upper()}.UTF-8",
            ]
        )
        return [run(f"Maybe gettext picks the language from the environment. Let me set {var.split('=')[0]}.", env=var)]

    def find(k: int) -> list[Step]:
        where = rng.choice([ctx.locale_dir, f"/testbed/{ctx.locale_dir}", f"{ctx.locale_dir}/", "locale"])
        langs = rng.choice([f"['{lang}']", f"['{lang}_{lang.upper()}']", f"['{lang}', 'en']"])
        return [
            Step(
                "Let me ask gettext where it finds the catalog.",
                f"python -c \"import gettext; print(gettext.find('{ctx.domain}', '{where}', {langs}, all=True))\"",
                "[]\n",
            )
        ]

    def listing(k: int) -> list[Step]:
        return [
            Step(
                "The catalog must be somewhere. Let me list the locale directory.",
                rng.choice(
                    [
                        f"ls -la {ctx.locale_dir}/{lang}/LC_MESSAGES/",
                        f"find {ctx.locale_dir} -path '*{lang}*' -name '*.mo'",
                    ]
                ),
                f"{mo}\n"
                if rng.random() < 0.5
                else f"total {rng.randint(100, 800)}\n-rw-r--r-- 1 root root {rng.randint(60000, 300000)} Jan {rng.randint(1, 28)} 1{rng.randint(0, 9)}:{rng.randint(10, 59)} {ctx.domain}.mo\n-rw-r--r-- 1 root root {rng.randint(60000, 400000)} Jan {rng.randint(1, 28)} 1{rng.randint(0, 9)}:{rng.randint(10, 59)} {ctx.domain}.po\n",
            )
        ]

    def strict(k: int) -> list[Step]:
        return [
            Step(
                "Let me make the lookup fail loudly instead of falling back.",
                py_edit(ctx.source, "fallback=True", "fallback=False"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests to see the real error.",
                [
                    (
                        f"test_{ctx.stem}_{rng.choice(('message', 'label', 'error'))}_{lang}",
                        f"!FileNotFoundError: [Errno 2] No translation file found for domain: '{ctx.domain}'",
                        "",
                    )
                ],
                extra=extra(ctx, rng),
            ),
            Step(
                "So the catalog is not found from the code. Back to the fallback while I work out the path.",
                py_edit(ctx.source, "fallback=False", "fallback=True"),
                "patched",
            ),
        ]

    def localedir(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("os.path.dirname(__file__), 'locale'", "os.path.dirname(os.path.abspath(__file__)), 'locale'"),
                ("LOCALE_DIR = ", "LOCALE_DIR = os.environ.get('LOCALEDIR') or "),
                ("languages=[locale]", "languages=[locale, locale.split('_')[0]]"),
                ("languages=[locale]", "languages=[to_locale(locale)]"),
                (f"'{ctx.domain}'", f"'{ctx.domain}', localedir=LOCALE_DIR"),
            ]
        )
        return [
            Step("Let me fix how the code points gettext at the catalog.", py_edit(ctx.source, old, new), "patched"),
            run("Run the i18n tests with the new lookup."),
        ]

    def recompile(k: int) -> list[Step]:
        command = ctx.compile(lang, rng)
        return [
            Step("Let me rebuild the .mo in case it is corrupt.", command, ctx.compiled(lang, command)),
            run("And test again."),
        ]

    def klass(k: int) -> list[Step]:
        return [
            Step(
                "What translations object does the code actually get?",
                f"python -c \"from {ctx.dotted} import _translations; t = _translations('{lang}'); print(type(t).__name__, getattr(t, '_catalog', {{}}).get('{en}'))\"",
                "NullTranslations None\n",
            )
        ]

    first = [
        Step(f"Let me compile the {lang} catalog and run the translated-message tests.", f"msgfmt -o {mo} {po}", ""),
        run("Run the i18n tests."),
    ]
    attempts: list[Callable[[int], list[Step]]] = [env_var, find, listing, strict, localedir, recompile, klass]
    return churn(ctx, rng, n, first, attempts, "lookups that keep returning the English msgid", lang)
