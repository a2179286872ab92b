"""What changes between two runs of one command: every `%key%` hole of an output gets a fresh value.

Timestamps, clocks, pids, container ids, pod and ReplicaSet suffixes, Nomad allocation ids, temp
paths, ports, durations, line and column numbers, hashes and sizes; each drawn per step.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

HOLE = re.compile(r"%(ts|clock|us|pid|cid|pod|rs|alloc|tmp|port|oct|ms|secs|line|col|digit|sha|hex|hex4|hex6|kb)%")
_POD = string.ascii_lowercase + string.digits  # pod suffixes avoid vowels in Kubernetes, but not in traces


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


_VALUES: dict[str, Callable[[random.Random], str]] = {
    "ts": lambda rng: f"2026-02-{rng.randint(1, 27):02d}T{_clock(rng)}.{rng.randint(0, 999999):06d}Z",
    "clock": _clock,
    "us": lambda rng: f"{rng.randint(0, 999999):06d}",
    "pid": lambda rng: str(rng.randint(300, 65000)),
    "cid": lambda rng: f"{rng.getrandbits(48):012x}",
    "pod": lambda rng: "".join(rng.choice(_POD) for _ in range(5)),
    "rs": lambda rng: f"{rng.getrandbits(36):09x}"[: rng.randint(8, 10)],
    "alloc": lambda rng: f"{rng.getrandbits(32):08x}",
    "tmp": lambda rng: (
        f"/tmp/{rng.choice(('pytest-of-dev', 'go-build', 'cargo-install', 'godot', 'pulumi'))}{rng.getrandbits(30)}"
    ),
    "port": lambda rng: str(rng.randint(32768, 60999)),
    "oct": lambda rng: str(rng.randint(2, 254)),
    "ms": lambda rng: str(rng.randint(1, 3200)),
    "secs": lambda rng: f"{rng.uniform(0.05, 95.0):.2f}",
    "line": lambda rng: str(rng.randint(9, 480)),
    "col": lambda rng: str(rng.randint(2, 60)),
    "digit": lambda rng: str(rng.randint(1, 9)),
    "sha": lambda rng: f"{rng.getrandbits(28):07x}",
    "hex": lambda rng: f"{rng.getrandbits(64):016x}",
    "hex4": lambda rng: f"{rng.getrandbits(16):04x}",
    "hex6": lambda rng: f"{rng.getrandbits(24):06x}",
    "kb": lambda rng: str(rng.randint(64, 98000)),
}


def fill(template: str, rng: random.Random) -> str:
    return HOLE.sub(lambda m: _VALUES[m.group(1)](rng), template)
