# ruff: noqa: E501
"""Names the families' steps use (catalogs, locales, the i18n tests), the test runs they print, the looks between."""

from __future__ import annotations

import ast
import difflib
import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_{}_label", "format_{}", "localize_{}", "{}_message", "render_{}", "_translate_{}")
_LOCALE_DIRS = {"django": "django/conf/locale", "sphinx-doc": "sphinx/locale"}

Attempt = text.Attempt
# One failing test: its name, what the code gave (a repr, or `!Error: message` for an exception), what was wanted.
Fail = tuple[str, str, str]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its message catalogs, the function it localises and its i18n tests."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def domain(self) -> str:
        return self.run.module

    @property
    def locale_dir(self) -> str:
        return _LOCALE_DIRS.get(self.run.owner, f"{self.run.package}/locale")

    def po(self, lang: str) -> str:
        return f"{self.locale_dir}/{lang}/LC_MESSAGES/{self.domain}.po"

    def mo(self, lang: str) -> str:
        return f"{self.locale_dir}/{lang}/LC_MESSAGES/{self.domain}.mo"

    @property
    def i18n_test(self) -> str:
        return "tests/i18n/tests.py" if self.django else f"{self.tests_dir}/test_{self.stem}_i18n.py"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the i18n tests (or one of them)."""
        if self.django:
            name = target.partition("::")[2]
            label = "i18n.tests" + (f".{self.django_class(name)}.{name.split('[')[0]}" if name else "")
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.i18n_test}{extra}"

    @staticmethod
    def django_class(name: str) -> str:
        if any(word in name for word in ("sort", "number", "decimal", "fold", "case")):
            return "FormattingTests"
        return "TranslationTests"

    def compile(self, lang: str, rng: random.Random) -> str:
        """The agent's command to compile one catalog."""
        if self.django:
            return rng.choice(
                [
                    f"cd django/conf && python -m django compilemessages -l {lang}",
                    f"msgfmt -o {self.mo(lang)} {self.po(lang)}",
                ]
            )
        return rng.choice(
            [
                f"msgfmt -o {self.mo(lang)} {self.po(lang)}",
                f"msgfmt --check -o {self.mo(lang)} {self.po(lang)}",
                f"pybabel compile -d {self.locale_dir} -D {self.domain} -l {lang}",
            ]
        )

    def compiled(self, lang: str, command: str) -> str:
        """What a clean compile of the catalog prints."""
        if "compilemessages" in command:
            return f"processing file {self.domain}.po in /testbed/{self.locale_dir}/{lang}/LC_MESSAGES\n"
        if "pybabel" in command:
            return f"compiling catalog {self.po(lang)} to {self.mo(lang)}\n"
        return ""


def _diff(got: str, want: str) -> list[str]:
    """ndiff of the two strings themselves (given as their reprs), as unittest and pytest show them."""
    first, second = ast.literal_eval(got), ast.literal_eval(want)
    return [line.rstrip("\n") for line in difflib.ndiff([first + "\n"], [second + "\n"])]


def _quoted(*reprs: str) -> bool:
    return all(r[:1] in "'\"" and len(r) > 1 for r in reprs)


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[Fail]) -> str:
    """A run of the i18n tests with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [f"Found {passed + len(failing)} test(s).", "System check identified no issues (0 silenced)."]
        marks = ["."] * passed + ["F" if not got.startswith("!") else "E" for _, got, _ in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, got, want in failing:
            kind = "ERROR" if got.startswith("!") else "FAIL"
            base, _, case = name.partition("[")
            sub = f" ({'n' if case[:-1].isdigit() else 'value'}={case[:-1]})" if case else ""
            lines += [
                "=" * 70,
                f"{kind}: {base} (i18n.tests.{ctx.django_class(base)}.{base}){sub}",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/i18n/tests.py", line {rng.randint(40, 2400)}, in {base}',
                f"    self.assertEqual({ctx.func}(value), expected)",
            ]
            if got.startswith("!"):
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 900)}, in {ctx.func}', got[1:]]
            else:
                lines += [
                    f"AssertionError: {got} != {want}",
                    *(_diff(got, want) if _quoted(got, want) else []),
                ]
            lines.append("")
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 3.0):.3f}s", ""]
        errors = sum(got.startswith("!") for _, got, _ in failing)
        parts = [
            f"failures={len(failing) - errors}" if len(failing) > errors else "",
            f"errors={errors}" if errors else "",
        ]
        lines.append(f"FAILED ({', '.join(p for p in parts if p)})" if failing else "OK")
        return "\n".join(lines)
    failures = []
    path = target.split("::")[0]
    for shown, got, want in failing:
        name = shown.encode("unicode_escape").decode("ascii")  # as pytest prints parametrize ids
        body = [f"    def {name.split('[')[0]}({'case' if '[' in name else ''}):"]
        if got.startswith("!"):
            body += [
                f">       assert {ctx.func}(value) == expected",
                "",
                f"{path}:{rng.randint(20, 600)}: ",
                "_ " * 20,
                "",
                f"E   {got[1:]}",
            ]
            summary = got[1:]
        else:
            body += [
                f">       assert {ctx.func}(value) == expected",
                f"E       AssertionError: assert {got} == {want}",
                "E         ",
            ]
            body += [f"E         {line}" for line in (_diff(want, got) if _quoted(got, want) else [])]
            body += ["", f"{path}:{rng.randint(20, 600)}: AssertionError"]
            summary = f"AssertionError: assert {got} == {want}"
        failures.append((name, body, summary))
    return text.pytest_output(ctx, rng, path, passed, failures)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, failing: list[Fail], target: str = "", extra: str = ""
) -> Step:
    passed = rng.randint(5, 48)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.i18n_test, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.6, 8.0),
    )


def with_env(step: Step, env: str) -> Step:
    """The test run with `env` set on the runner's command line."""
    if env:
        head, sep, rest = step.command.rpartition("cd tests && ")
        step.command = f"{head}{sep}{env} {rest}"
    return step


def extra(ctx: Ctx, rng: random.Random) -> str:
    """Flags the agent adds to a test run, drifting (none that changes what the runner prints)."""
    if ctx.django:
        return rng.choice(["", " --parallel 1", " --failfast", " --noinput", " --parallel 1 --noinput"])
    return rng.choice(
        ["", " -x", " -p no:cacheprovider", " -rfE", " -W ignore::DeprecationWarning", " -x -p no:cacheprovider"]
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, lang: str) -> Step:
    """A look between attempts: the tree, the diff, the catalog, the source, the test, the history."""
    line = rng.randint(30, 700)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n M {ctx.po(lang)}\n"
            + rng.choice(["", f" M {ctx.i18n_test}\n", f"?? {ctx.mo(lang)}\n", "?? check_i18n.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff --stat", f"git diff --stat -- {ctx.locale_dir}"]),
            f" {ctx.source} | {rng.randint(2, 16)} +++{'-' * rng.randint(1, 4)}\n {ctx.po(lang)} | {rng.randint(2, 12)} ++--\n 2 files changed, {rng.randint(4, 22)} insertions(+), {rng.randint(1, 6)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 9}p' {ctx.source}",
            f"def {ctx.func}(value, locale=None):\n    locale = locale or get_language()\n    text = _translations(locale).gettext(MESSAGES[value.kind])\n    return text % {rng.choice(['value.args', 'dict(name=value.name)', '(value.name,)'])}\n",
        ),
        Step(
            "Let me look at the header of the catalog.",
            f"sed -n '1,{rng.randint(18, 24)}p' {ctx.po(lang)}",
            f'# {lang} translation of {ctx.dist}.\n# Copyright (C) {rng.randint(2011, 2023)} the {ctx.dist} team\n#\nmsgid ""\nmsgstr ""\n"Project-Id-Version: {ctx.dist}\\n"\n"Report-Msgid-Bugs-To: \\n"\n"POT-Creation-Date: 20{rng.randint(19, 23)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 1{rng.randint(0, 9)}:{rng.randint(10, 59)}+0000\\n"\n"Language: {lang}\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n',
        ),
        Step(
            "Let me see what the i18n tests around this look like.",
            f"grep -n 'def test_{ctx.stem}' {ctx.i18n_test} | head",
            "\n".join(
                f"{line + 12 * k}:    def test_{ctx.stem}_{word}(self):"
                for k, word in enumerate(
                    rng.sample(["plural", "sort", "number", "fold", "rtl", "message", "fallback"], 4)
                )
            ),
        ),
        Step(
            "Let me see the recent history of the catalog.",
            f"git log --oneline -4 -- {ctx.locale_dir}/{lang}",
            "\n".join(
                f"{sha(rng)} {msg}"
                for msg in rng.sample(
                    [
                        "Updated translations from Transifex",
                        f"Fixed #{rng.randint(20000, 34000)} -- Updated catalogs",
                        "Refreshed catalogs",
                        "Bumped version",
                        "Merge pull request",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str, lang: str
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng, lang), lambda: give_up(rng, what), 0.4)
