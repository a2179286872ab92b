"""Steps every family is made of: a shell command, a read, an edit, a test run, an opening."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .drift import fill
from .eco import Eco, report


def sh(rng: random.Random, command: str, output: str, code: int = 0, seconds: float = 0.0) -> Step:
    return Step("shell", fill(command, rng), fill(output, rng), code, seconds=seconds)


def read(eco: Eco, rng: random.Random, path: str, version: int = 0) -> Step:
    """A file as it stands: the same text every time it is read, until an edit (a new `version`) changes it."""
    body = "\n".join(random.Random(f"{eco.name}/{path}").sample(eco.snippets, k=len(eco.snippets)))
    return Step("read", path, f"// {path}\n{body}\n" + "\n".join(eco.snippets[: version % 4]))


def edit(eco: Eco, rng: random.Random, path: str, new: str) -> Step:
    return Step("edit", path, rng.choice(eco.snippets), extra=new)


def tests(eco: Eco, rng: random.Random, failing: int, command: str = "") -> Step:
    """The full suite with `failing` of its tests failing, failures named and messaged."""
    names = list(eco.tests)
    failed = [(names[k], eco.failures[k % len(eco.failures)]) for k in range(min(failing, len(names)))]
    passed = names[len(failed) :]
    output = report(eco, rng, passed, failed)
    return Step("shell", fill(command or eco.test_cmd, rng), output, 1 if failed else 0, seconds=rng.uniform(1, 30))


def opening(eco: Eco, rng: random.Random, n: int) -> list[Step]:
    """n calls of orientation: listing, reading, searching, a first run of the checks."""
    pool = [
        sh(
            rng,
            f"cd {eco.root} && git status --short && git log --oneline -5",
            " M "
            + eco.files[0]
            + "\n@sha@ fix: release notes\n@sha@ chore: bump deps\n@sha@ feat: batch import\n@sha@ test: cover edge cases\n@sha@ ci: cache toolchain",
        ),
        sh(rng, f"ls {eco.root}", "  ".join(f.split("/")[0] for f in eco.files) + "  README.md  LICENSE"),
        read(eco, rng, eco.files[0]),
        read(eco, rng, eco.files[1]),
        Step(
            "grep",
            "TODO|FIXME",
            f"{eco.files[2]}:@line@:  // TODO: handle empty input".replace("@line@", str(rng.randint(10, 99))),
            extra="src",
        ),
        read(eco, rng, eco.files[3]),
        tests(eco, rng, 1),
        Step("todo", "Reproduce the failure;Find the cause;Fix and run the checks", ""),
        read(eco, rng, eco.files[4]),
        sh(rng, eco.lint_cmd, eco.lint_ok),
        Step(
            "grep",
            eco.files[1].rsplit("/", 1)[-1].split(".")[0],
            f"{eco.files[0]}:{rng.randint(3, 40)}:import from ./{eco.files[1]}",
            extra=".",
        ),
        sh(rng, eco.build_cmd, eco.build_ok, seconds=rng.uniform(2, 20)),
    ]
    return pool[:n] if n <= len(pool) else pool + [read(eco, rng, eco.files[k % 5]) for k in range(n - len(pool))]
