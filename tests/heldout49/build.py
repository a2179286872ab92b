"""The forty-ninth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout49 import episodes, loops_cache, loops_import, loops_runner, loops_singleton
from heldout49.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 49_049

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "memoized-value-persists": (loops_cache.memoized_value_persists, 8),
    "cached-property-pinned": (loops_cache.cached_property_pinned, 7),
    "registry-residue": (loops_singleton.registry_residue, 7),
    "import-time-env-capture": (loops_import.import_time_env_capture, 7),
    "reload-class-identity-split": (loops_import.reload_class_identity_split, 7),
    "lastfailed-mirage": (loops_runner.lastfailed_mirage, 7),
    "shared-fixture-mutated": (loops_runner.shared_fixture_mutated, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "lru-cache-keyed": (episodes.lru_cache_cleared, 7),
    "cached-property-invalidated": (episodes.cached_property_invalidated, 7),
    "env-read-per-call": (episodes.env_read_per_call, 7),
    "reload-replaced-by-patch": (episodes.reload_replaced, 7),
    "fixture-scope-narrowed": (episodes.fixture_scope_narrowed, 7),
    "lastfailed-cache-cleared": (episodes.lastfailed_cleared, 7),
    "real-resolved": (untouched, 38),
}


def _pytest(run: Run) -> bool:
    """Whether the run's repository tests with pytest (Django's own runner has no fixtures or --lf)."""
    return run.owner != "django"


FITS: dict[str, Callable[[Run], bool]] = {
    "lastfailed-mirage": _pytest,
    "shared-fixture-mutated": _pytest,
    "fixture-scope-narrowed": _pytest,
    "lastfailed-cache-cleared": _pytest,
}


def build() -> Built:
    return build_set("heldout49", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
