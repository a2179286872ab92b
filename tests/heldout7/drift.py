"""Text that differs between two runs of one command: durations, addresses, pids, temp paths, dates."""

from __future__ import annotations

import random
import string


def seconds(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}s"


def unittest_seconds(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.3f}s"


def address(rng: random.Random) -> str:
    return f"0x7f{rng.getrandbits(40):010x}"


def pid(rng: random.Random) -> int:
    return rng.randint(180, 32000)


def tmp_dir(rng: random.Random) -> str:
    return "/tmp/tmp" + "".join(rng.choice(string.ascii_lowercase + string.digits + "_") for _ in range(8))


def clock(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def date(rng: random.Random) -> str:
    return f"2025-11-{rng.randint(17, 21):02d}T{clock(rng)}"


def token(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))
