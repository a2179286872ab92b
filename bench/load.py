"""Load generators for `make bench`: latency at concurrency 1, rates from wrk or aiohttp, gateway CPU.

Rates on a shared 2-core machine swing with whatever else runs, so every rate is paired with the
gateway's own CPU time per request (from /proc): what one request costs the gateway, which other
load barely moves. `1e6 / cpu_us_per_request` is the rate one idle core would sustain.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

CORES = os.cpu_count() or 1
WARMUP = 20


def pinned(cmd: list[str], core: int) -> list[str]:
    if shutil.which("taskset") and CORES > 1:
        return ["taskset", "-c", str(core), *cmd]
    return cmd


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": "application/json"}


@dataclass
class Rate:
    """One sustained-rate measurement."""

    rps: float
    requests: int
    cpu_us_per_request: float | None = None
    statuses: Counter[int] = field(default_factory=Counter)
    generator: str = "python-aiohttp"
    socket_errors: dict[str, int] = field(default_factory=dict)

    def report(self, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {f"{prefix}_rps": round(self.rps, 1), f"{prefix}_generator": self.generator}
        if self.cpu_us_per_request is not None:
            out[f"{prefix}_cpu_us_per_request"] = round(self.cpu_us_per_request, 1)
            out[f"{prefix}_rps_per_idle_core"] = round(1e6 / self.cpu_us_per_request, 1)
        bad = {str(status): n for status, n in self.statuses.items() if status != 200}
        if bad:
            out[f"{prefix}_non_200"] = bad
        if self.socket_errors:
            out[f"{prefix}_socket_errors"] = self.socket_errors
        return out


def median_rate(rates: Sequence[Rate]) -> Rate:
    """Several rounds of one configuration as one: median rate and CPU, requests and statuses summed."""
    statuses: Counter[int] = Counter()
    for rate in rates:
        statuses.update(rate.statuses)
    cpus = [r.cpu_us_per_request for r in rates if r.cpu_us_per_request is not None]
    return Rate(
        statistics.median(r.rps for r in rates),
        sum(r.requests for r in rates),
        statistics.median(cpus) if cpus else None,
        statuses,
        rates[0].generator,
        {k: sum(r.socket_errors.get(k, 0) for r in rates) for k in {k for r in rates for k in r.socket_errors}},
    )


def measured(pid: int | None, run: Callable[[], Rate]) -> Rate:
    """Run a load and attach the gateway's CPU per request over it."""
    before = cpu_seconds(pid) if pid else 0.0
    rate = run()
    if pid and rate.requests:
        time.sleep(0.2)  # let the gateway finish its last answers and ledger batch
        rate.cpu_us_per_request = (cpu_seconds(pid) - before) * 1e6 / rate.requests
    return rate


async def latencies(url: str, body: bytes, key: str, n: int) -> list[float]:
    """Milliseconds per call, one call at a time (after a warm-up)."""
    out = []
    async with aiohttp.ClientSession() as session:
        for i in range(n + WARMUP):
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=auth(key)) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"{url} answered {resp.status}: {await resp.text()}")
            if i >= WARMUP:
                out.append((time.perf_counter() - t0) * 1000)
    return out


async def _drive(
    url: str, key: str, seconds: float, streams: Sequence[Sequence[bytes]], concurrency: int
) -> tuple[int, Counter[int], float]:
    """`concurrency` workers; worker i sends the bodies of streams i, i+c, … in order, cycling."""
    done = 0
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, i: int) -> None:
        nonlocal done
        mine = [body for s in range(i, len(streams), concurrency) for body in streams[s]]
        j = 0
        while mine and time.perf_counter() < deadline:
            async with session.post(url, data=mine[j % len(mine)], headers=auth(key)) as resp:
                await resp.read()
            statuses[resp.status] += 1
            done += 1
            j += 1

    t0 = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(worker(session, i) for i in range(concurrency)))
    return done, statuses, time.perf_counter() - t0


def throughput_py(url: str, key: str, seconds: float, streams: Sequence[Sequence[bytes]], concurrency: int) -> Rate:
    done, statuses, elapsed = asyncio.run(_drive(url, key, seconds, streams, concurrency))
    return Rate(done / elapsed, done, statuses=statuses)


def throughput_wrk(url: str, body: bytes, key: str, seconds: int, connections: int, core: int) -> Rate | None:
    """Requests/s from wrk pinned to `core`; None when wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(body)
        script.write_text(
            'wrk.method = "POST"\n'
            f'local f = io.open("{body_file}", "rb"); wrk.body = f:read("*a"); f:close()\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        )
        out = subprocess.run(
            pinned(
                ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url], core
            ),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or not total:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rate = Rate(float(rps.group(1)), int(total.group(1)), statuses=Counter({200: int(total.group(1))}), generator="wrk")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        # A request still unanswered after wrk's --timeout: reported, not hidden (a busy machine can stall).
        rate.socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
    return rate


def sustained(
    url: str, key: str, pid: int | None, bodies: Sequence[bytes], seconds: int, connections: int, core: int
) -> Rate:
    """The highest sustained rate for one body: wrk when installed, else the aiohttp generator."""
    return measured(
        pid,
        lambda: (
            throughput_wrk(url, bodies[0], key, seconds, connections, core)
            or throughput_py(url, key, seconds, [[b] for b in bodies], connections)
        ),
    )
