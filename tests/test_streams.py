"""Streams passed through event by event, metered, and ended cleanly at the reservation."""

from __future__ import annotations

import anthropic
import openai

from conftest import RunningGateway
from regulator.proxy.streams import split_events


def test_events_split_across_chunks_are_reassembled() -> None:
    buffer = bytearray()
    assert split_events(buffer, b'data: {"a"') == []
    assert split_events(buffer, b": 1}\n\ndata: [DO") == [b'data: {"a": 1}\n\n']
    assert split_events(buffer, b"NE]\n\n") == [b"data: [DONE]\n\n"]
    assert buffer == b""


def test_crlf_framing_is_understood() -> None:
    buffer = bytearray()
    assert split_events(buffer, b"event: ping\r\ndata: {}\r\n\r\n") == [b"event: ping\ndata: {}\n\n"]


def rows(gw: RunningGateway) -> list:
    gw.gateway.ledger.flush()
    return list(gw.gateway.store.iter_records(0))


def test_openai_stream_ignoring_max_tokens_is_ended_at_the_reservation(gateway: RunningGateway) -> None:
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key=gateway.key, max_retries=0)
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        max_tokens=40,
        stream=True,
        messages=[{"role": "user", "content": "write a long essay"}],
        extra_headers={"x-mock-ignore-max-tokens": "1", "x-mock-output-tokens": "2000"},
    )
    chunks = list(stream)
    assert chunks[-1].choices[0].finish_reason == "length", "the stream must end cleanly, in OpenAI's grammar"
    [row] = rows(gateway)
    assert row.outcome == "cut"
    assert row.usage.output_tokens <= 40
    assert row.cost_usd <= row.reserved_usd


def test_anthropic_stream_ignoring_max_tokens_is_ended_at_the_reservation(gateway: RunningGateway) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.key, max_retries=0)
    with client.messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=40,
        messages=[{"role": "user", "content": "write a long essay"}],
        extra_headers={"x-mock-ignore-max-tokens": "1", "x-mock-output-tokens": "2000"},
    ) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "max_tokens"
    [row] = rows(gateway)
    assert row.outcome == "cut" and row.cost_usd <= row.reserved_usd


def test_stream_broken_by_the_upstream_is_metered_for_what_was_produced(gateway: RunningGateway) -> None:
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key=gateway.key, max_retries=0)
    received = ""
    try:
        for chunk in client.chat.completions.create(
            model="gpt-4o-mini",
            stream=True,
            messages=[{"role": "user", "content": "explain"}],
            extra_headers={"x-mock-break-after": "3", "x-mock-output-tokens": "400"},
        ):
            if chunk.choices:
                received += chunk.choices[0].delta.content or ""
    except openai.APIError:
        pass
    [row] = rows(gateway)
    assert row.outcome == "cut"
    assert received and 0 < row.usage.output_tokens < 400
    assert row.cost_usd > 0
