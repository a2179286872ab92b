"""Volatile text in tool output: every `@key@` hole of a template gets a fresh value per step, the way
timestamps, PIDs, temp paths, request ids, durations and hashes drift between two runs of one command."""

from __future__ import annotations

import random
import re

_HOLE = re.compile(r"@(ts|clock|pid|tmp|req|sha|hex|ms|secs|line|port|kb)@")


def _value(key: str, rng: random.Random) -> str:
    if key == "ts":
        day, hour, minute, sec = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        return f"2025-11-{day:02d}T{hour:02d}:{minute:02d}:{sec:02d}.{rng.randint(0, 999):03d}Z"
    if key == "clock":
        return f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if key == "pid":
        return str(rng.randint(1200, 98000))
    if key == "tmp":
        return f"/tmp/tmp.{rng.getrandbits(40):010x}"
    if key == "req":
        return f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}"
    if key == "sha":
        return f"{rng.getrandbits(28):07x}"
    if key == "hex":
        return f"{rng.getrandbits(64):016x}"
    if key == "ms":
        return str(rng.randint(3, 2400))
    if key == "secs":
        return f"{rng.uniform(0.2, 40):.2f}"
    if key == "line":
        return str(rng.randint(12, 340))
    if key == "port":
        return str(rng.randint(30000, 60999))
    return str(rng.randint(120, 9800))  # kb


def fill(template: str, rng: random.Random) -> str:
    return _HOLE.sub(lambda m: _value(m.group(1), rng), template)
