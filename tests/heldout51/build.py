"""The fifty-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout51 import episodes, loops_layout, loops_markup, loops_text
from heldout51.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 51_051

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "repr-quoting-chase": (loops_text.repr_quoting_chase, 8),
    "printed-digits-drift": (loops_text.printed_digits_drift, 7),
    "format-spec-error-cascade": (loops_text.format_spec_error_cascade, 7),
    "column-padding-drift": (loops_layout.column_padding_drift, 7),
    "pretty-art-misalignment": (loops_layout.pretty_art_misalignment, 7),
    "latex-brace-churn": (loops_markup.latex_brace_churn, 7),
    "mathml-tag-nesting-drift": (loops_markup.mathml_tag_nesting_drift, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "repr-fixed-by-reading-test": (episodes.repr_fixed_by_reading_test, 7),
    "latex-parens-fixed": (episodes.latex_parens_fixed, 7),
    "digits-rounded-half-up": (episodes.digits_rounded_half_up, 7),
    "column-widths-from-cells": (episodes.column_widths_from_cells, 7),
    "format-spec-corrected": (episodes.format_spec_corrected, 7),
    "pretty-art-baseline-fixed": (episodes.pretty_art_baseline_fixed, 7),
    "real-resolved": (untouched, 38),
}

# Markup printers and pretty-printed art live in the libraries that print mathematics.
_MATH = ("sympy",)
_LATEX = ("sympy", "astropy", "matplotlib")
_LATEX_RESOLVED = ("astropy", "matplotlib")  # the resolved sympy runs go to pretty-art-baseline-fixed
FITS: dict[str, Callable[[Run], bool]] = {
    "mathml-tag-nesting-drift": lambda run: run.owner in _MATH,
    "pretty-art-misalignment": lambda run: run.owner in _MATH,
    "pretty-art-baseline-fixed": lambda run: run.owner in _MATH,
    "latex-brace-churn": lambda run: run.owner in _LATEX,
    "latex-parens-fixed": lambda run: run.owner in _LATEX_RESOLVED,
}


def build() -> Built:
    return build_set("heldout51", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
