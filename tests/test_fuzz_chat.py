"""Hostile and broken bodies on every metered API (chat completions, Messages, Responses, Gemini):
never a 5xx of the gateway's own, never a ledger row for a call the mock provider did not receive
(and a row for every call it did).

Bodies keep the shape of a real request often enough to get past the first checks (a priced
model, messages with roles), then break it anywhere: wrong types, content parts of every kind,
nesting up to orjson's own limit, `n`, `max_tokens` and `stream` of any type, and raw bytes.
1,000 examples an API (4,000 in all), under a minute on a quiet machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RunningGateway
from regulator.events import CallRecord
from regulator.mock.server import MockServer

EXAMPLES = 1_000

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good` seven times in eight: enough well-formed bodies reach the pipeline's later steps."""
    return st.integers(min_value=0, max_value=7).flatmap(lambda i: good if i else bad)


def nested(depth: int, kind: str) -> orjson.Fragment:
    """Nesting past what orjson writes (254), as raw JSON; orjson reads up to 1,024."""
    opening, closing = (b"[", b"]") if kind == "list" else (b'{"type": "text", "content": ', b"}")
    return orjson.Fragment(opening * depth + b'"deep"' + closing * depth)


deep = st.builds(nested, st.integers(min_value=100, max_value=1_020), st.sampled_from(["list", "dict"]))
part_types = st.sampled_from(["text", "image_url", "image", "tool_use", "tool_result", "input_text", "document"])
parts = st.fixed_dictionaries(
    {"type": mostly(part_types, values)},
    optional={
        "text": st.text(max_size=40) | values,
        "image_url": st.fixed_dictionaries({"url": st.text(max_size=30) | values}) | values,
        "source": st.fixed_dictionaries({"data": st.text(max_size=30) | values}) | values,
        "content": st.lists(st.fixed_dictionaries({"type": part_types, "text": st.text(max_size=10)})) | values,
        "input": values,
        "cache_control": st.just({"type": "ephemeral"}) | values,
    },
)
content = mostly(st.text(max_size=60) | st.lists(parts, max_size=3), mostly(values, deep))
tool_calls = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.text(max_size=8),
            "type": st.just("function"),
            "function": st.fixed_dictionaries(
                {"name": st.text(max_size=8), "arguments": st.text(max_size=20) | values}
            ),
        }
    ),
    max_size=2,
)
messages = st.lists(
    st.fixed_dictionaries(
        {
            "role": mostly(st.sampled_from(["user", "assistant", "system", "tool", "developer"]), values),
            "content": content,
        },
        optional={
            "tool_calls": mostly(tool_calls, values),
            "tool_call_id": st.text(max_size=8) | values,
            "name": values,
        },
    ),
    min_size=1,
    max_size=4,
)
numbers = mostly(st.integers(min_value=-5, max_value=300), values)


def as_api(api: str, body: dict[str, Any]) -> dict[str, Any]:
    """A chat-shaped body in another API's shape: the same hostile values under its field names."""
    if api == "responses":
        renamed = {"messages": "input", "max_tokens": "max_output_tokens", "system": "instructions"}
        return {renamed.get(k, k): v for k, v in body.items() if k not in ("n", "max_completion_tokens")}
    if api == "gemini":
        turns = body.get("messages")
        contents = (
            [{"role": m.get("role"), "parts": [{"text": m.get("content")}]} for m in turns if isinstance(m, dict)]
            if isinstance(turns, list)
            else turns
        )
        config = {"maxOutputTokens": body.get("max_tokens"), "candidateCount": body.get("n")}
        return {"contents": contents, "generationConfig": config, "systemInstruction": body.get("system")}
    return body


def bodies(models: list[str], api: str) -> st.SearchStrategy[bytes]:
    shaped = st.fixed_dictionaries(
        {"model": mostly(st.sampled_from(models), values), "messages": mostly(messages, values)},
        optional={
            "max_tokens": numbers,
            "max_completion_tokens": numbers,
            "n": mostly(st.integers(min_value=-1, max_value=6), values),
            "stream": mostly(st.booleans(), values),
            "stream_options": st.fixed_dictionaries({"include_usage": st.booleans() | values}) | values,
            "tools": st.lists(st.fixed_dictionaries({"name": st.text(max_size=6), "input_schema": values})) | values,
            "system": st.text(max_size=30) | st.lists(parts, max_size=2) | values | deep,
            "temperature": values,
            "metadata": values | deep,
        },
    ).map(lambda body: orjson.dumps(as_api(api, body)))
    raw = st.binary(max_size=200) | st.sampled_from(
        [b"[]", b"1e999", b'{"model": 1e999}', b'{"n": 123456789012345678901}']
    )
    return mostly(shaped, raw)


def fuzz(
    gateway: RunningGateway, mock: MockServer, path: str, models: list[str], headers: dict[str, str], api: str
) -> Callable[[], None]:
    recorded: list[CallRecord] = []
    gateway.gateway.add_call_listener(recorded.append)
    client = httpx.Client(base_url=gateway.url, headers={**headers, "authorization": f"Bearer {gateway.key}"})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(body=bodies(models, api), session=st.none() | st.from_regex(r"[!-~]([ -~]{0,40}[!-~])?", fullmatch=True))
    def run(body: bytes, session: str | None) -> None:
        received = mock.app.stats()["requests"]
        rows = len(recorded)
        extra = {} if session is None else {"x-regulator-session": session}
        response = client.post(path, content=body, headers={"content-type": "application/json", **extra})
        # A 5xx may only be the upstream's own, passed through (and then the mock answered it).
        upstream = response.headers.get("x-regulator-error") == "upstream_error"
        assert response.status_code < 500 or upstream, (response.status_code, response.text[:300], body[:300])
        forwarded = mock.app.stats()["requests"] - received
        assert len(recorded) - rows == forwarded, (response.status_code, response.text[:300], body[:300])

    return run


@pytest.mark.parametrize(
    ("api", "path", "models", "headers"),
    [
        ("chat", "/v1/chat/completions", ["gpt-4o-mini", "gpt-4o", "o3-mini"], {}),
        ("messages", "/v1/messages", ["claude-haiku-4-5", "claude-sonnet-4-6"], {"anthropic-version": "2023-06-01"}),
        ("responses", "/v1/responses", ["gpt-4o-mini", "o3-mini"], {}),
        ("gemini", "/v1beta/models/gemini-2.5-flash:generateContent", ["gemini-2.5-flash"], {}),
    ],
    ids=["openai-chat", "anthropic-messages", "openai-responses", "gemini"],
)
def test_fuzzed_bodies_get_no_5xx_and_no_phantom_ledger_rows(
    start_own_gateway: Callable[..., RunningGateway],
    own_mock: MockServer,
    api: str,
    path: str,
    models: list[str],
    headers: dict[str, str],
) -> None:
    # A budget applies, so every admitted call is reserved, clamped and settled against it.
    gateway = start_own_gateway(budgets=[{"scope": "agent:agent-1", "day": 1_000.0}])
    fuzz(gateway, own_mock, path, models, headers, api)()
