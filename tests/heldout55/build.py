"""The fifty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout55 import episodes, loops_files, loops_names, loops_paths
from heldout55.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 55_055

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "relative-data-path-drift": (loops_paths.relative_data_path_drift, 8),
    "symlink-realpath-mismatch": (loops_paths.symlink_realpath_mismatch, 7),
    "trailing-slash-seesaw": (loops_names.trailing_slash_seesaw, 7),
    "pathlike-type-whack": (loops_names.pathlike_type_whack, 7),
    "tempdir-cleanup-residue": (loops_files.tempdir_cleanup_residue, 7),
    "listdir-order-chase": (loops_files.listdir_order_chase, 7),
    "umask-mode-mismatch": (loops_files.umask_mode_mismatch, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "data-path-anchored": (episodes.data_path_anchored, 7),
    "symlink-sides-resolved": (episodes.symlink_sides_resolved, 7),
    "tmp-path-adopted": (episodes.tmp_path_adopted, 7),
    "trailing-slash-stripped-once": (episodes.trailing_slash_stripped_once, 7),
    "glob-sorted-at-source": (episodes.glob_sorted_at_source, 7),
    "mode-set-explicitly": (episodes.mode_set_explicitly, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout55", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
