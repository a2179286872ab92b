"""The seventy-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
Migrations are Django's, so the families are spliced into the Django runs only; the untouched resolved
runs come from every repository.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run, load_runs
from heldout20.sets import Built, plain_returns, spliced_episode, spliced_loop, take, untouched, write_set
from heldout71 import (
    episodes_data,
    episodes_project,
    loops_autodetect,
    loops_data,
    loops_detect,
    loops_leaf,
    loops_null,
    loops_squash,
    loops_syncdb,
)
from heldout71.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 71_071
NAME = "heldout71"

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "makemigrations-redetects-alter": (loops_detect.makemigrations_redetects_alter, 8),
    "autodetector-ops-drift": (loops_autodetect.autodetector_ops_drift, 7),
    "leaf-conflict-renumbering": (loops_leaf.leaf_conflict_renumbering, 7),
    "squash-replaces-tangle": (loops_squash.squash_replaces_tangle, 7),
    "runpython-historical-model-gap": (loops_data.runpython_historical_model_gap, 7),
    "not-null-default-seesaw": (loops_null.not_null_default_seesaw, 7),
    "fake-initial-table-clash": (loops_syncdb.fake_initial_table_clash, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "choices-order-pinned": (episodes_project.choices_order_pinned, 7),
    "leaves-merged-once": (episodes_project.leaves_merged_once, 7),
    "squash-ported-and-cut": (episodes_project.squash_ported_and_cut, 7),
    "backfill-through-get-model": (episodes_data.backfill_through_get_model, 7),
    "nullable-backfill-tighten": (episodes_data.nullable_backfill_tighten, 7),
    "autodetector-rename-fixed": (episodes_data.autodetector_rename_fixed, 7),
    "real-resolved": (untouched, 38),
}


def _django(run: Run) -> bool:
    return run.owner == "django"


def build() -> Built:
    """The sessions: the families' runs are Django's, lent one each; the untouched resolved runs are drawn from all."""
    rng = random.Random(SEED)
    runs = load_runs()
    rng.shuffle(runs)
    resolved = [run for run in runs if run.resolved and plain_returns(run)]
    themed = take(resolved, sum(count for _, count in PRODUCTIVE.values()) - PRODUCTIVE["real-resolved"][1], _django)
    plain = take(resolved, PRODUCTIVE["real-resolved"][1])
    lent = {run.session for run in themed + plain}
    others = [run for run in runs if run.session not in lent and len(run.calls) > OPENING[1]]
    built: Built = []
    for family, (loop, count) in LOOPS.items():
        for run in take(others, count, _django):
            built.append(spliced_loop(f"{NAME}/{family}/{run.session}", family, run, rng, loop, Ctx, OPENING, TAIL))
    for family, (episode, count) in PRODUCTIVE.items():
        for run in take(plain if family == "real-resolved" else themed, count):
            built.append(spliced_episode(f"{NAME}/{family}/{run.session}", family, run, rng, episode, Ctx))
    return built


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
