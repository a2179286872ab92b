# ruff: noqa: E501
"""How a loop goes on: the agent's edits, the looks it takes between attempts, and its giving up."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit
from heldout62.text import Attempt, Ctx


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def config_step(ctx: Ctx, rng: random.Random) -> Step:
    """The agent reading the repository's mypy settings, or finding there are none."""
    thought = "Let me check how mypy is configured here."
    grep = rng.random() < 0.5
    command = f"grep -n -A6 'mypy' {ctx.config}" if grep else f"sed -n '/mypy/,/^$/p' {ctx.config}"
    if not ctx.has_mypy_config:
        return Step(thought, command, "", rc=1 if grep else 0)
    if ctx.config == "setup.cfg":
        extra = rng.choice(["check_untyped_defs = True", "ignore_missing_imports = False", "strict_optional = True"])
        body = ["[mypy]", f"python_version = {ctx.python}", "warn_unused_ignores = True", extra]
    else:
        extra = rng.choice(["check_untyped_defs = true", "show_error_codes = true", f'files = ["{ctx.run.package}"]'])
        body = ["[tool.mypy]", f'python_version = "{ctx.python}"', "warn_unused_ignores = true", extra]
    if grep:
        start = rng.randint(40, 160)
        body = [f"{start + i}{':' if i == 0 else '-'}{line}" for i, line in enumerate(body)]
    return Step(thought, command, "\n".join(body))


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the diff, the function as it now reads, its callers, the mypy settings, the history."""
    line = ctx.func_line
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(len(lines))
    other = ctx.other(rng)
    choices = [
        Step(
            "Let me check which files I've touched.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {other}\n", "?? reproduce.py\n", f" M {ctx.config}\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U1"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(5, 9)} +{line},{rng.randint(6, 12)} @@\n"
            + "\n".join(f" {t}" for t in lines[max(0, k - 2) : k])
            + f"\n+{lines[k]}\n"
            + "\n".join(f" {t}" for t in lines[k + 1 : k + 3]),
        ),
        Step(
            "Let me re-read the function as it stands now.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 3])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Where is {func} called from?",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | grep -v '/tests/' | head",
                    f"git grep -n '{func}' -- '*.py' | head",
                ]
            ),
            "\n".join(
                f"{ctx.other(rng)}:{rng.randint(10, 900)}:        {rng.choice(['result', 'items', 'out', 'values'])} = {func}({rng.choice(['self._items', 'items', 'fields', 'nodes', 'value'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        config_step(ctx, rng),
        Step(
            "Which mypy is this?",
            rng.choice(["mypy --version", "python -m mypy --version"]),
            f"mypy {ctx.mypy_version} (compiled: yes)",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 5)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Add type hints",
                        "Refactor helpers",
                        "Merge pull request",
                        "Fix mypy errors",
                        "Tidy imports",
                        "Drop Python 3.7 support",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def edit(rng: random.Random, path: str, old: str, new: str, count: int | None = 1) -> str:
    """One snippet of a file changed, in one of the ways the agent writes it."""
    style = rng.random()
    if style < 0.55:
        return py_edit(path, old, new, count)
    if style < 0.8:
        return f"python - <<'EOF'\nfrom pathlib import Path\np = Path({path!r})\ns = p.read_text()\nassert {old!r} in s\np.write_text(s.replace({old!r}, {new!r}))\nEOF"
    return f"python - <<'EOF'\np = {path!r}\nwith open(p) as fh:\n    s = fh.read()\nprint(s.count({old!r}))\nwith open(p, 'w') as fh:\n    fh.write(s.replace({old!r}, {new!r}))\nEOF"


_AGAIN = (
    "Trying that again. ",
    "Back to an earlier idea. ",
    "Once more. ",
    "Let me retry this. ",
    "Revisiting an earlier approach. ",
)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    body: str,
    func: str = "",
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func or ctx.func, body)  # noqa: E731
    steps = text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)
    seen: set[str] = set()
    for step in steps:
        if step.thought in seen and step.output is not None and rng.random() < 0.7:
            step.thought = rng.choice(_AGAIN) + step.thought
        seen.add(step.thought)
    return steps
