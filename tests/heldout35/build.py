"""The thirty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout35 import episodes, loops_compute, loops_memory
from heldout35.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 35_035

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "big-fixture-memoryerror": (loops_memory.big_fixture_memoryerror, 7),
    "huge-file-thrash": (loops_memory.huge_file_thrash, 7),
    "recursion-limit-bumping": (loops_memory.recursion_limit_bumping, 7),
    "dataloader-shm-bus-error": (loops_memory.dataloader_shm_bus_error, 7),
    "suite-subset-timeouts": (loops_compute.suite_subset_timeouts, 8),
    "cuda-on-cpu-only": (loops_compute.cuda_on_cpu_only, 7),
    "xdist-workers-crashing": (loops_compute.xdist_workers_crashing, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "fixture-shrunk": (episodes.fixture_shrunk, 7),
    "subset-found": (episodes.subset_found, 7),
    "cpu-fallback": (episodes.cpu_fallback, 7),
    "streamed-read": (episodes.streamed_read, 7),
    "xdist-disabled": (episodes.xdist_disabled, 7),
    "recursion-made-iterative": (episodes.recursion_made_iterative, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout35", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
