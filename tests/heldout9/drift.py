"""What changes between two runs of one command: durations, addresses, pids, temp paths, dates, seeds."""

from __future__ import annotations

import random
import re
import string

_HEX = re.compile(r"0x[0-9a-f]{8,14}")
_TMP = re.compile(r"/tmp/tmp[a-z0-9_]{6,10}")
_SECONDS = re.compile(r"(in |Ran \d+ tests? in |finished in |took )(\d+\.\d+)(s| seconds)")
_DATE = re.compile(r"(Date: |Started at )\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_PID = re.compile(r"(pid[ =]|PID |process )(\d{3,7})")
_SEED = re.compile(r"(random seed set to |Using --randomly-seed=|seed=)(\d+)")


def hexaddr(rng: random.Random) -> str:
    return "0x7f" + "".join(rng.choice("0123456789abcdef") for _ in range(10))


def tmpdir(rng: random.Random) -> str:
    return "/tmp/tmp" + "".join(rng.choice(string.ascii_lowercase + string.digits + "_") for _ in range(8))


def secs(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def clock(rng: random.Random, day: str = "2025-11-19") -> str:
    return f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def drifted(text: str, rng: random.Random) -> str:
    """`text` as a rerun prints it: the same lines, other timings, addresses, temp dirs, pids, dates."""
    text = _HEX.sub(lambda _: hexaddr(rng), text)
    text = _TMP.sub(lambda _: tmpdir(rng), text)
    text = _SECONDS.sub(
        lambda m: m.group(1) + f"{float(m.group(2)) * rng.uniform(0.8, 1.3):.{_places(m.group(2))}f}" + m.group(3), text
    )
    text = _DATE.sub(lambda m: m.group(1) + clock(rng), text)
    text = _PID.sub(lambda m: m.group(1) + str(rng.randint(1000, 99999)), text)
    return _SEED.sub(lambda m: m.group(1) + str(rng.randint(0, 2**31)), text)


def _places(number: str) -> int:
    return len(number.split(".")[1])
