"""`make bench`: what the gateway costs, measured against the mock upstream on this machine.

The mock upstream and every load generator run on core 1, the gateway alone on core 0 (taskset).

- added latency (p50/p99) of the gateway over calling the mock directly, ~2 KB requests and the
  largest requests of the dev traces (~370 KB), concurrency 1;
- the highest sustained request rate of the gateway on one core (wrk when installed), streamed and
  not, without budgets, with budgets + rate limits, and with them on Redis counters;
- requests of a real agent's size: the largest trace requests, and whole productive sessions
  replayed call by call, with detection on and off (the detectors' thread shares the core);
- the detectors' cost per call, replaying the whole dev set through the default policy;
- the Responses API and Gemini beside chat completions: CPU per request for the same conversation
  in each API's shape, small and large, streamed and not (bench/apis.py);
- memory per tracked session: RSS after 100,000 distinct sessions (bench/sessions.py).
Every rate comes with the gateway's CPU time per request (see bench/load.py). Results go to
bench/results/latest.json and are printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.apis import compare as compare_apis
from bench.detectors import detector_cost
from bench.load import (
    CORES,
    Rate,
    latencies,
    measured,
    median_rate,
    pct,
    pinned,
    sustained,
    throughput_py,
    throughput_wrk,
)
from bench.sessions import session_memory
from bench.workloads import TraceWorkloads, load_traces, small_body, streamed

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
GATEWAY_CORE, LOAD_CORE = 0, 1 if CORES > 1 else 0
SECONDS = 5  # per sustained-rate measurement
ROUNDS = 3  # of each configuration, alternating, where two are compared
CHAT = "/v1/chat/completions"

BUDGETS_CONFIG = """
budgets:
  - {scope: "org:default", day: 1000000, month: 10000000}
  - {scope: "fleet:bench", day: 1000000, hour: 500000, session: 100000}
  - {scope: "agent:bench", day: 1000000, minute: 100000}
rate_limits:
  - {scope: "agent:*", requests_per_minute: 100000000, tokens_per_minute: 100000000000, concurrent: 10000}
  - {scope: "fleet:bench", requests_per_minute: 100000000}
"""
# Replayed productive sessions are sent again and again; some then look like loops to the detectors.
# A warn-only ladder keeps every call forwarded and observed, so detection on vs off compares the
# detectors' whole cost rather than cheap refusals.
WARN_ONLY = "policy: {ladder: [{action: warn, min_severity: 0.5}]}\n"
NO_DETECTION = WARN_ONLY + "detect: {enabled: false}\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 20.0) -> None:
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


@contextmanager
def throwaway_redis() -> Iterator[str | None]:
    """A redis-server of our own on a free port (never the machine's shared one), or the URL in
    REGULATOR_BENCH_REDIS; None when neither is available."""
    if os.environ.get("REGULATOR_BENCH_REDIS"):
        yield os.environ["REGULATOR_BENCH_REDIS"]
        return
    if not shutil.which("redis-server"):
        yield None
        return
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with process(pinned(cmd, LOAD_CORE)):
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"


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


@dataclass(frozen=True)
class Gateway:
    url: str  # the chat completions URL
    key: str
    pid: int


@contextmanager
def gateway(mock_url: str, config_text: str, env: dict[str, str] | None = None) -> Iterator[Gateway]:
    """A `regulator serve` on the gateway's core, with a key of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        config = data / "regulator.yaml"
        config.write_text(config_text)
        key = create_key(data)
        port = free_port()
        cmd = [str(BIN / "regulator"), "serve", "--config", str(config), "--port", str(port)]
        cmd += ["--data-dir", str(data), "--upstream", mock_url + "/v1", "--log-level", "warning"]
        with process(pinned(cmd, GATEWAY_CORE), env) as proc:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            yield Gateway(f"http://127.0.0.1:{port}{CHAT}", key, proc.pid)


def latency(url: str, body: bytes, key: str, n: int, prefix: str) -> dict[str, float]:
    lat = asyncio.run(latencies(url, body, key, n))
    return {f"{prefix}_p50_ms": round(pct(lat, 0.5), 3), f"{prefix}_p99_ms": round(pct(lat, 0.99), 3)}


def alternate(gateways: dict[str, Gateway], load: Callable[[Gateway], Rate]) -> dict[str, list[Rate]]:
    """The same load on each gateway in turn, ROUNDS times: configurations are compared round by
    round, so a burst of other work on the machine hits one round of each rather than one side."""
    rates: dict[str, list[Rate]] = {name: [] for name in gateways}
    for _ in range(ROUNDS):
        for name, gw in gateways.items():
            rates[name].append(measured(gw.pid, functools.partial(load, gw)))
    return rates


def cost_fraction(without: list[Rate], with_: list[Rate]) -> dict[str, Any]:
    """What the `with_` configuration gives up, as the median over paired rounds: by rate, and by
    the gateway's CPU per request (the steadier figure on a shared machine)."""
    by_rps = [1 - w.rps / o.rps for o, w in zip(without, with_, strict=True)]
    out: dict[str, Any] = {
        "by_rps": round(statistics.median(by_rps), 3),
        "rounds_by_rps": [round(x, 3) for x in by_rps],
    }
    cpus = [(o.cpu_us_per_request, w.cpu_us_per_request) for o, w in zip(without, with_, strict=True)]
    if all(o and w for o, w in cpus):
        by_cpu = [1 - o / w for o, w in cpus if o and w]
        out["by_cpu"] = round(statistics.median(by_cpu), 3)
        out["rounds_by_cpu"] = [round(x, 3) for x in by_cpu]
    return out


def small_rate(gw: Gateway, body: bytes) -> Rate:
    return throughput_wrk(gw.url, body, gw.key, SECONDS, 64, LOAD_CORE) or throughput_py(
        gw.url, gw.key, SECONDS, [[body]], 64
    )


def measure(mock_url: str, traces: TraceWorkloads, report: dict[str, Any]) -> list[dict[str, Any]]:
    small, small_stream = small_body(), small_body(stream=True)
    names = ("no-budgets", "budgets+rate-limits", "no-budgets, detection off")
    configs = (WARN_ONLY, WARN_ONLY + BUDGETS_CONFIG, NO_DETECTION)
    suites: dict[str, dict[str, Any]] = {name: {"name": name} for name in names}
    # Latency with one gateway running: the others' idle timers would show in the tail.
    for name, config in zip(names[:2], configs, strict=False):
        with gateway(mock_url, config) as gw:
            suites[name] |= latency(gw.url, small, gw.key, 500, "small")
            if traces.largest and name == names[0]:
                suites[name]["large_request_bytes"] = len(traces.largest[0])
                suites[name] |= latency(gw.url, traces.largest[0], gw.key, 50, "large")
    with contextlib.ExitStack() as stack:
        gws = {
            name: stack.enter_context(gateway(mock_url, config)) for name, config in zip(names, configs, strict=True)
        }
        base, detect_off = gws[names[0]], gws[names[2]]
        rates = alternate(gws, lambda gw: small_rate(gw, small))
        for name in names:
            suites[name] |= median_rate(rates[name]).report("small")
        report["budget_cost_fraction"] = cost_fraction(rates[names[0]], rates[names[1]])
        report["detection_cost_fraction_small"] = cost_fraction(rates[names[2]], rates[names[0]])

        out = suites[names[0]]
        out |= sustained(base.url, base.key, base.pid, [small_stream], SECONDS, 64, LOAD_CORE).report("small_stream")
        if traces.largest:
            largest = [[b] for b in traces.largest]
            out |= measured(base.pid, lambda: throughput_py(base.url, base.key, SECONDS, largest, 16)).report("large")
            streams = [[streamed(b)] for b in traces.largest]
            out |= measured(base.pid, lambda: throughput_py(base.url, base.key, SECONDS, streams, 16)).report(
                "large_stream"
            )
        report["apis"] = api_costs(base, traces)
        if traces.sessions:
            pair = {names[0]: base, names[2]: detect_off}
            sessions = traces.sessions
            rates = alternate(pair, lambda gw: throughput_py(gw.url, gw.key, SECONDS, sessions, len(sessions)))
            for name in pair:
                suites[name]["sessions_replayed"] = len(sessions)
                suites[name]["sessions_calls"] = traces.session_calls
                suites[name]["sessions_mean_request_bytes"] = round(traces.session_mean_bytes)
                suites[name] |= median_rate(rates[name]).report("sessions")
            report["detection_cost_fraction_sessions"] = cost_fraction(rates[names[2]], rates[names[0]])
    return list(suites.values())


def api_costs(gw: Gateway, traces: TraceWorkloads) -> dict[str, Any]:
    base = gw.url.removesuffix(CHAT)
    out = {}
    for stream in (False, True):
        kind = "stream" if stream else "plain"
        out[f"small_{kind}"] = compare_apis(base, gw.key, gw.pid, [small_body()], stream, ROUNDS, SECONDS, 64)
        if traces.largest:
            out[f"large_{kind}"] = compare_apis(base, gw.key, gw.pid, traces.largest, stream, ROUNDS, SECONDS, 16)
    return out


def redis_suite(mock_url: str) -> dict[str, Any] | None:
    with throwaway_redis() as redis_url:
        if not redis_url:
            return None
        out: dict[str, Any] = {"name": "budgets+rate-limits on redis counters", "redis": "throwaway redis-server"}
        with gateway(mock_url, WARN_ONLY + BUDGETS_CONFIG, {"REGULATOR_COUNTERS__URL": redis_url}) as gw:
            out |= latency(gw.url, small_body(), gw.key, 500, "small")
            out |= sustained(gw.url, gw.key, gw.pid, [small_body()], SECONDS, 64, LOAD_CORE).report("small")
        return out


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": CORES,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "taskset": bool(shutil.which("taskset")),
        "wrk": bool(shutil.which("wrk")),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    started = time.time()
    if CORES > 1:
        os.sched_setaffinity(0, {LOAD_CORE})  # load generators and replay stay off the gateway's core
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine()}
    traces = load_traces()
    mock_port = free_port()
    mock_url = f"http://127.0.0.1:{mock_port}"
    mock_cmd = [str(BIN / "regulator"), "mock-upstream", "--port", str(mock_port), "--latency-ms", "0"]
    with process(pinned(mock_cmd, LOAD_CORE)):
        wait_http(mock_url + "/v1/models")
        direct = mock_url + CHAT
        report |= latency(direct, small_body(), "direct", 500, "direct_small")
        if traces.largest:
            report |= latency(direct, traces.largest[0], "direct", 50, "direct_large")
        suites = measure(mock_url, traces, report)
        redis = redis_suite(mock_url)
        if redis is not None:
            suites.append(redis)
    for suite in suites:
        for size in ("small", "large"):
            if f"{size}_p50_ms" in suite and f"direct_{size}_p50_ms" in report:
                for q in ("p50", "p99"):
                    suite[f"added_{size}_{q}_ms"] = round(suite[f"{size}_{q}_ms"] - report[f"direct_{size}_{q}_ms"], 3)
    report["suites"] = suites
    report["detectors"] = detector_cost()
    report["session_memory"] = session_memory()
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["bench_seconds"] = round(time.time() - started)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"\nwritten to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
