"""The seventh held-out set (tests/heldout7), frozen before anyone measured detection on it.

HELDOUT7 splices new loop families and hard negatives into the dev set's real gemini-3-pro
mini-swe-agent runs (docs/detection.md): it was written by someone who read neither the detectors nor
the policy, and its checksum was frozen before its first replay. These tests only check that the set
is still the frozen one and well formed; no detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from detect_support import replay_with_default_policy
from heldout_checks import assert_families, assert_onsets, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(
    not (Path("/work/shared/traces/dev") / "calls.jsonl.gz").exists(),
    reason="heldout7 is built from the dev trace set (/work/shared/traces/dev), which is not here",
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT7_MD5 = "1b2c37272f955a150e6b86ff3c8d4a3b"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from heldout7.build import write

    return write(tmp_path_factory.mktemp("heldout7"))


def _sessions(built: Path) -> dict[str, list[list[dict[str, Any]]]]:
    """Every session's requests, each with its whole `messages` (the delta encoding undone)."""
    found: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
    with gzip.open(built, "rt", encoding="utf-8") as lines:
        for raw in lines:
            line = json.loads(raw)
            request, calls = line["request"], found[line["session"]]
            assert line["seq"] == len(calls)
            start = calls[-1][: request["messages_from"]] if "messages_from" in request else []
            calls.append(start + request["messages"])
    return found


def test_the_seventh_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT7_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    from heldout7.build import LOOPS, PRODUCTIVE, UNTOUCHED

    assert_families(built, LOOPS, {**PRODUCTIVE, "real-resolved": (None, UNTOUCHED)})
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}


def test_loop_onsets_follow_an_opening_of_4_to_15_real_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(4, 15), wasted=(15, 40))


def test_every_request_starts_with_its_real_runs_system_and_task_messages(built: Path) -> None:
    from heldout7.runs import runs

    real = runs()
    for session, calls in _sessions(built).items():
        instance = session.split("/")[2].split("#")[0]
        opening = real[instance].messages[0][:2]
        assert all(messages[:2] == opening for messages in calls), session
        assert all(len(later) > len(earlier) for earlier, later in itertools.pairwise(calls)), session


def test_the_sessions_spread_over_the_repositories_and_all_calls_are_in_time_order(built: Path) -> None:
    repos = Counter(session.split("/")[2].split("__")[0] for session in labels_of(built))
    assert len(repos) >= 8 and max(repos.values()) <= 50
    with gzip.open(built, "rt", encoding="utf-8") as lines:
        stamps = [json.loads(raw)["ts"] for raw in lines]
    assert stamps == sorted(stamps)


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    # The fields of the walls and episodes (names no real run's code uses), and heldout6's `@key@` holes.
    text = gzip.decompress(built.read_bytes()).decode()
    holes = "pkg|pyn|addr|envvar|import_error|pghost|pgport|pg_refused|pg_short|loc2|retries|resolv|apt|stem"
    assert not re.search(rf"\{{({holes})\}}|@(ts|clock|pid|tmp|addr)@", text)


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_seventh_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @6cd2eab, frozen unmeasured until then): loops stopped 54.0 % (27/50), none
    # early, median delay 16, saved 30.8 %; productive stopped 0 %, any action 3.8 % (3/80). It was
    # tuned on after that (docs/detection.md) and now holds (main @9aa92bc) 84.0 %, 15, 47.8 %;
    # 0 %, 3.8 %. heldout9, spliced the same way by someone else, is the held-out check of that tuning.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.84 and result.median_delay is not None and result.median_delay <= 15.5
    assert result.saved >= 0.46
    assert result.productive_stopped == 0 and result.productive_warned <= 0.04
