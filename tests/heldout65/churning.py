# ruff: noqa: E501
"""How a loop family goes round: attempts drawn at random, never the same twice running, looks between them, the agent giving up."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

from heldout20 import text
from heldout20.calls import Step
from heldout65.text import Attempt, Ctx, unittest_code


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the diff, the changed function, its callers, a test, the environment, the history."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {t}" for t in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {t}" for t in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['defaults', 'env_override', 'file_override', 'cli_override', 'bool', 'roundtrip', 'missing_file'])}"
    flag, count, name, _ = ctx.keys
    given = rng.randint(2, 16)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? check_config.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Let me see who calls {func}.",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'cli', 'main', 'registry', 'core', 'options'])}.py:{rng.randint(10, 900)}:    {rng.choice(['cfg', 'options', 'settings', 'conf'])} = {func}({rng.choice(['', 'args', 'path', 'argv', 'environ=os.environ'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at a test of it again.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        os.environ[{ctx.env(count)!r}] = '{given}'\n{line + 2}-        cfg = {ctx.loader}()\n{line + 3}-        {unittest_code(f'assert cfg[{count!r}] == {given}')}\n"
            if ctx.django
            else f"{line}:def {case}(monkeypatch, tmp_path):\n{line + 1}-    monkeypatch.setenv({ctx.env(count)!r}, '{given}')\n{line + 2}-    cfg = {ctx.loader}()\n{line + 3}-    assert cfg[{count!r}] == {given}\n",
        ),
        Step(
            "Let me check nothing in my shell environment is leaking into the tests.",
            rng.choice(
                [
                    f"env | grep -i '^{ctx.prefix}' || echo none",
                    f"printenv | grep {ctx.prefix.rstrip('_')} || echo none",
                ]
            ),
            rng.choice(["none", "none", f"{ctx.env(name)}=x"]),
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Read settings from the environment",
                        "Refactor option handling",
                        "Merge pull request",
                        "Support config files",
                        "Tidy imports",
                        f"Add {flag} option",
                        "Deprecate old setting names",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


class Tried:
    """Which attempts a session has made: an attempt that builds on another is only made once that one was."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def mark(self, attempt: Attempt) -> Attempt:
        def run(k: int) -> list[Step]:
            self.names.add(attempt.__name__)
            return attempt(k)

        run.__name__ = attempt.__name__
        return run

    def after(self, before: Attempt, attempt: Attempt) -> Attempt:
        """`attempt`, or `before` in its place while `before` has not been made."""

        def run(k: int) -> list[Step]:
            if before.__name__ not in self.names:
                self.names.add(before.__name__)
                return before(k)
            self.names.add(attempt.__name__)
            return attempt(k)

        run.__name__ = attempt.__name__
        return run


_AGAIN = (
    "Going back to an earlier idea, done more carefully this time. ",
    "Let me try this once more. ",
    "I tried this before, but let me redo it properly. ",
    "Back to this approach. ",
    "Revisiting an earlier fix. ",
)


def _no_repeat(rng: random.Random, attempts: list[Attempt]) -> list[Attempt]:
    """The attempts, each drawing another when it was the attempt just made; one made again says so in its thought."""
    last: list[Attempt | None] = [None]
    made: dict[int, int] = {}

    def wrap(attempt: Attempt) -> Attempt:
        def run(k: int) -> list[Step]:
            pick = attempt if attempt is not last[0] else rng.choice([a for a in attempts if a is not attempt])
            last[0] = pick
            made[id(pick)] = made.get(id(pick), 0) + 1
            steps = pick(k)
            if made[id(pick)] > 1 and len(steps) > 1:  # a probe repeats as it is
                steps[0] = dataclasses.replace(steps[0], thought=rng.choice(_AGAIN) + steps[0].thought)
            return steps

        return run

    return [wrap(attempt) for attempt in attempts]


def churn(
    ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str, func: str, body: str
) -> list[Step]:
    """The first failing runs, then attempts drawn at random (never the same twice running), looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body)  # noqa: E731
    return text.churn(rng, n, first, _no_repeat(rng, attempts), looker, lambda: give_up(rng, what), 0.4)
