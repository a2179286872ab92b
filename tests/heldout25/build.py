"""The twenty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout20.calls import Session, Step, splice_episode, splice_loop
from heldout20.runs import Run, load_runs
from heldout20.sets import label, plain_returns, untouched, write_set
from heldout25 import episodes, loops_code, loops_env, loops_net
from heldout25.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 25_025

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "offline-network": (loops_net.offline_network, 7),
    "too-many-open-files": (loops_env.too_many_open_files, 7),
    "syntax-too-new": (loops_env.syntax_too_new, 7),
    "patch-rejected": (loops_code.patch_rejected, 7),
    "strict-xpass": (loops_code.strict_xpass, 7),
    "float-tolerance": (loops_code.float_tolerance, 7),
    "arg-list-too-long": (loops_net.arg_list_too_long, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "network-avoided": (episodes.network_avoided, 7),
    "files-closed": (episodes.files_closed, 7),
    "syntax-backported": (episodes.syntax_backported, 7),
    "patch-reapplied": (episodes.patch_reapplied, 7),
    "xpass-unmarked": (episodes.xpass_unmarked, 7),
    "tolerance-fixed": (episodes.tolerance_fixed, 7),
    "real-resolved": (untouched, 38),
}


def _old_python(run: Run) -> bool:
    """Runs whose environment predates the match statement and `X | Y` types (Python < 3.10)."""
    return loops_env.version(Ctx(run, 0)) < (3, 10)


# Families that only fit some runs; the rest fit any.
FITS: dict[str, Callable[[Run], bool]] = {"syntax-too-new": _old_python, "syntax-backported": _old_python}


def _take(pool: list[Run], count: int, family: str) -> list[Run]:
    """The first `count` runs of `pool` the family fits, taken out of the pool."""
    fits = FITS.get(family)
    taken = [run for run in pool if fits is None or fits(run)][:count]
    assert len(taken) == count, family
    for run in taken:
        pool.remove(run)
    return taken


def build() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(SEED)
    runs = load_runs()
    rng.shuffle(runs)
    wanted = sum(count for _, count in PRODUCTIVE.values())
    resolved = [run for run in runs if run.resolved and plain_returns(run)][:wanted]
    lent = {run.session for run in resolved}
    others = [run for run in runs if run.session not in lent and len(run.calls) > OPENING[1]]
    built = []
    for family, (loop, count) in LOOPS.items():
        for run in _take(others, count, family):
            name = f"heldout25/{family}/{run.session}"
            onset = rng.randint(*OPENING)
            session = Session(name, run, rng)
            splice_loop(session, onset, loop(Ctx(run, onset), rng, rng.randint(*TAIL)))
            built.append((label(name, family, onset), session.lines))
    for family, (episode, count) in PRODUCTIVE.items():
        for run in _take(resolved, count, family):
            name = f"heldout25/{family}/{run.session}"
            session = Session(name, run, rng)
            after = rng.choice(plain_returns(run))
            steps = episode(Ctx(run, after), rng)
            if steps:
                splice_episode(session, after, steps)
            else:
                for call in run.calls:
                    session.keep(call, [], 0, 0, 0.0)
            built.append((label(name, family, None), session.lines))
    return built


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
