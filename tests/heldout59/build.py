"""The fifty-ninth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout59 import (
    episodes,
    episodes_attr,
    loops_attr,
    loops_dataclass,
    loops_descriptor,
    loops_mro,
    loops_registry,
    loops_slots,
    loops_state,
)
from heldout59.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 59_059

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "mro-init-chain-seesaw": (loops_mro.mro_init_chain_seesaw, 8),
    "subclass-registry-drift": (loops_registry.subclass_registry_drift, 7),
    "getattr-recursion-guard-chase": (loops_attr.getattr_recursion_guard_chase, 7),
    "descriptor-storage-shuffle": (loops_descriptor.descriptor_storage_shuffle, 7),
    "mutable-class-attr-leak": (loops_state.mutable_class_attr_leak, 7),
    "slots-layout-whack": (loops_slots.slots_layout_whack, 7),
    "dataclass-field-order-churn": (loops_dataclass.dataclass_field_order_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "cooperative-init-threaded": (episodes.cooperative_init_threaded, 7),
    "getattr-guard-on-init-state": (episodes.getattr_guard_on_init_state, 7),
    "class-default-copied-per-instance": (episodes.class_default_copied_per_instance, 7),
    "descriptor-keyed-by-set-name": (episodes_attr.descriptor_keyed_by_set_name, 7),
    "registry-skips-abstract": (episodes_attr.registry_skips_abstract, 7),
    "dataclass-required-after-defaults": (episodes_attr.dataclass_required_after_defaults, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout59", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
