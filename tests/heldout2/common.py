"""Pieces every session of the second held-out set is made of: a workspace, an opening, edits, test runs."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .ecosystems import Eco, source
from .names import ident


def workspace(eco: Eco, rng: random.Random, n: int) -> dict[str, str]:
    """`n` source files of the project, path → text."""
    return {f"{eco.src_dir}/{ident(rng)}.{eco.ext}": source(eco, rng, rng.randint(2, 4)) for _ in range(n)}


def opening(eco: Eco, rng: random.Random, files: dict[str, str]) -> list[Step]:
    """How sessions start: look at the tree or the history, read a file or two, search for a name."""
    tops = sorted({path.split("/")[0] for path in files} | {eco.manifest.split("/")[0], "README.md", ".github"})
    first = rng.choice(
        [
            Step("shell", rng.choice(["ls", "ls -la", "tree -L 1"]), "\n".join(tops)),
            Step(
                "shell",
                "git log --oneline -5",
                "\n".join(
                    f"{rng.getrandbits(28):07x} {ident(rng, 2, ' ')} {rng.choice(['fix', 'wip', 'tidy'])}"
                    for _ in range(5)
                ),
            ),
        ]
    )
    steps = [first]
    for path in rng.sample(list(files), min(len(files), rng.randint(1, 2))):
        steps.append(Step("read", path, files[path]))
    name = ident(rng)
    steps.append(Step("grep", name, f"{next(iter(files))}:{rng.randint(2, 30)}:  {name}(shipment)", extra=eco.src_dir))
    return steps


def edit(rng: random.Random, files: dict[str, str], path: str | None = None) -> Step:
    """An edit of one line of a file into something new."""
    path = path or rng.choice(list(files))
    lines = [line for line in files[path].splitlines() if line.strip()] or ["x"]
    new = f"    {ident(rng)} = {ident(rng)}({rng.randint(1, 500)})"
    return Step("edit", path, rng.choice(lines), extra=new)


def tests(eco: Eco, rng: random.Random, failing: list[str], total: int, command: str | None = None) -> Step:
    return Step(
        "shell", command or rng.choice(eco.test_cmds), eco.test_output(rng, failing, total), 1 if failing else 0
    )
