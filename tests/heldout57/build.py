"""The fifty-seventh held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
Django's receivers are wired only into Django runs, pytest hookimpls only into the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout57 import episodes, loops_exit, loops_hooks, loops_signals, loops_weak
from heldout57.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 57_057

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "receiver-fires-twice": (loops_signals.receiver_fires_twice, 8),
    "receiver-never-connected": (loops_signals.receiver_never_connected, 7),
    "weak-handler-collected": (loops_weak.weak_handler_collected, 7),
    "hookimpl-order-drift": (loops_hooks.hookimpl_order_drift, 7),
    "callback-phase-mismatch": (loops_hooks.callback_phase_mismatch, 7),
    "atexit-handler-silent": (loops_exit.atexit_handler_silent, 7),
    "finalizer-order-drift": (loops_exit.finalizer_order_drift, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "dispatch-uid-deduplicated": (episodes.dispatch_uid_deduplicated, 7),
    "receiver-imported-in-ready": (episodes.receiver_imported_in_ready, 7),
    "hookimpl-trylast-set": (episodes.hookimpl_trylast_set, 7),
    "exit-handler-reached": (episodes.exit_handler_reached, 7),
    "finalizers-registered-lifo": (episodes.finalizers_registered_lifo, 7),
    "listener-kept-alive": (episodes.listener_kept_alive, 7),
    "real-resolved": (untouched, 38),
}


def _django(run: Run) -> bool:
    return run.owner == "django"


def _not_django(run: Run) -> bool:
    return run.owner != "django"


FITS: dict[str, Callable[[Run], bool]] = {
    "receiver-fires-twice": _django,
    "receiver-never-connected": _django,
    "hookimpl-order-drift": _not_django,
    "dispatch-uid-deduplicated": _django,
    "receiver-imported-in-ready": _django,
    "hookimpl-trylast-set": _not_django,
}


def build() -> Built:
    return build_set("heldout57", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
