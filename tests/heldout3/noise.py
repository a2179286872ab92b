"""What drifts between two runs of the same command: clocks, process ids, temp dirs, request ids, timings.

Every builder draws these from the session's seeded `random.Random`, so two attempts that hit the same
cause never print byte-identical text, as real tools do not.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass


@dataclass
class Noise:
    rng: random.Random
    clock_s: int = 0

    def __post_init__(self) -> None:
        self.clock_s = self.rng.randint(8 * 3600, 17 * 3600)

    def tick(self, low: int = 3, high: int = 40) -> None:
        self.clock_s += self.rng.randint(low, high)

    def clock(self) -> str:
        self.tick(1, 30)
        s = self.clock_s
        return f"{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}"

    def iso(self) -> str:
        return f"2025-11-{self.rng.randint(3, 27):02d}T{self.clock()}.{self.rng.randint(0, 999):03d}Z"

    def pid(self) -> int:
        return self.rng.randint(1200, 98000)

    def hexs(self, n: int = 8) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def uuid(self) -> str:
        return f"{self.hexs(8)}-{self.hexs(4)}-4{self.hexs(3)}-a{self.hexs(3)}-{self.hexs(12)}"

    def tmp(self, prefix: str = "tmp") -> str:
        tail = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(8))
        return f"/tmp/{prefix}.{tail}"

    def secs(self, low: float = 0.2, high: float = 9.0) -> str:
        return f"{self.rng.uniform(low, high):.2f}s"

    def ms(self, low: int = 40, high: int = 4000) -> int:
        return self.rng.randint(low, high)

    def port(self) -> int:
        return self.rng.randint(32768, 60999)

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)
