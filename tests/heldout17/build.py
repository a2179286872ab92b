"""The seventeenth held-out set: 50 loops and 80 productive sessions spliced into the dev set's real runs.

Each dev run is lent to at most one session. Productive sessions take real resolved runs (44 with an
episode inserted, 36 untouched); loops take the remaining real runs, resolved or not, and keep their
first 3–18 calls. Everything is drawn from string-seeded generators, so the set is the same bytes on
every machine.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path

import orjson

from heldout17.episodes_a import doctest_fixed, regex_converges, version_pinned
from heldout17.episodes_b import api_explored, incremental_tests, quoting_fixed_once
from heldout17.loops_env import api_hallucination, version_downgrade
from heldout17.loops_quote import shell_quoting
from heldout17.loops_regex import off_by_one, regex_tweak
from heldout17.loops_text import doctest_drift, indentation_war
from heldout17.runs import Ctx, Line, Run, context, load_runs
from heldout17.splice import episode_session, loop_session, real_session
from heldout17.wire import Step

NAME = "heldout17"
OPENING = (3, 18)
TAIL = (12, 40)

Loop = Callable[[Ctx, random.Random, int], list[Step]]
Episode = Callable[[Ctx, random.Random], list[Step]]


def untouched(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A real resolved run as recorded: no episode."""
    return []


LOOPS: dict[str, tuple[Loop, int]] = {
    "regex-tweak": (regex_tweak, 7),
    "off-by-one": (off_by_one, 7),
    "indentation-war": (indentation_war, 7),
    "doctest-drift": (doctest_drift, 7),
    "version-downgrade": (version_downgrade, 7),
    "shell-quoting": (shell_quoting, 7),
    "api-hallucination": (api_hallucination, 8),
}
PRODUCTIVE: dict[str, tuple[Episode, int]] = {
    "regex-converges": (regex_converges, 7),
    "doctest-fixed": (doctest_fixed, 7),
    "version-pinned": (version_pinned, 7),
    "quoting-fixed-once": (quoting_fixed_once, 7),
    "incremental-tests": (incremental_tests, 8),
    "api-explored": (api_explored, 8),
    "real-resolved": (untouched, 36),
}


def _plain(run: Run, k: int) -> bool:
    reply = run.reply(k)
    return reply.startswith("<returncode>0</returncode>\n<output>\n") and len(reply) < 3000


def _insertion(run: Run, rng: random.Random) -> int:
    """A call in the middle of the run whose command returned plainly: the episode follows its reply."""
    middle = [k for k in range(len(run.lines) // 4, len(run.lines) - 3) if _plain(run, k)]
    return rng.choice(middle or [k for k in range(2, len(run.lines) - 3) if _plain(run, k)])


def sessions() -> list[tuple[Line, list[Line]]]:
    """(label, call lines) of every session, in the order they are written."""
    runs = load_runs()
    pick = random.Random(NAME)
    resolved = sorted(s for s, run in runs.items() if run.family == "real-resolved")
    pick.shuffle(resolved)
    wanted = sum(count for _, count in PRODUCTIVE.values())
    productive, spare = resolved[:wanted], resolved[wanted:]
    others = sorted(spare + [s for s, run in runs.items() if run.family == "real-unresolved"])
    pick.shuffle(others)
    built: list[tuple[Line, list[Line]]] = []
    for family, (loop, count) in LOOPS.items():
        for session in [others.pop() for _ in range(count)]:
            run = runs[session]
            rng = random.Random(f"{NAME}/{family}/{session}")
            onset = rng.randint(OPENING[0], min(OPENING[1], len(run.lines) - 1))
            steps = loop(context(run), rng, rng.randint(*TAIL))
            name = f"{NAME}/{family}/{session}"
            built.append((_label(name, family, onset), loop_session(name, run, onset, steps, rng)))
    for family, (episode, count) in PRODUCTIVE.items():
        for session in [productive.pop() for _ in range(count)]:
            run = runs[session]
            rng = random.Random(f"{NAME}/{family}/{session}")
            name = f"{NAME}/{family}/{session}"
            steps = episode(context(run), rng)
            lines = episode_session(name, run, _insertion(run, rng), steps, rng) if steps else real_session(name, run)
            built.append((_label(name, family, None), lines))
    pick.shuffle(built)
    return built


def _label(session: str, family: str, onset: int | None) -> Line:
    kind = "productive" if onset is None else "loop"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def write(directory: Path) -> Path:
    """`calls.jsonl.gz` and `labels.jsonl` in `directory`; the calls' path."""
    directory.mkdir(parents=True, exist_ok=True)
    built = sessions()
    calls = directory / "calls.jsonl.gz"
    with calls.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
        for _, lines in built:
            out.write(b"".join(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE) for line in lines))
    with (directory / "labels.jsonl").open("wb") as out:
        out.write(b"".join(orjson.dumps(label, option=orjson.OPT_APPEND_NEWLINE) for label, _ in built))
    return calls
