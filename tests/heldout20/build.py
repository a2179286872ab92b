"""The twentieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20 import episodes, loops_a, loops_b, loops_c, loops_d
from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout20.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 20_020

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "golden-file-churn": (loops_a.golden_file_churn, 7),
    "deprecation-cascade": (loops_a.deprecation_cascade, 7),
    "stale-lock": (loops_b.stale_lock, 7),
    "wrong-directory": (loops_b.wrong_directory, 7),
    "type-ping-pong": (loops_c.type_ping_pong, 7),
    "diff-review-loop": (loops_c.diff_review_loop, 7),
    "resolver-conflict": (loops_d.resolver_conflict, 8),
}


PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "golden-updated-once": (episodes.golden_updated_once, 7),
    "deprecations-cleared": (episodes.deprecations_cleared, 7),
    "lock-cleared": (episodes.lock_cleared, 7),
    "directory-fixed": (episodes.directory_fixed, 7),
    "conversion-fixed": (episodes.conversion_fixed, 7),
    "careful-review": (episodes.careful_review, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout20", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
