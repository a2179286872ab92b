"""The mock upstream speaks both dialects well enough for the official SDKs, over real HTTP."""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic
import httpx
import openai
import pytest

from regulator.mock.server import (
    MockServer,
    encode_reply,
    mock_reset,
    mock_script,
    mock_stats,
    run_mock_upstream,
)

GPT = "gpt-4o-mini"
CLAUDE = "claude-sonnet-4-6"
HELLO: Any = [{"role": "user", "content": "Why is my build slow?"}]
TOOLS: Any = [
    {
        "type": "function",
        "function": {
            "name": "read_file",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["path", "limit"],
            },
        },
    }
]
ANTHROPIC_TOOLS: Any = [
    {
        "name": "search",
        "input_schema": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    }
]
LONG = "Please review this module carefully and list every problem you find. " * 80  # ~1,400 tokens


def oai(mock: MockServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=mock.url + "/v1", api_key="sk-mock", max_retries=0)


def ant(mock: MockServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=mock.url, api_key="sk-ant-mock", max_retries=0)


def sse_data(text: str) -> list[Any]:
    return [
        line[6:] if line[6:] == "[DONE]" else json.loads(line[6:])
        for line in text.splitlines()
        if line.startswith("data: ")
    ]


# ---- OpenAI ---------------------------------------------------------------------------------------


def test_openai_answer_is_deterministic_and_usage_is_plausible(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    first = client.chat.completions.create(model=GPT, messages=HELLO)
    second = client.chat.completions.create(model=GPT, messages=HELLO)
    other = client.chat.completions.create(model=GPT, messages=[{"role": "user", "content": "Something else"}])
    assert first.object == "chat.completion"
    assert first.choices[0].message.content == second.choices[0].message.content
    assert first.choices[0].message.content != other.choices[0].message.content
    assert first.choices[0].finish_reason == "stop"
    usage = first.usage
    assert usage is not None
    assert 0 < usage.prompt_tokens <= len(json.dumps({"model": GPT, "messages": HELLO}))
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.prompt_tokens_details is not None and usage.prompt_tokens_details.cached_tokens == 0
    assert usage.completion_tokens_details is not None and usage.completion_tokens_details.reasoning_tokens == 0


def test_openai_stream_matches_the_wire_format_and_the_unstreamed_answer(mock_upstream: MockServer) -> None:
    body = {"model": GPT, "messages": HELLO, "stream": True, "stream_options": {"include_usage": True}}
    with httpx.Client(base_url=mock_upstream.url) as http:
        whole = http.post("/v1/chat/completions", json={"model": GPT, "messages": HELLO}).json()
        streamed = http.post("/v1/chat/completions", json=body)
        plain = http.post("/v1/chat/completions", json={**body, "stream_options": None})
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = sse_data(streamed.text)
    assert events[-1] == "[DONE]"
    chunks, usage_chunk = events[:-2], events[-2]
    assert all(c["object"] == "chat.completion.chunk" and c["usage"] is None for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert usage_chunk["choices"] == [] and usage_chunk["usage"] == whole["usage"]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == whole["choices"][0]["message"]["content"]
    plain_events = sse_data(plain.text)
    assert all("usage" not in e and e["choices"] for e in plain_events[:-1])


def test_openai_tool_call_streams_as_the_sdk_expects(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    whole = client.chat.completions.create(model=GPT, messages=HELLO, tools=TOOLS)
    with client.chat.completions.stream(model=GPT, messages=HELLO, tools=TOOLS) as stream:
        final = stream.get_final_completion()
    assert whole.choices[0].finish_reason == final.choices[0].finish_reason == "tool_calls"
    call = whole.choices[0].message.tool_calls[0]
    streamed = final.choices[0].message.tool_calls[0]
    assert call.type == "function" and call.id.startswith("call_")
    assert call.function.name == streamed.function.name == "read_file"
    args = json.loads(call.function.arguments)
    assert args == json.loads(streamed.function.arguments)
    assert isinstance(args["path"], str) and isinstance(args["limit"], int)


def test_openai_answers_in_text_after_a_tool_result(mock_upstream: MockServer) -> None:
    messages = [
        *HELLO,
        {
            "role": "assistant",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "read_file", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "def main(): ..."},
    ]
    answer = oai(mock_upstream).chat.completions.create(model=GPT, messages=messages, tools=TOOLS)
    assert answer.choices[0].message.tool_calls is None and answer.choices[0].message.content


async def test_async_openai_stream_reports_reasoning_tokens_for_reasoning_models(
    mock_upstream: MockServer,
) -> None:
    client = openai.AsyncOpenAI(base_url=mock_upstream.url + "/v1", api_key="sk-mock", max_retries=0)
    stream = await client.chat.completions.create(
        model="o3-mini",
        messages=HELLO,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    usage = chunks[-1].usage
    assert usage is not None and usage.completion_tokens_details is not None
    reasoning = usage.completion_tokens_details.reasoning_tokens or 0
    visible = sum(len(c.choices[0].delta.content or "") > 0 for c in chunks if c.choices)
    assert reasoning > 0 and usage.completion_tokens > reasoning and visible > 0
    await client.close()


def test_max_tokens_is_honoured_unless_the_provider_is_told_to_ignore_it(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    capped = client.chat.completions.create(model=GPT, messages=HELLO, max_completion_tokens=5)
    assert capped.usage is not None and capped.usage.completion_tokens == 5
    assert capped.choices[0].finish_reason == "length"
    reasoning = client.chat.completions.create(model="gpt-5-mini", messages=HELLO, max_tokens=7)
    assert reasoning.usage is not None and reasoning.usage.completion_tokens <= 7
    rogue = client.chat.completions.create(
        model=GPT,
        messages=HELLO,
        max_tokens=5,
        extra_headers={"x-mock-ignore-max-tokens": "1"},
    )
    assert rogue.usage is not None and rogue.usage.completion_tokens > 5
    forced = client.chat.completions.create(
        model=GPT,
        messages=HELLO,
        extra_headers={"x-mock-output-tokens": "300"},
    )
    assert forced.usage is not None and forced.usage.completion_tokens == 300


def test_openai_bills_repeated_long_prefixes_as_cached(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    history = [{"role": "system", "content": LONG}, {"role": "user", "content": "first"}]
    cold = client.chat.completions.create(model=GPT, messages=history)
    warm = client.chat.completions.create(model=GPT, messages=[*history[:1], {"role": "user", "content": "again"}])
    assert cold.usage is not None and cold.usage.prompt_tokens_details is not None
    assert warm.usage is not None and warm.usage.prompt_tokens_details is not None
    assert cold.usage.prompt_tokens_details.cached_tokens == 0
    cached = warm.usage.prompt_tokens_details.cached_tokens or 0
    assert 1024 <= cached <= warm.usage.prompt_tokens and cached % 128 == 0


def test_embeddings_and_models(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    floats = client.embeddings.create(model="text-embedding-3-small", input=["one", "two"], encoding_format="float")
    packed = client.embeddings.create(model="text-embedding-3-small", input=["one", "two"], dimensions=64)
    assert len(floats.data) == 2 and len(floats.data[0].embedding) == 1536
    assert len(packed.data[1].embedding) == 64 and floats.usage.prompt_tokens > 0
    assert abs(sum(v * v for v in packed.data[0].embedding) - 1) < 1e-3
    assert "gpt-4o-mini" in {m.id for m in client.models.list().data}
    assert CLAUDE in {m.id for m in ant(mock_upstream).models.list().data}


# ---- Anthropic ------------------------------------------------------------------------------------


def test_anthropic_message_and_stream_agree(mock_upstream: MockServer) -> None:
    client = ant(mock_upstream)
    whole = client.messages.create(model=CLAUDE, max_tokens=200, messages=HELLO)
    with client.messages.stream(model=CLAUDE, max_tokens=200, messages=HELLO) as stream:
        final = stream.get_final_message()
    assert whole.type == "message" and whole.stop_reason == final.stop_reason == "end_turn"
    assert whole.content[0].text == final.content[0].text
    assert whole.usage.output_tokens == final.usage.output_tokens > 0
    assert whole.usage.input_tokens == final.usage.input_tokens > 0
    assert whole.usage.cache_read_input_tokens == whole.usage.cache_creation_input_tokens == 0


def test_anthropic_stream_sends_the_real_event_sequence(mock_upstream: MockServer) -> None:
    body = {"model": CLAUDE, "max_tokens": 100, "messages": HELLO, "stream": True}
    with httpx.Client(base_url=mock_upstream.url) as http:
        text = http.post("/v1/messages", json=body).text
    names = [line[7:] for line in text.splitlines() if line.startswith("event: ")]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(names[3:-3]) == {"content_block_delta"}
    data = sse_data(text)
    assert data[0]["message"]["usage"]["input_tokens"] > 0
    assert data[-2]["delta"]["stop_reason"] == "end_turn" and data[-2]["usage"]["output_tokens"] > 0


async def test_async_anthropic_tool_use_streams_input_json(mock_upstream: MockServer) -> None:
    client = anthropic.AsyncAnthropic(base_url=mock_upstream.url, api_key="sk-ant-mock", max_retries=0)
    kwargs: dict[str, Any] = {"model": CLAUDE, "max_tokens": 300, "messages": HELLO, "tools": ANTHROPIC_TOOLS}
    whole = await client.messages.create(**kwargs)
    async with client.messages.stream(**kwargs) as stream:
        final = await stream.get_final_message()
    assert whole.stop_reason == final.stop_reason == "tool_use"
    assert whole.content[0].type == final.content[0].type == "tool_use"
    assert whole.content[0].input == final.content[0].input
    assert isinstance(whole.content[0].input["query"], str)
    await client.close()


def test_anthropic_cache_control_writes_then_reads(mock_upstream: MockServer) -> None:
    client = ant(mock_upstream)
    system = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]
    first = client.messages.create(model=CLAUDE, max_tokens=50, system=system, messages=HELLO)
    again = client.messages.create(model=CLAUDE, max_tokens=50, system=system, messages=HELLO)
    plain = client.messages.create(model=CLAUDE, max_tokens=50, system=LONG, messages=HELLO)
    assert (first.usage.cache_creation_input_tokens or 0) >= 1024 and first.usage.cache_read_input_tokens == 0
    assert again.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert again.usage.input_tokens == first.usage.input_tokens < 100
    assert plain.usage.cache_read_input_tokens == plain.usage.cache_creation_input_tokens == 0
    totals = mock_upstream.app.stats()["totals"]
    assert totals["cached_input_tokens"] == again.usage.cache_read_input_tokens


# ---- scripting, failures, billing ---------------------------------------------------------------


def test_scripted_replies_by_header_and_by_rule(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    header = {"x-mock-reply": encode_reply("Done.", [{"name": "run", "arguments": {"cmd": "ls"}}])}
    answer = client.chat.completions.create(model=GPT, messages=HELLO, extra_headers=header)
    message = answer.choices[0].message
    assert message.content == "Done." and message.tool_calls is not None
    assert message.tool_calls[0].function.name == "run"
    assert json.loads(message.tool_calls[0].function.arguments) == {"cmd": "ls"}

    mock_upstream.app.script({"content": "agent-7 again"}, contains="agent-7", times=2)
    asks = [{"role": "system", "content": "You are agent-7."}, *HELLO]
    got = [client.chat.completions.create(model=GPT, messages=asks).choices[0].message.content for _ in range(3)]
    assert got[:2] == ["agent-7 again"] * 2 and got[2] != "agent-7 again"

    mock_script(mock_upstream.url, {"content": "over http"}, model=CLAUDE)
    reply = ant(mock_upstream).messages.create(model=CLAUDE, max_tokens=20, messages=HELLO)
    assert reply.content[0].text == "over http"


def test_a_stuck_model_asks_every_harness_for_the_same_command_through_its_own_shell_tool(
    mock_upstream: MockServer,
) -> None:
    mock_upstream.app.script({"shell": "make test"})
    claude_tools = [
        {"name": "Read", "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}}},
        {"name": "Bash", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}},
    ]
    after_result = [
        *HELLO,
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "FAILED"}]},
    ]
    for messages in (HELLO, after_result):  # the same call again, tool result or not
        reply = ant(mock_upstream).messages.create(model=CLAUDE, max_tokens=200, messages=messages, tools=claude_tools)
        assert [(b.type, getattr(b, "name", None), getattr(b, "input", None)) for b in reply.content] == [
            ("tool_use", "Bash", {"command": "make test"})
        ]
    array_shell = {
        "type": "function",
        "function": {
            "name": "shell",
            "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}},
        },
    }
    call = oai(mock_upstream).chat.completions.create(model=GPT, messages=HELLO, tools=[array_shell])
    [tool_call] = call.choices[0].message.tool_calls or []
    assert json.loads(tool_call.function.arguments) == {"command": ["bash", "-lc", "make test"]}
    text = oai(mock_upstream).chat.completions.create(model=GPT, messages=HELLO).choices[0].message.content
    assert text is not None and "```bash\nmake test\n```" in text


def test_injected_errors_use_each_dialects_shape(mock_upstream: MockServer) -> None:
    with pytest.raises(openai.RateLimitError) as limited:
        oai(mock_upstream).chat.completions.create(
            model=GPT,
            messages=HELLO,
            extra_headers={"x-mock-status": "429"},
        )
    assert limited.value.response.headers["retry-after"] == "1"
    assert limited.value.body["code"] == "rate_limit_exceeded"
    with pytest.raises(anthropic.RateLimitError) as ant_limited:
        ant(mock_upstream).messages.create(
            model=CLAUDE,
            max_tokens=10,
            messages=HELLO,
            extra_headers={"x-mock-status": "429"},
        )
    assert ant_limited.value.body["error"]["type"] == "rate_limit_error"
    with pytest.raises(anthropic.InternalServerError):
        ant(mock_upstream).messages.create(
            model=CLAUDE,
            max_tokens=10,
            messages=HELLO,
            extra_headers={"x-mock-status": "503"},
        )
    with httpx.Client(base_url=mock_upstream.url) as http:
        assert (
            http.post("/v1/chat/completions", content=b"{not json").json()["error"]["type"] == "invalid_request_error"
        )
        missing = http.post("/v1/messages", json={"model": CLAUDE, "messages": HELLO}).json()
        assert missing["type"] == "error" and missing["error"]["type"] == "invalid_request_error"
        assert http.get("/v2/nothing").status_code == 404
    assert mock_upstream.app.stats()["errors"] == {"429": 2, "503": 1, "400": 2, "404": 1}


def test_fail_rate_is_seeded() -> None:
    def statuses() -> list[int]:
        with MockServer(fail_rate=0.5, seed=7) as mock, httpx.Client(base_url=mock.url) as http:
            return [
                http.post("/v1/chat/completions", json={"model": GPT, "messages": HELLO}).status_code for _ in range(20)
            ]

    first = statuses()
    assert first == statuses() and {200, 500} == set(first)


def test_latency_and_slow_first_byte(mock_upstream: MockServer) -> None:
    body = {"model": GPT, "messages": HELLO}
    with httpx.Client(base_url=mock_upstream.url) as http:
        start = time.monotonic()
        http.post("/v1/chat/completions", json=body, headers={"x-mock-latency-ms": "150"})
        assert time.monotonic() - start >= 0.15
        start = time.monotonic()
        with http.stream(
            "POST",
            "/v1/chat/completions",
            json={**body, "stream": True},
            headers={"x-mock-first-byte-ms": "120"},
        ) as response:
            assert time.monotonic() - start >= 0.12
            response.read()


def test_broken_stream_bills_only_what_was_sent(mock_upstream: MockServer) -> None:
    body = {"model": GPT, "messages": HELLO, "stream": True}
    headers = {"x-mock-break-after": "3", "x-mock-output-tokens": "40"}
    received = b""
    with httpx.Client(base_url=mock_upstream.url) as http:
        with (
            pytest.raises(httpx.RemoteProtocolError),
            http.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response,
        ):
            for part in response.iter_bytes():
                received += part
        events = sse_data(received.decode())
        assert len(events) == 3 and "[DONE]" not in events
        ant_body = {"model": CLAUDE, "max_tokens": 100, "messages": HELLO, "stream": True}
        with (
            pytest.raises(httpx.RemoteProtocolError),
            http.stream("POST", "/v1/messages", json=ant_body, headers={"x-mock-break-after": "4"}) as response,
        ):
            response.read()
    models = mock_upstream.app.stats()["models"]
    assert models[GPT]["output_tokens"] == 8  # role chunk + two chunks of 4 tokens
    assert models[CLAUDE]["output_tokens"] == 4  # 1 reported in message_start + one text delta of 4
    assert models[GPT]["input_tokens"] > 0


def test_stats_count_every_answer_and_reset_clears_them(mock_upstream: MockServer) -> None:
    client = oai(mock_upstream)
    answers = [
        client.chat.completions.create(model=GPT, messages=[{"role": "user", "content": f"q{i}"}]) for i in range(3)
    ]
    stats = mock_stats(mock_upstream.url)
    assert stats["requests"] == 3 and stats["models"][GPT]["requests"] == 3
    assert stats["models"][GPT]["output_tokens"] == sum(a.usage.completion_tokens for a in answers)
    assert stats["totals"]["input_tokens"] == sum(a.usage.prompt_tokens for a in answers)
    mock_reset(mock_upstream.url)
    assert mock_stats(mock_upstream.url)["requests"] == 0


def test_subprocess_mock_runs_the_cli() -> None:
    with run_mock_upstream(subprocess=True, latency_ms=1) as url:
        answer = openai.OpenAI(base_url=url + "/v1", api_key="sk-mock", max_retries=0).chat.completions.create(
            model=GPT,
            messages=HELLO,
        )
        assert answer.choices[0].message.content
        assert mock_stats(url)["models"][GPT]["requests"] == 1


def test_a_client_leaving_a_paced_stream_is_billed_only_what_it_was_sent(mock_upstream: MockServer) -> None:
    body = {"model": GPT, "messages": HELLO, "stream": True}
    headers = {"x-mock-output-tokens": "400", "x-mock-latency-ms": "1000"}
    with (
        httpx.Client(base_url=mock_upstream.url) as http,
        http.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response,
    ):
        lines = (line for line in response.iter_lines() if line.startswith("data: "))
        received = [next(lines) for _ in range(4)]  # the role chunk, then 3 chunks of 4 tokens
    for _ in range(100):
        billed = mock_upstream.app.stats()["models"].get(GPT)
        if billed:
            break
        time.sleep(0.02)
    assert len(received) == 4
    assert billed is not None and 12 <= billed["output_tokens"] < 40
