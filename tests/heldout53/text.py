# ruff: noqa: E501
"""Names the families' steps use, the test runs they print, and the looks between attempts.

Every value an escaping function is shown to return is computed here by the real function (html, shlex,
urllib, posixpath, re, sqlite3), so a printed output is what that code would print.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt
Failure = tuple[str, str]  # a failing test and its error, one line or more


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the helper the agent changes and the tests it runs."""

    def named(self, patterns: tuple[str, ...]) -> str:
        """One of `patterns` (filled with the module's stem), the same for every step of a session."""
        return patterns[sum(map(ord, self.run.session)) % len(patterns)].format(self.stem)

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else self.stem
            label += f".{name.split('[')[0]}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"

    def selected(self, rng: random.Random, filters: list[str]) -> str:
        """The test module, narrowed by one of `filters` (`-k` expressions) where the runner is pytest."""
        return self.test_file if self.django else self.test_file + rng.choice(filters)

    def flags(self, rng: random.Random) -> str:
        return (
            rng.choice(["", " -v 2", " --parallel 1"])
            if self.django
            else rng.choice(["", " -q", " -x", " -q -x", " -rf"])
        )


def mismatch(ctx: Ctx, actual: object, expected: object) -> str:
    """An equality assertion failing on two values, as pytest or unittest prints it."""
    plain = isinstance(actual, str) and isinstance(expected, str) and "\n" not in actual + expected
    if ctx.django:
        head = f"AssertionError: {actual!r} != {expected!r}"
        return f"{head}\n- {actual}\n+ {expected}" if plain else head
    head = f"AssertionError: assert {actual!r} == {expected!r}"
    return f"{head}\n  \n  - {expected}\n  + {actual}" if plain else head


def _failing_line(error: str, call: str, django: bool) -> str:
    """The test's line a traceback stops at: the comparison, the raises block, or the call that raised."""
    if "not raised" in error or "DID NOT RAISE" in error:
        return "with self.assertRaises(ValueError):" if django else "with pytest.raises(ValueError):"
    if error.startswith("AssertionError"):
        return "self.assertEqual(result, expected)" if django else "assert result == expected"
    return f"result = {call}"


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[Failure], call: str = "helper(value)"
) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        kinds = ["FAIL" if error.startswith("AssertionError") else "ERROR" for _, error in failing]
        marks = ["."] * passed + [kind[0] for kind in kinds]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for (name, error), kind in zip(failing, kinds, strict=True):
            bare = name.split("[")[0]
            lines += [
                "=" * 70,
                f"{kind}: {bare} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{bare})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {bare}',
                f"    {_failing_line(error, call, True)}",
                error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        counts = ", ".join(
            f"{word}={kinds.count(kind)}" for kind, word in (("FAIL", "failures"), ("ERROR", "errors")) if kind in kinds
        )
        lines.append(f"FAILED ({counts})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    path = target.split(" ")[0].split("::")[0]
    failures = [
        (
            name,
            [
                f"    def {name.split('[')[0]}({'value, expected' if '[' in name else ''}):",
                f">       {_failing_line(error, call, False)}",
                *(f"E       {line}" for line in error.split("\n")),
                "",
                f"{path}:{rng.randint(20, 700)}: {error.split(':')[0]}",
            ],
            error.split("\n")[0],
        )
        for name, error in failing
    ]
    shown = target.split(" ")[0]
    return text.pytest_output(ctx, rng, shown if len(path) < 66 else shown.rsplit("/", 1)[-1], passed, failures)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: list[Failure],
    extra: str = "",
    call: str = "helper(value)",
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, rng.randint(6, 60), failing, call),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def probe(ctx: Ctx, thought: str, setup: str, expr: str, shown: str) -> Step:
    """Calling something by hand with `python -c` and what it printed."""
    return Step(thought, f'python -c "{setup}; print({expr})"', shown)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random, func: str, body: list[str], minus: str, plus: str, param: str = "value") -> Step:
    """A look between attempts: the tree, the diff, the helper's source, its callers, the failing test, the history."""
    line = rng.randint(30, 700)
    test = f"test_{func.strip('_')}"
    listing = "\n".join(body)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? check_escape.py\n", "?? scratch.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U1", "git diff --stat && git diff"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 9)} @@ def {func}(\n-{minus}\n+{plus}\n",
        ),
        Step(
            "Let me re-read the helper as it is now.",
            f"sed -n '{line},{line + len(body) + rng.randint(2, 8)}p' {ctx.source}",
            f"def {func}({param}):\n{listing}\n",
        ),
        Step(
            "Let me see where the helper is called from.",
            rng.choice(
                [f"grep -rn '{func}(' {ctx.run.package} | head -20", f"git grep -n '{func}' -- '*.py' | grep -v tests"]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'html', 'core', 'api', 'compat'])}.py:{rng.randint(10, 900)}:        out = {func}({rng.choice(['value', 'str(value)', 'self.value', 'item'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at the test's cases again.",
            f"grep -n -B2 -A10 'def {test}' {ctx.test_file}",
            f"{line}:@pytest.mark.parametrize('value, expected', CASES)\n{line + 1}:def {test}(value, expected):\n{line + 2}-    result = {func}(value)\n{line + 3}-    assert result == expected\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix escaping of quotes",
                        "Refactor helpers",
                        "Merge pull request",
                        "Harden input checks",
                        "Tidy imports",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], looks: Attempt, what: str
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: looks(0)[0], lambda: give_up(rng, what), 0.4)


@dataclass(frozen=True)
class Raised:
    """What a call raised instead of returning: an expected one matches any message."""

    kind: str
    message: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" if self.message else self.kind


@dataclass(frozen=True)
class Variant:
    """One way of writing the helper: its source lines, why the agent tries it, and what it does."""

    code: str
    why: str
    fn: Callable[[Any], Any]


@dataclass(frozen=True)
class Case:
    """One case of a test: its id, the input, what the test expects, and what it applies to the helper's result."""

    test: str
    id: str
    value: Any
    expected: Any
    via: Callable[[Any], Any] | None = field(default=None, compare=False)


Judge = Callable[[Ctx, Case, Any], str]  # the error a case's test prints for what the helper did


def outcome(variant: Variant, case: Case) -> Any:
    try:
        result = variant.fn(case.value)
        return case.via(result) if case.via else result
    except Exception as error:  # the helper's own errors are what the test shows
        return Raised(type(error).__name__, str(error))


def matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, Raised):
        return isinstance(actual, Raised) and actual.kind == expected.kind
    return bool(actual == expected)


def equal_judge(ctx: Ctx, case: Case, actual: Any) -> str:
    if isinstance(actual, Raised):
        return str(actual)
    if isinstance(case.expected, Raised):
        return "AssertionError: ValueError not raised" if ctx.django else "Failed: DID NOT RAISE <class 'ValueError'>"
    return mismatch(ctx, actual, case.expected)


def failures(ctx: Ctx, variant: Variant, cases: list[Case], judge: Judge = equal_judge) -> list[Failure]:
    return [
        (f"{case.test}[{case.id}]", judge(ctx, case, actual))
        for case in cases
        if not matches(actual := outcome(variant, case), case.expected)
    ]


def shown(
    ctx: Ctx, rng: random.Random, variant: Variant, cases: list[Case], judge: Judge = equal_judge
) -> list[Failure]:
    """Some of a variant's failures, in the order the run reports them (never none: the loops never pass)."""
    failing = failures(ctx, variant, cases, judge)
    assert failing, variant.code
    return sorted(rng.sample(failing, min(len(failing), rng.randint(1, 3))), key=failing.index)


def probe_run(ctx: Ctx, rng: random.Random, func: str, variant: Variant, values: list[Any], thought: str) -> Step:
    """The helper called by hand on a few inputs, printing what the current code really returns."""
    rows = []
    for value in values:
        try:
            rows.append(f"{value!r} -> {variant.fn(value)!r}")
        except Exception as error:
            rows.append(f"{value!r} !! {type(error).__name__} {error}")
    loop = rng.choice(["for value in VALUES:", "for value in VALUES:  # the failing inputs"])
    command = (
        f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nVALUES = {values!r}\n{loop}\n    try:\n"
        f"        print(repr(value), '->', repr({func}(value)))\n    except Exception as e:\n"
        "        print(repr(value), '!!', type(e).__name__, e)\nEOF"
    )
    return Step(thought, command, "\n".join(rows))


def escape_loop(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    *,
    func: str,
    variants: list[Variant],
    cases: list[Case],
    target: str,
    what: str,
    judge: Judge = equal_judge,
    param: str = "value",
    extra: tuple[Callable[[Variant], list[Step]], ...] = (),
) -> list[Step]:
    """The helper rewritten one way after another, each run failing some other inputs, until the agent gives up."""
    state = {"now": variants[0], "before": variants[0]}
    tried = [variants[0]]

    def run(thought: str, where: str = target) -> Step:
        failing = shown(ctx, rng, state["now"], cases, judge)
        return test_step(ctx, rng, thought, where, failing, ctx.flags(rng), f"{func}({param})")

    first = [run(f"Let me run the tests for {func} with the fix in place.")]

    def edit(k: int) -> list[Step]:
        new = rng.choice([v for v in variants if v is not state["now"]])
        why = new.why
        if new in tried:
            line = new.code.split("\n")[-1].strip()
            why = rng.choice(
                [
                    f"Going back to `{line}`; it failed fewer cases than this.",
                    f"That was worse. Let me return to `{line}` and look at what it failed again.",
                    f"Back to the earlier version (`{line}`), then I'll see which inputs remain.",
                ]
            )
        tried.append(new)
        step = Step(why, py_edit(ctx.source, state["now"].code, new.code), "patched")
        state["before"], state["now"] = state["now"], new
        return [
            step,
            run(rng.choice(["Rerunning the tests.", "Let me run the cases again.", f"Now the tests for {func}."])),
        ]

    def alone(k: int) -> list[Step]:
        name = shown(ctx, rng, state["now"], cases, judge)[0][0]
        return [run(f"Let me run {name} on its own.", f"{ctx.test_file}::{name}")]

    def poke(k: int) -> list[Step]:
        values = [case.value for case in rng.sample(cases, min(len(cases), rng.randint(2, 4)))]
        return [
            probe_run(ctx, rng, func, state["now"], values, "Let me call the helper by hand on a few of the inputs.")
        ]

    def looks(k: int) -> list[Step]:
        body = state["now"].code.split("\n")
        return [look(ctx, rng, func, body, state["before"].code.split("\n")[0], body[0], param)]

    more: list[Attempt] = [lambda k, e=e: e(state["now"]) for e in extra]
    return churn(ctx, rng, n, first, [edit, edit, edit, alone, poke, *more], looks, what)
