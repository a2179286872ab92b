"""Edits regulator makes to a request body, and the bytes it forwards for them."""

from __future__ import annotations

import orjson

from regulator.proxy.dialects import CHAT, MESSAGES, Target

CONVERSATION = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi \u00e9\u65e5"}]


def test_unedited_request_forwards_the_callers_exact_bytes() -> None:
    raw = b' {"model": "gpt-4o-mini",  "messages": ' + orjson.dumps(CONVERSATION) + b"}"
    request = CHAT.parse(raw, Target())
    assert request.edited_body() is raw


def test_fields_the_caller_left_out_are_spliced_in_front_of_its_bytes() -> None:
    raw = b'\n{"model": "gpt-4o-mini", "stream": true, "messages": ' + orjson.dumps(CONVERSATION) + b"}"
    request = CHAT.parse(raw, Target())  # a stream: usage is asked for
    CHAT.set_max_tokens(request, 300)
    assert "stream_usage" in request.edits
    body = request.edited_body()
    assert body.endswith(raw[raw.index(b"{") + 1 :])
    assert orjson.loads(body) == {**orjson.loads(raw), "max_tokens": 300, "stream_options": {"include_usage": True}}


def test_changing_a_field_the_caller_sent_reserialises_the_body() -> None:
    raw = orjson.dumps(
        {"model": "gpt-4o", "max_tokens": 5000, "stream": True, "stream_options": {"x": 1}, "messages": CONVERSATION}
    )
    request = CHAT.parse(raw, Target())
    CHAT.set_max_tokens(request, 100)
    CHAT.swap_model(request, "gpt-4o-mini")
    body = request.edited_body()
    sent = orjson.loads(body)
    assert sent["max_tokens"] == 100 and sent["model"] == "gpt-4o-mini"
    assert sent["stream_options"] == {"x": 1, "include_usage": True}
    assert body.count(b'"max_tokens"') == 1 and body.count(b'"stream_options"') == 1


def test_anthropic_request_without_max_tokens_gets_the_admitted_value() -> None:
    raw = orjson.dumps({"model": "claude-sonnet-4-5", "system": "Be brief.", "messages": CONVERSATION[1:]})
    request = MESSAGES.parse(raw, Target())
    MESSAGES.set_max_tokens(request, 1024)
    MESSAGES.add_nudge(request, "you keep running the same command")
    sent = orjson.loads(request.edited_body())
    assert sent["max_tokens"] == 1024
    assert sent["messages"][-1]["content"][-1]["text"].startswith("[regulator] you keep")
