"""The fiftieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout50 import episodes, loops_cases, loops_scripts, loops_shrink
from heldout50.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 50_050

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "repro-file-proliferation": (loops_scripts.repro_file_proliferation, 8),
    "whole-file-heredoc-rewrite": (loops_scripts.whole_file_heredoc_rewrite, 7),
    "oneliner-probe-churn": (loops_scripts.oneliner_probe_churn, 7),
    "repro-exception-relay": (loops_shrink.repro_exception_relay, 7),
    "repro-minimisation-drift": (loops_shrink.repro_minimisation_drift, 7),
    "repro-expectation-rewritten": (loops_cases.repro_expectation_rewritten, 7),
    "repro-case-accretion": (loops_cases.repro_case_accretion, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "repro-pinned-cause": (episodes.repro_pinned_cause, 7),
    "helper-module-settled": (episodes.helper_module_settled, 7),
    "probe-narrowed-to-cause": (episodes.probe_narrowed_to_cause, 7),
    "traceback-root-fixed": (episodes.traceback_root_fixed, 7),
    "expectation-read-from-docs": (episodes.expectation_read_from_docs, 7),
    "repro-cases-converged": (episodes.repro_cases_converged, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout50", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
