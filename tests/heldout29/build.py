"""The twenty-ninth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout29 import episodes, loops_debug, loops_digging, loops_quality
from heldout29.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 29_029

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "counterexample-chase": (loops_quality.counterexample_chase, 7),
    "log-capture-miss": (loops_quality.log_capture_miss, 7),
    "coverage-chase": (loops_quality.coverage_chase, 7),
    "stray-breakpoint": (loops_debug.stray_breakpoint, 7),
    "leak-hunt": (loops_debug.leak_hunt, 7),
    "timing-noise-chase": (loops_digging.timing_noise_chase, 7),
    "dependency-source-dive": (loops_digging.dependency_source_dive, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "counterexample-fixed": (episodes.counterexample_fixed, 7),
    "caplog-fixed": (episodes.caplog_fixed, 7),
    "benchmark-polled": (episodes.benchmark_polled, 7),
    "leak-ruled-out": (episodes.leak_ruled_out, 7),
    "dependency-read": (episodes.dependency_read, 7),
    "breakpoint-removed": (episodes.breakpoint_removed, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout29", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
