"""The forty-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout41 import episodes, loops_edit, loops_shell
from heldout41.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 41_041

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "replace-never-matches": (loops_edit.replace_never_matches, 7),
    "heredoc-mangled": (loops_edit.heredoc_mangled, 7),
    "sed-silent-noop": (loops_edit.sed_silent_noop, 7),
    "hunk-never-applies": (loops_edit.hunk_never_applies, 7),
    "wrong-path-write": (loops_shell.wrong_path_write, 7),
    "oneliner-syntax-error": (loops_shell.oneliner_syntax_error, 8),
    "truncated-output-blind": (loops_shell.truncated_output_blind, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "search-text-recopied": (episodes.search_text_recopied, 7),
    "heredoc-requoted": (episodes.heredoc_requoted, 7),
    "sed-checked-by-diff": (episodes.sed_checked_by_diff, 7),
    "hunk-regenerated": (episodes.hunk_regenerated, 7),
    "oneliner-to-script": (episodes.oneliner_to_script, 7),
    "log-grepped-from-file": (episodes.log_grepped_from_file, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout41", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
