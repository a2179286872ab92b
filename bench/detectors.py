"""What the detectors cost: the dev traces replayed through the default policy, as `regulator replay`
does it (sim/replay + policy/shadow), timing the supervisor's work on every call.

Run in this process, so the caller pins it to one core first; `regulator replay` itself, which spreads
the detectors over the cores (policy/parallel_replay), is timed as a user runs it, in a process free to use all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from bench.load import pct
from bench.workloads import CALLS
from regulator.config import Config
from regulator.events import CallEvent
from regulator.policy.parallel_replay import MAX_WORKERS
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import load_supervisor
from regulator.traces.replay import ReplaySession, replay_sessions


def _all_cores() -> None:
    os.sched_setaffinity(0, range(os.cpu_count() or 1))


def cli_replay_seconds() -> float:
    """Wall time of `regulator replay --json` over the dev set, interpreter start included."""
    command = [sys.executable, "-m", "regulator", "replay", str(CALLS), "--json", "--out", os.devnull]
    t0 = time.perf_counter()
    subprocess.run(command, check=True, preexec_fn=_all_cores)
    return time.perf_counter() - t0


def detector_cost() -> dict[str, Any]:
    if not CALLS.exists():
        return {}
    config = Config()
    t0 = time.perf_counter()
    replay_sessions([CALLS], config)
    metering_s = time.perf_counter() - t0

    shadow = ShadowPolicy(load_supervisor("default"))
    per_call: list[float] = []

    def timed(event: CallEvent, session: ReplaySession) -> None:
        start = time.perf_counter()
        shadow(event, session)
        per_call.append(time.perf_counter() - start)

    t0 = time.perf_counter()
    sessions = replay_sessions([CALLS], config, timed)
    replay_s = time.perf_counter() - t0
    us = [t * 1e6 for t in per_call]
    return {
        "calls": len(us),
        "sessions": len(sessions),
        "replay_seconds": round(replay_s, 2),
        "replay_metering_only_seconds": round(metering_s, 2),
        "detector_seconds": round(sum(per_call), 2),
        "us_per_call_mean": round(sum(us) / len(us), 1),
        "us_per_call_p50": round(pct(us, 0.5), 1),
        "us_per_call_p99": round(pct(us, 0.99), 1),
        "us_per_call_max": round(max(us), 1),
        "cli_replay_seconds": round(cli_replay_seconds(), 2),
        "cli_replay_workers": min(os.cpu_count() or 1, MAX_WORKERS),
    }
