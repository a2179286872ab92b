"""What every set spliced with this package does besides its families (heldout20, 21, 22).

Where an episode may go in a real run, how a session is labelled, and the two files a set is written to.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from heldout20.calls import SUBMIT, Session, Step, splice_episode, splice_loop
from heldout20.runs import Run, answer_of, load_runs

Built = list[tuple[dict[str, Any], list[dict[str, Any]]]]
_PLAIN = "<returncode>0</returncode>\n<output>\n"


def untouched(ctx: object, rng: random.Random) -> list[Step]:
    """The episode of a real resolved run left as it was."""
    return []


def plain_returns(run: Run) -> list[int]:
    """Calls whose prompt ends on a command that returned plainly, the run going on after them."""
    return [
        i
        for i, call in enumerate(run.calls[3:-2], 3)
        if str(call.messages[-1]["content"]).startswith(_PLAIN)
        and len(str(call.messages[-1]["content"])) < 3000
        and SUBMIT not in answer_of(call)
    ]


def label(session: str, family: str, onset: int | None) -> dict[str, Any]:
    kind = "loop" if onset is not None else "productive"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def write_set(directory: Path, built: Built) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    calls = "".join(json.dumps(line, separators=(",", ":")) + "\n" for _, lines in built for line in lines)
    labels = "".join(json.dumps(label, separators=(",", ":")) + "\n" for label, _ in built)
    path = directory / "calls.jsonl.gz"
    path.write_bytes(gzip.compress(calls.encode(), mtime=0))
    (directory / "labels.jsonl").write_text(labels)
    return path


def spliced_loop(
    name: str,
    family: str,
    run: Run,
    rng: random.Random,
    loop: Callable[[Any, random.Random, int], list[Step]],
    context: Callable[[Run, int], Any],
    opening: tuple[int, int],
    tail: tuple[int, int],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A loop session: the run's first calls as recorded, then the family's tail from a drawn onset."""
    onset = rng.randint(*opening)
    session = Session(name, run, rng)
    splice_loop(session, onset, loop(context(run, onset), rng, rng.randint(*tail)))
    return label(name, family, onset), session.lines


def spliced_episode(
    name: str,
    family: str,
    run: Run,
    rng: random.Random,
    episode: Callable[[Any, random.Random], list[Step]],
    context: Callable[[Run, int], Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A productive session: the family's episode after a call that returned plainly, or the run untouched."""
    session = Session(name, run, rng)
    after = rng.choice(plain_returns(run))
    steps = episode(context(run, after), rng)
    if steps:
        splice_episode(session, after, steps)
    else:
        for call in run.calls:
            session.keep(call, [], 0, 0, 0.0)
    return label(name, family, None), session.lines


def take(pool: list[Run], count: int, fits: Callable[[Run], bool] | None = None) -> list[Run]:
    """The first `count` runs of `pool` that fit, taken out of the pool."""
    taken = [run for run in pool if fits is None or fits(run)][:count]
    assert len(taken) == count, (count, fits)
    for run in taken:
        pool.remove(run)
    return taken


def build_set(
    name: str,
    seed: int,
    loops: Mapping[str, tuple[Callable[[Any, random.Random, int], list[Step]], int]],
    productive: Mapping[str, tuple[Callable[[Any, random.Random], list[Step]], int]],
    context: Callable[[Run, int], Any],
    opening: tuple[int, int],
    tail: tuple[int, int],
    fits: Mapping[str, Callable[[Run], bool]] | None = None,
) -> Built:
    """A set's sessions: every choice from one generator seeded `seed`, in one order, so the same bytes each build.

    Productive families get the first resolved runs that have a plain return to follow; loops get
    the other runs long enough for their opening. `fits` keeps a family to the runs it makes sense in.
    """
    fits = fits or {}
    rng = random.Random(seed)
    runs = load_runs()
    rng.shuffle(runs)
    wanted = sum(count for _, count in productive.values())
    resolved = [run for run in runs if run.resolved and plain_returns(run)][:wanted]
    lent = {run.session for run in resolved}
    others = [run for run in runs if run.session not in lent and len(run.calls) > opening[1]]
    built: Built = []
    for family, (loop, count) in loops.items():
        for run in take(others, count, fits.get(family)):
            built.append(spliced_loop(f"{name}/{family}/{run.session}", family, run, rng, loop, context, opening, tail))
    for family, (episode, count) in productive.items():
        for run in take(resolved, count, fits.get(family)):
            built.append(spliced_episode(f"{name}/{family}/{run.session}", family, run, rng, episode, context))
    return built
