"""The thirty-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout32 import episodes, loops_mind, loops_swing
from heldout32.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 32_032

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "two-fix-alternation": (loops_swing.two_fix_alternation, 7),
    "file-seesaw": (loops_swing.file_seesaw, 7),
    "boundary-flip-flop": (loops_swing.boundary_flip_flop, 7),
    "raise-or-warn-swing": (loops_swing.raise_or_warn_swing, 7),
    "hypothesis-carousel": (loops_mind.hypothesis_carousel, 8),
    "plan-rederived": (loops_mind.plan_rederived, 7),
    "import-placement-swing": (loops_mind.import_placement_swing, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "fix-moved-to-caller": (episodes.fix_moved_to_caller, 7),
    "helper-signature-aligned": (episodes.helper_signature_aligned, 7),
    "hypothesis-confirmed": (episodes.hypothesis_confirmed, 7),
    "boundary-tabled": (episodes.boundary_tabled, 7),
    "failures-narrowed": (episodes.failures_narrowed, 7),
    "import-deferred": (episodes.import_deferred, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout32", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
