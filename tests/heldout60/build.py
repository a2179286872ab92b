"""The sixtieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout60 import (
    episodes_parse,
    episodes_regex,
    loops_anchor,
    loops_backtrack,
    loops_capture,
    loops_escape,
    loops_lexer,
    loops_parser,
)
from heldout60.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 60_060

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "nested-quantifier-hang": (loops_backtrack.nested_quantifier_hang, 8),
    "greedy-lazy-capture-seesaw": (loops_capture.greedy_lazy_capture_seesaw, 7),
    "anchor-flag-flip-flop": (loops_anchor.anchor_flag_flip_flop, 7),
    "backslash-escape-layering": (loops_escape.backslash_escape_layering, 7),
    "lexer-index-off-by-one": (loops_lexer.lexer_index_off_by_one, 7),
    "alternation-order-shuffle": (loops_lexer.alternation_order_shuffle, 7),
    "parser-precedence-reshuffle": (loops_parser.parser_precedence_reshuffle, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "quantifier-unnested": (episodes_regex.quantifier_unnested, 7),
    "negated-class-delimited": (episodes_regex.negated_class_delimited, 7),
    "anchors-split-by-flag": (episodes_regex.anchors_split_by_flag, 7),
    "repl-escaped-by-function": (episodes_regex.repl_escaped_by_function, 7),
    "lexer-bound-checked": (episodes_parse.lexer_bound_checked, 7),
    "precedence-levels-split": (episodes_parse.precedence_levels_split, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout60", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
