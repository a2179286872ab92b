"""Session threading: calls without a session header are grouped into conversations by prefix."""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from regulator.proxy.sessions import SessionThreader, Threaded, answer_texts, harness_session
from regulator.traces.format import iter_trace

DEV = Path(__file__).resolve().parents[2] / "shared" / "traces" / "dev" / "calls.jsonl.gz"


def call(
    threader: SessionThreader, scope: str, messages: list[dict[str, Any]], explicit: str | None = None
) -> Threaded:
    """A call the gateway admitted: threaded, then committed as the session's latest."""
    threaded = threader.thread(scope, messages, explicit)
    threader.commit(threaded)
    return threaded


def conversation(n: int, task: str) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": "You are a coding agent."}, {"role": "user", "content": task}]
    for i in range(n):
        messages += [
            {"role": "assistant", "content": f"run step {i}"},
            {"role": "user", "content": f"out {i}"},
        ]
    return messages


def test_a_growing_conversation_stays_in_one_session() -> None:
    threader = SessionThreader()
    seen = [call(threader, "key", conversation(n, "fix bug 1")) for n in range(5)]
    assert len({t.session for t in seen}) == 1
    assert [t.seq for t in seen] == [0, 1, 2, 3, 4]
    assert [t.new_from for t in seen] == [0, 2, 4, 6, 8]


def test_different_tasks_and_keys_are_different_sessions() -> None:
    threader = SessionThreader()
    a = call(threader, "key", conversation(0, "fix bug 1"))
    b = call(threader, "key", conversation(0, "fix bug 2"))
    c = call(threader, "other-key", conversation(0, "fix bug 1"))
    assert len({a.session, b.session, c.session}) == 3


def test_the_same_conversation_is_named_alike_by_every_replica() -> None:
    first, second = SessionThreader(), SessionThreader()
    assert first.thread("key", conversation(0, "t")).session == second.thread("key", conversation(0, "t")).session


def test_a_run_restarted_from_scratch_is_a_new_session() -> None:
    threader = SessionThreader()
    old = [call(threader, "key", conversation(n, "same task")) for n in range(4)]
    restarted = call(threader, "key", conversation(0, "same task"))
    assert restarted.session != old[-1].session


def test_explicit_header_wins() -> None:
    threader = SessionThreader()
    assert call(threader, "key", conversation(1, "t"), explicit="run-7").session == "run-7"


def test_a_refused_call_does_not_advance_the_session() -> None:
    """Its messages reach the detectors with the next call that is forwarded."""
    threader = SessionThreader()
    call(threader, "key", conversation(0, "t"))
    refused = threader.thread("key", conversation(1, "t"))  # paused or over budget: not committed
    retried = call(threader, "key", conversation(1, "t"))
    assert (refused.seq, refused.new_from) == (retried.seq, retried.new_from) == (1, 2)


def test_idle_sessions_are_forgotten_and_reported() -> None:
    forgotten: list[str] = []
    threader = SessionThreader(idle_timeout_s=60, on_forget=forgotten.append)
    first = threader.thread("key", conversation(0, "old task"))
    threader.commit(first, now=1000.0)
    threader.commit(threader.thread("key", conversation(0, "new task")), now=1100.0)
    assert forgotten == [first.session]
    # the forgotten conversation's next call starts a session afresh (same name: same opening)
    again = threader.thread("key", conversation(1, "old task"))
    assert again.seq == 0


@pytest.mark.skipif(not DEV.exists(), reason="the dev traces (../shared/traces/dev) are not beside this checkout")
def test_real_multi_turn_traces_are_threaded_into_their_sessions() -> None:
    """Replay the dev traces (sessions interleaved as recorded) without headers: every inferred
    session must map to exactly one true session, and each true session's calls to one inferred
    session — except where two recorded sessions sent byte-identical requests (variants forked
    from one run), which no threading can tell apart until they diverge."""
    threader = SessionThreader()
    inferred_to_true: dict[str, Counter[str]] = defaultdict(Counter)
    true_to_inferred: dict[str, Counter[str]] = defaultdict(Counter)
    calls = 0
    for call in iter_trace([DEV]):
        threaded = threader.thread(call.agent, call.messages)
        threader.commit(threaded)
        inferred_to_true[threaded.session][call.session] += 1
        true_to_inferred[call.session][threaded.session] += 1
        calls += 1
    mixed = sum(sum(c.values()) - max(c.values()) for c in inferred_to_true.values())
    split = sum(sum(c.values()) - max(c.values()) for c in true_to_inferred.values())
    # Calls attributed to a session other than their own, or split off their session's main thread.
    assert mixed / calls < 0.02, (mixed, calls)
    assert split / calls < 0.02, (split, calls)


# ---- real harnesses (shapes measured on Claude Code 2.1 and OpenClaw 2026.9, docs/agents.md) ----------


def claude_code_call(turns: int) -> list[dict[str, Any]]:
    """Claude Code's n-th request: the `cache_control` marker sits on the last block only, thinking
    blocks carry a signature that is re-issued on every call."""
    first: dict[str, Any] = {
        "role": "user",
        "content": [
            {"type": "text", "text": "<system-reminder>cwd: /repo</system-reminder>"},
            {"type": "text", "text": "fix the failing test"},
        ],
    }
    messages = [first]
    for i in range(turns):
        messages.append(
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": f"step {i}", "signature": f"sig-{turns}-{i}"},
                    {"type": "tool_use", "id": f"toolu_{i}", "name": "Bash", "input": {"command": "make test"}},
                ],
            }
        )
        messages.append(
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{i}", "content": "FAILED"}]}
        )
    messages = copy.deepcopy(messages)
    messages[-1]["content"][-1]["cache_control"] = {"type": "ephemeral"}
    return messages


def openclaw_call(turns: int) -> list[dict[str, Any]]:
    """OpenClaw's n-th request: it ends with a context message that the next request replaces."""
    messages = claude_code_call(turns)
    messages.append({"role": "user", "content": [{"type": "text", "text": f"<<<INTERNAL_CONTEXT {turns}>>>"}]})
    return messages


def test_moving_cache_markers_and_resigned_thinking_keep_one_session() -> None:
    threader = SessionThreader()
    seen = [call(threader, "key", claude_code_call(n)) for n in range(6)]
    assert len({t.session for t in seen}) == 1
    assert [t.seq for t in seen] == list(range(6))


def test_a_replaced_trailing_message_keeps_one_session() -> None:
    threader = SessionThreader()
    seen = [call(threader, "key", openclaw_call(n)) for n in range(6)]
    assert len({t.session for t in seen}) == 1
    # the replaced context message is new on every call: detectors see it with the new turn
    assert [t.new_from for t in seen][1:] == [1 + 2 * n for n in range(5)]


def test_a_rewind_of_more_than_the_last_message_is_still_a_new_session() -> None:
    threader = SessionThreader()
    old = [call(threader, "key", conversation(n, "same task")) for n in range(4)]
    rewound = call(threader, "key", [*conversation(1, "same task"), {"role": "assistant", "content": "else"}])
    assert rewound.session != old[-1].session


def test_a_harness_task_id_groups_its_calls_and_sub_agents() -> None:
    threader = SessionThreader()
    headers = {"x-claude-code-session-id": "9f1c", "x-claude-code-agent-id": "sub-1"}
    explicit = harness_session(headers, ["x-claude-code-session-id"])
    parent = call(threader, "key", claude_code_call(2), explicit=explicit)
    child = call(threader, "key", [{"role": "user", "content": "explore the repo"}], explicit=explicit)
    assert parent.session == child.session == "9f1c"
    assert harness_session({}, ["x-claude-code-session-id"]) is None


SUMMARY = (
    "The user asked to fix the failing parser test. We ran make test four times; it fails in "
    "test_parse_dates because the fixture pins a timezone that the CI machine lacks."
)


def test_a_compacted_history_continues_the_session_that_wrote_its_summary() -> None:
    threader = SessionThreader()
    before = call(threader, "key", claude_code_call(3))
    threader.remember_answer("key", before.session, answer_texts({"content": [{"type": "text", "text": SUMMARY}]}))
    compacted = [{"role": "user", "content": f"This session continues an earlier one. Summary:\n{SUMMARY}\n"}]
    after = call(threader, "key", compacted)
    assert after.session == before.session
    assert after.seq == before.seq + 1
    # the compacted conversation threads on by itself, and the old one is still a branch of the session
    assert call(threader, "key", [*compacted, {"role": "assistant", "content": "ok"}]).session == before.session
    assert call(threader, "key", claude_code_call(4)).session == before.session
    # another caller quoting the same text is not taken into this session
    assert call(threader, "other-key", compacted).session != before.session


def test_a_sub_agent_started_with_its_parents_prompt_joins_the_parents_session() -> None:
    threader = SessionThreader()
    parent = call(threader, "key", conversation(1, "refactor the module"))
    prompt = "Find every caller of parse_dates in the repository and list the files with line numbers for each."
    answer = {
        "choices": [
            {
                "message": {
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "task", "arguments": json.dumps({"prompt": prompt})},
                        }
                    ],
                }
            }
        ]
    }
    threader.remember_answer("key", parent.session, answer_texts(answer))
    child = call(
        threader, "key", [{"role": "system", "content": "You are a sub-agent."}, {"role": "user", "content": prompt}]
    )
    assert child.session == parent.session
    # short answers prove nothing: "ok" quoted by a new task does not join
    threader.remember_answer("key", parent.session, ["ok"])
    assert call(threader, "key", conversation(0, "ok")).session != parent.session


@pytest.mark.parametrize(
    "answer",
    [
        {"output": [{"type": "function_call", "name": "spawn", "arguments": json.dumps({"prompt": SUMMARY})}]},
        {"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"args": {"prompt": SUMMARY}}}]}}]},
    ],
    ids=["responses", "gemini"],
)
def test_answers_of_every_api_can_be_quoted(answer: dict[str, Any]) -> None:
    threader = SessionThreader()
    parent = call(threader, "key", conversation(1, "refactor the module"))
    threader.remember_answer("key", parent.session, answer_texts(answer))
    assert call(threader, "key", [{"role": "user", "content": SUMMARY}]).session == parent.session


def test_a_gemini_conversation_opening_with_a_quote_joins_the_quoted_session() -> None:
    threader = SessionThreader()
    parent = call(threader, "key", [{"role": "user", "parts": [{"text": "refactor the module"}]}])
    threader.remember_answer("key", parent.session, [SUMMARY])
    child = call(threader, "key", [{"role": "user", "parts": [{"text": f"Summary so far: {SUMMARY}"}]}])
    assert child.session == parent.session


def test_churn_of_one_call_sessions_forgets_them_first_and_spares_going_ones() -> None:
    forgotten: list[str] = []
    threader = SessionThreader(max_tracked=100_000, idle_timeout_s=3600, on_forget=forgotten.append, max_new=50)
    going = [call(threader, "key", conversation(0, f"long task {i}")) for i in range(10)]
    for n in range(1, 3):  # a second and third call: these sessions are going on
        for i in range(10):
            call(threader, "key", conversation(n, f"long task {i}"))
    churn = [call(threader, "key", conversation(0, f"one-off {i}")) for i in range(1_000)]
    assert len(forgotten) == 1_000 - 50  # only one-call sessions, the oldest first
    assert forgotten == [t.session for t in churn[: len(forgotten)]]
    for i, first in enumerate(going):  # still threaded: the next call continues each session
        assert call(threader, "key", conversation(3, f"long task {i}")).session == first.session
