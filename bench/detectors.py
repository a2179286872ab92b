"""What the detectors cost: the dev traces replayed through the default policy, as `regulator replay`
does it (sim/replay + policy/shadow), timing the supervisor's work on every call.

Run in this process, so the caller pins it to one core first.
"""

from __future__ import annotations

import time
from typing import Any

from bench.load import pct
from bench.workloads import CALLS
from regulator.config import Config
from regulator.events import CallEvent
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import load_supervisor
from regulator.traces.replay import ReplaySession, replay_sessions


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
    }
