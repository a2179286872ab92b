"""The sixty-third held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout63 import episodes, episodes_codec, loops_buffer, loops_check, loops_struct, loops_text, loops_token
from heldout63.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 63_063

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "struct-byte-order-flip": (loops_struct.struct_byte_order_flip, 8),
    "bitfield-shift-drift": (loops_struct.bitfield_shift_drift, 7),
    "bytes-str-coercion-whack": (loops_text.bytes_str_coercion_whack, 7),
    "base64-padding-roundtrip-churn": (loops_token.base64_padding_roundtrip_churn, 7),
    "crc-mismatch-chase": (loops_check.crc_mismatch_chase, 7),
    "magic-number-sniff-churn": (loops_check.magic_number_sniff_churn, 7),
    "memoryview-export-resize-churn": (loops_buffer.memoryview_export_resize_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "byte-order-read-from-marker": (episodes.byte_order_read_from_marker, 7),
    "mask-width-from-field": (episodes.mask_width_from_field, 7),
    "decoded-at-io-boundary": (episodes_codec.decoded_at_io_boundary, 7),
    "padding-restored-before-decode": (episodes_codec.padding_restored_before_decode, 7),
    "checksum-field-zeroed": (episodes_codec.checksum_field_zeroed, 7),
    "view-released-before-resize": (episodes.view_released_before_resize, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout63", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
