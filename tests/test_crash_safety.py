"""`kill -9` the gateway under load: after a restart its counters never under-count what the
provider (the mock upstream, in its own process) actually billed."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest

from regulator.config import Config
from regulator.events import Usage
from regulator.pricing.catalog import PriceBook
from regulator.sim.mock_upstream import mock_stats, run_mock_upstream

LIMIT = 1000.0
MODEL = "gpt-4o-mini"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gateway(data_dir: Path, mock_url: str, port: int) -> subprocess.Popen[bytes]:
    config = data_dir / "regulator.yaml"
    config.write_text(f'budgets:\n  - {{scope: "fleet:crash", total: {LIMIT}}}\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "regulator", "serve", "--config", str(config), "--port", str(port),
         "--data-dir", str(data_dir), "--upstream", mock_url + "/v1", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gateway did not start: {proc.stderr.read() if proc.stderr else ''!r}")


async def load(url: str, key: str, seconds: float) -> None:
    client = openai.AsyncOpenAI(base_url=url + "/v1", api_key=key, max_retries=0)

    async def agent(i: int) -> None:
        turn = 0
        while True:
            turn += 1
            try:
                stream = await client.chat.completions.create(
                    model=MODEL,
                    max_tokens=300,
                    stream=i % 2 == 0,
                    messages=[{"role": "user", "content": f"agent {i} turn {turn}"}],
                    extra_headers={"x-mock-latency-ms": "300"},
                )
                if i % 2 == 0:
                    async for _ in stream:  # type: ignore[union-attr]
                        pass
            except openai.APIError:
                return

    tasks = [asyncio.create_task(agent(i)) for i in range(40)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await client.close()


def billed_usd(mock_url: str) -> float:
    prices = PriceBook(Config())
    total = 0.0
    for model, counts in mock_stats(mock_url)["models"].items():
        fields = {k: v for k, v in counts.items() if k in Usage.__slots__}
        total += prices.price(model).cost(Usage(**fields))
    return total


@pytest.mark.slow
def test_counters_after_kill_minus_9_are_at_least_the_true_spend(tmp_path: Path) -> None:
    with run_mock_upstream(subprocess=True) as mock_url:
        key_out = subprocess.run(
            [sys.executable, "-m", "regulator", "keys", "create", "--agent", "a", "--fleet", "crash",
             "--data-dir", str(tmp_path)],
            check=True, capture_output=True, text=True,
        ).stdout
        key = re.search(r"rg-[A-Za-z0-9_\-]+", key_out).group(0)  # type: ignore[union-attr]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        gateway = start_gateway(tmp_path, mock_url, port)

        async def load_then_kill() -> None:
            runner = asyncio.create_task(load(url, key, 5.0))
            await asyncio.sleep(1.5)
            os.kill(gateway.pid, signal.SIGKILL)  # mid-load: calls in flight, ledger batches unwritten
            await runner

        asyncio.run(load_then_kill())
        gateway.wait()
        true_spend = billed_usd(mock_url)
        assert true_spend > 0

        gateway = start_gateway(tmp_path, mock_url, port)
        try:
            response = httpx.post(
                url + "/v1/chat/completions",
                headers={"authorization": f"Bearer {key}"},
                json={"model": MODEL, "max_tokens": 5, "messages": [{"role": "user", "content": "after"}]},
            )
            assert response.status_code == 200, response.text
            remaining = float(response.headers["x-regulator-budget-remaining-usd"])
            counted = LIMIT - remaining - float(response.headers["x-regulator-cost-usd"])
        finally:
            gateway.send_signal(signal.SIGTERM)
            gateway.wait(15)
        assert counted >= true_spend - 1e-9, f"counters {counted} under-count the billed {true_spend}"
