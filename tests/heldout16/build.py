"""The sixteenth held-out set: new loop families and hard negatives spliced into the dev set's real runs.

Loops keep a real run's first 3–18 calls untouched and replace the rest with 12–40 calls of the
family, the last of which submits. Productive sessions insert an episode into a real resolved run
after a command that returned plainly, then the run goes on as recorded; untouched resolved runs
complete the set. Every dev run is lent to one session at most. Written by someone who read neither
the detectors, the policy nor the other held-out sets; nothing here measures detection.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout16.collection import collection_error
from heldout16.context import EDITS, Ctx, clean_block, code_lines, edits, failing, views
from heldout16.edits import sed_misfire
from heldout16.episodes import collection_fixed, port_freed, user_install
from heldout16.episodes_b import SWEEPS, chunked_reading, parameter_sweep
from heldout16.formats import format_error_loop
from heldout16.interpreter import wrong_interpreter
from heldout16.memory import memory_killed
from heldout16.ports import port_in_use
from heldout16.runs import Run, load
from heldout16.walls import permission_wall
from heldout16.wire import Session, Step

NAME = "heldout16"
OPENING = (3, 18)  # real calls kept before a loop's tail
TAIL = (12, 40)  # calls of a loop's tail, the last one its answer

Tail = Callable[[Ctx, random.Random, int], list[Step]]
Episode = Callable[[Ctx, random.Random], list[Step]]


def untouched(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A real resolved run as recorded: no episode."""
    return []


LOOPS: dict[str, tuple[Tail, int]] = {
    "permission-wall": (permission_wall, 7),
    "port-in-use": (port_in_use, 7),
    "memory-killed": (memory_killed, 7),
    "collection-error": (collection_error, 7),
    "wrong-interpreter": (wrong_interpreter, 7),
    "sed-misfire": (sed_misfire, 8),
    "format-error-loop": (format_error_loop, 7),
}
PRODUCTIVE: dict[str, tuple[Episode, int]] = {
    "port-freed": (port_freed, 7),
    "user-install": (user_install, 7),
    "collection-fixed": (collection_fixed, 7),
    "chunked-reading": (chunked_reading, 8),
    "parameter-sweep": (parameter_sweep, 8),
    "real-resolved": (untouched, 43),
}

PYTEST = {"sympy", "sphinx-doc", "matplotlib", "scikit-learn", "pydata", "pytest-dev", "astropy"}
SERVED = {"django", "sphinx-doc", "psf", "pallets"}
REPOS = {"port-freed": SERVED, "collection-fixed": PYTEST}  # where an episode's tools make sense
AHEAD = re.compile(r"THOUGHT: (Now|Let's|Let me|I'll|I will|Next|I need to|I should|I want to)\b")


def _onsets(run: Run, family: str) -> list[int]:
    """Where a loop of `family` may start in `run` (the real calls kept before it)."""
    last = min(OPENING[1], len(run.calls) - 1)
    onsets = list(range(OPENING[0], last + 1))
    if family == "port-in-use" and run.repo not in SERVED:
        return []
    if family == "collection-error" and run.repo not in PYTEST:
        return []
    if family == "wrong-interpreter" and any("pip" in run.command(s) for s in range(last)):
        return []
    if family in ("sed-misfire", "format-error-loop"):
        return [k for k in onsets if failing(run, k) and code_lines(Ctx(run, k))]
    return onsets


def _splices(run: Run, family: str) -> list[int]:
    """Where an episode of `family` may be inserted in `run` (the call whose answer it replaces first)."""
    if not run.resolved:
        return []
    if family == "real-resolved":
        return [0]
    found = []
    for at in range(3, len(run.calls) - 2):
        command = run.command(at)
        if run.plain(at - 1) is None or not command:
            continue
        if family == "chunked-reading":
            seen = views(run, at)
            if any(edits(command, p) and len(clean_block(seen[p])) >= 110 for p in seen):
                found.append(at)
        elif family == "parameter-sweep":
            ctx = Ctx(run, at)
            edit = re.search(rf"{re.escape(ctx.package)}/[\w/]+\.py", command) and any(m in command for m in EDITS)
            if ctx.name in SWEEPS and edit:
                found.append(at)
        elif AHEAD.match(run.answer(at)) and run.repo in REPOS.get(family, {run.repo}):
            # The run's next answer looks ahead, so it still reads right after the episode.
            found.append(at)
    return found


def _place(runs: list[Run], rng: random.Random) -> list[tuple[str, str, Run, int]]:
    """(session, family, run, onset or splice) for every session, the most constrained families placed first."""
    free = list(runs)
    placed = []
    order = ["chunked-reading", "parameter-sweep", "collection-fixed", "port-freed", "user-install"]
    order += ["sed-misfire", "format-error-loop", "collection-error", "port-in-use", *LOOPS, "real-resolved"]
    counts = {family: count for family, (_, count) in {**LOOPS, **PRODUCTIVE}.items()}
    for family in dict.fromkeys(order):
        where = _onsets if family in LOOPS else _splices
        fits = {run.session: spots for run in free if (spots := where(run, family))}
        for _ in range(counts[family]):
            choices = [run for run in free if run.session in fits]
            unresolved = [run for run in choices if not run.resolved]
            run = rng.choice(unresolved if family in LOOPS and unresolved and rng.random() < 0.45 else choices)
            free.remove(run)
            placed.append((f"{NAME}/{family}/{run.session}", family, run, rng.choice(fits[run.session])))
    return placed


def _session(
    session: str, family: str, run: Run, at: int, rng: random.Random
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    writer = Session(session, run, rng)
    ctx = Ctx(run, at)
    if family in LOOPS:
        writer.keep(at)
        for step in LOOPS[family][0](ctx, rng, rng.randint(*TAIL)):
            writer.say(step)
    elif family == "real-resolved":
        writer.keep()
    else:
        writer.keep(at)
        for step in PRODUCTIVE[family][0](ctx, rng):
            writer.say(step)
        writer.resume(at)
    loop = family in LOOPS
    label = {
        "session": session,
        "label": "loop" if loop else "productive",
        "loop_from_seq": at if loop else None,
        "family": family,
        "resolved": None,
    }
    return label, writer.lines


def write(directory: Path) -> Path:
    """`calls.jsonl.gz` and `labels.jsonl` of the set in `directory`; the calls' path. The same bytes every time."""
    rng = random.Random(f"{NAME}/placement")
    built = [_session(*where, random.Random(where[0])) for where in _place(load(), rng)]
    rng.shuffle(built)
    directory.mkdir(parents=True, exist_ok=True)
    calls = directory / "calls.jsonl.gz"
    with gzip.GzipFile(calls, "wb", compresslevel=6, mtime=0) as out:
        for _, lines in built:
            for line in lines:
                out.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
    with (directory / "labels.jsonl").open("w", encoding="utf-8") as out:
        for label, _ in built:
            out.write(json.dumps(label) + "\n")
    return calls
