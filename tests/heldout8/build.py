"""HELDOUT8: the eighth held-out set, written (tests/heldout8) and frozen before any replay.

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
from .kit import Toolchain
from .shapes import MODELS, SHAPES
from .toolchains import TOOLCHAINS

NAME = "heldout8"
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
    "retry-recover": (work_a.retry_recover, 7),
    "polling": (work_a.polling, 7),
    "fixable-env": (work_a.fixable_env, 6),
    "tdd": (work_a.tdd, 6),
    "compile-fix": (work_a.compile_fix, 6),
    "refactor-check": (work_a.refactor_check, 6),
    "per-package": (work_b.per_package, 6),
    "bisect": (work_b.bisect, 6),
    "bench-iterate": (work_b.bench_iterate, 6),
    "exploration": (work_b.exploration, 6),
    "print-debug": (work_b.print_debug, 6),
    "suite-rerun": (work_b.suite_rerun, 6),
    "config-tune": (work_b.config_tune, 6),
}
TASKS = (
    "CATCH-{n}: the fisheries office says the monthly return for GBR-1184 is wrong. Fix it and keep the checks green.",
    "Ticket {n}: landing declarations for March do not reconcile with the quota ledger. Find out why and fix it.",
    "Please take issue #{n}: the build broke after the toolchain update. Get it working again without disabling checks.",
    "Job {n}: implement the carry-over rule change for the 2026 quota year and run the project's checks before you finish.",
    "Support request {n}: vessel track pages show pings inside the harbour. Investigate, fix, and run the tests.",
)

# Agents of this set think a little longer and carry larger harness prompts than the sixth set's.
PACE = Pace(
    epoch=1_768_000_000.0,
    days=28,
    task_numbers=(40, 8999),
    base_tokens=(3000, 22000),
    latency_ms=(450.0, 24000.0),
    output_tokens=(15, 1400),
    max_tokens=32000,
    think_s=7.0,
)


_NAMES = tuple(TOOLCHAINS)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Toolchain]:
    # consecutive sessions rotate shapes and toolchains, so every family spreads over both (24: one lap of both)
    return SHAPES[turn % len(SHAPES)], TOOLCHAINS[_NAMES[(turn + turn // 24) % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 4, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
