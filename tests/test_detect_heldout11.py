"""The eleventh held-out set (tests/heldout11), frozen before anyone measured detection on it.

HELDOUT11 was written from a description of families (a beekeeping cooperative's repositories in Nim,
Racket, Common Lisp, PowerShell, Dart without Flutter and Haxe; all eight agent shapes, each on two
models) by someone who read neither the detectors, the policy nor the earlier sets' family builders,
and its checksum was frozen before its first replay. These tests only check that the set is still the
frozen one and well formed; no detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout11.build import LOOPS, PRODUCTIVE, TASKS, write
from heldout11.drift import HOLE
from heldout11.shapes import SHAPES
from heldout11.toolchains import TOOLCHAINS
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT11_MD5 = "c438f58eb2a710a51100681da2395d18"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout11"))


def test_the_eleventh_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT11_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(TOOLCHAINS), gap=(1, 2))
    labels = labels_of(built)
    for family in (*LOOPS, *PRODUCTIVE):  # no family is one toolchain's
        assert len({s.split("/")[2] for s, label in labels.items() if label.family == family}) >= 4


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    assert not HOLE.search(text)
    assert not re.search(r"\{(test|msg|name|pkg|pct|value|file|line|ln|code|alt|passed|failed|total)\}", text)


def test_no_task_names_its_family(built: Path) -> None:
    # The family is the label; a task that named it would hand the label to anything reading the prompt.
    assert not any("{family}" in task for task in TASKS)
    families = [*LOOPS, *PRODUCTIVE]
    with gzip.open(built, "rt", encoding="utf-8") as calls:
        firsts = [json.loads(line) for line in calls if '"seq":0,' in line]
    assert len(firsts) == 130
    for call in firsts:
        prompt = json.dumps(call["request"]["messages"]).lower()
        assert not any(family in prompt or family.replace("-", " ") in prompt for family in families)


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_eleventh_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @580948c, frozen unmeasured until then): loops stopped 58.0 % (29/50), none
    # early, median delay 17, saved 21.6 %; productive stopped 0 %, any action 7.5 % (6/80). Tuned on
    # after that; now (main @337e45b) 62.0 %, 16, 21.9 %; 0 %, 7.5 %.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.62 and result.median_delay is not None and result.median_delay <= 16
    assert result.saved >= 0.21
    assert result.productive_stopped <= 0.0 and result.productive_warned <= 0.075
