"""The twenty-seventh held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout27 import episodes, loops_build, loops_network, loops_platform, loops_system
from heldout27.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 27_027

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "read-only-mount": (loops_build.read_only_mount, 7),
    "rustc-too-old": (loops_build.rustc_too_old, 7),
    "tex-missing": (loops_platform.tex_missing, 7),
    "container-runtime-unavailable": (loops_platform.container_runtime_unavailable, 7),
    "locale-not-generated": (loops_system.locale_not_generated, 7),
    "process-limit": (loops_system.process_limit, 7),
    "api-rate-limited": (loops_network.api_rate_limited, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "mount-sidestepped": (episodes.mount_sidestepped, 7),
    "binary-wheel-chosen": (episodes.binary_wheel_chosen, 7),
    "locale-fallback": (episodes.locale_fallback, 7),
    "rate-limit-waited": (episodes.rate_limit_waited, 7),
    "workers-reduced": (episodes.workers_reduced, 7),
    "tex-skipped": (episodes.tex_skipped, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout27", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
