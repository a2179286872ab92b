"""The twenty-fourth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout20.calls import Step
from heldout20.runs import Run, load_runs
from heldout20.sets import plain_returns, spliced_episode, spliced_loop, untouched, write_set
from heldout24 import (
    episodes,
    loops_dtype,
    loops_env,
    loops_pickle,
    loops_regex,
    loops_seed,
    loops_signal,
    loops_unicode,
)
from heldout24.text import SCIENTIFIC, Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 24_024

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "pickle-incompatibility": (loops_pickle.pickle_incompatibility, 7),
    "catastrophic-regex": (loops_regex.catastrophic_regex, 7),
    "unicode-normalization": (loops_unicode.unicode_normalization, 7),
    "seed-misplaced": (loops_seed.seed_misplaced, 7),
    "dtype-drift": (loops_dtype.dtype_drift, 7),
    "subprocess-env-leak": (loops_env.subprocess_env_leak, 7),
    "signal-handling": (loops_signal.signal_handling, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "pickle-regenerated": (episodes.pickle_regenerated, 7),
    "regex-anchored": (episodes.regex_anchored, 7),
    "normalized-once": (episodes.normalized_once, 7),
    "seed-fixed": (episodes.seed_fixed, 7),
    "dtype-cast": (episodes.dtype_cast, 7),
    "env-passed": (episodes.env_passed, 7),
    "real-resolved": (untouched, 38),
}


def _frames(run: Run) -> bool:
    """Runs whose environment has pandas, so a test may compare data frames."""
    return run.owner in SCIENTIFIC


# Families that only fit some runs; the rest fit any.
FITS: dict[str, Callable[[Run], bool]] = {"dtype-drift": _frames, "dtype-cast": _frames}


def _take(pool: list[Run], count: int, family: str) -> list[Run]:
    """The first `count` runs of `pool` the family fits, taken out of the pool."""
    fits = FITS.get(family)
    taken = [run for run in pool if fits is None or fits(run)][:count]
    assert len(taken) == count, family
    for run in taken:
        pool.remove(run)
    return taken


def _lend(families: dict[str, tuple[Any, int]], pool: list[Run]) -> dict[str, list[Run]]:
    """Each family's runs, the families with a narrow fit served first, then the rest in their listed order."""
    order = sorted(families, key=lambda family: family not in FITS)
    lent = {family: _take(pool, families[family][1], family) for family in order}
    return {family: lent[family] for family in families}


def build() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(SEED)
    runs = load_runs()
    rng.shuffle(runs)
    wanted = sum(count for _, count in PRODUCTIVE.values())
    resolved = [run for run in runs if run.resolved and plain_returns(run)][:wanted]
    lent = {run.session for run in resolved}
    others = [run for run in runs if run.session not in lent and len(run.calls) > OPENING[1]]
    built = []
    for family, taken in _lend(LOOPS, others).items():
        loop = LOOPS[family][0]
        for run in taken:
            name = f"heldout24/{family}/{run.session}"
            built.append(spliced_loop(name, family, run, rng, loop, Ctx, OPENING, TAIL))
    for family, taken in _lend(PRODUCTIVE, resolved).items():
        episode = PRODUCTIVE[family][0]
        for run in taken:
            name = f"heldout24/{family}/{run.session}"
            built.append(spliced_episode(name, family, run, rng, episode, Ctx))
    return built


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
