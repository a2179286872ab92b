"""The fifty-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout52 import episodes, loops_handlers, loops_names, loops_warns
from heldout52.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 52_052

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "propagate-flag-seesaw": (loops_handlers.propagate_flag_seesaw, 8),
    "handler-stacking-duplicates": (loops_handlers.handler_stacking_duplicates, 7),
    "logger-name-hierarchy-chase": (loops_names.logger_name_hierarchy_chase, 7),
    "effective-level-drift": (loops_names.effective_level_drift, 7),
    "assertlogs-output-drift": (loops_names.assertlogs_output_drift, 7),
    "warns-category-mismatch": (loops_warns.warns_category_mismatch, 7),
    "warnings-filter-precedence-fight": (loops_warns.warnings_filter_precedence_fight, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "propagation-restored": (episodes.propagation_restored, 7),
    "handler-added-once": (episodes.handler_added_once, 7),
    "logger-name-from-module": (episodes.logger_name_from_module, 7),
    "debug-level-traced": (episodes.debug_level_traced, 7),
    "warns-category-corrected": (episodes.warns_category_corrected, 7),
    "deprecated-callers-migrated": (episodes.deprecated_callers_migrated, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout52", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
