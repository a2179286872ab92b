"""The sixty-fourth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout64 import (
    episodes_io,
    episodes_life,
    loops_atexit,
    loops_del,
    loops_files,
    loops_gen,
    loops_order,
    loops_sockets,
    loops_tmp,
)
from heldout64.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 64_064

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "unclosed-file-warning-wanders": (loops_files.unclosed_file_warning_wanders, 8),
    "unclosed-socket-close-whack": (loops_sockets.unclosed_socket_close_whack, 7),
    "implicit-tempdir-cleanup-churn": (loops_tmp.implicit_tempdir_cleanup_churn, 7),
    "generator-ignored-generatorexit": (loops_gen.generator_ignored_generatorexit, 7),
    "del-at-shutdown-noise-churn": (loops_del.del_at_shutdown_noise_churn, 7),
    "atexit-log-after-shutdown": (loops_atexit.atexit_log_after_shutdown, 7),
    "teardown-leak-order-churn": (loops_order.teardown_leak_order_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "warning-traced-to-allocation": (episodes_io.warning_traced_to_allocation, 7),
    "socket-closed-with-context": (episodes_io.socket_closed_with_context, 7),
    "tempdir-cleanup-owned": (episodes_io.tempdir_cleanup_owned, 7),
    "generator-closed-by-caller": (episodes_life.generator_closed_by_caller, 7),
    "del-swapped-for-finalize": (episodes_life.del_swapped_for_finalize, 7),
    "leaked-global-restored": (episodes_life.leaked_global_restored, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout64", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
