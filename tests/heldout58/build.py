"""The fifty-eighth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout58 import episodes, loops_copy, loops_eq, loops_graph, loops_tree
from heldout58.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 58_058

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "toposort-cycle-chase": (loops_graph.toposort_cycle_chase, 8),
    "visited-set-never-hits": (loops_graph.visited_set_never_hits, 7),
    "deepcopy-memo-churn": (loops_copy.deepcopy_memo_churn, 7),
    "deep-merge-key-loss": (loops_tree.deep_merge_key_loss, 7),
    "tree-flatten-order-chase": (loops_tree.tree_flatten_order_chase, 7),
    "set-order-assertion-drift": (loops_eq.set_order_assertion_drift, 7),
    "nested-hash-eq-mismatch": (loops_eq.nested_hash_eq_mismatch, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "cycle-edge-found": (episodes.cycle_edge_found, 7),
    "visited-keyed-by-key": (episodes.visited_keyed_by_key, 7),
    "deepcopy-memo-threaded": (episodes.deepcopy_memo_threaded, 7),
    "merge-recurses-into-dicts": (episodes.merge_recurses_into_dicts, 7),
    "insertion-order-kept": (episodes.insertion_order_kept, 7),
    "hash-from-frozen-key": (episodes.hash_from_frozen_key, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout58", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
