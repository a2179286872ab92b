"""Writes the fifteenth held-out set: 130 sessions spliced into the dev set's real gemini-3-pro runs.

50 loops keep a real run's first 3–18 calls and then go round for 12–40 calls; 38 productive
episodes are inserted into real resolved runs that then finish as they did; 42 resolved runs are
left untouched. Everything is drawn from one seeded generator, so the set is the same every time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from heldout15.episodes import cleanup_after_fix, conftest_fixed, merge_resolved, slow_convergence, typing_pass
from heldout15.loops_a import circular_import, encoding_wall, fixture_hell, type_stub_churn
from heldout15.loops_b import git_state_confusion, infinite_recursion, print_and_stare
from heldout15.runs import DEV, Repo, Run, Step, load_runs, normal_reply, repo_of, splice_episode, splice_loop
from regulator.traces.format import TraceCall, TraceWriter

LoopBuilder = Callable[[random.Random, Repo, int], list[Step]]
EpisodeBuilder = Callable[[random.Random, Repo], list[Step]]

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "fixture-hell": (fixture_hell, 7),
    "circular-import": (circular_import, 7),
    "encoding-wall": (encoding_wall, 6),
    "type-stub-churn": (type_stub_churn, 6),
    "git-state-confusion": (git_state_confusion, 7),
    "infinite-recursion": (infinite_recursion, 7),
    "print-and-stare": (print_and_stare, 10),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder | None, int]] = {
    "slow-convergence": (slow_convergence, 9),
    "cleanup-after-fix": (cleanup_after_fix, 8),
    "conftest-fixed": (conftest_fixed, 7),
    "typing-pass": (typing_pass, 7),
    "merge-resolved": (merge_resolved, 7),
    "real-resolved": (None, 42),
}

# Families whose stretch runs pytest fixtures: Django's own runner has none.
_PYTEST = {"fixture-hell", "conftest-fixed"}
OPENING = (3, 18)
TAIL = (12, 40)


def _script_opening(run: Run, k: int) -> bool:
    """Whether a reproduction script ran, with a modest output, before call k."""
    repo = repo_of(run, k)
    return repo.script is not None and 40 <= len(repo.script_output) <= 6000


def _loop_openings(family: str, run: Run) -> list[int]:
    ks = [k for k in range(OPENING[0], min(OPENING[1], len(run.calls) - 1) + 1) if normal_reply(run.calls[k])]
    if family == "print-and-stare":
        ks = [k for k in ks if _script_opening(run, k)]
    return ks


def _episode_points(family: str, run: Run) -> list[int]:
    n = len(run.calls)
    low, high = (max(2, n - 5), n - 2) if family == "cleanup-after-fix" else (2, n - 3)
    return [k for k in range(low, high + 1) if normal_reply(run.calls[k + 1])]


def _has_points(family: str, run: Run) -> bool:
    return bool(_episode_points(family, run))


def _has_openings(family: str, run: Run) -> bool:
    return bool(_loop_openings(family, run))


def _fits(family: str, run: Run) -> bool:
    return family not in _PYTEST or not run.instance.startswith("django__")


def _sessions(rng: random.Random) -> list[tuple[list[TraceCall], dict[str, object]]]:
    runs = load_runs(DEV)
    resolved = [run for run in runs.values() if run.resolved and len(run.calls) >= 8]
    chosen = {run.instance for run in resolved}
    rest = [run for run in runs.values() if run.instance not in chosen]
    rng.shuffle(resolved)
    rng.shuffle(rest)
    out: list[tuple[list[TraceCall], dict[str, object]]] = []

    def take(pool: list[Run], family: str, ok: Callable[[Run], bool]) -> Run:
        index = next(i for i, run in enumerate(pool) if _fits(family, run) and ok(run))
        return pool.pop(index)

    for family, (episode, count) in PRODUCTIVE.items():
        for number in range(1, count + 1):
            run = take(resolved, family, partial(_has_points, family))
            session = f"heldout15/{family}/{run.instance}#{number}"
            if episode is None:
                calls = [replace(call, session=session) for call in run.calls]
            else:
                k = rng.choice(_episode_points(family, run))
                calls = splice_episode(rng, session, run, k, episode(rng, repo_of(run, k + 1)))
            out.append(
                (
                    calls,
                    {
                        "session": session,
                        "label": "productive",
                        "loop_from_seq": None,
                        "family": family,
                        "resolved": None,
                    },
                )
            )
    pool = rest + resolved
    for family, (loop, count) in LOOPS.items():
        for number in range(1, count + 1):
            run = take(pool, family, partial(_has_openings, family))
            session = f"heldout15/{family}/{run.instance}#{number}"
            k = rng.choice(_loop_openings(family, run))
            steps = loop(rng, repo_of(run, k), rng.randint(*TAIL))
            out.append(
                (
                    splice_loop(rng, session, run, k, steps),
                    {"session": session, "label": "loop", "loop_from_seq": k, "family": family, "resolved": None},
                )
            )
    rng.shuffle(out)
    return out


def write(directory: Path) -> Path:
    """Write calls.jsonl.gz and labels.jsonl into `directory`; returns the calls file."""
    directory.mkdir(parents=True, exist_ok=True)
    calls_path, labels_path = directory / "calls.jsonl.gz", directory / "labels.jsonl"
    calls_path.unlink(missing_ok=True)
    sessions = _sessions(random.Random("heldout15"))
    with TraceWriter(calls_path) as writer:
        for calls, _ in sessions:
            for call in calls:
                writer.write(call)
    labels_path.write_text("".join(json.dumps(label) + "\n" for _, label in sessions))
    return calls_path
