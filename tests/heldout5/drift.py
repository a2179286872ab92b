"""Volatile text that drifts between two runs of the same command: clocks, pids, temp paths, ids, durations.

Templates carry `@key@` holes; every hole is filled independently, so two renderings of one template
differ the way two real runs of one command differ. Named values (`{test}`, `{file}`) are replaced
literally first, because the ecosystems' own text is full of braces (Clojure maps, Erlang tuples).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

_HOLE = re.compile(r"@([a-z]+)@")


def _ts(rng: random.Random) -> str:
    return (
        f"2026-11-{rng.randint(10, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
        f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


def _word(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


_FILL: dict[str, Callable[[random.Random], str]] = {
    "ts": _ts,
    "clock": lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
    "pid": lambda r: str(r.randint(1200, 65000)),
    "tmp": lambda r: f"/tmp/tmp.{_word(r, 10)}",
    "req": lambda r: "-".join(_word(r, k, "0123456789abcdef") for k in (8, 4, 4, 4, 12)),
    "sha": lambda r: _word(r, 7, "0123456789abcdef"),
    "hex": lambda r: _word(r, 16, "0123456789abcdef"),
    "ms": lambda r: str(r.randint(3, 2400)),
    "secs": lambda r: f"{r.uniform(0.2, 48):.2f}",
    "line": lambda r: str(r.randint(12, 480)),
    "n": lambda r: str(r.randint(2, 9)),
    "port": lambda r: str(r.randint(30000, 60999)),
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(2, 254)}",
    "kb": lambda r: str(r.randint(180, 98000)),
}


def fill(template: str, rng: random.Random, **named: object) -> str:
    """The template with `{name}`s replaced by `named` and every `@hole@` by a fresh volatile value."""
    for key, value in named.items():
        template = template.replace("{" + key + "}", str(value))
    return _HOLE.sub(lambda m: _FILL[m.group(1)](rng) if m.group(1) in _FILL else m.group(0), template)
