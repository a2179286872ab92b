"""The nineteenth held-out set: 50 loops and 80 productive sessions spliced into the dev set's real runs.

A loop keeps the first 3–18 calls of a real run as recorded, then the agent falls into the family's
cycle for 12–40 calls, the last of which submits. A productive session is a real resolved run with
the family's episode inserted after a command that returned plainly, the rest of the run following
as recorded; `real-resolved` runs are untouched. Each dev run is lent to one session at most.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from heldout19.calls import Line, Splice, Step
from heldout19.config import config_closing, config_fixed, config_loop
from heldout19.eventloop import async_closing, async_fixed, async_loop
from heldout19.jsonfix import json_closing, json_fixed, json_loop
from heldout19.mocking import mock_closing, mock_fixed, mock_loop
from heldout19.props import deadline_closing, deadline_loop, hypothesis_tuned
from heldout19.replies import format_error
from heldout19.runs import Context, Run, context_of, load_runs
from heldout19.silent import silent_closing, silent_loop
from heldout19.sql import sql_closing, sql_fixed, sql_loop

OPENING = (3, 18)  # real calls before a loop's onset
TAIL = (12, 40)  # calls from the onset on, the last one the agent's answer
SEED = "heldout19"


@dataclass(frozen=True)
class Loop:
    steps: Callable[[Context, random.Random], Iterator[Step]]  # the cycle, endless
    closing: Callable[[Context, random.Random], str]  # the answer that gives up and submits
    fits: Callable[[Context], bool] = lambda ctx: True


@dataclass(frozen=True)
class Episode:
    steps: Callable[[Context, random.Random], list[Step]]
    fits: Callable[[Context], bool] = lambda ctx: True


def django(ctx: Context) -> bool:
    return ctx.repo == "django"


def pytest_runs(ctx: Context) -> bool:
    return ctx.header is not None


def untouched(ctx: Context, rng: random.Random) -> list[Step]:
    return []


LOOPS: dict[str, tuple[Loop, int]] = {
    "mock-target-wrong": (Loop(mock_loop, mock_closing), 8),
    "sql-syntax-churn": (Loop(sql_loop, sql_closing, django), 7),
    "async-loop-trouble": (Loop(async_loop, async_closing, django), 7),
    "json-fixture-broken": (Loop(json_loop, json_closing), 7),
    "config-ignored": (Loop(config_loop, config_closing, pytest_runs), 7),
    "deadline-flaky": (Loop(deadline_loop, deadline_closing, pytest_runs), 7),
    "silent-no-op": (Loop(silent_loop, silent_closing), 7),
}
PRODUCTIVE: dict[str, tuple[Episode, int]] = {
    "mock-fixed": (Episode(mock_fixed), 7),
    "sql-fixed": (Episode(sql_fixed, django), 7),
    "async-fixed": (Episode(async_fixed, django), 7),
    "json-fixed": (Episode(json_fixed), 7),
    "config-picked-up": (Episode(config_fixed, pytest_runs), 7),
    "hypothesis-tuned": (Episode(hypothesis_tuned, pytest_runs), 7),
    "real-resolved": (Episode(untouched), 38),
}


def _stumbles(steps: list[Step], rng: random.Random) -> list[Step]:
    """Now and then the agent puts two commands in one answer and the harness asks again."""
    out: list[Step] = []
    for step in steps:
        if step.reply is not None and rng.random() < 0.025:
            extra = rng.choice(["git status", "git diff", "ls"])
            answer = f"{step.answer}\n\nThen I'll check the working tree:\n\n```bash\n{extra}\n```"
            out.append(Step(answer, format_error(2), 0.0))
        out.append(step)
    return out


def _plain(run: Run, k: int) -> bool:
    """The reply to call k's command: it finished, printed little, and was not cut."""
    reply = str(run.calls[k + 1].messages[-1]["content"])
    return reply.startswith("<returncode>0</returncode>\n<output>") and len(reply) < 4000


def _loop(session: str, run: Run, ctx: Context, loop: Loop, rng: random.Random) -> tuple[list[Line], int]:
    onset = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 1))
    tail = rng.randint(*TAIL)
    splice = Splice(session, run, rng)
    for call in run.calls[:onset]:
        splice.keep(call)
    steps = _stumbles(list(islice(loop.steps(ctx, rng), tail - 1)), rng)[: tail - 1]
    steps.append(Step(loop.closing(ctx, rng), None))
    splice.add(steps[0], base=run.calls[onset])
    for step in steps[1:]:
        splice.add(step)
    return splice.lines, onset


def _productive(session: str, run: Run, ctx: Context, episode: Episode, rng: random.Random) -> list[Line]:
    splice = Splice(session, run, rng)
    steps = _stumbles(episode.steps(ctx, rng), rng)
    if not steps:
        for call in run.calls:
            splice.keep(call)
        return splice.lines
    n = len(run.calls)
    plain = [k for k in range(n * 3 // 10, n * 8 // 10) if _plain(run, k)]
    # After a command that printed nothing (a write, an edit) the next real answer leans least on what it saw.
    quiet = [k for k in plain if str(run.calls[k + 1].messages[-1]["content"]).endswith("<output>\n</output>")]
    after = rng.choice(quiet or plain)
    for call in run.calls[: after + 1]:
        splice.keep(call)
    splice.add(steps[0], base=run.calls[after + 1])
    for step in steps[1:]:
        splice.add(step)
    splice.insert_before(run.calls[after + 1])
    for call in run.calls[after + 1 :]:
        splice.keep(call)
    return splice.lines


def _lendable(run: Run) -> bool:
    n = len(run.calls)
    return run.openrouter and n > OPENING[0] + 1 and any(_plain(run, k) for k in range(n * 3 // 10, n * 8 // 10))


def sessions() -> list[tuple[Line, list[Line]]]:
    """Every session of the set: (its label, its call lines), in the order they are written."""
    runs = load_runs()
    rng = random.Random(SEED)
    order = sorted(s for s, run in runs.items() if _lendable(run))
    rng.shuffle(order)
    contexts = {s: context_of(runs[s]) for s in order}
    used: set[str] = set()
    built: list[tuple[Line, list[Line]]] = []
    jobs: list[tuple[str, Loop | Episode, int]] = [(f, loop, n) for f, (loop, n) in LOOPS.items()]
    jobs += [(f, episode, n) for f, (episode, n) in PRODUCTIVE.items()]
    # Families that fit few repositories choose first, untouched runs last.
    jobs.sort(key=lambda job: (job[0] == "real-resolved", sum(job[1].fits(c) for c in contexts.values())))
    for family, job, count in jobs:
        loop = isinstance(job, Loop)
        chosen = [s for s in order if s not in used and (loop or runs[s].label.resolved) and job.fits(contexts[s])]
        for s in chosen[:count]:
            used.add(s)
            session = f"{SEED}/{family}/{s}"
            rng_s = random.Random(session)
            if isinstance(job, Loop):
                lines, onset = _loop(session, runs[s], contexts[s], job, rng_s)
            else:
                lines, onset = _productive(session, runs[s], contexts[s], job, rng_s), None
            label = "loop" if onset is not None else "productive"
            built.append(
                (
                    {"session": session, "label": label, "loop_from_seq": onset, "family": family, "resolved": None},
                    lines,
                )
            )
    rng.shuffle(built)
    return built


def write(directory: Path) -> Path:
    """`calls.jsonl.gz` and `labels.jsonl` in `directory`, the same bytes on every run; the calls' path."""
    directory.mkdir(parents=True, exist_ok=True)
    built = sessions()
    calls = directory / "calls.jsonl.gz"
    with calls.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for _, lines in built:
            for line in lines:
                out.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
    with (directory / "labels.jsonl").open("w", encoding="utf-8") as out:
        for label, _ in built:
            out.write(json.dumps(label) + "\n")
    return calls
