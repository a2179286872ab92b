"""The tenth held-out set (tests/heldout10), frozen before anyone measured detection on it.

HELDOUT10 splices new loop families and hard negatives into the dev set's real gemini-3-pro
mini-swe-agent runs, in the runs' own format, envelopes, usage and pricing. It was written from a
description of families by someone who read neither the detectors, the policy nor the other held-out
sets, and its checksum was frozen before its first replay. These tests only check that the set is
still the frozen one and well formed; no detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout_checks import assert_families, assert_onsets, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall as Call
from regulator.traces.format import iter_trace

pytestmark = pytest.mark.skipif(
    not Path("/work/shared/traces/dev/calls.jsonl.gz").exists(),
    reason="heldout10 is spliced into the dev set's real runs; /work/shared/traces/dev is not here",
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT10_MD5 = "3441827cbc8b1d23e97467d286618140"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from heldout10.build import write

    return write(tmp_path_factory.mktemp("heldout10"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[Call]]:
    grouped: dict[str, list[Call]] = defaultdict(list)
    for call in iter_trace([built]):
        grouped[call.session].append(call)
    return grouped


@pytest.fixture(scope="module")
def dev() -> dict[str, list[Call]]:
    grouped: dict[str, list[Call]] = defaultdict(list)
    for call in iter_trace([Path("/work/shared/traces/dev/calls.jsonl.gz")]):
        grouped[call.session].append(call)
    return grouped


def _base(session: str) -> str:
    return session.split("/")[2].split("#")[0]


def test_the_tenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT10_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    from heldout10.build import LOOPS, PRODUCTIVE

    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and sum(label.label == "loop" for label in labels.values()) == 50
    assert all(re.fullmatch(r"heldout10/[a-z-]+/[\w.-]+__[\w.-]+-\d+#\d+", session) for session in labels)


def test_loop_onsets_follow_a_real_opening_of_3_to_18_calls_and_precede_12_to_39_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 18), wasted=(12, 39))


def test_every_session_starts_as_its_real_run_did(
    built: Path, sessions: dict[str, list[Call]], dev: dict[str, list[Call]]
) -> None:
    labels = labels_of(built)
    bases = [_base(session) for session in sessions]
    assert len(set(bases)) == len(bases)  # each real run is spliced once
    for session, calls in sessions.items():
        real = dev[_base(session)]
        assert calls[0].request["messages"] == real[0].request["messages"]
        onset = labels[session].loop_from_seq
        kept = onset if onset is not None else 3
        for ours, theirs in zip(calls[:kept], real[:kept], strict=True):
            assert ours.response == theirs.response and ours.ts == theirs.ts
        if labels[session].family == "real-resolved":
            assert [c.response for c in calls] == [c.response for c in real]


def test_productive_sessions_end_as_their_real_runs_did(
    built: Path, sessions: dict[str, list[Call]], dev: dict[str, list[Call]]
) -> None:
    for session, label in labels_of(built).items():
        if label.label == "productive":
            last, real = sessions[session][-1], dev[_base(session)][-1]
            assert last.response["choices"] == real.response["choices"]
            assert last.request["messages"][-2:] == real.request["messages"][-2:]
            assert last.response["usage"]["prompt_tokens"] >= real.response["usage"]["prompt_tokens"]


def test_time_runs_forward_and_usage_is_billed_as_gemini_3_pro_is(sessions: dict[str, list[Call]]) -> None:
    for calls in sessions.values():
        assert [c.seq for c in calls] == list(range(len(calls)))
        assert all(a.ts <= b.ts for a, b in pairwise(calls))
        for call in calls:
            usage = call.response["usage"]
            prompt, cached = usage["prompt_tokens"], usage["prompt_tokens_details"]["cached_tokens"]
            assert call.response["created"] == int(call.ts) and 0 <= cached < prompt
            assert usage["total_tokens"] == prompt + usage["completion_tokens"]
            billed = (prompt - cached) * 2e-6 + cached * 2e-7 + usage["completion_tokens"] * 12e-6
            assert usage["cost"] == pytest.approx(billed, abs=1e-9)


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    # the builders' own placeholders; `{i}`, `{n}`, `{path}` … are left out: the real runs' code has them
    assert not re.search(r"\{(ctx[.\w]*|pid|port|cmd|py|pkgs|ident|script)\}", text)


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_tenth_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @580948c, frozen unmeasured until then): loops stopped 60.0 % (30/50), none
    # early, median delay 17, saved 27.0 %; productive stopped 2.5 % (2/80, both suite-with-known-
    # failures), any action 10.0 % (8/80). Hung processes (0/6) and fixes taking turns with a revert
    # between (2/6) were the families least caught. Tuned on after that; now (main @9aa92bc) 76.0 %, 17.5,
    # 36.5 %; 0 %, 6.2 %. A sleep before a check that fails for good no longer hides it (a stale lock): one more
    # transient-then-ok session, retrying git's index.lock, is nudged (not stopped): 7.5 % acted.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.76 and result.median_delay is not None and result.median_delay <= 17.5
    assert result.saved >= 0.36
    assert result.productive_stopped == 0 and result.productive_warned <= 0.075
