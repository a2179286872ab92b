# ruff: noqa: E501
"""Names the families' steps use (branch, patch, submodule, tag), read from the run, and git's usual looks."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20.calls import Step
from heldout20.text import finish
from heldout30 import text
from heldout30.text import give_up, sha

__all__ = ["Ctx", "cycle", "give_up", "look", "sha", "sha40"]

_BRANCHES = ("fix-{}", "issue-{}-fix", "bugfix/{}", "wip-{}", "{}-regression")
_SUBMODULES = ("extern/{}-test-data", "third_party/{}-fixtures", "vendor/{}-schemas")
_HOOKS = (
    ("black", "isort"),
    ("black", "trailing-whitespace"),
    ("isort", "end-of-file-fixer"),
    ("black", "mixed-line-ending"),
)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the branch, patch file, submodule and tag its agent meets."""

    @property
    def slug(self) -> str:
        return self.stem.replace("_", "-")

    @property
    def branch(self) -> str:
        return _BRANCHES[len(self.run.session) % len(_BRANCHES)].format(self.slug)

    @property
    def patch(self) -> str:
        return f"/tmp/0001-Fix-{self.slug}-handling.patch"

    @property
    def submodule(self) -> str:
        if self.run.owner == "astropy":
            return "astropy_helpers"
        return _SUBMODULES[sum(map(ord, self.run.session)) % len(_SUBMODULES)].format(self.run.module)

    @property
    def subject(self) -> str:
        return f"Fix {self.func} for empty input"

    @property
    def hooks(self) -> tuple[str, str]:
        return _HOOKS[len(self.run.session) % len(_HOOKS)]


def sha40(rng: random.Random) -> str:
    return sha(rng, 40)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: git's view of the tree and history, or heldout30's looks at the code."""
    if rng.random() < 0.4:
        return text.look(ctx, rng)
    head = sha(rng)
    choices = [
        Step(
            "Let me see where the branch and HEAD are now.",
            "git log --oneline -4",
            f"{head} (HEAD -> {ctx.branch}) {ctx.subject}\n{sha(rng)} Merge pull request #{rng.randint(9000, 30000)} from {ctx.run.owner}/main\n{sha(rng)} Update changelog\n{sha(rng)} Fix docs build\n",
        ),
        Step(
            "What does git think the state of the working tree is?",
            "git status",
            f'On branch {ctx.branch}\nChanges not staged for commit:\n  (use "git add <file>..." to update what will be committed)\n\tmodified:   {ctx.source}\n\nno changes added to commit (use "git add" and/or "git commit -a")\n',
        ),
        Step(
            "Let me list the branches and what they track.",
            "git branch -vv",
            f"* {ctx.branch} {head} {ctx.subject}\n  main{' ' * max(1, len(ctx.branch) - 3)}{sha(rng)} Merge pull request #{rng.randint(9000, 30000)}\n",
        ),
        Step(
            "Let me check the diff of the source file itself.",
            f"git diff --stat -- {ctx.source}",
            f" {ctx.source} | {rng.randint(3, 16)} ++++++---\n 1 file changed, {rng.randint(3, 10)} insertions(+), {rng.randint(1, 4)} deletions(-)\n",
        ),
    ]
    return rng.choice(choices)


def cycle(ctx: Ctx, rng: random.Random, n: int, attempt: object, what: str) -> list[Step]:
    """Rounds of `attempt(k)` with a look between most of them, cut to `n - 1` steps, then giving up."""
    steps: list[Step] = []
    k = 0
    while len(steps) < n + 12:
        steps += attempt(k)  # type: ignore[operator]
        if rng.random() < 0.75:
            steps.append(look(ctx, rng))
        k += 1
    return finish(steps, n, give_up(rng, what))
