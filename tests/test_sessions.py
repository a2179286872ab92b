"""Session threading: calls without a session header are grouped into conversations by prefix."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from regulator.proxy.sessions import SessionThreader, Threaded
from regulator.traces.format import iter_trace

DEV = Path(__file__).resolve().parents[2] / "shared" / "traces" / "dev" / "calls.jsonl.gz"


def call(
    threader: SessionThreader, scope: str, messages: list[dict[str, str]], explicit: str | None = None
) -> Threaded:
    """A call the gateway admitted: threaded, then committed as the session's latest."""
    threaded = threader.thread(scope, None, messages, explicit)
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
    assert (
        first.thread("key", None, conversation(0, "t")).session
        == second.thread("key", None, conversation(0, "t")).session
    )


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
    refused = threader.thread("key", None, conversation(1, "t"))  # paused or over budget: not committed
    retried = call(threader, "key", conversation(1, "t"))
    assert (refused.seq, refused.new_from) == (retried.seq, retried.new_from) == (1, 2)


def test_idle_sessions_are_forgotten_and_reported() -> None:
    forgotten: list[str] = []
    threader = SessionThreader(idle_timeout_s=60, on_forget=forgotten.append)
    first = threader.thread("key", None, conversation(0, "old task"))
    threader.commit(first, now=1000.0)
    threader.commit(threader.thread("key", None, conversation(0, "new task")), now=1100.0)
    assert forgotten == [first.session]
    # the forgotten conversation's next call starts a session afresh (same name: same opening)
    again = threader.thread("key", None, conversation(1, "old task"))
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
        threaded = threader.thread(call.agent, None, call.messages)
        threader.commit(threaded)
        inferred_to_true[threaded.session][call.session] += 1
        true_to_inferred[call.session][threaded.session] += 1
        calls += 1
    mixed = sum(sum(c.values()) - max(c.values()) for c in inferred_to_true.values())
    split = sum(sum(c.values()) - max(c.values()) for c in true_to_inferred.values())
    # Calls attributed to a session other than their own, or split off their session's main thread.
    assert mixed / calls < 0.02, (mixed, calls)
    assert split / calls < 0.02, (split, calls)
