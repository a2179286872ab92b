"""The twenty-eighth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout28 import episodes, loops_cycle, loops_history, loops_measure
from heldout28.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 28_028

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "patch-rotation": (loops_cycle.patch_rotation, 7),
    "apply-revert-recheck": (loops_cycle.apply_revert_recheck, 7),
    "reinstall-ritual": (loops_cycle.reinstall_ritual, 7),
    "bisect-restart": (loops_history.bisect_restart, 7),
    "benchmark-noise-chase": (loops_measure.benchmark_noise_chase, 7),
    "coverage-never-moves": (loops_measure.coverage_never_moves, 7),
    "stress-rerun-cycle": (loops_measure.stress_rerun_cycle, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "patch-settled": (episodes.patch_settled, 7),
    "editable-refreshed": (episodes.editable_refreshed, 7),
    "speedup-reached": (episodes.speedup_reached, 7),
    "bisect-landed": (episodes.bisect_landed, 7),
    "coverage-closed": (episodes.coverage_closed, 7),
    "background-polled": (episodes.background_polled, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout28", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
