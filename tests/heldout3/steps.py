"""Step constructors, file bodies that stay the same on every read, and the productive opening of a session."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .ecosystems import Eco
from .noise import Noise


def sh(cmd: str, out: str, code: int = 0, secs: float = 0.0) -> Step:
    return Step("shell", cmd, out, code, seconds=secs)


def read(eco: Eco, path: str) -> Step:
    return Step("read", path, body(eco, path))


def edit(eco: Eco, path: str, new: str) -> Step:
    return Step("edit", path, body(eco, path).splitlines()[1], extra=new)


def grep(pattern: str, path: str, out: str) -> Step:
    return Step("grep", pattern, out, extra=path)


def todo(*items: str) -> Step:
    return Step("todo", ";".join(items), "")


def wait(cmd: str, out: str, secs: float, job: str = "", code: int = 0) -> Step:
    return Step("wait" if job else "shell", cmd, out, code, extra=job, seconds=secs)


def body(eco: Eco, path: str) -> str:
    """The file as it is on disk: seeded by its path only, so every read of it prints the same text."""
    rng = random.Random(f"heldout3-file/{eco.name}/{path}")
    comment = (
        "--"
        if path.endswith((".hs", ".sql"))
        else "#"
        if path.endswith((".tf", ".yml", ".sh", ".py", ".conf"))
        else "//"
    )
    lines = [f"{comment} {path.rsplit('/', 1)[-1]}: part of the stacks lending service"]
    for k in range(rng.randint(14, 40)):
        lines.append(("    " if k % 3 else "") + rng.choice(eco.snippets))
    return "\n".join(lines)


def grep_hits(eco: Eco, pattern: str, rng: random.Random, files: int = 3) -> str:
    hits = []
    for path in sorted(rng.sample(eco.sources, min(files, len(eco.sources)))):
        lines = body(eco, path).splitlines()
        k = rng.randrange(1, len(lines))
        hits.append(f"{path}:{k + 1}:{lines[k].strip()}")
    return "\n".join(hits) if pattern else ""


def opening(eco: Eco, rng: random.Random, n: Noise, length: int, failing: str = "", built: bool = True) -> list[Step]:
    """`length` calls of ordinary useful work: orient, plan, read, search, build (unless the environment
    is about to break the build: `built=False`), run the tests."""
    pool = [
        sh(
            "git status --short && git log --oneline -5",
            f" M {rng.choice(eco.sources)}\n{n.hexs(7)} Renewals honour branch policy\n{n.hexs(7)} Bump deps\n{n.hexs(7)} Fines: grace days\n{n.hexs(7)} CI: cache toolchain\n{n.hexs(7)} Holds queue",
        ),
        todo("Reproduce the failure", "Find the cause", "Fix and add a test", "Run the full suite"),
        read(eco, eco.sources[0]),
        grep(rng.choice(("renew", "grace", "hold", "due", "isbn")), ".", grep_hits(eco, "x", rng)),
        read(eco, eco.sources[1]),
        sh(eco.build, eco.build_ok(n), secs=rng.uniform(5, 60)),
        read(eco, eco.sources[2]),
        sh(f"ls {eco.sources[0].rsplit('/', 1)[0]}", "\n".join(s.rsplit("/", 1)[-1] for s in eco.sources[:5])),
        read(eco, eco.sources[3]),
        grep(
            "TODO|FIXME",
            eco.sources[0].split("/")[0],
            f"{eco.sources[2]}:{rng.randint(5, 30)}:    TODO: branch-specific policy",
        ),
        read(eco, eco.sources[4]),
    ]
    head = [pool[0], pool[1]]
    rest = [step for step in pool[2:] if built or step.text != eco.build]
    rng.shuffle(rest)
    steps = (head + rest)[: max(1, length - (1 if failing else 0))]
    if failing:
        steps.append(
            sh(
                eco.test_one.format(t=failing),
                eco.test_fail(n, failing, "expected 2025-11-21, got 2025-11-20"),
                1,
                rng.uniform(3, 40),
            )
        )
    return steps[:length]
