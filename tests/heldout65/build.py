"""The sixty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout65 import (
    episodes_a,
    episodes_b,
    loops_bools,
    loops_cache,
    loops_dupes,
    loops_envmod,
    loops_flags,
    loops_octal,
    loops_precedence,
)
from heldout65.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 65_065

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "flag-env-file-precedence-seesaw": (loops_precedence.flag_env_file_precedence_seesaw, 8),
    "env-flag-truthiness-flipflop": (loops_bools.env_flag_truthiness_flipflop, 7),
    "octal-mode-coercion-churn": (loops_octal.octal_mode_coercion_churn, 7),
    "duplicate-key-policy-flipflop": (loops_dupes.duplicate_key_policy_flipflop, 7),
    "settings-reload-identity-split": (loops_cache.settings_reload_identity_split, 7),
    "feature-flag-override-leak": (loops_flags.feature_flag_override_leak, 7),
    "env-module-star-import-shadow": (loops_envmod.env_module_star_import_shadow, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "unset-flags-suppressed": (episodes_a.unset_flags_suppressed, 7),
    "mode-normalised-by-type": (episodes_a.mode_normalised_by_type, 7),
    "truthy-spellings-tabled": (episodes_a.truthy_spellings_tabled, 7),
    "duplicate-keys-reported-with-line": (episodes_b.duplicate_keys_reported_with_line, 7),
    "settings-read-through-accessor": (episodes_b.settings_read_through_accessor, 7),
    "flag-override-restores-previous": (episodes_b.flag_override_restores_previous, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout65", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
