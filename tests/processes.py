"""Servers the scale-out tests run as real processes: a throwaway `redis-server` and gateway replicas.

The machine's shared Redis is never stopped or flushed: outages are played on a throwaway server
on a free port, without persistence, so killing it loses its data as a crash would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis as syncredis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayRedis:
    """A `redis-server` of our own; `kill()` then `start()` brings it back, empty, on the same port."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = syncredis.Redis(port=self.port)
        try:
            for _ in range(500):
                try:
                    client.ping()
                    return
                except syncredis.ConnectionError:
                    time.sleep(0.01)
            raise RuntimeError("the throwaway redis-server did not start")
        finally:
            client.close()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def pause(self, paused: bool) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is not None:
            self.pause(False)
        self.kill()


class Replica:
    """`python -m regulator serve` on a free port, with its own data directory (its journal)."""

    def __init__(self, config: Path, data_dir: Path, upstream: str, env: dict[str, str]) -> None:
        self.config, self.data_dir, self.upstream, self.env = config, data_dir, upstream, env
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log = data_dir / "stderr.log"
        self._launch()

    def _launch(self) -> None:
        config, data_dir, upstream, env = self.config, self.data_dir, self.upstream, self.env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "regulator",
                    "serve",
                    "--config",
                    str(config),
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(data_dir),
                    "--upstream",
                    upstream + "/v1",
                    "--mock-headers",
                    "--log-level",
                    "warning",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={**os.environ, **env},
            )

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        relaunches = 3
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                # `free_port` lets its probe socket go; on a busy machine another process can take the
                # port before the replica binds it. Another port then, not a failed test.
                if relaunches and b"address already in use" in self.log.read_bytes():
                    relaunches -= 1
                    self._launch()
                    continue
                break
            try:
                if httpx.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"replica on {self.url} did not start:\n{self.log.read_text()[-3000:]}")

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()
