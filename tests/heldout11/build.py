"""HELDOUT11: the eleventh held-out set, written (tests/heldout11) and frozen before any replay.

A beekeeping cooperative's repositories in six toolchains no earlier set used (Nim, Racket, Common
Lisp, PowerShell, Dart without Flutter, Haxe), in all eight agent shapes. `write(directory)` writes
`calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md (delta-encoded requests), ready for
`regulator replay --json --summary`. Every session's randomness comes from a string seed, so the set
is the same on every machine and Python version.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout.shapes import Step
from heldout_writer import Line, Pace, lines_on_models, spread
from heldout_writer import write as write_set

from . import loops, work, work_more
from .shapes import MODELS, SHAPES
from .toolchain import Toolchain
from .toolchains import TOOLCHAINS

NAME = "heldout11"
Loop = Callable[[Toolchain, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Toolchain, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-blocked": (loops.env_blocked, 10),
    "unfixable-bug": (loops.unfixable_bug, 9),
    "long-cycle": (loops.long_cycle, 8),
    "stubborn-retry": (loops.stubborn_retry, 8),
    "reread": (loops.reread, 7),
    "flip-flop": (loops.flip_flop, 8),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work.retry_recover, 7),
    "polling": (work.polling, 7),
    "fixable-env": (work.fixable_env, 6),
    "tdd": (work.tdd, 6),
    "compile-fix": (work.compile_fix, 6),
    "refactor-check": (work.refactor_check, 6),
    "per-package": (work.per_package, 6),
    "bisect": (work_more.bisect, 6),
    "bench-iterate": (work_more.bench_iterate, 6),
    "exploration": (work_more.exploration, 6),
    "print-debug": (work_more.print_debug, 6),
    "suite-rerun": (work_more.suite_rerun, 6),
    "config-tune": (work_more.config_tune, 6),
}
TASKS = (
    "HIVE-{n}: the mite-count numbers in last week's report look wrong. Find out why, fix it, keep the checks green.",
    "Ticket {n} from the apiary coordinators: the nightly job failed. Get it working again without skipping tests.",
    "#{n}: implement what the issue asks for in this repository and run the project's checks before you finish.",
    "Beekeepers report (ticket {n}) that the tool misbehaves since the last release. Investigate and fix properly.",
)
PACE = Pace(
    epoch=1_770_000_000.0,
    days=18,
    task_numbers=(40, 4999),
    base_tokens=(2500, 14000),
    latency_ms=(500.0, 21000.0),
    output_tokens=(15, 1300),
    max_tokens=8192,
    think_s=6.0,
)


_NAMES = tuple(TOOLCHAINS)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Toolchain]:
    # the shape shifted every 24 sessions (both laps) so every pair occurs
    return SHAPES[(turn + turn // 24) % len(SHAPES)], TOOLCHAINS[_NAMES[turn % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 4, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
