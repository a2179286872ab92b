"""The twenty-third held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout20.calls import Step
from heldout20.runs import Run, load_runs
from heldout20.sets import plain_returns, spliced_episode, spliced_loop, untouched, write_set
from heldout23 import config, imports, migrations, proxy, push, shims, werror
from heldout23.removed import fits
from heldout23.text import C_SOURCES, Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 23_023

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "proxy-blocked-downloads": (proxy.proxy_blocked_downloads, 7),
    "push-auth-refused": (push.push_auth_refused, 7),
    "config-parse-churn": (config.config_parse_churn, 7),
    "removed-api-shims": (shims.removed_api_shims, 7),
    "migration-state-drift": (migrations.migration_state_drift, 7),
    "werror-build": (werror.werror_build, 7),
    "import-path-maze": (imports.import_path_maze, 8),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "mirror-configured": (proxy.mirror_configured, 7),
    "push-skipped": (push.push_skipped, 7),
    "config-fixed": (config.config_fixed, 7),
    "api-shimmed": (shims.api_shimmed, 7),
    "migration-merged": (migrations.migration_merged, 7),
    "warning-fixed": (werror.warning_fixed, 7),
    "real-resolved": (untouched, 38),
}


def _compiled(run: Run) -> bool:
    return run.owner in C_SOURCES


def _django(run: Run) -> bool:
    return run.owner == "django"


def _upgradable(run: Run) -> bool:
    # Runs with compiled extensions are kept for the -Werror families, which fit nothing else.
    return fits(run.owner) and not _compiled(run)


# Families that only fit some runs (the rest fit any): they choose first.
FITS: dict[str, Callable[[Run], bool]] = {
    "werror-build": _compiled,
    "warning-fixed": _compiled,
    "migration-state-drift": _django,
    "migration-merged": _django,
    "removed-api-shims": _upgradable,
    "api-shimmed": _upgradable,
}


def _take(pool: list[Run], count: int, family: str) -> list[Run]:
    """The first `count` runs of `pool` the family fits, taken out of the pool."""
    fit = FITS.get(family)
    taken = [run for run in pool if fit is None or fit(run)][:count]
    assert len(taken) == count, family
    for run in taken:
        pool.remove(run)
    return taken


def _order(families: list[str]) -> list[str]:
    return sorted(families, key=lambda family: family not in FITS)


def build() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(SEED)
    runs = load_runs()
    rng.shuffle(runs)
    resolved = [run for run in runs if run.resolved and plain_returns(run)]
    lent: dict[str, list[Run]] = {}
    for family in _order(list(PRODUCTIVE)):
        lent[family] = _take(resolved, PRODUCTIVE[family][1], family)
    taken = {run.session for group in lent.values() for run in group}
    others = [run for run in runs if run.session not in taken and len(run.calls) > OPENING[1]]
    for family in _order(list(LOOPS)):
        lent[family] = _take(others, LOOPS[family][1], family)
    built = []
    for family, (loop, _) in LOOPS.items():
        for run in lent[family]:
            name = f"heldout23/{family}/{run.session}"
            built.append(spliced_loop(name, family, run, rng, loop, Ctx, OPENING, TAIL))
    for family, (episode, _) in PRODUCTIVE.items():
        for run in lent[family]:
            name = f"heldout23/{family}/{run.session}"
            built.append(spliced_episode(name, family, run, rng, episode, Ctx))
    return built


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
