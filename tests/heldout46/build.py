"""The forty-sixth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout46 import episodes, loops_calendar, loops_dst, loops_iso, loops_local
from heldout46.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 46_046

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "dst-gap-chase": (loops_dst.dst_gap_chase, 8),
    "pytz-lmt-offset": (loops_dst.pytz_lmt_offset, 7),
    "naive-aware-mixing": (loops_local.naive_aware_mixing, 7),
    "tz-env-suite-drift": (loops_local.tz_env_suite_drift, 7),
    "month-end-rollover": (loops_calendar.month_end_rollover, 7),
    "epoch-hours-off": (loops_calendar.epoch_hours_off, 7),
    "isoformat-parse-whack": (loops_iso.isoformat_parse_whack, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "dst-gap-normalized": (episodes.dst_gap_normalized, 7),
    "aware-at-source": (episodes.aware_at_source, 7),
    "pytz-localized-once": (episodes.pytz_localized_once, 7),
    "month-end-clamped": (episodes.month_end_clamped, 7),
    "timegm-adopted": (episodes.timegm_adopted, 7),
    "iso-z-handled": (episodes.iso_z_handled, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout46", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
