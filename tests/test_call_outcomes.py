"""How a call ends is recorded by what happened, not guessed from a status code; it settles once."""

from __future__ import annotations

import httpx
import pytest

from conftest import RunningGateway
from regulator.events import Identity, Usage
from regulator.proxy.call import Call
from regulator.proxy.dialects import CHAT, Target
from regulator.proxy.sessions import Threaded

CHAT_CALL = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize("status", [502, 504])
def test_a_provider_answering_502_or_504_is_an_upstream_error_not_an_outage(
    gateway: RunningGateway, status: int
) -> None:
    r = httpx.post(
        gateway.url + "/v1/chat/completions",
        json=CHAT_CALL,
        headers={"authorization": f"Bearer {gateway.key}", "x-mock-status": str(status)},
    )
    assert r.status_code == status
    assert r.json()["error"]["message"] == f"The mock upstream was asked to fail with {status}."
    gateway.gateway.ledger.flush()
    [row] = list(gateway.gateway.store.iter_records(0))
    assert (row.status, row.outcome, row.cost_usd) == (status, "upstream_error", 0)


async def test_a_call_settles_exactly_once(gateway: RunningGateway) -> None:
    request = CHAT.parse(httpx.Request("POST", "/", json=CHAT_CALL).read(), Target())
    route = gateway.gateway.router.route("gpt-4o-mini", "openai")
    call = Call.open(CHAT, request, Identity("k", "agent-1"), Threaded("s", 0, 0), route, 0.0)
    call.price = gateway.gateway.prices.price("gpt-4o-mini")
    assert await call.settle(gateway.gateway, Usage(10, output_tokens=5)) > 0
    with pytest.raises(RuntimeError, match="settled twice"):
        await call.settle(gateway.gateway, Usage(10, output_tokens=5))
