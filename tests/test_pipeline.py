"""The call path's branches as a unit: `handle_call` on a started gateway, no HTTP server in front.

Each test drives one branch — verdict, admit, forward outcome, settle — and checks what reached the
mock provider, what the caller got and what the ledger holds. The end-to-end tests (real SDKs
through uvicorn) live in test_proxy_openai.py and test_proxy_anthropic.py.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from conftest import gateway_config
from regulator.errors import AgentKilled, AgentPaused, BudgetExceeded, UpstreamError, UpstreamUnreachable
from regulator.events import CallRecord, Standing
from regulator.mock.server import MockServer
from regulator.proxy.dialects import CHAT, Target
from regulator.proxy.gateway import Gateway
from regulator.proxy.pipeline import handle_call
from regulator.types import Message

BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "fix the bug"}], "max_tokens": 50}


class Caller:
    """What the caller's side of the ASGI connection saw."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)

    @staticmethod
    async def receive() -> Message:
        await asyncio.Event().wait()  # the client never disconnects in these tests
        raise AssertionError("unreachable")

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.messages[0]["headers"]}

    def json(self) -> Any:
        return orjson.loads(b"".join(m.get("body", b"") for m in self.messages[1:]))


@pytest.fixture
async def gw(mock_upstream: MockServer, tmp_path: Path) -> AsyncIterator[Gateway]:
    gateway = Gateway(gateway_config(mock_upstream.url), tmp_path)
    await gateway.start()
    yield gateway
    await gateway.stop()


async def call(gw: Gateway, body: dict[str, Any] | None = None, **headers: str) -> Caller:
    key, _ = gw.store.create_key("agent-1", "fleet-1", "org-1")  # one agent, a key per call
    caller = Caller()
    raw = orjson.dumps(body or BODY)
    headers = {"authorization": f"Bearer {key}", **headers}
    await handle_call(gw, CHAT, Target(), raw, headers, caller.send, caller.receive)
    return caller


def ledger(gw: Gateway) -> list[CallRecord]:
    assert gw.ledger.flush(5)
    return list(gw.store.iter_records(0))


async def test_a_served_call_is_settled_at_the_price_of_what_the_provider_billed(
    gw: Gateway, mock_upstream: MockServer
) -> None:
    caller = await call(gw)
    assert caller.status == 200
    usage = caller.json()["usage"]
    [row] = ledger(gw)
    price = gw.prices.price("gpt-4o-mini")
    expected = price.cost(row.usage)
    assert row.outcome == "ok"
    assert row.usage.input_tokens == usage["prompt_tokens"]
    assert row.usage.output_tokens == usage["completion_tokens"]
    assert row.cost_usd == pytest.approx(expected, abs=1e-9)
    assert float(caller.headers["x-regulator-cost-usd"]) == pytest.approx(expected, abs=1e-6)
    assert row.reserved_usd >= row.cost_usd
    assert mock_upstream.app.stats()["requests"] == 1


async def test_a_killed_agent_is_refused_before_anything_is_reserved_or_forwarded(
    gw: Gateway, mock_upstream: MockServer
) -> None:
    gw.supervisor.standing.set(Standing("agent", "agent-1", "killed", "runaway"))
    with pytest.raises(AgentKilled, match="regulator stopped agent"):
        await call(gw)
    assert mock_upstream.app.stats()["requests"] == 0
    assert ledger(gw) == []


async def test_a_paused_session_is_refused_with_the_time_its_cool_down_ends(
    gw: Gateway, mock_upstream: MockServer
) -> None:
    gw.supervisor.standing.set(Standing("session", "task-7", "paused", "loop", until_ts=time.time() + 30))
    with pytest.raises(AgentPaused) as refused:
        await call(gw, **{"x-regulator-session": "task-7"})
    assert 1 <= int(refused.value.headers["retry-after"]) <= 31
    assert mock_upstream.app.stats()["requests"] == 0


async def test_a_pending_nudge_is_added_to_the_next_request_once(gw: Gateway, mock_upstream: MockServer) -> None:
    gw.supervisor.standing.nudge("task-8", "REGULATOR-NUDGE: try another approach")
    mock_upstream.app.script({"content": "nudged"}, contains="REGULATOR-NUDGE")
    first = await call(gw, **{"x-regulator-session": "task-8"})
    second = await call(gw, **{"x-regulator-session": "task-8"})
    assert first.json()["choices"][0]["message"]["content"] == "nudged"
    assert first.headers["x-regulator-action"] == "nudge"
    assert second.json()["choices"][0]["message"]["content"] != "nudged"


async def test_a_call_over_budget_is_refused_before_forwarding_and_leaves_no_row(
    mock_upstream: MockServer, tmp_path: Path
) -> None:
    gateway = Gateway(
        gateway_config(mock_upstream.url, budgets=[{"scope": "agent:agent-1", "day": 0.000001}]), tmp_path
    )
    await gateway.start()
    try:
        with pytest.raises(BudgetExceeded):
            await call(gateway)
        assert mock_upstream.app.stats()["requests"] == 0
        assert ledger(gateway) == []
    finally:
        await gateway.stop()


async def test_an_upstream_error_answer_is_recorded_as_such_and_bills_nothing(
    gw: Gateway, mock_upstream: MockServer
) -> None:
    mock_upstream.app.script(headers={"x-mock-status": "500"})
    with pytest.raises(UpstreamError) as failed:
        await call(gw)
    assert failed.value.status == 500
    [row] = ledger(gw)
    assert (row.outcome, row.status, row.cost_usd) == ("upstream_error", 500, 0.0)


async def test_an_unreachable_upstream_is_recorded_as_unreachable(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    gateway = Gateway(gateway_config(closed), tmp_path)
    await gateway.start()
    try:
        with pytest.raises(UpstreamUnreachable) as refused:
            await call(gateway)
        port = closed.rsplit(":", 1)[1]
        assert port not in str(refused.value), "the upstream's address is the operator's, not the agent's"
        [row] = ledger(gateway)
        assert row.outcome == "unreachable"
    finally:
        await gateway.stop()
