# ruff: noqa: E501
"""The looks an agent takes between attempts, the attempts' churn until it gives up, and what it has tried."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from heldout20 import text
from heldout20.calls import Step
from heldout68.text import Attempt, Ctx


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed code, its callers, a test, the history, versions."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    found = re.search(rf"def {re.escape(func.split('.')[-1])}\((?:self, )?([^)]*)\)", body)
    args = ", ".join(a.split("=")[0] for a in found.group(1).split(", ")) if found else "X"
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {t}" for t in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {t}" for t in lines[k + 1 : k + 3])
    )
    case = ctx.case(rng.choice(["fit", "predict", "score", "loss", "converges", "partial_fit", "shapes"]))
    made = f"model = {ctx.model}({rng.choice(['', 'random_state=0', 'learning_rate=0.1', 'max_iter=200'])}).fit(X, y)"
    if ctx.django:
        shown = [
            f"    def {case}(self):",
            f"        {ctx.data()}",
            f"        {made}",
            "        self.assertGreaterEqual(model.score(X, y), 0.9)",
        ]
    else:
        shown = [f"def {case}():", f"    {ctx.data()}", f"    {made}", "    assert model.score(X, y) >= 0.9"]
    test_body = "\n".join(f"{line + i}{':' if i == 0 else '-'}{t}" for i, t in enumerate(shown)) + "\n"
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? sweep.py\n", "?? debug_fit.py\n", "?? check_shapes.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "How big is the change now?",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 40)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 25)} insertions(+), {rng.randint(1, 12)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 3, 6])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Where else is {func} used?",
            rng.choice(
                [
                    f"grep -rn '{func}' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.source}:{rng.randint(10, 900)}:        {rng.choice(['loss', 'out', 'grad', 'result', 'scores'])} = {func}({args})"
                if not func[0].isupper()
                else f"{rng.choice([ctx.source, ctx.test_file])}:{rng.randint(10, 900)}:    {rng.choice(['model', 'est', 'clf', 'net'])} = {func}({rng.choice(['', 'random_state=0', 'random_state=rng', 'max_iter=50'])})"
                for _ in range(rng.randint(1, 4))
            ),
        ),
        Step(
            "Let me read the test once more.",
            f"grep -n -A5 'def {case}' {ctx.test_file}",
            test_body,
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Vectorize gradient",
                        "Add random_state to fit",
                        "Merge pull request",
                        "Support float32 input",
                        "Tidy imports",
                        "Use logsumexp in loss",
                        "Early stopping",
                    ],
                    3,
                )
            ),
        ),
        Step(
            "Which numpy is this environment on?",
            rng.choice(
                [
                    'python -c "import numpy; print(numpy.__version__)"',
                    "pip list 2>/dev/null | grep -i -E '^(numpy|scipy) '",
                ]
            ),
            "",
        ),
    ]
    step = rng.choice(choices)
    if step.thought.startswith("Which numpy"):
        step.output = (
            ctx.numpy
            if step.command.startswith("python")
            else f"numpy                         {ctx.numpy}\nscipy                         {rng.choice(['1.10.1', '1.11.4', '1.9.3'])}"
        )
    return step


AGAIN = (
    "Trying this again on top of the current changes: ",
    "Going back to an earlier idea, now that other things changed: ",
    "Once more, since the code around it has moved: ",
)


def churn(
    ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str, func: str, body: str
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body)  # noqa: E731
    used: dict[int, int] = {}

    def pick(k: int) -> list[Step]:
        # An agent comes back to an idea once or twice, not endlessly: each attempt at most twice per listing.
        # and not the same one twice in a row.
        fresh = [a for a in attempts if used.get(id(a), 0) < 2 * attempts.count(a)] or attempts
        fresh = [a for a in fresh if id(a) != used.get(0)] or fresh
        attempt = rng.choice(fresh)
        used[id(attempt)] = used.get(id(attempt), 0) + 1
        used[0] = id(attempt)
        steps = attempt(k)
        again = ("again", "once more", "Back to", "Another", "didn't")
        if used[id(attempt)] > 1 and not any(word in steps[0].thought for word in again):
            steps[0].thought = rng.choice(AGAIN) + steps[0].thought[0].lower() + steps[0].thought[1:]
        return steps

    return text.churn(rng, n, first, [pick], looker, lambda: give_up(rng, what), 0.35)


class Tried:
    """The attempts an agent has made, so one made again says so in its thought."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def say(self, key: str, first: str, again: str) -> str:
        if key in self.seen:
            return again
        self.seen.append(key)
        return first
