"""The twenty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
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


def build() -> Built:
    return build_set("heldout25", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
