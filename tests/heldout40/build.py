"""The fortieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout40 import episodes, loops_async, loops_mp
from heldout40.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 40_040

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "unpicklable-worker-target": (loops_mp.unpicklable_worker_target, 7),
    "spawn-main-guard-missing": (loops_mp.spawn_main_guard_missing, 7),
    "pool-join-deadlock": (loops_mp.pool_join_deadlock, 8),
    "zombie-children-accumulate": (loops_mp.zombie_children_accumulate, 7),
    "threadsafe-counter-race": (loops_async.threadsafe_counter_race, 7),
    "event-loop-closed": (loops_async.event_loop_closed, 7),
    "future-attached-different-loop": (loops_async.future_attached_different_loop, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "worker-made-picklable": (episodes.worker_made_picklable, 7),
    "main-guard-added": (episodes.main_guard_added, 7),
    "deadlock-drained": (episodes.deadlock_drained, 7),
    "race-locked": (episodes.race_locked, 7),
    "loop-scope-aligned": (episodes.loop_scope_aligned, 7),
    "children-reaped": (episodes.children_reaped, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout40", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
