"""The sixty-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout61 import (
    episodes_env,
    episodes_pkg,
    loops_cycle,
    loops_entry,
    loops_lazy,
    loops_namespace,
    loops_optional,
    loops_registry,
    loops_shadow,
)
from heldout61.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 61_061

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "partial-init-import-cycle": (loops_cycle.partial_init_import_cycle, 8),
    "module-getattr-lazy-churn": (loops_lazy.module_getattr_lazy_churn, 7),
    "plugin-registry-stays-empty": (loops_registry.plugin_registry_stays_empty, 7),
    "entry-points-api-seesaw": (loops_entry.entry_points_api_seesaw, 7),
    "namespace-portion-hidden": (loops_namespace.namespace_portion_hidden, 7),
    "stdlib-shadow-rename-chase": (loops_shadow.stdlib_shadow_rename_chase, 7),
    "optional-import-guard-seesaw": (loops_optional.optional_import_guard_seesaw, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "cycle-import-moved-to-leaf": (episodes_pkg.cycle_import_moved_to_leaf, 7),
    "lazy-attr-cached-in-globals": (episodes_pkg.lazy_attr_cached_in_globals, 7),
    "registry-populated-on-import": (episodes_pkg.registry_populated_on_import, 7),
    "namespace-init-removed": (episodes_env.namespace_init_removed, 7),
    "shadow-file-renamed": (episodes_env.shadow_file_renamed, 7),
    "optional-dep-skipped-cleanly": (episodes_env.optional_dep_skipped_cleanly, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout61", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
