"""The forty-seventh held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout47 import episodes, loops_args, loops_complete, loops_invoke, loops_output
from heldout47.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 47_047

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "systemexit-code-wrong": (loops_args.systemexit_code_wrong, 8),
    "argparse-prefix-clash": (loops_args.argparse_prefix_clash, 7),
    "usage-prog-name-wrong": (loops_invoke.usage_prog_name_wrong, 7),
    "envvar-default-stale": (loops_invoke.envvar_default_stale, 7),
    "help-snapshot-drift": (loops_output.help_snapshot_drift, 7),
    "stderr-stdout-crossed": (loops_output.stderr_stdout_crossed, 7),
    "completion-output-empty": (loops_complete.completion_output_empty, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "exit-code-aligned": (episodes.exit_code_aligned, 7),
    "option-alias-added": (episodes.option_alias_added, 7),
    "envvar-read-at-call": (episodes.envvar_read_at_call, 7),
    "help-width-pinned": (episodes.help_width_pinned, 7),
    "stream-looked-up-late": (episodes.stream_looked_up_late, 7),
    "completion-var-renamed": (episodes.completion_var_renamed, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout47", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
