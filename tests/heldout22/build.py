"""The twenty-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import zip_longest
from pathlib import Path
from typing import Any

from heldout20.calls import Session, Step, splice_episode, splice_loop
from heldout20.sets import label, plain_returns, untouched, write_set
from heldout22 import episodes, loops_a, loops_b, loops_c, loops_d, loops_e, loops_f, loops_g
from heldout22.clock import DATE_TESTS
from heldout22.datasets import DATA
from heldout22.docs import DOCS
from heldout22.loops_e import CONFIG
from heldout22.native import COMPILED, NATIVE
from heldout22.runs import Run, load_runs
from heldout22.system import NEEDS
from heldout22.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 22_022

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "segfault-chase": (loops_a.segfault_chase, 7),
    "apt-without-root": (loops_c.apt_without_root, 7),
    "docs-warnings-as-errors": (loops_d.docs_warnings_as_errors, 7),
    "plugin-conflict": (loops_e.plugin_conflict, 7),
    "stale-extension-build": (loops_b.stale_extension_build, 7),
    "clock-dependent-test": (loops_f.clock_dependent_test, 7),
    "missing-test-data": (loops_g.missing_test_data, 8),
}


PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "crash-isolated": (episodes.crash_isolated, 7),
    "installed-with-pip": (episodes.installed_with_pip, 7),
    "docs-warning-fixed": (episodes.docs_warning_fixed, 7),
    "plugin-disabled": (episodes.plugin_disabled, 7),
    "extension-rebuilt": (episodes.extension_rebuilt, 7),
    "time-frozen": (episodes.time_frozen, 7),
    "real-resolved": (untouched, 38),
}

# The repositories whose runs a family can be spliced into: those where its tools, libraries and files exist.
OWNERS: dict[str, set[str]] = {
    "segfault-chase": set(NATIVE),
    "crash-isolated": set(NATIVE),
    "apt-without-root": set(NEEDS),
    "installed-with-pip": {owner for owner, need in NEEDS.items() if need.wheel},
    "plugin-conflict": set(CONFIG),
    "plugin-disabled": set(CONFIG),
    "stale-extension-build": set(COMPILED),
    "extension-rebuilt": set(COMPILED),
    "clock-dependent-test": set(DATE_TESTS),
    "time-frozen": set(DATE_TESTS),
    "missing-test-data": set(DATA),
    "docs-warnings-as-errors": set(DOCS),
    "docs-warning-fixed": set(DOCS),
}


def _lend(
    runs: list[Run], families: dict[str, int], fits: Callable[[Run], bool], lent: set[str]
) -> dict[str, list[Run]]:
    """Runs for each family, the most constrained families choosing first, no run lent twice.

    A family bound to some repositories takes their runs in turn, so that one repository's many runs
    (Django's are a third of the dev set) do not make all of its sessions alike.
    """
    chosen: dict[str, list[Run]] = {}
    for family in sorted(families, key=lambda f: len(OWNERS.get(f, ())) or 99):
        owners = OWNERS.get(family)
        pool = [
            run for run in runs if run.session not in lent and fits(run) and (owners is None or run.owner in owners)
        ]
        if owners is not None:
            queues: dict[str, list[Run]] = {}
            for run in pool:
                queues.setdefault(run.owner, []).append(run)
            pool = [run for turn in zip_longest(*queues.values()) for run in turn if run is not None]
        chosen[family] = pool[: families[family]]
        assert len(chosen[family]) == families[family], family
        lent.update(run.session for run in chosen[family])
    return chosen


def build() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(SEED)
    runs = load_runs()
    rng.shuffle(runs)
    lent: set[str] = set()
    productive = _lend(
        runs, {f: n for f, (_, n) in PRODUCTIVE.items()}, lambda run: run.resolved and bool(plain_returns(run)), lent
    )
    loops = _lend(runs, {f: n for f, (_, n) in LOOPS.items()}, lambda run: len(run.calls) > OPENING[1], lent)
    built = []
    for family, (loop, _) in LOOPS.items():
        for run in loops[family]:
            name = f"heldout22/{family}/{run.session}"
            onset = rng.randint(*OPENING)
            session = Session(name, run, rng)
            steps = loop(Ctx(run, onset), rng, rng.randint(*TAIL))
            splice_loop(session, onset, steps)
            built.append((label(name, family, onset), session.lines))
    for family, (episode, _) in PRODUCTIVE.items():
        for run in productive[family]:
            name = f"heldout22/{family}/{run.session}"
            session = Session(name, run, rng)
            after = rng.choice(plain_returns(run))
            steps = episode(Ctx(run, after), rng)
            if steps:
                splice_episode(session, after, steps)
            else:
                for call in run.calls:
                    session.keep(call, [], 0, 0, 0.0)
            built.append((label(name, family, None), session.lines))
    return built


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
