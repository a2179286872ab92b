"""The forty-fourth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout44 import episodes, loops_suite, loops_tests
from heldout44.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 44_044

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "regression-hopping": (loops_tests.regression_hopping, 8),
    "parametrize-case-seesaw": (loops_tests.parametrize_case_seesaw, 7),
    "shared-helper-ripple": (loops_tests.shared_helper_ripple, 7),
    "revert-redo-cycle": (loops_tests.revert_redo_cycle, 7),
    "suite-failures-migrate": (loops_suite.suite_failures_migrate, 7),
    "default-value-tug": (loops_suite.default_value_tug, 7),
    "exception-message-tug": (loops_suite.exception_message_tug, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "regression-traced-once": (episodes.regression_traced_once, 7),
    "both-cases-satisfied": (episodes.both_cases_satisfied, 7),
    "helper-callers-updated": (episodes.helper_callers_updated, 7),
    "suite-went-green": (episodes.suite_went_green, 7),
    "default-reconciled": (episodes.default_reconciled, 7),
    "message-matched": (episodes.message_matched, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout44", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
