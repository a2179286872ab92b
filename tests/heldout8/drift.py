"""Volatile text in tool output. Every `@key@` hole of a template gets a fresh value each time a step
is taken, as two runs of one command differ in timestamps, pids, temp dirs, ports, durations, hashes,
Nix store paths, addresses and random seeds."""

from __future__ import annotations

import random
import re

HOLE = re.compile(r"@(ts|clock|pid|tmp|req|sha|hex|ms|secs|line|port|kb|store|ip|seed)@")
_BASE32 = "0123456789abcdfghijklmnpqrsvwxyz"  # Nix's alphabet: no e, o, u, t


def _value(key: str, rng: random.Random) -> str:
    if key == "ts":
        return f"2026-01-{rng.randint(1, 31):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if key == "clock":
        return (
            f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}"
        )
    if key == "pid":
        return str(rng.randint(300, 65000))
    if key == "tmp":
        return (
            f"/tmp/{rng.choice(('nix-build', 'bazel', 'crystal', 'elm-stuff', 'alr', 'perl'))}-{rng.getrandbits(30):x}"
        )
    if key == "req":
        return (
            f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
        )
    if key == "sha":
        return f"{rng.getrandbits(40):010x}"[:9]
    if key == "hex":
        return f"{rng.getrandbits(128):032x}"
    if key == "ms":
        return str(rng.randint(2, 4000))
    if key == "secs":
        return f"{rng.uniform(0.1, 95):.1f}"
    if key == "line":
        return str(rng.randint(9, 480))
    if key == "port":
        return str(rng.randint(32768, 60999))
    if key == "store":
        return "".join(rng.choice(_BASE32) for _ in range(32))
    if key == "ip":
        return f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    if key == "seed":
        return str(rng.randint(10**8, 10**10))
    return str(rng.randint(64, 20000))  # kb


def fill(template: str, rng: random.Random) -> str:
    return HOLE.sub(lambda m: _value(m.group(1), rng), template)
