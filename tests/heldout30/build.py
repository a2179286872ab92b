"""The thirtieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout30 import episodes, loops_env, loops_work
from heldout30.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 30_030

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "server-never-ready": (loops_env.server_never_ready, 7),
    "tox-interpreter-missing": (loops_env.tox_interpreter_missing, 7),
    "locale-unavailable": (loops_env.locale_unavailable, 7),
    "bisect-muddle": (loops_work.bisect_muddle, 7),
    "timing-noise-chase": (loops_work.timing_noise_chase, 7),
    "coverage-never-counts": (loops_work.coverage_never_counts, 7),
    "debugger-in-batch": (loops_work.debugger_in_batch, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "server-came-up": (episodes.server_came_up, 7),
    "bisect-landed": (episodes.bisect_landed, 7),
    "benchmark-settled": (episodes.benchmark_settled, 7),
    "coverage-reached": (episodes.coverage_reached, 7),
    "prints-after-pdb": (episodes.prints_after_pdb, 7),
    "install-retried": (episodes.install_retried, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout30", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
