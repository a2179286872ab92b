"""The seventy-second held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout72 import episodes, loops_diff, loops_eol, loops_indent, loops_wrap, loops_ws
from heldout72.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 72_072

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "unified-diff-lineterm-seesaw": (loops_diff.unified_diff_lineterm_seesaw, 8),
    "final-newline-count-flipflop": (loops_diff.final_newline_count_flipflop, 7),
    "crlf-rewrite-ending-chase": (loops_eol.crlf_rewrite_ending_chase, 7),
    "trailing-space-strip-overreach": (loops_ws.trailing_space_strip_overreach, 7),
    "source-segment-dedent-chase": (loops_indent.source_segment_dedent_chase, 7),
    "caret-column-tab-drift": (loops_indent.caret_column_tab_drift, 7),
    "wrap-width-break-seesaw": (loops_wrap.wrap_width_break_seesaw, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "diff-marker-after-line": (episodes.diff_marker_after_line, 7),
    "eol-sniffed-from-first-line": (episodes.eol_sniffed_from_first_line, 7),
    "fenced-blocks-left-alone": (episodes.fenced_blocks_left_alone, 7),
    "segment-col-offset-restored": (episodes.segment_col_offset_restored, 7),
    "caret-under-expanded-prefix": (episodes.caret_under_expanded_prefix, 7),
    "paragraphs-wrapped-separately": (episodes.paragraphs_wrapped_separately, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout72", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
