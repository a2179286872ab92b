# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, the test runs and the looks."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("dump_{}", "load_{}", "_serialize_{}", "read_{}_config", "_encode_{}", "write_{}")
_CASES = (
    "roundtrip",
    "quoting",
    "unicode",
    "empty",
    "nested",
    "dates",
    "defaults",
    "comments",
    "ordering",
    "escaping",
    "multiline",
    "booleans",
)

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function the agent changes, its data files and its tests."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def test_file(self) -> str:
        if self.django:
            return f"tests/{self.stem}_tests/tests.py"
        return super().test_file

    def data(self, ext: str) -> str:
        """The test data file of this format the tests compare against."""
        if self.django:
            return f"tests/{self.stem}_tests/fixtures/{self.stem}.{ext}"
        return f"{self.tests_dir}/data/{self.stem}.{ext}"

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            name = target.partition("::")[2].split("[")[0]
            label = f"{self.stem}_tests" + (f".tests.{self.cls}Tests.{name}" if name else "")
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str]], code: str = ""
) -> str:
    """A test run with `failing` (test, error lines) failing, as pytest or Django's runner prints it."""
    code = code or f"{ctx.func}(data) == expected"
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        shown = [(name, unittest_error(error)) for name, error in failing]
        errors = sum(not error.startswith("AssertionError") for _, error in shown)
        marks = ["."] * passed + ["F" if error.startswith("AssertionError") else "E" for _, error in shown]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, error in shown:
            lines += [
                "=" * 70,
                f"{'FAIL' if error.startswith('AssertionError') else 'ERROR'}: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {name}',
                f"    self.assertEqual({code.replace(' == ', ', ', 1)})"
                if " == " in code
                else f"    self.assertTrue({code.removeprefix('not ')})",
                error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        counts = [
            f"failures={len(failing) - errors}" if len(failing) > errors else "",
            f"errors={errors}" if errors else "",
        ]
        lines.append(f"FAILED ({', '.join(c for c in counts if c)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    failures = [
        (
            name,
            [
                f"    def {name}():",
                f">       assert {code}",
                *(f"E       {line}" for line in error.split("\n")),
                "",
                f"{target.split('::')[0]}:{rng.randint(20, 700)}: {error.split(chr(10))[0].split(':')[0]}",
            ],
            error.split("\n")[0],
        )
        for name, error in failing
    ]
    shown = target.split(" ")[0]
    return text.pytest_output(
        ctx, rng, shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1], passed, failures
    )


def unittest_error(error: str) -> str:
    """A pytest assertion line as unittest's assertEqual prints it (pytest's explanation lines dropped)."""
    first = error.split("\n")[0]
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split('.')[-1].rstrip(chr(39) + '>')} not raised"
    if not first.startswith("AssertionError: assert "):
        return error
    claim = first.removeprefix("AssertionError: assert ")
    for op, negated in ((" == ", " != "), (" is ", " is not "), (" in ", " not found in ")):
        if op in claim:
            left, right = claim.split(op, 1)
            return f"AssertionError: {left}{negated}{right}"
    return first


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    failing: list[tuple[str, str]],
    target: str = "",
    extra: str = "",
    code: str = "",
) -> Step:
    passed = rng.randint(5, 48)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, passed, failing, code),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 8.0),
    )


def flags(rng: random.Random, ctx: Ctx) -> str:
    """Drifting flags on a test rerun."""
    if ctx.django:
        return rng.choice(["", " -v 2", " --parallel 1", " --failfast", " -v 2 --parallel 1"])
    return rng.choice(["", " -q", " -x", " -x -q", " -q --tb=short", " -vv", " --tb=line", " -q -k 'not slow'"])


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


@dataclass(frozen=True)
class Format:
    """The data format a family chases: its files' extension, its library and a sample of a data file."""

    ext: str
    dist: str  # as pip names it ("" for the standard library's)
    module: str  # as Python imports it
    versions: tuple[str, ...]
    sample: str


def look(ctx: Ctx, rng: random.Random, fmt: Format) -> Step:
    """A look between attempts: the tree, the diff, the source, the data file, the library's version."""
    line = rng.randint(30, 700)
    data = ctx.data(fmt.ext)
    shown = fmt.sample.split("\n")
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {data}\n", "?? scratch.py\n", f" M {ctx.test_file}\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff --stat", f"git diff --stat {ctx.source}", "git diff --stat HEAD"]),
            f" {ctx.source} | {rng.randint(3, 40)} ++++{'-' * rng.randint(1, 5)}\n 1 file changed, {rng.randint(3, 30)} insertions(+), {rng.randint(1, 12)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + rng.randint(8, 16)}p' {ctx.source}",
            f"def {ctx.func}(data, stream=None, **options):\n    options.setdefault({rng.choice(['sort_keys', 'indent', 'encoding', 'strict'])!r}, {rng.choice(['False', 'None', '2', 'True'])})\n    text = _render(data, **options)\n    if stream is None:\n        return text\n    stream.write(text)\n",
        ),
        Step(
            "Let me look at the test data the test compares against.",
            f"head -{len(shown) + rng.randint(0, 6)} {data}",
            fmt.sample,
        ),
        Step(
            "Let me see the data file with its line endings and whitespace shown.",
            f"cat -A {data} | head -{rng.randint(4, 9)}",
            "\n".join(f"{row}$" for row in shown[: rng.randint(3, len(shown))]),
        ),
        *[
            Step(
                f"Which version of {fmt.dist} is installed here?",
                rng.choice(
                    [
                        f"pip show {fmt.dist} 2>/dev/null | head -3",
                        f"python -c 'import {fmt.module}; print({fmt.module}.__version__)'",
                    ]
                ),
                f"Name: {fmt.dist}\nVersion: {rng.choice(fmt.versions)}\nSummary: \n",
            )
            for _ in range(bool(fmt.dist))  # the standard library's modules have no distribution to show
        ],
        Step(
            f"Where else does the code use {fmt.module}?",
            rng.choice(
                [
                    f"grep -rn '{fmt.module}' {ctx.run.package} --include=*.py | head -{rng.randint(6, 15)}",
                    f"git grep -n 'import {fmt.module}' | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['io', 'utils', 'conf', 'serializers', 'compat'])}.py:{rng.randint(3, 600)}:{rng.choice(['import ', '    ', '        '])}{fmt.module}{rng.choice(['', '  # noqa', '.' + rng.choice(['dump', 'load', 'loads', 'dumps', 'parse']) + '(data)'])}"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix edge case",
                        "Refactor helpers",
                        "Merge pull request",
                        "Tidy imports",
                        "Support streams",
                        "Drop py2 compat",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    fmt: Format,
    extra: list[Callable[[], Step]],
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up.

    A look is the family's own check (`extra`, built afresh each time) half the time, else a common one.
    """

    return text.churn(
        rng, n, first, [_deck(rng, attempts)], _looks(ctx, rng, fmt, extra), lambda: give_up(rng, what), 0.45
    )


_AGAIN = (
    "Back to an earlier idea, more carefully this time. ",
    "Let me retry this approach; maybe I got a detail wrong before. ",
    "Nothing else has worked, so once more: ",
    "Revisiting this: ",
)


def _deck(rng: random.Random, attempts: list[Attempt]) -> Attempt:
    """The attempts in a shuffled order, each once before any comes back (worded as a retry)."""
    order: list[Attempt] = []
    rounds = [0]

    def draw(k: int) -> list[Step]:
        if not order:
            order.extend(rng.sample(attempts, len(attempts)))
            rounds[0] += 1
        steps = order.pop()(k)
        if rounds[0] > 1:
            steps[0] = replace(steps[0], thought=rng.choice(_AGAIN) + steps[0].thought)
        return steps

    return draw


def _looks(ctx: Ctx, rng: random.Random, fmt: Format, extra: list[Callable[[], Step]]) -> Callable[[], Step]:
    def one_look() -> Step:
        return rng.choice(extra)() if extra and rng.random() < 0.5 else look(ctx, rng, fmt)

    return one_look
