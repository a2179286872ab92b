"""The fifty-fourth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout54 import episodes, loops_budget, loops_calls, loops_queries
from heldout54.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 54_054

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "assert-num-queries-drift": (loops_queries.assert_num_queries_drift, 8),
    "n-plus-one-persists": (loops_queries.n_plus_one_persists, 7),
    "mock-called-once-drift": (loops_calls.mock_called_once_drift, 7),
    "pytest-timeout-overrun": (loops_budget.pytest_timeout_overrun, 7),
    "tracemalloc-peak-over-limit": (loops_budget.tracemalloc_peak_over_limit, 7),
    "growth-ratio-superlinear": (loops_budget.growth_ratio_superlinear, 7),
    "cache-info-hits-shortfall": (loops_calls.cache_info_hits_shortfall, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "select-related-added": (episodes.select_related_added, 7),
    "prefetch-filter-moved": (episodes.prefetch_filter_moved, 7),
    "duplicate-call-removed": (episodes.duplicate_call_removed, 7),
    "quadratic-scan-replaced": (episodes.quadratic_scan_replaced, 7),
    "peak-memory-streamed": (episodes.peak_memory_streamed, 7),
    "recursion-memoized": (episodes.recursion_memoized, 7),
    "real-resolved": (untouched, 38),
}


def _django(run: Run) -> bool:
    return run.owner == "django"


def _not_django(run: Run) -> bool:
    return run.owner != "django"


# The query-count families need Django's ORM and test runner; pytest-timeout is a pytest plugin.
FITS: dict[str, Callable[[Run], bool]] = {
    "assert-num-queries-drift": _django,
    "n-plus-one-persists": _django,
    "pytest-timeout-overrun": _not_django,
    "select-related-added": _django,
    "prefetch-filter-moved": _django,
}


def build() -> Built:
    return build_set("heldout54", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
