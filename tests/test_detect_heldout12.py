"""The twelfth held-out set (tests/heldout12), frozen before anyone measured detection on it.

HELDOUT12 splices new loop families (edits to a file the failing test never imports, a helper script
shadowing a stdlib module, a hanging test, a rejected patch, syntax churn, a dependency conflict, an
assertion chased between test and code) and hard negatives into the dev set's real gemini-3-pro
mini-swe-agent runs. It was written by someone who read neither the detectors, the policy nor the
other held-out sets, and its checksum was frozen before its first replay: it is replayed once, at the
end of the round it was built in (docs/detection.md).
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
from heldout12.build import LOOPS, OPENING, PRODUCTIVE, TAIL, write
from heldout12.runs import DEV, dev_runs
from heldout_checks import assert_families, assert_onsets, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(
    not (DEV / "calls.jsonl.gz").exists(), reason=f"heldout12 is spliced from the dev traces, absent here ({DEV})"
)

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT12_MD5 = "404e0b4f578c543f1ee552988c584296"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout12"))


@pytest.fixture(scope="module")
def sessions(built: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(built, "rt", encoding="utf-8") as stream:
        for raw in stream:
            line = json.loads(raw)
            found[line["session"]].append(line)
    return found


def test_the_twelfth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT12_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}
    assert Counter(label.family for label in labels.values())["real-resolved"] == 33
    assert all(re.fullmatch(rf"heldout12/{label.family}/[\w.-]+__[\w.-]+-\d+#\d+", s) for s, label in labels.items())


def test_loops_keep_3_to_18_real_calls_then_waste_12_to_40(built: Path) -> None:
    assert_onsets(built, opening=OPENING, wasted=(TAIL[0] - 1, TAIL[1] - 1))


def test_requests_start_with_the_real_runs_own_first_messages(sessions: dict[str, list[dict[str, Any]]]) -> None:
    runs = dev_runs()
    for session, lines in sessions.items():
        run = runs[session.split("/")[2].split("#")[0]]
        assert lines[0]["request"] == run.lines[0]["request"]
        assert lines[0]["response"] == run.lines[0]["response"]
        assert {line["agent"] for line in lines} == {"miniswe-gemini-3-pro"}


def test_time_runs_forward_and_calls_are_numbered(sessions: dict[str, list[dict[str, Any]]]) -> None:
    for lines in sessions.values():
        assert [line["seq"] for line in lines] == list(range(len(lines)))
        assert all(a["ts"] <= b["ts"] for a, b in itertools.pairwise(lines))


def test_every_answer_is_one_bash_block_or_refused_by_the_harness(sessions: dict[str, list[dict[str, Any]]]) -> None:
    for lines in sessions.values():
        for line, after in itertools.pairwise(lines):
            content = line["response"]["choices"][0]["message"]["content"]
            if len(re.findall(r"```bash\s*\n(.*?)\n```", content, re.DOTALL)) != 1:
                assert after["request"]["messages"][-1]["content"].startswith(
                    "Please always provide EXACTLY ONE action"
                )


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    # The builders' own names (the real runs' code has `{name}` and `{test.__name__}` of its own).
    assert not re.search(
        r"\{(ctx\.|symbol\}|src\}|copy\}|shadow\}|want\}|got\}|patch\}|pkg\}|line [+-]|base [+-]|commits\[)", text
    )


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_twelfth_heldout_set_measured_once(replayed: Evaluation) -> None:
    # Replayed once, with the final code of this round (main @d1a4359), never tuned on: loops stopped
    # 68.0 % (34/50), none early, median delay 12, saved 39.6 %; productive stopped 0 % (0/80), any
    # action 1.2 % (1/80). Spliced into real runs like the issue's own set: the closest estimate.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.68 and result.median_delay is not None and result.median_delay <= 12
    assert result.saved >= 0.39
    assert result.productive_stopped <= 0.0 and result.productive_warned <= 0.0125
