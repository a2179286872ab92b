"""Volatile text in tool output: every `@key@` in a template gets a fresh value on each fill.

Real tools print clocks, pids, temp paths, request ids, durations and ports that differ on every
run even when nothing else does; a template names where they go and `fill` draws them from the
session's seeded generator, so the set stays deterministic while its outputs drift.
"""

from __future__ import annotations

import random
import re

_KEY = re.compile(r"@(\w+)@")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _value(rng: random.Random, key: str) -> str | None:
    if key == "ts":
        return (
            f"2025-11-{rng.randint(3, 27):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
        )
    if key == "clock":
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if key == "pid":
        return str(rng.randint(1200, 65000))
    if key == "tmp":
        return "/tmp/tmp" + "".join(rng.choice(_ALNUM) for _ in range(8))
    if key == "req":
        return f"{_hex(rng, 8)}-{_hex(rng, 4)}-4{_hex(rng, 3)}-a{_hex(rng, 3)}-{_hex(rng, 12)}"
    if key == "sha":
        return _hex(rng, 7)
    if key == "ms":
        return str(rng.randint(40, 9000))
    if key == "secs":
        return f"{rng.uniform(0.3, 95):.2f}"
    if key == "port":
        return str(rng.randint(32768, 60999))
    if key == "line":
        return str(rng.randint(12, 480))
    if key == "col":
        return str(rng.randint(3, 60))
    if key == "ip":
        return f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    if key == "n":
        return str(rng.randint(2, 99))
    return None


def fill(rng: random.Random, template: str, **fixed: object) -> str:
    """The template with `@key@` replaced: by `fixed[key]` (filled in turn) when given, else by a fresh value."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in fixed:  # a given value may hold holes of its own (a message with a line number)
            return fill(rng, str(fixed[key]))
        value = _value(rng, key)
        return match.group(0) if value is None else value

    return _KEY.sub(one, template)
