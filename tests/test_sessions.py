"""Session threading: calls without a session header are grouped into conversations by prefix."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from regulator.proxy.sessions import SessionThreader
from regulator.sim.traces import iter_trace

DEV = Path(__file__).resolve().parents[2] / "shared" / "traces" / "dev" / "calls.jsonl.gz"


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
    seen = [threader.thread("key", None, conversation(n, "fix bug 1")) for n in range(5)]
    assert len({t.session for t in seen}) == 1
    assert [t.seq for t in seen] == [0, 1, 2, 3, 4]
    assert [t.new_from for t in seen] == [0, 2, 4, 6, 8]


def test_different_tasks_and_keys_are_different_sessions() -> None:
    threader = SessionThreader()
    a = threader.thread("key", None, conversation(0, "fix bug 1"))
    b = threader.thread("key", None, conversation(0, "fix bug 2"))
    c = threader.thread("other-key", None, conversation(0, "fix bug 1"))
    assert len({a.session, b.session, c.session}) == 3


def test_the_same_conversation_is_named_alike_by_every_replica() -> None:
    first, second = SessionThreader(), SessionThreader()
    assert (
        first.thread("key", None, conversation(0, "t")).session
        == second.thread("key", None, conversation(0, "t")).session
    )


def test_a_run_restarted_from_scratch_is_a_new_session() -> None:
    threader = SessionThreader()
    old = [threader.thread("key", None, conversation(n, "same task")) for n in range(4)]
    restarted = threader.thread("key", None, conversation(0, "same task"))
    assert restarted.session != old[-1].session


def test_explicit_header_wins() -> None:
    threader = SessionThreader()
    assert threader.thread("key", None, conversation(1, "t"), explicit="run-7").session == "run-7"


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
        threaded = threader.thread(call.agent, None, call.messages)
        inferred_to_true[threaded.session][call.session] += 1
        true_to_inferred[call.session][threaded.session] += 1
        calls += 1
    mixed = sum(sum(c.values()) - max(c.values()) for c in inferred_to_true.values())
    split = sum(sum(c.values()) - max(c.values()) for c in true_to_inferred.values())
    # Calls attributed to a session other than their own, or split off their session's main thread.
    assert mixed / calls < 0.02, (mixed, calls)
    assert split / calls < 0.02, (split, calls)
