"""The twenty-sixth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout26 import episodes, loops_process, loops_reading
from heldout26.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 26_026

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "misread-issue": (loops_reading.misread_issue, 7),
    "wrong-hypothesis": (loops_reading.wrong_hypothesis, 7),
    "cannot-reproduce": (loops_reading.cannot_reproduce, 7),
    "scope-creep": (loops_process.scope_creep, 7),
    "wrong-test-selected": (loops_process.wrong_test_selected, 7),
    "over-verification": (loops_process.over_verification, 7),
    "stash-tangle": (loops_process.stash_tangle, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "issue-reread": (episodes.issue_reread, 7),
    "hypothesis-dropped": (episodes.hypothesis_dropped, 7),
    "reproduced-exactly": (episodes.reproduced_exactly, 7),
    "change-narrowed": (episodes.change_narrowed, 7),
    "test-located": (episodes.test_located, 7),
    "baseline-compared": (episodes.baseline_compared, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout26", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
