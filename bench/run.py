"""`make bench`: what the gateway costs, measured against the mock upstream on this machine.

- added latency (p50/p99) of the gateway over calling the mock directly, ~2 KB requests, concurrency 1;
- the highest sustained request rate with the gateway held to one core (taskset), without and with
  budgets + rate limits, driven by wrk from the other core when wrk is installed;
- the same for requests of a real agent's size (long sessions of ../shared/traces, ~300 KB);
Results go to bench/results/latest.json and are summarised on stdout.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TRACES = ROOT.parent / "shared" / "traces" / "dev" / "calls.jsonl.gz"
BIN = Path(sys.executable).parent
CORES = os.cpu_count() or 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(cmd: list[str], core: int) -> list[str]:
    if shutil.which("taskset") and CORES > 1:
        return ["taskset", "-c", str(core), *cmd]
    return cmd


def wait_http(url: str, timeout: float = 20.0) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(cmd: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def create_key(data_dir: Path) -> str:
    out = subprocess.run(
        [str(BIN / "regulator"), "keys", "create", "--agent", "bench", "--fleet", "bench", "--data-dir", str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"rg-[A-Za-z0-9_\-]+", out)
    if not match:
        raise RuntimeError(f"no key in: {out}")
    return match.group(0)


def small_body() -> bytes:
    filler = "Please summarise the following build log. " * 40
    body = {
        "model": "gpt-4o-mini",
        "max_tokens": 64,
        "messages": [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": filler[:1900]},
        ],
    }
    return orjson.dumps(body)


def long_bodies(limit: int = 40) -> list[bytes]:
    """Requests of a real agent's size: the longest contexts of the dev traces."""
    if not TRACES.exists():
        return []
    last: dict[str, list[Any]] = {}
    sizes: list[tuple[int, bytes]] = []
    with gzip.open(TRACES, "rt") as handle:
        for line in handle:
            call = json.loads(line)
            request = call["request"]
            messages = request["messages"]
            if "messages_from" in request:
                messages = last[call["session"]][: request["messages_from"]] + messages
            last[call["session"]] = messages
            body = orjson.dumps({"model": "gpt-4o-mini", "max_tokens": 256, "messages": messages})
            if len(body) > 200_000:
                sizes.append((len(body), body))
    sizes.sort(key=lambda item: -item[0])
    return [body for _, body in sizes[:limit]]


async def latencies(url: str, body: bytes, key: str, n: int) -> list[float]:
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    out = []
    async with aiohttp.ClientSession() as session:
        for i in range(n + 20):
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"{url} answered {resp.status}: {await resp.text()}")
            if i >= 20:  # warm-up
                out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def throughput_py(url: str, bodies: list[bytes], key: str, seconds: float, concurrency: int) -> float:
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, i: int) -> None:
        nonlocal done
        j = i
        while time.perf_counter() < deadline:
            async with session.post(url, data=bodies[j % len(bodies)], headers=headers) as resp:
                await resp.read()
            done += 1
            j += concurrency

    t0 = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(worker(session, i) for i in range(concurrency)))
    return done / (time.perf_counter() - t0)


def throughput_wrk(url: str, body: bytes, key: str, seconds: int, connections: int, core: int) -> float | None:
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
            pinned(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url], core),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else None


BUDGETS_CONFIG = """
budgets:
  - {scope: "org:default", day: 1000000, month: 10000000}
  - {scope: "fleet:bench", day: 1000000, hour: 500000, session: 100000}
  - {scope: "agent:bench", day: 1000000, minute: 100000}
rate_limits:
  - {scope: "agent:*", requests_per_minute: 100000000, tokens_per_minute: 100000000000, concurrent: 10000}
  - {scope: "fleet:bench", requests_per_minute: 100000000}
"""


def run_gateway_suite(name: str, mock_url: str, config_text: str, extra_env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        config = data / "regulator.yaml"
        config.write_text(config_text)
        key = create_key(data)
        port = free_port()
        gateway_url = f"http://127.0.0.1:{port}"
        cmd = [str(BIN / "regulator"), "serve", "--config", str(config), "--port", str(port), "--data-dir", str(data),
               "--upstream", mock_url + "/v1", "--log-level", "warning"]
        with process(pinned(cmd, 0), extra_env):
            wait_http(gateway_url + "/healthz")
            chat = gateway_url + "/v1/chat/completions"
            result: dict[str, Any] = {"name": name}
            body = small_body()
            lat = asyncio.run(latencies(chat, body, key, 500))
            result["small_p50_ms"], result["small_p99_ms"] = pct(lat, 0.5), pct(lat, 0.99)
            rps = throughput_wrk(chat, body, key, 8, 64, 1)
            result["small_rps_one_core"] = rps or asyncio.run(throughput_py(chat, [body], key, 8, 64))
            result["load_generator"] = "wrk" if rps else "python-aiohttp"
            bodies = long_bodies()
            if bodies:
                lat = asyncio.run(latencies(chat, bodies[0], key, 50))
                result["large_request_bytes"] = len(bodies[0])
                result["large_p50_ms"], result["large_p99_ms"] = pct(lat, 0.5), pct(lat, 0.99)
                result["large_rps_one_core"] = asyncio.run(throughput_py(chat, bodies, key, 8, 16))
    return result


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    mock_port = free_port()
    mock_url = f"http://127.0.0.1:{mock_port}"
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cores": CORES, "python": platform.python_version(), "taskset": bool(shutil.which("taskset"))},
    }
    mock_cmd = [str(BIN / "regulator"), "mock-upstream", "--port", str(mock_port), "--latency-ms", "0"]
    with process(pinned(mock_cmd, 1 if CORES > 1 else 0)):
        wait_http(mock_url + "/v1/models")
        body = small_body()
        direct = asyncio.run(latencies(mock_url + "/v1/chat/completions", body, "direct", 500))
        report["direct_small_p50_ms"], report["direct_small_p99_ms"] = pct(direct, 0.5), pct(direct, 0.99)
        bodies = long_bodies()
        if bodies:
            direct = asyncio.run(latencies(mock_url + "/v1/chat/completions", bodies[0], "direct", 50))
            report["direct_large_p50_ms"], report["direct_large_p99_ms"] = pct(direct, 0.5), pct(direct, 0.99)
        suites = [run_gateway_suite("no-budgets", mock_url, "", {})]
        suites.append(run_gateway_suite("budgets+rate-limits", mock_url, BUDGETS_CONFIG, {}))
        redis_url = os.environ.get("REGULATOR_BENCH_REDIS", "redis://127.0.0.1:6379/15")
        suites.append(
            run_gateway_suite("redis-counters", mock_url, BUDGETS_CONFIG, {"REGULATOR_COUNTERS__URL": redis_url})
        )
    for suite in suites:
        suite["added_small_p50_ms"] = suite["small_p50_ms"] - report["direct_small_p50_ms"]
        suite["added_small_p99_ms"] = suite["small_p99_ms"] - report["direct_small_p99_ms"]
        if "large_p50_ms" in suite and "direct_large_p50_ms" in report:
            suite["added_large_p50_ms"] = suite["large_p50_ms"] - report["direct_large_p50_ms"]
    report["suites"] = suites
    base, budgeted = suites[0]["small_rps_one_core"], suites[1]["small_rps_one_core"]
    report["budget_cost_fraction"] = 1 - budgeted / base if base else None
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"\nwritten to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
