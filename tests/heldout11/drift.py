"""What changes between two runs of one command: every `@key@` of a template gets a fresh value each
time it is printed (clock times, pids, temp dirs, ports, durations, digests, addresses, line numbers)."""

from __future__ import annotations

import random
import re

HOLE = re.compile(r"@(when|hms|pid|tmpdir|uuid|commit|digest|ms|ss|s|ln|port|bytes|addr)@")


def _value(key: str, rng: random.Random) -> str:
    if key == "when":
        return f"2026-02-{rng.randint(1, 27):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if key == "hms":
        return f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if key == "pid":
        return str(rng.randint(300, 65000))
    if key == "tmpdir":
        return f"/tmp/build-{rng.getrandbits(32):08x}"
    if key == "uuid":
        return f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}"
    if key == "commit":
        return f"{rng.getrandbits(36):09x}"[:8]
    if key == "digest":
        return f"{rng.getrandbits(64):016x}"
    if key == "ms":
        return str(rng.randint(2, 1900))
    if key == "ss":
        return f"{rng.randint(1, 59):02d}"
    if key == "s":
        return f"{rng.uniform(0.1, 25):.2f}"
    if key == "ln":
        return str(rng.randint(9, 260))
    if key == "port":
        return str(rng.randint(32768, 60999))
    if key == "bytes":
        return str(rng.randint(2_000, 9_000_000))
    return f"0x{rng.getrandbits(44):011x}"  # addr


def fill(template: str, rng: random.Random) -> str:
    return HOLE.sub(lambda m: _value(m.group(1), rng), template)
