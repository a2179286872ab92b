"""The forty-third held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
The families are Django's test database, so all but one are kept to Django runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout43 import episodes, loops_locks, loops_schema
from heldout43.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 43_043

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "sqlite-database-locked": (loops_locks.sqlite_database_locked, 7),
    "db-server-refused": (loops_locks.db_server_refused, 8),
    "sqlite-json1-missing": (loops_locks.sqlite_json1_missing, 7),
    "transaction-test-leak": (loops_schema.transaction_test_leak, 7),
    "migration-graph-tangle": (loops_schema.migration_graph_tangle, 7),
    "backend-results-diverge": (loops_schema.backend_results_diverge, 7),
    "fixture-rows-wrong": (loops_schema.fixture_rows_wrong, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "sqlite-settings-selected": (episodes.sqlite_settings_selected, 7),
    "on-commit-captured": (episodes.on_commit_captured, 7),
    "migration-dependency-repointed": (episodes.migration_dependency_repointed, 7),
    "ordering-made-explicit": (episodes.ordering_made_explicit, 7),
    "fixture-pk-corrected": (episodes.fixture_pk_corrected, 7),
    "locking-process-stopped": (episodes.locking_process_stopped, 7),
    "real-resolved": (untouched, 38),
}


def _django(run: Run) -> bool:
    return run.owner == "django"


FITS: dict[str, Callable[[Run], bool]] = {
    family: _django for family in [*LOOPS, *PRODUCTIVE] if family not in ("locking-process-stopped", "real-resolved")
}


def build() -> Built:
    return build_set("heldout43", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
