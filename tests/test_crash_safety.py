"""`kill -9` the gateway under load: after a restart its counters never under-count what the
provider (the mock upstream, in its own process) actually billed."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from loadgen import billed_usd
from processes import Replica
from regulator.mock.server import run_mock_upstream

LIMIT = 1000.0
MODEL = "gpt-4o-mini"


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


@pytest.mark.slow
def test_counters_after_kill_minus_9_are_at_least_the_true_spend(tmp_path: Path) -> None:
    config = tmp_path / "regulator.yaml"
    config.write_text(f'budgets:\n  - {{scope: "fleet:crash", total: {LIMIT}}}\n')
    with run_mock_upstream(subprocess=True) as mock_url:
        create = ["keys", "create", "--agent", "a", "--fleet", "crash", "--data-dir", str(tmp_path)]
        key_out = subprocess.run(
            [sys.executable, "-m", "regulator", *create],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        match = re.search(r"rg-[A-Za-z0-9_\-]+", key_out)
        assert match is not None, key_out
        key = match.group(0)
        gateway = Replica(config, tmp_path, mock_url, {})
        gateway.wait_ready()

        async def load_then_kill() -> None:
            runner = asyncio.create_task(load(gateway.url, key, 5.0))
            await asyncio.sleep(1.5)
            gateway.kill9()  # mid-load: calls in flight, ledger batches unwritten
            await runner

        asyncio.run(load_then_kill())
        true_spend = billed_usd(mock_url)
        assert true_spend > 0

        restarted = Replica(config, tmp_path, mock_url, {})
        try:
            restarted.wait_ready()
            response = httpx.post(
                restarted.url + "/v1/chat/completions",
                headers={"authorization": f"Bearer {key}"},
                json={"model": MODEL, "max_tokens": 5, "messages": [{"role": "user", "content": "after"}]},
            )
            assert response.status_code == 200, response.text
            remaining = float(response.headers["x-regulator-budget-remaining-usd"])
            counted = LIMIT - remaining - float(response.headers["x-regulator-cost-usd"])
        finally:
            restarted.stop()
        assert counted >= true_spend - 1e-9, f"counters {counted} under-count the billed {true_spend}"
