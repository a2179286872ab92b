"""HELDOUT9: real gemini-3-pro mini-swe-agent runs (the dev traces) with new loop families and hard
negatives spliced in, written and frozen before any replay.

`write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` (docs/trace-format.md). A loop keeps
a real run's first 3–20 calls, then 12–45 calls of the loop (`loop_from_seq` = the first of them).
Productive work is an episode answered after call k of a real resolved run, the run's own calls
following. Every random draw comes from a string seed, so the set is the same on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from heldout_writer import Line, label
from heldout_writer import write as write_set

from . import env_install, loops_dump, loops_edit, loops_env, loops_round, session, work_code, work_wait
from .dev import Run, runs
from .instance import Instance, instance
from .protocol import Step

NAME = "heldout9"
Builder = Callable[[Instance, random.Random, int], list[Step]]


def _env(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    """One blocker per session, the compiled-extension one only where the project has one."""
    usable = [b for b in loops_env.BLOCKERS if b is not env_install.compiled or inst.repo.extension]
    return loops_env.env_unfixable(inst, rng, rng.choice(usable), n)


LOOPS: dict[str, tuple[Builder, int]] = {
    "env-unfixable": (_env, 12),
    "same-failure-new-edits": (loops_edit.same_failure_new_edits, 10),
    "long-cycle": (loops_round.long_cycle, 8),
    "context-dump": (loops_dump.context_dump, 7),
    "revert-reapply": (loops_edit.revert_reapply, 6),
    "retry-storm": (loops_round.retry_storm, 7),
}
PRODUCTIVE: dict[str, tuple[Builder, int]] = {
    "transient-then-ok": (work_wait.transient_then_ok, 9),
    "background-wait": (work_wait.background_wait, 8),
    "env-fixed": (work_wait.env_fixed, 8),
    "deep-exploration": (work_code.deep_exploration, 8),
    "debug-prints": (work_code.debug_prints, 7),
    "red-green": (work_code.red_green, 7),
    "multi-file-refactor": (work_code.multi_file_refactor, 7),
}
UNTOUCHED = 26  # real resolved runs as they are (family real-resolved)


class _Pool:
    """Dev runs handed out once each, repos drawn in proportion to the root of what is left."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_repo: dict[str, list[Run]] = {}
        for name in sorted(runs()):
            run = runs()[name]
            self.by_repo.setdefault(run.repo, []).append(run)
        for found in self.by_repo.values():
            rng.shuffle(found)

    def take(self, fits: Callable[[Run], bool]) -> Run:
        repos = [repo for repo, found in sorted(self.by_repo.items()) if any(fits(run) for run in found)]
        repo = self.rng.choices(repos, weights=[len(self.by_repo[r]) ** 0.5 for r in repos])[0]
        run = next(run for run in self.by_repo[repo] if fits(run))
        self.by_repo[repo].remove(run)
        return run


def _editable(run: Run, files: int) -> bool:
    """The runs saw enough of the fixed file to edit it, and `files` other files of the project."""
    inst = instance(run)
    return len(inst.lines(inst.source)) >= 40 and len(inst.neighbours()) >= files


def _fits(run: Run, calls: int, resolved: bool, files: int = 0) -> bool:
    """A run long enough for the splice, resolved when its rest must stay productive, editable."""
    return len(run.calls) >= calls and (run.family == "real-resolved" or not resolved) and _editable(run, files)


def _slip(steps: list[Step], rng: random.Random) -> list[Step]:
    """Now and then the model writes its command twice and the harness rejects the answer."""
    if rng.random() > 0.25:
        return steps
    at = rng.randrange(len(steps))
    return [*steps[:at], replace(steps[at], repeated_block=True, seconds=0.0), *steps[at:]]


def sessions() -> list[tuple[Line, list[Line]]]:
    pool = _Pool(random.Random(f"{NAME}/pool"))
    built: list[tuple[Line, list[Line]]] = []
    for family, (loop, count) in LOOPS.items():
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            k = rng.randint(3, 20)
            run = pool.take(partial(_fits, calls=k + 1, resolved=False))
            name = f"{NAME}/{family}/{run.instance}#{i}"
            steps = loop(instance(run), rng, rng.randint(12, 45))
            steps = _slip(steps, rng)[: max(12, len(steps))]
            built.append((label(name, family, k), session.loop(run, name, k, steps, rng)))
    for family, (work, count) in PRODUCTIVE.items():
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            k = rng.randint(3, 20)
            files = 25 if family in ("deep-exploration", "multi-file-refactor") else 0
            run = pool.take(partial(_fits, calls=k + 4, resolved=True, files=files))
            name = f"{NAME}/{family}/{run.instance}#{i}"
            steps = _slip(work(instance(run), rng, 0), rng)
            built.append((label(name, family, None), session.productive(run, name, k, steps, rng)))
    for i in range(UNTOUCHED):
        run = pool.take(lambda r: r.family == "real-resolved")
        name = f"{NAME}/real-resolved/{run.instance}#{i}"
        built.append((label(name, "real-resolved", None), session.real(run, name)))
    return built


def write(directory: Path) -> Path:
    return write_set(directory, sessions())
