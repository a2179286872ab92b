"""The thirty-ninth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout39 import episodes, loops_arrays, loops_frames
from heldout39.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 39_039

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "broadcast-shape-mismatch": (loops_arrays.broadcast_shape_mismatch, 7),
    "nan-propagation-chase": (loops_arrays.nan_propagation_chase, 8),
    "int-overflow-wraparound": (loops_arrays.int_overflow_wraparound, 7),
    "numpy-alias-removed": (loops_arrays.numpy_alias_removed, 7),
    "frame-method-removed": (loops_frames.frame_method_removed, 7),
    "chained-assignment-chase": (loops_frames.chained_assignment_chase, 7),
    "headless-backend-wall": (loops_frames.headless_backend_wall, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "broadcast-aligned": (episodes.broadcast_aligned, 7),
    "nan-masked": (episodes.nan_masked, 7),
    "overflow-widened": (episodes.overflow_widened, 7),
    "aliases-replaced": (episodes.aliases_replaced, 7),
    "concat-migrated": (episodes.concat_migrated, 7),
    "agg-backend-set": (episodes.agg_backend_set, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout39", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
