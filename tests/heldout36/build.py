"""The thirty-sixth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout36 import episodes, loops_history, loops_tree
from heldout36.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 36_036

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "rebase-conflict-recurs": (loops_history.rebase_conflict_recurs, 7),
    "mailbox-patch-never-applies": (loops_history.mailbox_patch_never_applies, 7),
    "detached-work-rescued-again": (loops_history.detached_work_rescued_again, 7),
    "stash-pop-reconflict": (loops_history.stash_pop_reconflict, 8),
    "precommit-rewrite-cycle": (loops_tree.precommit_rewrite_cycle, 7),
    "submodule-pointer-drift": (loops_tree.submodule_pointer_drift, 7),
    "line-ending-churn": (loops_tree.line_ending_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "rebase-continued": (episodes.rebase_continued, 7),
    "patch-applied-3way": (episodes.patch_applied_3way, 7),
    "hook-satisfied": (episodes.hook_satisfied, 7),
    "reflog-recovered-once": (episodes.reflog_recovered_once, 7),
    "submodule-synced": (episodes.submodule_synced, 7),
    "crlf-normalized-once": (episodes.crlf_normalized_once, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout36", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
