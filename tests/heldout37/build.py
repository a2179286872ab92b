"""The thirty-seventh held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout37 import episodes, loops_docs, loops_pkg
from heldout37.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 37_037

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "sphinx-nitpick-drift": (loops_docs.sphinx_nitpick_drift, 7),
    "doctest-never-matches": (loops_docs.doctest_never_matches, 7),
    "twine-check-rejected": (loops_docs.twine_check_rejected, 7),
    "metadata-validation-churn": (loops_pkg.metadata_validation_churn, 7),
    "entry-point-not-found": (loops_pkg.entry_point_not_found, 8),
    "scm-version-shallow": (loops_pkg.scm_version_shallow, 7),
    "wheel-tag-unsupported": (loops_pkg.wheel_tag_unsupported, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "nitpick-cleared": (episodes.nitpick_cleared, 7),
    "doctest-normalized": (episodes.doctest_normalized, 7),
    "metadata-corrected": (episodes.metadata_corrected, 7),
    "entry-point-registered": (episodes.entry_point_registered, 7),
    "scm-version-pretended": (episodes.scm_version_pretended, 7),
    "wheel-rebuilt": (episodes.wheel_rebuilt, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout37", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
