"""The fifteenth held-out set (tests/heldout15), frozen before anyone measured detection on it.

HELDOUT15 splices new loop families (fixture hell, circular imports, the encoding wall, type-stub
churn, git state confusion, infinite recursion, print-and-stare) after the first 3–18 calls of the
dev set's real gemini-3-pro mini-swe-agent runs, and inserts productive episodes (slow convergence,
cleanup after the fix, a conftest fixed, typing passing, a merge conflict resolved) into real
resolved runs, next to 42 untouched resolved runs. It was written by someone who read neither the
detectors nor the policy, and its checksum was frozen before its first replay, which is to happen
once, at the end (docs/detection.md). Nothing here measures detection.
"""

from __future__ import annotations

import gzip
import re
import time
from itertools import pairwise
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout15.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout15.runs import DEV
from heldout_checks import (
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
FROZEN_HELDOUT15_MD5 = "52d72dd6d2f3da8ba1a5d2c78d760d3b"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout15"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[TraceCall]]:
    return by_session(built)


@pytest.fixture(scope="module")
def dev() -> dict[str, list[TraceCall]]:
    return by_session(DEV / "calls.jsonl.gz")


def test_the_fifteenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT15_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130
    assert sum(label.label == "loop" for label in labels.values()) == 50
    assert sum(label.family == "real-resolved" for label in labels.values()) == 42
    assert all(session.startswith(f"heldout15/{label.family}/") for session, label in labels.items())


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
            assert usage["cost"] == pytest.approx(openrouter_cost(usage), abs=1e-9)


def test_no_template_hole_is_left_unfilled(built: Path, dev: dict[str, list[TraceCall]]) -> None:
    real = {str(m["content"]) for calls in dev.values() for m in calls[-1].messages}
    text = gzip.decompress(built.read_bytes()).decode()
    assert "{repo" not in text and "{rng" not in text
    for call in iter_trace([built]):
        for message in call.messages[2:]:
            content = str(message["content"])
            if content not in real:
                # Only the edge-case scripts' own f-strings ({i}, {label}) are braces by design.
                assert set(re.findall(r"\{[a-z_][\w.]*\}", content)) <= {"{i}", "{label}"}, content[:300]


def test_the_set_builds_in_under_ten_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    write(tmp_path)
    assert time.perf_counter() - started < 10


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_fifteenth_heldout_set_measured_once(replayed: Evaluation) -> None:
    # Replayed once, with the final code of this round (main @9aa92bc), never tuned on: loops stopped
    # 56.0 % (28/50), none early, median delay 15.5, saved 32.4 %; productive stopped 0 % (0/80), any
    # action 2.5 % (2/80). Spliced into real runs: the round's last honest estimate.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.56 and result.median_delay is not None and result.median_delay <= 15.5
    assert result.saved >= 0.32
    assert result.productive_stopped == 0 and result.productive_warned <= 0.025
