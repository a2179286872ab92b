"""The eighteenth held-out set: loop families and look-alike productive work spliced into real runs.

Each dev run is lent to one session at most. Loops keep a real run's first 3–18 calls and replace
the rest with a tail of 12–40 calls of the family, its last the answer; productive sessions insert
an episode of the family after a command of a real resolved run that returned plainly, the rest of
the run following as recorded; `real-resolved` sessions are real resolved runs, untouched.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from heldout18.episodes_a import lint_converges, reinstalled_then_works, test_selection_fixed
from heldout18.episodes_b import build_ext_fixed, long_suite_run, narrowed_output
from heldout18.loops_a import edits_not_taking_effect
from heldout18.loops_b import formatter_fight, hook_refused_commit
from heldout18.loops_c import import_time_crash, output_too_long
from heldout18.loops_d import no_tests_selected
from heldout18.loops_e import build_ext_failure
from heldout18.runs import Run, load_runs
from heldout18.scenes import OPENING, TAIL
from heldout18.wire import Call, Step, episode_calls, loop_calls

Builder = Callable[[Run, random.Random], tuple[int, list[Step]] | None]

__all__ = ["LOOPS", "OPENING", "PRODUCTIVE", "TAIL", "write"]


def untouched(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """A real resolved run as it was recorded."""
    return (len(run.calls), []) if run.resolved else None


# In the order runs are handed out: the families that fit the fewest runs first.
LOOPS: dict[str, tuple[Builder, int]] = {
    "edits-not-taking-effect": (edits_not_taking_effect, 8),
    "build-ext-failure": (build_ext_failure, 7),
    "output-too-long": (output_too_long, 7),
    "no-tests-selected": (no_tests_selected, 7),
    "formatter-fight": (formatter_fight, 7),
    "hook-refused-commit": (hook_refused_commit, 7),
    "import-time-crash": (import_time_crash, 7),
}
PRODUCTIVE: dict[str, tuple[Builder, int]] = {
    "reinstalled-then-works": (reinstalled_then_works, 7),
    "build-ext-fixed": (build_ext_fixed, 7),
    "narrowed-output": (narrowed_output, 7),
    "lint-converges": (lint_converges, 7),
    "test-selection-fixed": (test_selection_fixed, 7),
    "long-suite-run": (long_suite_run, 7),
    "real-resolved": (untouched, 38),
}
ORDER = [
    "edits-not-taking-effect",
    "reinstalled-then-works",
    "build-ext-failure",
    "build-ext-fixed",
    "long-suite-run",
    "output-too-long",
    "narrowed-output",
    "no-tests-selected",
    "formatter-fight",
    "hook-refused-commit",
    "import-time-crash",
    "lint-converges",
    "test-selection-fixed",
    "real-resolved",
]
SEED = 18


def _sessions(runs: dict[str, Run]) -> list[tuple[dict[str, Any], list[Call]]]:
    order = sorted(runs)
    random.Random(SEED).shuffle(order)
    used: set[str] = set()
    made: list[tuple[dict[str, Any], list[Call]]] = []
    for family in ORDER:
        loop = family in LOOPS
        builder, count = LOOPS[family] if loop else PRODUCTIVE[family]
        # Loops take unresolved runs first, leaving resolved ones for the productive families that need them.
        candidates = sorted((s for s in order if s not in used), key=lambda s: runs[s].resolved) if loop else order
        taken = 0
        for session in candidates:
            if taken == count:
                break
            run = runs[session]
            if session in used or (not loop and not run.resolved):
                continue
            rng = random.Random(f"heldout18/{family}/{session}")
            built = builder(run, rng)
            if built is None:
                continue
            at, steps = built
            used.add(session)
            taken += 1
            name = f"heldout18/{family}/{session}"
            if loop:
                calls = loop_calls(run, rng, at, steps)
            elif steps:
                calls = episode_calls(run, rng, at, steps)
            else:
                calls = [Call(c.ts, c.messages, c.response) for c in run.calls]
            label = {
                "session": name,
                "label": "loop" if loop else "productive",
                "loop_from_seq": at if loop else None,
                "family": family,
                "resolved": None,
            }
            made.append((label, calls))
        assert taken == count, (family, taken)
    return made


def write(directory: Path) -> Path:
    """Writes `calls.jsonl.gz` and `labels.jsonl` into `directory`; returns the calls' path."""
    made = _sessions(load_runs())
    lines = [
        (call.ts, index, seq, label["session"], call)
        for index, (label, calls) in enumerate(made)
        for seq, call in enumerate(calls)
    ]
    lines.sort(key=lambda line: line[:3])
    sent: dict[str, int] = {}
    path = directory / "calls.jsonl.gz"
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out:
        for ts, _, seq, session, call in lines:
            request: dict[str, Any] = {"model": "gemini-3-pro-preview"}
            if session in sent:
                request["messages_from"] = sent[session]
            request["messages"] = call.messages[sent.get(session, 0) :]
            sent[session] = len(call.messages)
            out.write(
                orjson.dumps(
                    {
                        "v": 1,
                        "session": session,
                        "agent": "miniswe-gemini-3-pro",
                        "seq": seq,
                        "ts": ts,
                        "dialect": "openai",
                        "request": request,
                        "response": call.response,
                    },
                    option=orjson.OPT_APPEND_NEWLINE,
                )
            )
    with (directory / "labels.jsonl").open("wb") as labels:
        for label, _ in made:
            labels.write(orjson.dumps(label, option=orjson.OPT_APPEND_NEWLINE))
    return path
