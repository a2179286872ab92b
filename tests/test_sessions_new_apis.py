"""Threading Responses API items and Gemini turns: every field that carries meaning tells calls apart."""

from __future__ import annotations

from regulator.proxy.message_keys import prefix_keys
from regulator.proxy.sessions import SessionThreader

TASK = {"role": "user", "content": "Fix the failing test."}


def _key(*messages: dict[str, object]) -> int:
    return prefix_keys("k", list(messages))[-1]


def test_responses_items_without_content_are_told_apart_by_what_they_carry() -> None:
    call = {"type": "function_call", "call_id": "c1", "name": "exec_command", "arguments": '{"cmd": "pytest"}'}
    ran = {"type": "function_call_output", "call_id": "c1", "output": "1 failed"}
    assert _key(TASK, call, ran) != _key(TASK, call, {**ran, "output": "1 passed"})
    assert _key(TASK, call) != _key(TASK, {**call, "arguments": '{"cmd": "ls"}'})
    assert _key(TASK, call, ran) == _key(TASK, dict(reversed(call.items())), ran), "key order does not matter"


def test_gemini_turns_are_told_apart_by_role_and_parts() -> None:
    asked = {"role": "user", "parts": [{"text": "Fix the failing test."}]}
    called = {"role": "model", "parts": [{"functionCall": {"name": "run", "args": {"command": "pytest"}}}]}
    answered = {"role": "user", "parts": [{"functionResponse": {"name": "run", "response": {"output": "1 failed"}}}]}
    assert _key(asked, called, answered) != _key(
        asked, called, {"role": "user", "parts": [{"functionResponse": {"name": "run", "response": {"output": "ok"}}}]}
    )
    assert _key({"role": "user", "parts": [{"text": "hi"}]}) != _key({"role": "model", "parts": [{"text": "hi"}]})


def test_a_gemini_conversation_that_grows_stays_one_session() -> None:
    threader = SessionThreader()
    turns = [{"role": "user", "parts": [{"text": "Fix the failing test."}]}]
    first = threader.thread("k", turns)
    threader.commit(first)
    turns += [{"role": "model", "parts": [{"text": "Done?"}]}, {"role": "user", "parts": [{"text": "Not yet."}]}]
    second = threader.thread("k", turns)
    assert (second.session, second.seq, second.new_from) == (first.session, 1, 1)
