"""HELDOUT5: a fifth held-out set of labelled traces, written from a description of families and frozen
by checksum before anyone measured detection on it.

Toolchains: Zig (zig build, zig fetch), OCaml with dune and opam (alcotest), Clojure with Leiningen
(clojure.test, clj-kondo, criterium), Erlang/OTP with rebar3 (Common Test, dialyzer, elvis),
Kubernetes Helm charts (helm lint, helm-unittest, kind, kubectl rollouts, k6), Julia with Pkg, and R
with devtools/testthat; all eight agent shapes, each on two or three models. `write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in
docs/trace-format.md (delta-encoded requests), ready for `regulator replay --json --summary`.
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

NAME = "heldout5"
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
    "retry-recover": (work_a.retry_recover, 8),
    "polling": (work_a.polling, 8),
    "fixable-env": (work_a.fixable_env, 8),
    "tdd": (work_a.tdd, 7),
    "compile-fix": (work_a.compile_fix, 7),
    "refactor-check": (work_a.refactor_check, 7),
    "per-package": (work_a.per_package, 7),
    "bisect": (work_b.bisect, 7),
    "bench-iterate": (work_b.bench_iterate, 7),
    "exploration": (work_b.exploration, 7),
    "print-debug": (work_b.print_debug, 7),
    "suite-rerun": (work_b.suite_rerun, 7),
    "config-tune": (work_b.config_tune, 8),
}
_TASKS = (
    "PLAT-{n}: {family} — the build on main is red since this morning. Get it green without disabling tests.",
    "Ticket #{n}: users report wrong results after the last deploy. Find the cause, fix it, keep CI passing.",
    "PLAT-{n}: please pick this up: make the change described in the issue and run the checks before you finish.",
    "Fix issue {n} in this repository. The maintainers expect the full test suite to pass.",
)


PACE = Pace(
    epoch=1_765_000_000.0,
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
    # consecutive sessions rotate, so every family spreads over the shapes
    return SHAPES[turn % len(SHAPES)], ECOS[_NAMES[(i + 3 * number) % len(_NAMES)]]


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its labels line, its call lines)."""
    lines = lines_on_models(_TASKS, PACE, MODELS)
    return spread(NAME, LOOPS, PRODUCTIVE, _place, 3, lines)


def write(directory: Path) -> Path:
    return write_set(directory, sessions())


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))
