"""HELDOUT4: a fourth held-out set of labelled traces, written from a description of families and frozen
by checksum before anyone measured detection on it.

Toolchains: Python data science (pytest, pandas, jupyter), Spring Boot with Maven, Go services with
docker compose, a Rust CLI with cargo, a TypeScript API with npm and prisma, a Flutter app with its
Android Gradle build, and C/Lua firmware with make; all eight agent shapes, mostly on other models.
`write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md
(delta-encoded requests), ready for `regulator replay --json --summary`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout.shapes import Step
from heldout_writer import Line, Pace, lines_on_models, spread
from heldout_writer import write as write_set

from . import loops, work, work_more
from .eco import Eco
from .ecosystems import ECOS
from .shapes import MODELS, SHAPES

NAME = "heldout4"
Loop = Callable[[Eco, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-blocked": (loops.env_blocked, 12),
    "unfixable-bug": (loops.unfixable_bug, 10),
    "long-cycle": (loops.long_cycle, 9),
    "stubborn-retry": (loops.stubborn_retry, 9),
    "reread": (loops.reread, 7),
    "flip-flop": (loops.flip_flop, 8),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work.retry_recover, 8),
    "polling": (work.polling, 9),
    "fixable-env": (work.fixable_env, 8),
    "tdd": (work.tdd, 8),
    "compile-fix": (work.compile_fix, 8),
    "lint-refactor": (work.lint_refactor, 7),
    "per-package": (work.per_package, 7),
    "bisect": (work_more.bisect, 7),
    "bench-iterate": (work_more.bench_iterate, 7),
    "exploration": (work_more.exploration, 7),
    "pipeline-runs": (work_more.pipeline_runs, 8),
    "print-debug": (work_more.print_debug, 8),
    "suite-rerun": (work_more.suite_rerun, 8),
}
_TASKS = (
    "OPS-{n}: customers see the wrong totals after the last release. Find the cause and fix it; CI must stay green.",
    "OPS-{n}: the nightly job fails intermittently. Investigate, fix, and add a regression test.",
    "OPS-{n}: {family} — pick up this ticket from the board and get it merged.",
    "Please fix issue #{n}: the service rejects valid input since the upgrade. Run the tests before you finish.",
)


PACE = Pace(
    epoch=1_764_000_000.0,
    days=14,
    task_numbers=(100, 9999),
    base_tokens=(2500, 14000),
    latency_ms=(700.0, 16000.0),
    output_tokens=(25, 900),
    max_tokens=16000,
    think_s=6.0,
)


_NAMES = tuple(ECOS)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Eco]:
    # every family spreads over the shapes and the toolchains
    return SHAPES[(turn + 3 * number) % len(SHAPES)], ECOS[_NAMES[(i + 2 * number) % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(_TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 4, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
