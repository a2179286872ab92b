"""The nineteenth held-out set (tests/heldout19), frozen before anyone measured detection on it.

HELDOUT19 splices new loop families (mock patches aimed at the wrong place, raw SQL edited by hand,
event-loop trouble, hand-edited JSON, pytest options pytest never reads, flaky property tests, a check
script whose entry point never runs) after the first 3–18 calls of the dev set's real gemini-3-pro
mini-swe-agent runs, and inserts productive episodes with the same surface (a patch target fixed, a
query fixed, the right event-loop runner, JSON repaired, an option moved to the file pytest reads, a
property test tuned) into real resolved runs, next to 38 untouched resolved runs. It was written by
someone who read neither the detectors, the policy nor the other sets, and its checksum was frozen
before its first replay, which is to happen once, at the end (docs/detection.md). Nothing here
measures detection.
"""

from __future__ import annotations

import gzip
import re
import time
from itertools import pairwise
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout19.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout19.runs import DEV
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
    real_run,
)
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall, iter_trace

pytestmark = pytest.mark.skipif(
    not (DEV / "calls.jsonl.gz").exists(),
    reason="the set is spliced into the dev traces, absent at /work/shared/traces/dev",
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT19_MD5 = "548c63b252bfd991e00306e40a070d78"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout19"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[TraceCall]]:
    return by_session(built)


@pytest.fixture(scope="module")
def dev() -> dict[str, list[TraceCall]]:
    return by_session(DEV / "calls.jsonl.gz")


def test_the_nineteenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT19_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130
    assert sum(label.label == "loop" for label in labels.values()) == 50
    assert sum(label.family == "real-resolved" for label in labels.values()) == 38
    assert all(session.startswith(f"heldout19/{label.family}/") for session, label in labels.items())


def test_each_dev_run_is_lent_to_one_session_at_most(built: Path) -> None:
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
        calls, real = sessions[session], real_run(session, dev)
        if label.loop_from_seq is not None:
            assert "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT" in calls[-1].response["choices"][0]["message"]["content"]
        else:
            assert (len(calls) == len(real)) == (label.family == "real-resolved")


def test_time_runs_forward_and_costs_follow_the_providers_formula(sessions: dict[str, list[TraceCall]]) -> None:
    # Every run lent is an OpenRouter one (the dev set's Portkey runs record no cost and are left out).
    for calls in sessions.values():
        assert all(a.ts <= b.ts for a, b in pairwise(calls))
        for call in calls:
            usage = call.response["usage"]
            assert call.response["created"] == int(call.ts)
            cached = usage["prompt_tokens_details"]["cached_tokens"]
            assert 0 <= cached <= usage["prompt_tokens"]
            assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
            assert usage["cost"] == pytest.approx(openrouter_cost(usage), abs=1e-9)


def test_no_template_hole_is_left_unfilled(built: Path, dev: dict[str, list[TraceCall]]) -> None:
    real = {str(m["content"]) for calls in dev.values() for m in calls[-1].messages}
    text = gzip.decompress(built.read_bytes()).decode()
    assert "{repo" not in text and "{rng" not in text
    for call in iter_trace([built]):
        for message in call.messages[2:]:
            content = str(message["content"])
            if content not in real:
                # Only the scripts' own f-strings ({result}, …) and mock's source line ({key}) are braces by design.
                holes = set(re.findall(r"\{[a-z_][\w.]*\}", content))
                assert holes <= {"{result}", "{key}", "{self}"}, (holes, content[:300])


def test_the_set_builds_in_under_ten_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    write(tmp_path)
    assert time.perf_counter() - started < 10


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_nineteenth_heldout_set(replayed: Evaluation) -> None:
    # First sight (main @e40cab2, never tuned on): loops stopped 36.0 % (18/50), none early, median delay 14, saved
    # 21.5 %; productive stopped 0 % (0/80), any action 0 % (0/80). Tuned on after that (asyncio's `Task-N` names and
    # JSON's `(char N)` offsets left out of signatures); now 40.0 %, 16.5, 23.9 %; 0 %, 0 %.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.4 and result.median_delay is not None and result.median_delay <= 16.5
    assert result.saved >= 0.23
    assert result.productive_stopped == 0 and result.productive_warned <= 0.0
