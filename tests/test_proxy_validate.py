"""Bodies regulator cannot work with get a 400 in the caller's dialect before any work: nothing is
reserved, forwarded or written to the ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from conftest import RunningGateway
from regulator.errors import BadRequest
from regulator.mock.server import MockServer
from regulator.proxy.dialects.request import answer_count
from regulator.proxy.validate import MAX_DEPTH, check_depth, check_messages

OPENAI = "/v1/chat/completions"
ANTHROPIC = "/v1/messages"


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


def post(gw: RunningGateway, path: str, raw: bytes) -> httpx.Response:
    headers = {"authorization": f"Bearer {gw.key}", "content-type": "application/json"}
    if path == ANTHROPIC:
        headers["anthropic-version"] = "2023-06-01"
    return httpx.post(gw.url + path, content=raw, headers=headers)


def assert_refused_unbilled(gw: RunningGateway, mock: MockServer, response: httpx.Response, path: str) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    message = body["error"]["message"]
    if path == ANTHROPIC:
        assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    else:
        assert body["error"]["type"] == "invalid_request_error"
    assert mock.app.stats()["requests"] == 0
    gw.gateway.ledger.flush()
    assert list(gw.gateway.store.iter_records(0)) == []
    return str(message)


@pytest.fixture
def own_gateway(start_own_gateway: Callable[..., RunningGateway]) -> RunningGateway:
    return start_own_gateway()


def test_depth_limit_counts_levels_of_objects_and_arrays() -> None:
    check_depth({"a": [[{"b": 1}]]}, limit=4)
    with pytest.raises(BadRequest):
        check_depth({"a": [[{"b": {}}]]}, limit=4)
    nested: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    check_depth({"k": nested})
    with pytest.raises(BadRequest, match="nested more than"):
        check_depth({"k": [nested]})


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
@pytest.mark.parametrize("depth", [200, 1_000])
def test_deep_nesting_is_a_400_in_the_callers_dialect(
    own_gateway: RunningGateway, own_mock: MockServer, path: str, depth: int
) -> None:
    # No max_tokens: regulator would rewrite the body, which once re-serialised it and failed after
    # the reservation, charging a call that never went out.
    raw = b'{"model": "%s", "messages": [{"role": "user", "content": %s}]}' % (
        b"claude-haiku-4-5" if path == ANTHROPIC else b"gpt-4o-mini",
        deep_json(depth),
    )
    message = assert_refused_unbilled(own_gateway, own_mock, post(own_gateway, path, raw), path)
    assert "nested more than" in message


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
@pytest.mark.parametrize("kind", [[], {}, 3, None])
def test_a_content_part_type_that_is_not_a_string_is_a_400(
    own_gateway: RunningGateway, own_mock: MockServer, path: str, kind: Any
) -> None:
    body = {
        "model": "claude-haiku-4-5" if path == ANTHROPIC else "gpt-4o-mini",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": kind, "text": "x"}]}],
    }
    message = assert_refused_unbilled(own_gateway, own_mock, post(own_gateway, path, orjson.dumps(body)), path)
    assert "messages[0].content[1].type" in message


def test_tool_calls_must_be_an_array_of_objects() -> None:
    check_messages([{"role": "assistant", "tool_calls": [{"id": "a"}]}])
    for bad in ("call", [1], {"id": "a"}):
        with pytest.raises(BadRequest, match=r"messages\[0\]\.tool_calls"):
            check_messages([{"role": "assistant", "tool_calls": bad}])


@pytest.mark.parametrize("value", [0, -1, 129, 2.0, "2", True, [2]])
def test_n_that_cannot_be_bounded_is_refused(value: Any) -> None:
    with pytest.raises(BadRequest, match="'n'"):
        answer_count({"n": value}, "n")


def test_n_absent_or_null_is_one_answer() -> None:
    assert answer_count({}, "n") == 1
    assert answer_count({"n": None}, "n") == 1
    assert answer_count({"n": 8}, "n") == 8
