"""Soak: one gateway under a steady stream of new conversations; its RSS must stay low and flat.

    python -m bench.soak [--rate 80] [--seconds 90] [--limit-mb 150]

`regulator serve` (embedded defaults: SQLite, in-process counters, detection on) in front of the
mock provider, both their own processes. Every call is a new conversation, as from a harness that
does not thread its calls: the dev traces' requests (~48 KB contexts of real agents, each made new
by a marker in its first user message) when they are there, else a small synthetic one. RSS of the
gateway is sampled every second. Passes when its peak is under `--limit-mb` and its last third
grew by less than 10 % of the limit. Not part of `make test` or `make bench` (it takes the time it
says); docs/benchmarks.md has its measured numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import aiohttp

from bench.run import BIN, free_port, process, wait_http
from bench.workloads import CALLS
from regulator.traces.format import iter_trace


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def conversations(limit: int = 2_000) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    if CALLS.exists():
        for call in iter_trace([CALLS]):
            if call.dialect == "openai" and any(m.get("role") == "user" for m in call.messages):
                found.append(call.messages)
            if len(found) >= limit:
                break
    return found or [[{"role": "system", "content": "You are a coding agent."}, {"role": "user", "content": "Fix it."}]]


def body(pool: list[list[dict[str, Any]]], i: int) -> dict[str, Any]:
    messages = [dict(m) for m in pool[i % len(pool)]]
    first = next(j for j, m in enumerate(messages) if m.get("role") == "user")
    messages[first]["content"] = f"[conversation {i}] {messages[first].get('content')}"
    return {"model": "gpt-4o-mini", "max_tokens": 64, "messages": messages}


async def drive(url: str, key: str, pid: int, rate: float, seconds: float) -> dict[str, Any]:
    pool = conversations()
    statuses: dict[int, int] = {}
    samples: list[float] = []
    headers = {"authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:

        async def one(i: int) -> None:
            try:
                async with session.post(url + "/v1/chat/completions", json=body(pool, i), headers=headers) as r:
                    await r.read()
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            except aiohttp.ClientError:
                statuses[0] = statuses.get(0, 0) + 1

        tasks: set[asyncio.Task[None]] = set()
        start, sent, next_sample = time.monotonic(), 0, time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            while sent < int(elapsed * rate):
                task = asyncio.create_task(one(sent))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                sent += 1
            if time.monotonic() >= next_sample:
                samples.append(round(rss_mb(pid), 1))
                next_sample += 1.0
            await asyncio.sleep(0.002)
        await asyncio.gather(*tasks)
    contexts = "dev traces" if len(pool) > 1 else "small"
    return {"sent": sent, "statuses": statuses, "rss_mb": samples, "contexts": contexts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=80.0, help="new conversations a second")
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--limit-mb", type=float, default=150.0)
    args = parser.parse_args()
    mock_port, gw_port = free_port(), free_port()
    mock_url, url = f"http://127.0.0.1:{mock_port}", f"http://127.0.0.1:{gw_port}"
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "REGULATOR_ADMIN_TOKEN": "soak-" + "x" * 32, "REGULATOR_DATA_DIR": data}
        mock = [str(BIN / "regulator"), "mock-upstream", "--port", str(mock_port)]
        gateway = [str(BIN / "regulator"), "serve", "--port", str(gw_port), "--upstream", mock_url + "/v1"]
        with process(mock), process([*gateway, "--log-level", "warning"], env) as gw:
            wait_http(mock_url + "/v1/models")
            wait_http(url + "/healthz")
            created = subprocess.run(
                [str(BIN / "regulator"), "keys", "create", "--agent", "soak"], env=env, capture_output=True, text=True
            )
            key = next(word for word in created.stdout.split() if word.startswith("rg-"))
            result = asyncio.run(drive(url, key, gw.pid, args.rate, args.seconds))
    samples = result["rss_mb"]
    third = max(1, len(samples) // 3)
    result |= {
        "rate": args.rate,
        "seconds": args.seconds,
        "rss_start_mb": samples[0],
        "rss_peak_mb": max(samples),
        "rss_end_mb": samples[-1],
        "last_third_growth_mb": round(statistics.mean(samples[-third:][-5:]) - samples[-third], 1),
    }
    result["passed"] = result["rss_peak_mb"] < args.limit_mb and result["last_third_growth_mb"] < 0.1 * args.limit_mb
    print(json.dumps(result))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
