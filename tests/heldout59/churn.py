# ruff: noqa: E501
"""What a looping agent does between its attempts (re-reading the class, the diff, its subclasses, a test, the history) and the loop it stays in."""

from __future__ import annotations

import random

from heldout20 import text
from heldout20.calls import Step
from heldout59.text import Attempt, Ctx, deck, stable, unittest_code


def numbered(body: str, start: int) -> str:
    """`body` as `grep -n -A` prints it from line `start`: the match with a colon, the lines after it with a dash."""
    lines = body.rstrip("\n").split("\n")
    return "\n".join(f"{start + i}{':' if i == 0 else '-'}{line}" for i, line in enumerate(lines))


def sed(ctx: Ctx, rng: random.Random, body: str, start: int = 0) -> str:
    """The agent's command printing the lines `body` spans in the changed file (from `start`, or a drawn line)."""
    start = start or stable(ctx, body.split(chr(10))[0], lo=30, hi=700)
    return f"sed -n '{start},{start + body.rstrip(chr(10)).count(chr(10))}p' {ctx.source}"


def grep_lines(ctx: Ctx, rng: random.Random, body: str, word: str, start: int = 0) -> tuple[str, str]:
    """`grep -n word` over the changed file, and the lines of `body` (from `start`) it prints."""
    start = start or stable(ctx, body.split(chr(10))[0], lo=30, hi=700)
    found = [f"{start + i}:{line}" for i, line in enumerate(body.split(chr(10))) if word in line]
    return f"grep -n '{word}' {ctx.source}", "\n".join(found)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


_HISTORY = [
    "Use cooperative super() calls",
    "Refactor options into dataclasses",
    "Register subclasses automatically",
    "Add __slots__ to reduce memory",
    "Tidy imports",
    "Merge pull request",
    "Deprecate old attribute access",
    "Make proxy lazy",
    "Support pickling",
]


def look(ctx: Ctx, rng: random.Random, cls: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed class, its subclasses, a test, the history."""
    line = stable(ctx, body.split(chr(10))[0], lo=30, hi=700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {text}" for text in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {text}" for text in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['init', 'subclass', 'copy', 'pickle', 'defaults', 'repr', 'instances'])}"
    subs = ctx.subs(rng, rng.randint(2, 4))
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? check_mro.py\n"]),
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
        Step(rng.choice([f"Let me re-read {cls}.", f"Back to the definition of {cls}."]), sed(ctx, rng, body), body),
        Step(
            f"Which classes build on {cls}?",
            rng.choice(
                [
                    f"grep -rn 'class .*{cls}\\b' {ctx.run.package} | head -20",
                    f"git grep -n '({cls}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'fields', 'options', 'registry', 'core'])}.py:{rng.randint(10, 900)}:class {sub}({rng.choice([cls, cls + ', ' + ctx.mixins(rng, 1)[0]])}):"
                for sub in subs
            ),
        ),
        Step(
            "Let me look at a test of it again.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        obj = {subs[0]}()\n{line + 2}-        other = {subs[-1]}()\n{line + 3}-        {unittest_code('assert obj.' + ctx.attr_names[0] + ' == other.' + ctx.attr_names[0])}\n"
            if ctx.django
            else f"{line}:def {case}():\n{line + 1}-    obj = {subs[0]}()\n{line + 2}-    other = {subs[-1]}()\n{line + 3}-    assert obj.{ctx.attr_names[0]} == other.{ctx.attr_names[0]}\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(f"{sha(rng)} {m}" for m in rng.sample(_HISTORY, 3)),
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
    cls: str,
    body: str,
) -> list[Step]:
    """The first failing runs, then attempts dealt like cards (each once before any again), looks between some, until the agent gives up."""
    pick = deck(rng)
    steps = list(first)
    k = 0
    while len(steps) < 2 * n + 8:
        k += 1
        steps += pick(attempts)(k)
        if rng.random() < 0.4:
            steps.append(look(ctx, rng, cls, body))
    return text.finish(steps, n, give_up(rng, what))
