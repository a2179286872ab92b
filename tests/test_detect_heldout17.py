"""The seventeenth held-out set (tests/heldout17), frozen before anyone measured detection on it.

HELDOUT17 splices new loop families (regex tweaks, off-by-one bounds, indentation wars, doctest
drift, version downgrades, shell quoting, a hallucinated API) after the first 3–18 calls of the dev
set's real gemini-3-pro mini-swe-agent runs, and inserts productive episodes that look like them (a
regex that converges, a doctest fixed, a version pinned, quoting fixed once, tests added one at a
time, an API found by looking) into real resolved runs, next to 36 untouched resolved runs. It was
written by someone who read neither the detectors nor the policy, and its checksum was frozen before
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
from heldout17.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout17.runs import DEV
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
FROZEN_HELDOUT17_MD5 = "3348b802ee63bb80441841b0e95def41"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout17"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[TraceCall]]:
    return by_session(built)


@pytest.fixture(scope="module")
def dev() -> dict[str, list[TraceCall]]:
    return by_session(DEV / "calls.jsonl.gz")


def test_the_seventeenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT17_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130
    assert sum(label.label == "loop" for label in labels.values()) == 50
    assert sum(label.family == "real-resolved" for label in labels.values()) == 36
    assert all(session.startswith(f"heldout17/{label.family}/") for session, label in labels.items())
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


def test_time_runs_forward_and_costs_follow_the_providers_formula(sessions: dict[str, list[TraceCall]]) -> None:
    for calls in sessions.values():
        assert all(a.ts <= b.ts for a, b in pairwise(calls))
        for call in calls:
            usage = call.response["usage"]
            assert call.response["created"] == int(call.ts)
            assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
            cached = usage["prompt_tokens_details"]["cached_tokens"]
            assert 0 <= cached < usage["prompt_tokens"]
            if not str(call.response["id"]).startswith("gen-"):
                # Portkey's envelope reports no cost, as in the runs it comes from.
                assert "cost" not in usage
                continue
            assert 0 <= call.response["created"] - int(call.response["id"].split("-")[1]) < 60
            assert usage["cost"] == pytest.approx(openrouter_cost(usage), abs=1e-9)


def test_no_template_hole_is_left_unfilled(built: Path, dev: dict[str, list[TraceCall]]) -> None:
    real = {str(m["content"]) for calls in dev.values() for m in calls[-1].messages}
    text = gzip.decompress(built.read_bytes()).decode()
    assert "{repo" not in text and "{rng" not in text and "@SITE" not in text and "@LIB" not in text
    for call in iter_trace([built]):
        for message in call.messages[2:]:
            content = str(message["content"])
            if content not in real:
                # Only f-strings of the libraries' own source, quoted in their tracebacks, are braces by design.
                assert set(re.findall(r"\{[a-z_][\w.]*\}", content)) <= {"{version}"}, content[:300]


def test_the_set_builds_in_under_ten_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    write(tmp_path)
    assert time.perf_counter() - started < 10


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_seventeenth_heldout_set(replayed: Evaluation) -> None:
    # First sight (main @40068f9, never tuned on): loops stopped 54.0 % (27/50), none early, median delay 20, saved
    # 22.3 %; productive stopped 0 % (0/80), any action 2.5 % (2/80). Tuned on after that (version-downgrade: a
    # successful install counts as a change between reruns); now 58.0 %, 19, 25.0 %; 0 %, 2.5 %.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.58 and result.median_delay is not None and result.median_delay <= 19
    assert result.saved >= 0.25
    assert result.productive_stopped == 0 and result.productive_warned <= 0.025
