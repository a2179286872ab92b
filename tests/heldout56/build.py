"""The fifty-sixth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout56 import episodes, loops_catalog, loops_lookup, loops_order, loops_text
from heldout56.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 56_056

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "fuzzy-catalog-recompile": (loops_catalog.fuzzy_catalog_recompile, 8),
    "plural-form-seesaw": (loops_catalog.plural_form_seesaw, 7),
    "translation-returns-msgid": (loops_lookup.translation_returns_msgid, 7),
    "collation-order-churn": (loops_order.collation_order_churn, 7),
    "separator-format-drift": (loops_order.separator_format_drift, 7),
    "case-folding-whack": (loops_text.case_folding_whack, 7),
    "bidi-isolate-churn": (loops_text.bidi_isolate_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "fuzzy-flag-dropped": (episodes.fuzzy_flag_dropped, 7),
    "plural-rule-corrected": (episodes.plural_rule_corrected, 7),
    "catalog-path-found": (episodes.catalog_path_found, 7),
    "sort-tailored-per-locale": (episodes.sort_tailored_per_locale, 7),
    "number-pattern-from-locale": (episodes.number_pattern_from_locale, 7),
    "casefold-dot-stripped": (episodes.casefold_dot_stripped, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout56", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
