"""Steps every family opens or closes with: a plan, a look around the repository, a final check."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .drift import fill
from .eco import Eco

_PLANS = (
    "Reproduce the failure;Find the cause;Fix it;Run the full checks",
    "Read the code involved;Write a failing test;Make it pass;Lint and run the suite",
    "Check the environment;Run the affected tests;Fix and verify",
)
_WORDS = ("total", "retry", "status", "window", "customer", "timeout", "balance", "offset", "cache")


def plan(rng: random.Random) -> Step:
    return Step("todo", rng.choice(_PLANS), "")


def ls(eco: Eco, rng: random.Random) -> Step:
    top = sorted({s.split("/")[0] for s in eco.sources} | {"README.md", ".gitignore"})
    return Step(
        "shell",
        f"ls -la {eco.root}",
        "\n".join(fill(rng, "drwxr-xr-x  @n@ agent agent 4096 Nov @n@ @clock@ ") + t for t in top),
    )


def grep(eco: Eco, rng: random.Random, word: str | None = None) -> Step:
    word = word or rng.choice(_WORDS)
    hits = [
        f"{eco.source(k)}:{rng.randint(5, 300)}:    {eco.code[rng.randrange(len(eco.code))].strip()}"
        for k in rng.sample(range(8), 3)
    ]
    return Step("grep", word, "\n".join(hits), extra=eco.sources[0].split("/")[0])


def git_log(rng: random.Random) -> Step:
    subjects = (
        "fix flaky retry",
        "bump deps",
        "add cohort report",
        "tidy imports",
        "handle empty input",
        "speed up parser",
    )
    lines = [fill(rng, "@sha@ ") + rng.choice(subjects) for _ in range(5)]
    return Step("shell", "git log --oneline -5", "\n".join(lines))


def look_around(eco: Eco, rng: random.Random, k: int) -> list[Step]:
    """k steps of getting oriented: a plan, a listing, reads and searches, history."""
    found = [plan(rng), ls(eco, rng)]
    while len(found) < k:
        pick = rng.random()
        if pick < 0.45:
            found.append(eco.read(rng, eco.source(rng.randrange(8)), rng.randrange(len(eco.code))))
        elif pick < 0.8:
            found.append(grep(eco, rng))
        else:
            found.append(git_log(rng))
    return found[:k]


def git_diff(eco: Eco, rng: random.Random, files: list[str]) -> Step:
    lines = [f" {f} | {rng.randint(1, 14)} {'+' * rng.randint(1, 6)}{'-' * rng.randint(0, 4)}" for f in files]
    lines.append(f" {len(files)} files changed, {rng.randint(2, 30)} insertions(+), {rng.randint(0, 12)} deletions(-)")
    return Step("shell", "git diff --stat", "\n".join(lines))


def finish(eco: Eco, rng: random.Random, total: int) -> list[Step]:
    out, code = eco.suite(rng, [], total)
    return [Step("shell", eco.suite_cmd, out, code, seconds=rng.uniform(10, 90)), eco.lint(rng)]
