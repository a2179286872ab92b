"""The sixty-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout62 import (
    episodes,
    episodes_env,
    loops_generics,
    loops_narrowing,
    loops_overloads,
    loops_protocols,
    loops_runtime,
    loops_stubs,
    loops_typevar,
)
from heldout62.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 62_062

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "list-invariance-cast-churn": (loops_generics.list_invariance_cast_churn, 8),
    "typevar-bound-whack": (loops_typevar.typevar_bound_whack, 7),
    "protocol-member-conflict-churn": (loops_protocols.protocol_member_conflict_churn, 7),
    "overload-overlap-churn": (loops_overloads.overload_overlap_churn, 7),
    "optional-narrowing-whack": (loops_narrowing.optional_narrowing_whack, 7),
    "stub-package-hunt": (loops_stubs.stub_package_hunt, 7),
    "annotation-eval-version-drift": (loops_runtime.annotation_eval_version_drift, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "sequence-param-accepted": (episodes.sequence_param_accepted, 7),
    "protocol-signature-matched": (episodes.protocol_signature_matched, 7),
    "overload-split-disjoint": (episodes.overload_split_disjoint, 7),
    "none-guard-early-return": (episodes_env.none_guard_early_return, 7),
    "stubs-resolved-once": (episodes_env.stubs_resolved_once, 7),
    "union-origin-both-handled": (episodes_env.union_origin_both_handled, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout62", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
