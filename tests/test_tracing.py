"""Live tracing: what the gateway writes replays to the same costs, with secrets redacted."""

from __future__ import annotations

import openai
import pytest

from conftest import RunningGateway
from regulator.config import Config
from regulator.proxy.tracing import redact
from regulator.traces.replay import replay_sessions


def test_secrets_pasted_into_conversations_are_redacted() -> None:
    text = (
        "export OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234 and rg-AAAAAAAAAAAAAAAAAAAAAA;"
        " Bearer abc.def.ghijklmnopqrstu"
    )
    cleaned = redact({"content": [{"type": "text", "text": text}]})
    flat = str(cleaned)
    assert "sk-proj" not in flat and "rg-AAAA" not in flat and "abc.def" not in flat
    assert flat.count("[REDACTED]") == 3


def test_traced_calls_replay_to_the_ledgers_costs(start_gateway) -> None:
    gw: RunningGateway = start_gateway(trace={"enabled": True, "path": "traces/live.jsonl"})
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    messages = [{"role": "user", "content": f"my key is {gw.key}, fix the build"}]
    for turn in range(3):
        answer = client.chat.completions.create(model="gpt-4o-mini", messages=messages, stream=turn == 1)
        if turn == 1:
            text = "".join(c.choices[0].delta.content or "" for c in answer if c.choices)  # type: ignore[union-attr]
        else:
            text = answer.choices[0].message.content or ""  # type: ignore[union-attr]
        messages += [{"role": "assistant", "content": text}, {"role": "user", "content": "still failing"}]
    gw.server.stop()  # flushes the ledger and the trace
    path = gw.data_dir / "traces" / "live.jsonl"
    assert gw.key not in path.read_text()
    [session] = replay_sessions([path], Config())
    assert session.calls == 3
    assert session.cost_usd == pytest.approx(sum(r.cost_usd for r in _rows(gw)), rel=1e-9)


def _rows(gw: RunningGateway) -> list:
    from regulator.store import open_store

    store = open_store(gw.data_dir)
    try:
        return list(store.iter_records(0))
    finally:
        store.close()
