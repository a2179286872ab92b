"""The twenty-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout21 import (
    episodes_code,
    episodes_env,
    loops_abi,
    loops_credentials,
    loops_disk,
    loops_hang,
    loops_library,
    loops_order,
    loops_output,
)
from heldout21.text import SCIENTIFIC, Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 21_021

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "disk-full": (loops_disk.disk_full, 7),
    "missing-shared-library": (loops_library.missing_shared_library, 7),
    "hang-timeout": (loops_hang.hang_timeout, 7),
    "test-order-dependence": (loops_order.test_order_dependence, 7),
    "nondeterministic-output": (loops_output.nondeterministic_output, 7),
    "binary-incompatibility": (loops_abi.binary_incompatibility, 7),
    "credentials-missing": (loops_credentials.credentials_missing, 8),
}


PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "space-freed": (episodes_env.space_freed, 7),
    "library-avoided": (episodes_env.library_avoided, 7),
    "hang-found": (episodes_code.hang_found, 7),
    "isolation-fixed": (episodes_code.isolation_fixed, 7),
    "output-sorted": (episodes_code.output_sorted, 7),
    "extension-rebuilt": (episodes_env.extension_rebuilt, 7),
    "real-resolved": (untouched, 38),
}


def _compiled(run: Run) -> bool:
    """Runs whose environment has a compiled extension an ABI can break: numpy's stack, or Django's sqlite3."""
    return run.owner in SCIENTIFIC or run.owner == "django"


# Families that only fit some runs; the rest fit any.
FITS: dict[str, Callable[[Run], bool]] = {"binary-incompatibility": _compiled, "extension-rebuilt": _compiled}


def build() -> Built:
    return build_set("heldout21", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
