"""Replay on several cores: each worker runs the per-session detectors over a share of the sessions.

A detector that keeps state per session finds in a session what that session's calls alone show,
so the sessions are split into shares by a hash of their name and each share's calls go through
those detectors in a worker process of its own. What they found on each call comes back with the
call's record, and the policy then runs as in a serial replay: over every call in trace order, with
the findings recorded in the workers in place of those detectors, and the detectors that compare
sessions (`spans_sessions`: an agent's burn rate against its fleet's) run live. The verdicts, stops
and incidents, and so the report, are the same as serial replay's.

Workers also see the calls of a session after its stop, which a serial replay skips (about 12 % of
the dev set's calls): a little more work in all, spread over the cores. They start as fresh
interpreters (`spawn`: no thread or lock of the caller is copied into them), which import the
caller's main module: a script using this must guard its top level with `if __name__ == "__main__":`.
"""

from __future__ import annotations

import gc
import heapq
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from operator import attrgetter

from regulator.config import Config
from regulator.detect.base import Detector, Finding
from regulator.events import CallEvent, CallRecord
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import supervisor_factory
from regulator.traces.format import iter_trace, trace_files
from regulator.traces.replay import (
    ReplayPrices,
    ReplaySession,
    call_event,
    recorded_cost,
    replay_events,
    replay_sessions,
    warn_unpriced,
)

# A worker starts a fresh interpreter and imports regulator (about half a second): below this much
# trace, that costs more than the work it takes over.
MIN_SPLIT_BYTES = 1 << 20
MAX_WORKERS = 8

log = logging.getLogger("regulator.replay")


def default_workers() -> int:
    """The cores this process may run on, at most `MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def worth_splitting(paths: Iterable[str | os.PathLike[str]]) -> bool:
    return sum(path.stat().st_size for path in trace_files(paths)) >= MIN_SPLIT_BYTES


@dataclass(frozen=True, slots=True)
class _Call:
    """One call as a worker sends it back: what the policy needs, and what the detectors found."""

    position: int
    record: CallRecord
    seq: int
    billed: float | None
    found: tuple[tuple[int, list[Finding]], ...]  # (the detector's place in the list, its findings)


def _share_of(session: str, shares: int) -> int:
    return zlib.crc32(session.encode()) % shares  # not hash(): each worker salts str hashes its own way


def _spans_sessions(detector: Detector) -> bool:
    return bool(getattr(detector, "spans_sessions", False))


@dataclass(frozen=True, slots=True)
class _Share:
    calls: list[_Call]
    unpriced: set[str]  # models metered at replay's fallback price


def _run_share(paths: list[str], config: Config, policy: str, share: int, shares: int) -> _Share:
    # As in the CLI's replay: millions of short-lived containers, next to no cycles. Share 0 runs in the
    # caller's process, so what this changes is put back.
    collecting = gc.isenabled()
    gc.disable()
    level = log.level
    log.setLevel(logging.ERROR)  # a model no price is known for is named once, by the caller
    try:
        detectors = supervisor_factory(policy)().detectors
        local = [(place, detector) for place, detector in enumerate(detectors) if not _spans_sessions(detector)]
        prices = ReplayPrices(config)
        calls: list[_Call] = []
        for call in iter_trace(paths, keep=lambda session: _share_of(session, shares) == share):
            event = call_event(call, prices)
            found = tuple((place, seen) for place, detector in local if (seen := detector.observe(event)))
            calls.append(_Call(call.position, event.record, event.seq, recorded_cost(call.response), found))
    finally:
        log.setLevel(level)
        if collecting:
            gc.enable()
    return _Share(calls, set(prices.unpriced))


class _Recorded:
    """Stands in for a per-session detector in the policy's pass: what it found on the current call."""

    def __init__(self, name: str, place: int, playback: _Playback) -> None:
        self.name = name
        self.place = place
        self.playback = playback

    def observe(self, event: CallEvent) -> list[Finding]:
        return self.playback.found.get(self.place, [])

    def forget(self, session: str) -> None:
        """The worker's detector kept the state; there is none here."""


class _Playback:
    def __init__(self) -> None:
        self.found: dict[int, list[Finding]] = {}

    def events(self, calls: Iterable[_Call]) -> Iterator[tuple[CallEvent, float | None]]:
        """Each call as an event for the policy; its findings are current while it is observed."""
        for call in calls:
            self.found = dict(call.found)
            # The policy and the detectors that span sessions read the record only.
            yield CallEvent(call.record, call.seq, [], 0, None), call.billed


def replay_in_parallel(
    paths: Iterable[str | os.PathLike[str]], config: Config, policy: str, workers: int
) -> tuple[list[ReplaySession], ShadowPolicy]:
    """`replay_sessions` with `policy` (as `--policy` names it), its detectors spread over `workers` processes."""
    files = [str(path) for path in trace_files(paths)]
    with ProcessPoolExecutor(workers - 1, mp_context=get_context("spawn")) as pool:
        others = [pool.submit(_run_share, files, config, policy, share, workers) for share in range(1, workers)]
        shares = [_run_share(files, config, policy, 0, workers), *(future.result() for future in others)]
    for model in sorted(set().union(*(share.unpriced for share in shares))):
        warn_unpriced(model)
    hook = ShadowPolicy(supervisor_factory(policy)())
    playback = _Playback()
    hook.supervisor.detectors = [
        detector if _spans_sessions(detector) else _Recorded(detector.name, place, playback)
        for place, detector in enumerate(hook.supervisor.detectors)
    ]
    sessions: dict[str, ReplaySession] = {}
    for _ in replay_events(
        playback.events(heapq.merge(*(share.calls for share in shares), key=attrgetter("position"))), hook, sessions
    ):
        pass
    return list(sessions.values()), hook


def replay_with_policy(
    paths: Iterable[str | os.PathLike[str]], config: Config, policy: str, workers: int = 0
) -> tuple[list[ReplaySession], ShadowPolicy]:
    """Replay with `policy`, on `workers` processes (0: `default_workers()`) where the trace is worth it."""
    paths = list(paths)
    workers = workers or default_workers()
    if workers > 1 and worth_splitting(paths):
        try:
            return replay_in_parallel(paths, config, policy, workers)
        except (OSError, BrokenProcessPool) as exc:
            # A sandbox without process semaphores (no /dev/shm), or a caller whose main module a worker
            # cannot import: the same replay in this process is slower, not wrong. An error of the trace
            # itself is no OSError; one the file system raises comes back from the serial replay too.
            log.warning("replay: no worker processes (%s); replaying in this process", exc)
    hook = ShadowPolicy(supervisor_factory(policy)())
    return replay_sessions(paths, config, hook), hook
