"""HELDOUT3: a third held-out set of labelled traces, written from a description of families and frozen
by checksum before anyone measured detection on it.

Toolchains none of the earlier sets use (Swift, Scala, Haskell, Terraform/Ansible, dbt/alembic,
pnpm/vite/playwright, shell/make), all eight agent shapes on several models, and family builders
written from scratch. `write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in
docs/trace-format.md (delta-encoded requests), ready for `regulator replay --json --summary`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout.shapes import Step
from heldout_writer import Line, Pace, lines_on_models, spread
from heldout_writer import write as write_set

from . import loops, work, work_more
from .ecosystems import Eco
from .ecosystems_ops import ECOS
from .shapes import MODELS, SHAPES

NAME = "heldout3"
ALL = tuple(ECOS)
Loop = Callable[[Eco, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-impossible": (loops.env_impossible, 16),
    "unfixable-bug": (loops.unfixable_bug, 12),
    "long-cycle": (loops.long_cycle, 12),
    "stubborn-retry": (loops.stubborn_retry, 10),
    "analysis-paralysis": (loops.analysis_paralysis, 10),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work.retry_recover, 10),
    "polling": (work.polling, 12),
    "fixable-env": (work.fixable_env, 9),
    "tdd": (work.tdd, 8),
    "compile-fix": (work.compile_fix, 8),
    "lint-each-edit": (work.lint_each_edit, 9),
    "monorepo-sweep": (work_more.monorepo_sweep, 8),
    "bisect": (work_more.bisect, 7),
    "bench-iterate": (work_more.bench_iterate, 7),
    "exploration": (work_more.exploration, 8),
    "migration-cycle": (work_more.migration_cycle, 8),
    "infra-iterate": (work_more.infra_iterate, 8),
}
ECOS_OF = {"infra-iterate": ("terraform",)}  # plan/apply rounds only make sense on the infra repo
_TASKS = (
    "STK-{n}: renewing a loan sets the wrong due date for some branches. Find out why and fix it; keep CI green.",
    "STK-{n}: holds expire a day early in the staging environment. Investigate and fix, with a test.",
    "STK-{n}: overdue fines disagree with the finance report. Find the cause and correct it.",
    "STK-{n}: the {family} work item from the sprint board: do it and make sure the checks pass.",
)


PACE = Pace(
    epoch=1_768_000_000.0,
    days=10,
    task_numbers=(1000, 9999),
    base_tokens=(2000, 11000),
    latency_ms=(900.0, 14000.0),
    output_tokens=(30, 700),
    max_tokens=16384,
    think_s=5.0,
)


def _place(turn: int, number: int, family: str, i: int) -> tuple[str, Eco]:
    ecos = ECOS_OF.get(family, ALL)  # every family spreads over the shapes and its toolchains
    return SHAPES[(turn + number) % len(SHAPES)], ECOS[ecos[(i + number) % len(ecos)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(_TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 5, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
