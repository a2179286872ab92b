"""The forty-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout42 import episodes, loops_deps, loops_search
from heldout42.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 42_042

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "setting-name-hunt": (loops_search.setting_name_hunt, 8),
    "error-string-untraceable": (loops_search.error_string_untraceable, 7),
    "dynamic-attr-hunt": (loops_search.dynamic_attr_hunt, 7),
    "listing-sprawl": (loops_search.listing_sprawl, 7),
    "installed-copy-trawl": (loops_deps.installed_copy_trawl, 7),
    "vendored-copy-chase": (loops_deps.vendored_copy_chase, 7),
    "pickaxe-history-hunt": (loops_deps.pickaxe_history_hunt, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "setting-spelling-found": (episodes.setting_spelling_found, 7),
    "message-format-traced": (episodes.message_format_traced, 7),
    "installed-source-consulted": (episodes.installed_source_consulted, 7),
    "vendored-copy-pinned": (episodes.vendored_copy_pinned, 7),
    "dynamic-attr-located": (episodes.dynamic_attr_located, 7),
    "pickaxe-found-commit": (episodes.pickaxe_found_commit, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout42", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
