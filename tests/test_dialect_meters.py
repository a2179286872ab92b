"""The stream meters of the new APIs, event by event: usage from the closing event, what counts as
finished, and what a cut stream is billed."""

from __future__ import annotations

import orjson

from regulator.proxy.dialects import GEMINI, RESPONSES, Target
from regulator.proxy.streams import StreamMeter, count_output_tokens


def _event(kind: str, **data: object) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps({"type": kind, **data}) + b"\n\n"


def responses_meter(limit: int | None = None) -> StreamMeter:
    request = RESPONSES.parse(b'{"model": "gpt-5", "input": "hi", "stream": true}', Target())
    request.max_tokens = limit
    return RESPONSES.meter(request, count_output_tokens)


def test_a_failed_response_ends_the_stream_with_what_the_provider_billed() -> None:
    meter = responses_meter()
    usage = {"input_tokens": 900, "input_tokens_details": {"cached_tokens": 512}, "output_tokens": 40}
    usage["output_tokens_details"] = {"reasoning_tokens": 30}
    assert meter.feed(_event("response.created", response={"id": "resp_1"})) is not None
    assert meter.feed(_event("response.output_text.delta", delta="Hel", output_index=0)) is not None
    meter.feed(_event("response.failed", response={"id": "resp_1", "status": "failed", "usage": usage}))
    assert meter.finished
    assert (meter.usage.input_tokens, meter.usage.cached_input_tokens) == (900, 512)
    assert (meter.usage.output_tokens, meter.usage.reasoning_tokens) == (40, 30)


def test_an_error_event_is_not_an_end_the_provider_billed() -> None:
    meter = responses_meter()
    meter.feed(_event("response.output_text.delta", delta="Hello there", output_index=0))
    meter.feed(_event("error", code="server_error", message="boom"))
    assert not meter.finished and meter.usage is None
    assert meter.billed_output_tokens() == 2  # what was streamed


def test_a_responses_stream_past_its_limit_is_ended_as_incomplete() -> None:
    meter = responses_meter(limit=4)
    meter.feed(_event("response.created", response={"id": "resp_1", "model": "gpt-5"}, sequence_number=0))
    assert meter.feed(_event("response.output_text.delta", delta=" word" * 40, sequence_number=1)) is None
    assert meter.ended_by_regulator
    closing = orjson.loads(meter.closing_events().split(b"data: ", 1)[1])
    assert closing["type"] == "response.incomplete" and closing["sequence_number"] == 2
    assert closing["response"]["incomplete_details"] == {"reason": "max_output_tokens"}


def gemini_meter(sse: bool, limit: int | None = 100) -> StreamMeter:
    request = GEMINI.parse(b'{"contents": [{"parts": [{"text": "hi"}]}]}', Target("gemini-2.5-flash", True, sse))
    request.max_tokens = limit
    return GEMINI.meter(request, count_output_tokens)


def _chunk(text: str, finish: str | None = None, **usage: int) -> dict[str, object]:
    candidate: dict[str, object] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "usageMetadata": {"promptTokenCount": 10, **usage}}


def test_a_gemini_stream_is_finished_by_its_finish_reason_and_billed_its_thoughts() -> None:
    meter = gemini_meter(sse=True)
    meter.feed(b"data: " + orjson.dumps(_chunk("Hello", candidatesTokenCount=1)) + b"\n\n")
    assert not meter.finished
    final = _chunk(" world", "STOP", candidatesTokenCount=2, thoughtsTokenCount=50, cachedContentTokenCount=4)
    meter.feed(b"data: " + orjson.dumps(final) + b"\n\n")
    assert meter.finished
    assert (meter.usage.input_tokens, meter.usage.cached_input_tokens) == (10, 4)
    assert (meter.usage.output_tokens, meter.usage.reasoning_tokens) == (52, 50)
    assert meter.answer()["candidates"][0]["content"]["parts"] == [{"text": "Hello world"}]


def test_a_json_array_stream_is_read_whole_and_a_cut_one_billed_at_its_reservation() -> None:
    body = orjson.dumps([_chunk("Hello", candidatesTokenCount=1), _chunk("!", "STOP", candidatesTokenCount=2)])
    whole = gemini_meter(sse=False)
    for piece in (body[:30], body[30:]):
        assert whole.split(bytearray(), piece) == [piece]
        assert whole.feed(piece) == piece  # passed through as it comes
    assert whole.finished and whole.usage.output_tokens == 2
    cut = gemini_meter(sse=False, limit=100)
    cut.feed(body[:30])
    assert not cut.finished and cut.billed_output_tokens() == 100
