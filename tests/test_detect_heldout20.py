"""The twentieth held-out set (tests/heldout20), frozen before anyone measured detection on it.

HELDOUT20 splices new loop families (golden-file churn, a deprecation cascade from installed code,
a stale lock, edits to the wrong copy, type ping-pong, a diff paged over and over, pip's resolver)
after the first 3–18 calls of the dev set's real gemini-3-pro mini-swe-agent runs, and inserts
productive episodes with the same surfaces (a golden file updated once, deprecations cleared, a
lock cleared, the right directory found, a conversion fixed, a long diff reviewed file by file)
into real resolved runs, next to 38 untouched resolved runs. It was written by someone who read
neither the detectors, the policy nor any other held-out set, and its checksum was frozen before
its first replay, which is to happen once, at the end (docs/detection.md). Nothing here measures
detection.
"""

from __future__ import annotations

import gzip
import re
import time
from itertools import pairwise
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout20.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout20.runs import DEV
from heldout_checks import (
    assert_each_run_lent_once,
    assert_families,
    assert_keeps_real_prefix_and_ending,
    assert_onsets,
    assert_starts_as_real_run_and_only_grows,
    by_session,
    calls_md5,
    labels_of,
    openrouter_cost,
)
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall, iter_trace

pytestmark = pytest.mark.skipif(
    not (DEV / "calls.jsonl.gz").exists(),
    reason="the set is spliced into the dev traces, absent at /work/shared/traces/dev",
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT20_MD5 = "83ec91e1e36047e54b5602f1e9664199"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout20"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[TraceCall]]:
    return by_session(built)


@pytest.fixture(scope="module")
def dev() -> dict[str, list[TraceCall]]:
    return by_session(DEV / "calls.jsonl.gz")


def test_the_twentieth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT20_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130
    assert sum(label.label == "loop" for label in labels.values()) == 50
    assert sum(label.family == "real-resolved" for label in labels.values()) == 38
    assert all(session.startswith(f"heldout20/{label.family}/") for session, label in labels.items())


def test_each_real_run_is_lent_to_one_session_at_most(built: Path) -> None:
    assert_each_run_lent_once(built)


def test_loops_follow_3_to_18_real_calls_and_waste_11_to_39(built: Path) -> None:
    # A tail of 12–40 calls: the last is the answer, so 11–39 are wasted after the onset.
    assert_onsets(built, opening=OPENING, wasted=(TAIL[0] - 1, TAIL[1] - 1))


def test_every_session_starts_as_its_real_run_and_its_conversation_only_grows(
    sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
) -> None:
    assert_starts_as_real_run_and_only_grows(sessions, dev)


def test_loops_keep_the_real_prefix_and_productive_runs_end_as_they_did(
    built: Path, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
) -> None:
    assert_keeps_real_prefix_and_ending(built, sessions, dev)
    for session, label in labels_of(built).items():
        if label.loop_from_seq is not None:
            # A loop ends on its answer: the agent gives up and submits.
            answer = sessions[session][-1].response["choices"][0]["message"]["content"]
            assert "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT" in answer


def test_time_runs_forward_and_costs_follow_the_providers_formula(sessions: dict[str, list[TraceCall]]) -> None:
    # Only OpenRouter runs are lent (the dev set's Portkey runs record no cost), so every call has one.
    for calls in sessions.values():
        assert all(a.ts <= b.ts for a, b in pairwise(calls))
        for call in calls:
            usage = call.response["usage"]
            assert str(call.response["id"]).startswith("gen-")
            assert call.response["created"] == int(call.ts)
            assert 0 <= usage["prompt_tokens_details"]["cached_tokens"] <= usage["prompt_tokens"]
            assert usage["cost"] == pytest.approx(openrouter_cost(usage), abs=1e-9)


def test_no_template_hole_is_left_unfilled(built: Path, dev: dict[str, list[TraceCall]]) -> None:
    real = {str(m["content"]) for calls in dev.values() for m in calls[-1].messages}
    text = gzip.decompress(built.read_bytes()).decode()
    assert "{ctx" not in text and "{rng" not in text
    for call in iter_trace([built]):
        for message in call.messages[2:]:
            content = str(message["content"])
            if content not in real:
                # Python's own braces (sets, dicts, f-strings) are the only ones by design.
                assert not re.findall(r"\{(?:ctx|run|rng|self|script|stem|line|path)\b[\w.]*\}", content), content[:300]


def test_the_set_builds_in_under_ten_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    write(tmp_path)
    assert time.perf_counter() - started < 10


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_twentieth_heldout_set_measured_once(replayed: Evaluation) -> None:
    # Replayed once, with this round's final detection code (main @afc19a4), never tuned on: loops stopped 60.0 %
    # (30/50), none early, median delay 12, saved 36.2 %; productive stopped 0 % (0/80), any action 2.5 % (2/80).
    # Spliced into real runs: the round's last honest estimate.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.60 and result.median_delay is not None and result.median_delay <= 12
    assert result.saved >= 0.36
    assert result.productive_stopped == 0 and result.productive_warned <= 0.025
