"""Edits regulator makes to a request body, and the bytes it forwards for them."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from regulator.proxy.dialects import CHAT, GEMINI, MESSAGES, RESPONSES, Target

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


def test_a_gemini_output_limit_is_spliced_into_the_callers_generation_config() -> None:
    raw = b'{"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"temperature": 1}}'
    request = GEMINI.parse(raw, Target("gemini-2.5-flash"))
    GEMINI.set_max_tokens(request, 512)
    body = request.edited_body()
    assert body == raw.replace(b'{"temperature"', b'{"maxOutputTokens":512,"temperature"')
    assert request.upstream_path == "/models/gemini-2.5-flash:generateContent"


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        (b'{"contents": [{"parts": []}]}', {"generationConfig": {"maxOutputTokens": 64}}),
        (b'{"contents": [{"parts": []}], "generationConfig": {}}', {"generationConfig": {"maxOutputTokens": 64}}),
        (
            b'{"contents": [{"parts": []}], "generation_config": {"candidate_count": 2}}',
            {"generation_config": {"candidate_count": 2, "max_output_tokens": 64}},
        ),
        (
            # The key quoted inside the conversation is escaped there: the splice still finds the real one.
            b'{"contents": [{"parts": [{"text": "\\"generationConfig\\""}]}], "generationConfig": {"topK": 3}}',
            {"generationConfig": {"topK": 3, "maxOutputTokens": 64}},
        ),
    ],
)
def test_gemini_output_limits_land_where_the_caller_spelled_its_config(raw: bytes, sent: dict[str, Any]) -> None:
    request = GEMINI.parse(raw, Target("gemini-2.5-pro", stream=True))
    GEMINI.set_max_tokens(request, 64)
    body = orjson.loads(request.edited_body())
    assert {k: v for k, v in body.items() if k != "contents"} == sent
    assert request.upstream_path == "/models/gemini-2.5-pro:streamGenerateContent?alt=sse"


def test_a_responses_request_reads_string_or_item_input_and_notes_unseen_input() -> None:
    plain = RESPONSES.parse(b'{"model": "gpt-5", "input": "hi", "instructions": "Be brief."}', Target())
    assert plain.messages == [{"role": "user", "content": "hi"}] and plain.system == "Be brief."
    assert not plain.unseen_input and plain.max_tokens_field == "max_output_tokens"
    items = [{"type": "function_call_output", "call_id": "c1", "output": "ok"}]
    chained = RESPONSES.parse(
        orjson.dumps({"model": "gpt-5", "input": items, "previous_response_id": "resp_1", "stream": True}), Target()
    )
    assert chained.messages == items and chained.unseen_input and chained.stream
    RESPONSES.set_max_tokens(chained, 99)
    assert orjson.loads(chained.edited_body())["max_output_tokens"] == 99
