"""HELDOUT7: the seventh held-out set, spliced from the dev set's real runs and frozen before any replay.

`write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md, calls in time
order as the dev set has them. Every random choice comes from a string seed, so the set is the same on
every machine and Python version (given the same dev set).
"""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from heldout_writer import Line, label

from . import blocked, loops, splice, work_a, work_b
from .context import Ctx
from .runs import Run, runs
from .shell import Step
from .sources import is_test, repo_files

NAME = "heldout7"
Loop = Callable[[Ctx, int, int], list[Step]]
Work = Callable[[Ctx, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-blocked": (blocked.env_blocked, 12),
    "unfixable-bug": (loops.unfixable_bug, 9),
    "long-cycle": (loops.long_cycle, 8),
    "reread": (loops.reread, 7),
    "stubborn-retry": (loops.stubborn_retry, 7),
    "flip-flop": (loops.flip_flop, 7),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work_a.retry_recover, 8),
    "polling": (work_a.polling, 8),
    "fixable-env": (work_a.fixable_env, 7),
    "long-exploration": (work_a.long_exploration, 7),
    "print-debug": (work_b.print_debug, 7),
    "tdd": (work_b.tdd, 7),
    "refactor-check": (work_b.refactor_check, 7),
    "suite-rerun": (work_b.suite_rerun, 7),
}
UNTOUCHED = 22  # real resolved runs relabelled `real-resolved`, as they are
_WIDE = ("django", "sympy", "sphinx", "matplotlib", "sklearn", "xarray", "pytest")  # enough files to explore


class _Pool:
    """Dev runs not used yet, by repository; each draw rotates over the repositories so every family
    spreads over them (Django, half the dev set, comes up as often as two others together)."""

    def __init__(self, rng: random.Random) -> None:
        self.by_repo: dict[str, list[Run]] = defaultdict(list)
        for run in runs().values():
            if _own(run):
                self.by_repo[run.repo].append(run)
        for found in self.by_repo.values():
            rng.shuffle(found)
        self.turns = [
            "django",
            "sympy",
            "django",
            "sphinx",
            "matplotlib",
            "django",
            "sklearn",
            "xarray",
            "django",
            "pytest",
            "astropy",
            "requests",
            "pylint",
        ]
        self.turn = 0

    def draw(self, fits: Callable[[Run], bool]) -> Run:
        for _ in range(2 * len(self.turns)):
            repo = self.turns[self.turn % len(self.turns)]
            self.turn += 1
            for run in self.by_repo[repo]:
                if fits(run):
                    self.by_repo[repo].remove(run)
                    return run
        raise LookupError("no dev run fits")


def _loop_fits(family: str, kind: str) -> Callable[[Run], bool]:
    """A loop's opening must be exploration (no edit of a file yet); env-blocked walls need their kind of repository."""
    return lambda run: run.first_edit() >= 4 and (family != "env-blocked" or blocked.fits(kind, run.repo))


def _work_fits(family: str) -> Callable[[Run], bool]:
    """Productive episodes go into resolved runs long enough to go on after them."""
    wide = family == "long-exploration"
    return lambda run: run.resolved and len(run.lines) >= 8 and (not wide or run.repo in _WIDE)


def _opening(run: Run, rng: random.Random) -> int:
    return rng.randint(4, min(15, run.first_edit(), len(run.lines) - 1))


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    pool = _Pool(random.Random(f"{NAME}/pool"))
    found: list[tuple[Line, list[Line]]] = []
    for family, (make, count) in LOOPS.items():
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            run = pool.draw(_loop_fits(family, blocked.KINDS[i % len(blocked.KINDS)]))
            k = _opening(run, rng)
            ctx = Ctx.of(run, k, rng)
            session = f"{NAME}/{family}/{run.instance}#{i}"
            steps = make(ctx, rng.randint(16, 41), i)
            found.append((label(session, family, k), splice.loop(session, run, k, steps, rng)))
    for family, (work, count) in PRODUCTIVE.items():
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            run = pool.draw(_work_fits(family))
            k = rng.randint(4, min(15, len(run.lines) - 3))
            ctx = Ctx.of(run, k, rng)
            session = f"{NAME}/{family}/{run.instance}#{i}"
            found.append((label(session, family, None), splice.insert(session, run, k, work(ctx, i), rng)))
    for i in range(UNTOUCHED):
        run = pool.draw(lambda r: r.resolved)
        session = f"{NAME}/real-resolved/{run.instance}#{i}"
        found.append((label(session, "real-resolved", None), splice.real(session, run)))
    return found


def _own(run: Run) -> list[str]:
    return [p for p in repo_files(run.repo) if p.endswith(".py") and not is_test(p)]


def write(directory: Path) -> Path:
    """`calls.jsonl.gz` (calls of all sessions in time order, as in the dev set) and `labels.jsonl`."""
    built = sessions()
    ordered = sorted(
        (line for _, lines in built for line in lines), key=lambda line: (line["ts"], line["session"], line["seq"])
    )
    directory.mkdir(parents=True, exist_ok=True)
    with gzip.open(directory / "calls.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in ordered)
    with (directory / "labels.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(labelled) + "\n" for labelled, _ in built)
    return directory / "calls.jsonl.gz"


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
