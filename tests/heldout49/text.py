# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the test runs they print.

The theme is stale state: caches, singletons, fixtures and environment read once, which keep an old
value however the code is changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import addr as addr
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_normalize_{}", "resolve_{}", "format_{}", "get_{}", "_split_{}", "build_{}")
_CACHED = ("_{}_table", "_load_{}_defaults", "_compiled_{}_pattern", "_{}_lookup", "_known_{}_names")
_PROPS = ("parts", "options", "resolved", "normalized", "fields", "keys")
_FLAGS = ("STRICT", "DEBUG", "LEGACY", "NO_CACHE", "COMPAT", "WARN_ONLY")
_CASES = (
    "default",
    "override",
    "strict",
    "legacy",
    "roundtrip",
    "empty",
    "unicode",
    "nested",
    "kwargs",
    "repr",
    "subclass",
    "copy",
)

Attempt = text.Attempt


def _pick(options: tuple[str, ...], session: str, salt: int = 0) -> str:
    return options[(sum(map(ord, session)) + salt) % len(options)]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the cached helper, the flag and the tests it runs."""

    @property
    def func(self) -> str:
        return _pick(_FUNCS, self.run.session).format(self.stem)

    @property
    def cached(self) -> str:
        """A helper memoized with functools.lru_cache."""
        return _pick(_CACHED, self.run.session, 1).format(self.stem)

    @property
    def prop(self) -> str:
        """A cached_property of the module's class."""
        return _pick(_PROPS, self.run.session, 2)

    @property
    def flag(self) -> str:
        """The module-level constant read from the environment at import."""
        return "_" + _pick(_FLAGS, self.run.session, 3)

    @property
    def size(self) -> int:
        """How many tests the changed module's test file has, before the agent adds any."""
        return 12 + sum(map(ord, self.run.session)) % 47

    @property
    def env(self) -> str:
        return f"{self.run.module.upper().strip('_')}_{self.stem.upper()}{self.flag}"

    @property
    def registry(self) -> str:
        return f"_{self.stem.upper()}_REGISTRY"

    @property
    def fixture(self) -> str:
        return f"{self.stem}_config"

    @property
    def test_file(self) -> str:
        if self.django:
            return f"tests/{self.stem}_tests/tests.py"
        return super().test_file

    @property
    def conftest(self) -> str:
        return f"{self.tests_dir}/conftest.py"

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def cases(self, rng: random.Random, k: int) -> list[str]:
        return [f"test_{self.stem}_{case}" for case in rng.sample(_CASES, k)]

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def _unittest(code: str) -> str:
    """An `assert a == b` line as a Django test writes it."""
    if code.startswith("assert ") and " == " in code:
        left, right = code.removeprefix("assert ").split(" == ", 1)
        return f"self.assertEqual({left}, {right})"
    return code


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str]], code: str = ""
) -> str:
    """A test run with `failing` (test, error line) failing, as pytest or Django's runner prints it."""
    code = code or f"assert {ctx.func}(value) == expected"
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + ["F" if error.startswith("AssertionError") else "E" for _, error in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, error in failing:
            lines += [
                "=" * 70,
                f"{'FAIL' if error.startswith('AssertionError') else 'ERROR'}: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/{ctx.test_file}", line {rng.randint(30, 900)}, in {name}',
                f"    {_unittest(code)}",
                error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        errors = sum(not error.startswith("AssertionError") for _, error in failing)
        counts = [
            f"failures={len(failing) - errors}" if len(failing) > errors else "",
            f"errors={errors}" if errors else "",
        ]
        lines.append(f"FAILED ({', '.join(c for c in counts if c)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    failures = [
        (
            name.split("::")[-1],
            [
                f"    def {name.split('::')[-1].split('[')[0]}({rng.choice(['', 'monkeypatch', ctx.fixture, 'tmp_path'])}):",
                f">       {code}",
                *(f"E       {line}" for line in error.split("\n")),
                "",
                f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {error.split(':')[0]}",
            ],
            error.split("\n")[0],
        )
        for name, error in failing
    ]
    return text.pytest_output(
        ctx, rng, shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1], passed, failures
    )


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: list[tuple[str, str]],
    extra: str = "",
    code: str = "",
    passed: int | None = None,
) -> Step:
    if passed is not None:
        count = passed
    elif " -k " in extra:
        count = rng.randint(1, 9)
    else:  # the module's tests, a new one now and then
        count = max(0, ctx.size + rng.randint(0, 2) - len(failing))
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, count, failing, code),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def one_test(ctx: Ctx, name: str) -> str:
    return f"{ctx.test_file}::{name}"


def stale(rng: random.Random) -> str:
    """An assertion error where the value seen is an old one, its numbers drifting."""
    a, b = rng.randint(1, 40), rng.randint(41, 90)
    old, new = rng.sample(["','", "';'", "'|'", "' '", "'utf-8'", "'latin-1'", "None", "'default'"], 2)
    return rng.choice(
        [
            f"AssertionError: assert {a} == {b}",
            f"AssertionError: assert {old} == {new}",
            f"AssertionError: assert [{a}, {b}] == [{a}, {b}, {a + b}]",
            "AssertionError: assert False is True",
            f"AssertionError: assert {{'mode': {old}}} == {{'mode': {new}}}",
            f"AssertionError: assert 'x{a}' == 'x{b}'",
        ]
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the failing test's body, the cache dirs."""
    line = rng.randint(30, 700)
    case = ctx.case(rng)
    returned = rng.choice(["options.get('default')", "default or ()", "[]", "None"])
    arg = rng.choice(["", "monkeypatch", ctx.fixture])
    given = rng.choice(["None", "'a,b'", "'a;b'", "()"])
    wanted = rng.choice(["[]", "['a', 'b']", "None"])
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", f" M {ctx.conftest}\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2", "git diff --stat"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.func}(value, **options):\n     if value is None:\n-        return default\n+        return {returned}\n     table = {ctx.cached}()\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            f"def {ctx.func}(value, **options):\n    if value is None:\n        return options.get('default')\n    table = {ctx.cached}()\n    sep = options.get('sep', table['sep'])\n    return [table.get(part, part) for part in str(value).split(sep)]\n",
        ),
        Step(
            "Let me look at what the failing test does.",
            f"grep -n -A7 'def {case}' {ctx.test_file}",
            f"{line}:def {case}({arg}):\n{line + 1}-    value = {given}\n{line + 2}-    expected = {wanted}\n{line + 3}-    assert {ctx.func}(value) == expected\n",
        ),
        Step(
            "Which cache directories are around?",
            rng.choice(
                [
                    "ls -a",
                    f"ls -a {ctx.tests_dir}",
                    "find . -maxdepth 2 -name '.pytest_cache' -o -maxdepth 2 -name '__pycache__'",
                ]
            ),
            "\n".join(
                sorted(
                    rng.sample(
                        [".git", ".pytest_cache", "__pycache__", "setup.cfg", "tox.ini", "build", "README.rst"], 4
                    )
                )
            ),
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -3 -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    ["Cache lookups", "Refactor helpers", "Merge pull request", "Read settings once", "Tidy imports"], 3
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)


def rerun(rng: random.Random) -> str:
    """The agent's few words before running the tests again."""
    return rng.choice(
        [
            "Run the module again.",
            "Let me re-run the tests.",
            "Now the tests again.",
            "Let me see if that changed anything.",
            "Running the module's tests.",
            "Re-running to check.",
            "Let's see what fails now.",
            "Run the tests once more.",
        ]
    )
