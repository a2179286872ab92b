"""The fifty-third held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout53 import episodes, loops_io, loops_markup, loops_sql
from heldout53.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 53_053

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "html-double-escape-chase": (loops_markup.html_double_escape_chase, 8),
    "xml-attr-entity-churn": (loops_markup.xml_attr_entity_churn, 7),
    "validator-verdict-flip": (loops_markup.validator_verdict_flip, 7),
    "argv-render-roundtrip": (loops_io.argv_render_roundtrip, 7),
    "traversal-check-whack": (loops_io.traversal_check_whack, 7),
    "url-percent-encoding-churn": (loops_io.url_percent_encoding_churn, 7),
    "like-pattern-escape-churn": (loops_sql.like_pattern_escape_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "escape-applied-once": (episodes.escape_applied_once, 7),
    "quoteattr-entities-passed": (episodes.quoteattr_entities_passed, 7),
    "argv-joined-with-shlex": (episodes.argv_joined_with_shlex, 7),
    "traversal-checked-by-commonpath": (episodes.traversal_checked_by_commonpath, 7),
    "segment-quoted-once": (episodes.segment_quoted_once, 7),
    "like-wildcards-escaped": (episodes.like_wildcards_escaped, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout53", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
