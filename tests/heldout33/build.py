"""The thirty-third held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout33 import episodes, loops_target, loops_tooling
from heldout33.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 33_033

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "generated-file-overwritten": (loops_tooling.generated_file_overwritten, 7),
    "lint-ignore-whackamole": (loops_tooling.lint_ignore_whackamole, 7),
    "changelog-fragment-fight": (loops_tooling.changelog_fragment_fight, 7),
    "endless-polish": (loops_tooling.endless_polish, 8),
    "wrong-copy-edited": (loops_target.wrong_copy_edited, 7),
    "overridden-method-edited": (loops_target.overridden_method_edited, 7),
    "test-expectation-bending": (loops_target.test_expectation_bending, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "regenerated-from-source": (episodes.regenerated_from_source, 7),
    "real-source-found": (episodes.real_source_found, 7),
    "test-reverted-code-fixed": (episodes.test_reverted_code_fixed, 7),
    "lint-cleaned": (episodes.lint_cleaned, 7),
    "changelog-added": (episodes.changelog_added, 7),
    "polish-bounded": (episodes.polish_bounded, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout33", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
