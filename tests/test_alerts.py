"""Alert webhooks delivered to real local HTTP receivers, off the request path."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from conftest import RunningGateway
from regulator.events import Incident


class Receiver:
    """A webhook receiver on 127.0.0.1 that records every JSON body; `delay_s` makes it slow."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.delay_s = delay_s
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["content-length"])
                body = json.loads(self.rfile.read(length))
                time.sleep(outer.delay_s)
                outer.bodies.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/hook"


def call(gw: RunningGateway) -> httpx.Response:
    return httpx.post(
        gw.url + "/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hi {time.time()}"}]},
        headers={"authorization": f"Bearer {gw.key}"},
        timeout=10,
    )


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def incident(action: str) -> Incident:
    return Incident(
        time.time(),
        "org-1",
        "fleet-1",
        "agent-1",
        "run-3",
        "repetition",
        action,
        "Identical call repeated 9 times (calls 4-12): `pytest -x` failing the same way.",
    )


def test_budget_threshold_reaches_json_and_slack_receivers(start_gateway: Any, receiver: Receiver) -> None:
    slack = Receiver()
    try:
        gw = start_gateway(
            budgets=[{"scope": "agent:agent-1", "day": 0.001}],
            alerts={"webhooks": [receiver.url, {"url": slack.url, "format": "slack"}]},
        )
        assert call(gw).status_code == 200
        budget = wait_for(lambda: [b for b in receiver.bodies if b["kind"].startswith("budget_")])
        assert budget, receiver.bodies
        assert budget[0]["data"]["scope"] == "agent:agent-1" and budget[0]["data"]["limit_usd"] == 0.001
        posted = wait_for(lambda: slack.bodies)
        assert "agent:agent-1" in posted[0]["text"]
        assert posted[0]["blocks"][0]["type"] == "header"
    finally:
        slack.close()


def test_incidents_alert_only_for_the_configured_actions(start_gateway: Any, receiver: Receiver) -> None:
    everything = Receiver()
    try:
        gw = start_gateway(
            alerts={
                "webhooks": [
                    {"url": receiver.url, "kinds": ["incident"], "incident_actions": ["pause", "kill"]},
                    everything.url,
                ]
            },
        )
        gw.gateway.store.add_incident(incident("nudge"))
        gw.gateway.store.add_incident(incident("pause"))
        assert wait_for(lambda: len(everything.bodies) >= 2)
        assert wait_for(lambda: receiver.bodies)
        time.sleep(0.3)
        assert [b["data"]["action"] for b in receiver.bodies] == ["pause"]
        assert "pytest -x" in receiver.bodies[0]["text"]
        assert receiver.bodies[0]["data"]["evidence"].startswith("Identical call")
    finally:
        everything.close()


def test_down_receiver_is_retried_then_dead_lettered(start_gateway: Any) -> None:
    down = closed_port_url()
    gw = start_gateway(alerts={"webhooks": [down], "attempts": 3, "backoff_s": 0.05})
    gw.gateway.store.add_incident(incident("kill"))
    dead = gw.data_dir / "alerts_dead_letter.jsonl"
    assert wait_for(lambda: dead.exists() and dead.read_text().strip())
    [record] = [json.loads(line) for line in dead.read_text().splitlines()]
    assert record["webhook"] == down and record["attempts"] == 3
    assert record["alert"]["kind"] == "incident" and "ConnectError" in record["error"]
    assert dead.stat().st_mode & 0o777 == 0o600, "webhook URLs carry secrets: the file is the operator's alone"


def test_calls_are_not_slowed_by_a_slow_receiver(start_gateway: Any) -> None:
    # A receiver that takes 5 s: a call that waited for one delivery would take that long.
    slow = Receiver(delay_s=5.0)
    try:
        gw = start_gateway(
            budgets=[{"scope": "agent:agent-1", "day": 0.001}],
            alerts={"webhooks": [slow.url], "failure_spike_count": 1},
        )
        started = time.perf_counter()
        for _ in range(5):
            call(gw)
        elapsed = time.perf_counter() - started
        assert elapsed < 4.0, f"5 calls took {elapsed:.2f}s while alerts were pending"
        assert wait_for(lambda: slow.bodies, timeout=10)
    finally:
        slow.close()
