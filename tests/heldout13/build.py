"""HELDOUT13: the thirteenth held-out set, written (tests/heldout13) and frozen before any replay.

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

from . import loops, work_fix, work_probe
from .chain import Chain
from .shapes import MODELS, SHAPES
from .toolchains import CHAINS

NAME = "heldout13"
Loop = Callable[[Chain, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Chain, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-blocked": (loops.env_blocked, 10),
    "unfixable-bug": (loops.unfixable_bug, 9),
    "long-cycle": (loops.long_cycle, 8),
    "stubborn-retry": (loops.stubborn_retry, 8),
    "reread": (loops.reread, 7),
    "flip-flop": (loops.flip_flop, 8),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work_fix.retry_recover, 7),
    "polling": (work_fix.polling, 7),
    "fixable-env": (work_fix.fixable_env, 6),
    "tdd": (work_fix.tdd, 6),
    "compile-fix": (work_fix.compile_fix, 6),
    "refactor-check": (work_fix.refactor_check, 6),
    "per-package": (work_fix.per_package, 6),
    "bisect": (work_probe.bisect, 6),
    "bench-iterate": (work_probe.bench_iterate, 6),
    "exploration": (work_probe.exploration, 6),
    "print-debug": (work_probe.print_debug, 6),
    "suite-rerun": (work_probe.suite_rerun, 6),
    "config-tune": (work_probe.config_tune, 6),
}
TASKS = (
    "SNOW-{n}: forecasters say the published danger level is wrong for some zones. Find out why, fix it, keep every check green.",
    "Ticket {n}: this repository's checks have been red since last week's upgrade. Get them passing again without disabling anything.",
    "#{n}: do what the linked issue asks in this repo and run the project's own checks before you finish.",
    "On-call note {n}: something in the avalanche bulletin pipeline broke overnight. Investigate, fix the cause, summarise what you did.",
    "Please pick up {n}: the change request is in the issue. Make it, verify it, and stop when everything is green.",
)
PACE = Pace(
    epoch=1_770_000_000.0,
    days=28,
    task_numbers=(1000, 99999),
    base_tokens=(3000, 18000),
    latency_ms=(500.0, 22000.0),
    output_tokens=(30, 1400),
    max_tokens=32000,
    think_s=6.0,
)


_NAMES = tuple(CHAINS)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Chain]:
    # 3 is prime to 8: consecutive sessions change shape and toolchain, the pairing shifting every 12
    return SHAPES[(turn * 3) % len(SHAPES)], CHAINS[_NAMES[(turn + turn // 12) % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 4, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
