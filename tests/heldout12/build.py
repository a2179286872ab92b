"""Build the twelfth held-out set: 50 loops and 80 productive sessions from the dev set's real runs.

Loops keep a real run's first 3–18 calls, then a tail of 12–40 calls of one family. Productive
episodes are inserted into a real resolved run after one of its calls, the rest of the run following
with its requests carrying the episode. 33 resolved runs are kept untouched. Everything is seeded by
strings, so the set is the same on every machine (its checksum is frozen in the test).
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout12 import loops, work
from heldout12.runs import DEV, Ctx, Exchange, Line, Run, context, dev_runs, splice_loop, splice_work, verbatim

LoopBuilder = Callable[[Ctx, random.Random, int], list[Exchange]]
WorkBuilder = Callable[[Ctx, random.Random], list[Exchange]]

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "wrong-file-fix": (loops.wrong_file_fix, 8),
    "import-shadowing": (loops.import_shadowing, 6),
    "timeout-retry": (loops.timeout_retry, 7),
    "patch-rejected": (loops.patch_rejected, 6),
    "syntax-churn": (loops.syntax_churn, 7),
    "dependency-conflict": (loops.dependency_conflict, 8),
    "assertion-chase": (loops.assertion_chase, 8),
}
PRODUCTIVE: dict[str, tuple[WorkBuilder | None, int]] = {
    "pre-existing-failures": (work.pre_existing_failures, 9),
    "retry-after-timeout": (work.retry_after_timeout, 7),
    "long-investigation": (work.long_investigation, 9),
    "iterative-refactor": (work.iterative_refactor, 8),
    "install-then-work": (work.install_then_work, 7),
    "bisect-by-hand": (work.bisect_by_hand, 7),
    "real-resolved": (None, 33),  # untouched
}
OPENING = (3, 18)  # real calls kept before a loop's tail
TAIL = (12, 40)  # calls in a loop's tail, from its onset to the end


def _label(session: str, family: str, onset: int | None) -> dict[str, Any]:
    kind = "productive" if onset is None else "loop"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def sessions(directory: Path = DEV) -> tuple[list[list[Line]], list[dict[str, Any]]]:
    """Every session's calls and its label, in the order they are written."""
    runs = dev_runs(directory)
    pick = random.Random("heldout12/runs")
    usable = sorted(name for name, run in runs.items() if run.openrouter and len(run.lines) >= 8)
    pick.shuffle(usable)
    loop_runs = usable[:50]
    resolved = [name for name in usable[50:] if runs[name].resolved]
    spliced_work = resolved[:47]
    rest = sorted(name for name, run in runs.items() if run.resolved and name not in set(loop_runs) | set(spliced_work))
    pick.shuffle(rest)
    built: list[tuple[list[Line], dict[str, Any]]] = []

    def take(pool: list[str], family: str, count: int) -> list[tuple[str, Run, random.Random]]:
        chosen = [pool.pop() for _ in range(count)]
        return [
            (f"heldout12/{family}/{name}#{i + 1}", runs[name], random.Random(f"heldout12/{family}/{name}#{i + 1}"))
            for i, name in enumerate(chosen)
        ]

    for family, (loop, count) in LOOPS.items():
        for session, run, rng in take(loop_runs, family, count):
            onset = rng.randint(OPENING[0], min(OPENING[1], len(run.lines) - 1))
            tail = loop(context(run), rng, rng.randint(*TAIL))
            built.append((splice_loop(run, session, onset, tail, rng), _label(session, family, onset)))
    for family, (job, count) in PRODUCTIVE.items():
        for session, run, rng in take(spliced_work if job else rest, family, count):
            if job is None:
                lines = verbatim(run, session)
            else:
                # After a call whose command ran (not a format error or a timeout the run reacts to next).
                after = rng.choice(
                    [
                        k
                        for k in range(2, len(run.lines) - 2)
                        if run.full[k + 1][-1]["content"].startswith("<returncode>")
                    ]
                )
                lines = splice_work(run, session, after, job(context(run), rng), rng)
            built.append((lines, _label(session, family, None)))
    pick.shuffle(built)
    return [lines for lines, _ in built], [label for _, label in built]


def write(directory: Path) -> Path:
    """Write calls.jsonl.gz and labels.jsonl into `directory`; return the calls file."""
    directory.mkdir(parents=True, exist_ok=True)
    calls, labels = sessions()
    text = "".join(
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for lines in calls for line in lines
    )
    path = directory / "calls.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode(), mtime=0))
    (directory / "labels.jsonl").write_text("".join(json.dumps(label) + "\n" for label in labels))
    return path
