"""The sixty-sixth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout66 import episodes_a, episodes_b, loops_axis, loops_color, loops_font, loops_image, loops_save, loops_vector
from heldout66.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 66_066

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "image-rms-tolerance-creep": (loops_image.image_rms_tolerance_creep, 8),
    "glyph-fallback-font-churn": (loops_font.glyph_fallback_font_churn, 7),
    "tick-label-offset-flipflop": (loops_axis.tick_label_offset_flipflop, 7),
    "legend-entry-order-drift": (loops_axis.legend_entry_order_drift, 7),
    "boundary-norm-index-seesaw": (loops_color.boundary_norm_index_seesaw, 7),
    "tight-bbox-pixel-size-churn": (loops_save.tight_bbox_pixel_size_churn, 7),
    "svg-output-bytes-drift": (loops_vector.svg_output_bytes_drift, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "failed-diff-localised": (episodes_a.failed_diff_localised, 7),
    "font-cache-refreshed": (episodes_a.font_cache_refreshed, 7),
    "offset-flag-passed-through": (episodes_a.offset_flag_passed_through, 7),
    "extension-bins-counted": (episodes_b.extension_bins_counted, 7),
    "nolegend-labels-skipped": (episodes_b.nolegend_labels_skipped, 7),
    "inches-kept-unrounded": (episodes_b.inches_kept_unrounded, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout66", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
