"""HELDOUT6: the sixth held-out set, written (tests/heldout6) and frozen before any replay.

`write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md
(delta-encoded requests), ready for `regulator replay --json --summary`. Every session's randomness
comes from a string seed, so the set is the same on every machine and Python version.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout.shapes import Step
from heldout_writer import Line, Pace, lines_on_models, spread
from heldout_writer import write as write_set

from . import loops, work_a, work_b
from .eco import Eco
from .ecosystems import ECOS
from .shapes import MODELS, SHAPES

NAME = "heldout6"
Loop = Callable[[Eco, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-blocked": (loops.env_blocked, 10),
    "unfixable-bug": (loops.unfixable_bug, 9),
    "long-cycle": (loops.long_cycle, 8),
    "stubborn-retry": (loops.stubborn_retry, 8),
    "reread": (loops.reread, 7),
    "flip-flop": (loops.flip_flop, 8),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work_a.retry_recover, 7),
    "polling": (work_a.polling, 7),
    "fixable-env": (work_a.fixable_env, 6),
    "tdd": (work_a.tdd, 6),
    "compile-fix": (work_a.compile_fix, 6),
    "refactor-check": (work_a.refactor_check, 6),
    "per-package": (work_a.per_package, 6),
    "bisect": (work_b.bisect, 6),
    "bench-iterate": (work_b.bench_iterate, 6),
    "exploration": (work_b.exploration, 6),
    "print-debug": (work_b.print_debug, 6),
    "suite-rerun": (work_b.suite_rerun, 6),
    "config-tune": (work_b.config_tune, 6),
}
_TASKS = (
    "OPS-{n}: {family} on this repo; CI has been failing since the dependency bump. Make it pass properly.",
    "Issue #{n}: a customer reported wrong numbers in the last release. Find the cause, fix it, keep the checks green.",
    "Please handle ticket {n}: implement the change it describes and run the project's checks before you stop.",
    "Task {n}: the nightly job broke. Investigate and fix; do not skip or delete tests.",
)


PACE = Pace(
    epoch=1_766_400_000.0,
    days=21,
    task_numbers=(100, 9999),
    base_tokens=(2000, 16000),
    latency_ms=(600.0, 18000.0),
    output_tokens=(20, 1100),
    max_tokens=16384,
    think_s=5.0,
)


_NAMES = tuple(ECOS)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Eco]:
    # consecutive sessions rotate shapes and toolchains, so every family spreads over both (24: one lap of both)
    return SHAPES[turn % len(SHAPES)], ECOS[_NAMES[(turn + turn // 24) % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(_TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 3, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
