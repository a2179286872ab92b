"""The thirty-fourth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout34 import episodes, loops_herring, loops_repro
from heldout34.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 34_034

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "seed-sweep-unreproduced": (loops_repro.seed_sweep_unreproduced, 8),
    "dependency-version-roulette": (loops_repro.dependency_version_roulette, 7),
    "env-toggle-repro": (loops_repro.env_toggle_repro, 7),
    "input-guessing-repro": (loops_repro.input_guessing_repro, 7),
    "deprecation-warning-herring": (loops_herring.deprecation_warning_herring, 7),
    "innocent-dependency-blamed": (loops_herring.innocent_dependency_blamed, 7),
    "log-line-herring": (loops_herring.log_line_herring, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "seed-found": (episodes.seed_found, 7),
    "version-reproduced": (episodes.version_reproduced, 7),
    "env-reproduced": (episodes.env_reproduced, 7),
    "warning-dismissed": (episodes.warning_dismissed, 7),
    "dependency-cleared": (episodes.dependency_cleared, 7),
    "input-matched": (episodes.input_matched, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout34", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
