"""The eighth held-out set (tests/heldout8), frozen before anyone measured detection on it.

HELDOUT8 was written from a description of families (a fisheries catch-reporting codebase on a Bazel
monorepo, Nix flakes, Perl, Crystal, Elm, and Ada with Alire/GNAT; all eight agent shapes, each on two
models) by someone who read neither the detectors, the policy nor the earlier sets' family builders,
and its checksum was frozen before its first replay. These tests only check that the set is still the
frozen one and well formed; no detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout8.build import LOOPS, PRODUCTIVE, TASKS, write
from heldout8.drift import HOLE
from heldout8.shapes import SHAPES
from heldout8.toolchains import TOOLCHAINS
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT8_MD5 = "b438a43691abd8b363b384fa8a872812"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    start = time.perf_counter()
    calls = write(tmp_path_factory.mktemp("heldout8"))
    assert time.perf_counter() - start < 3.0
    return calls


def test_the_eighth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT8_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(TOOLCHAINS), gap=(1, 2))


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    assert not HOLE.search(text) and not re.search(r"@[a-z]+@", text)
    assert not re.search(r"\{(test|msg|name|pkg|pct|value|file|line|passed|failed|total|k)\}", text)


def test_no_task_names_its_family() -> None:
    # The family is the label; a task that named it would hand the label to anything reading the prompt.
    assert not any("{family}" in task for task in TASKS)


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_eighth_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @0a41f36, frozen unmeasured until then): loops stopped 70.0 % (35/50), none
    # early, median delay 14, saved 30.4 %; productive stopped 2.5 % (a config-tune and a polling
    # session), any action 15.0 %. Tuned on after that; now (main @337e45b) 80.0 %, 13, 35.3 %; 0 %,
    # 7.5 %. A second kind of waste nudged on its own (policy/ladder.py) and a long cycle's commands whose
    # results drift (detect/cycles.py) stop two more loops, late: 86.0 %, median delay 14.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.86 and result.median_delay is not None and result.median_delay <= 14
    assert result.saved >= 0.35
    # Looks between failures break same_error's run only after a change to the code: one suite re-run
    # that reads a file before each edit (suite-rerun/ada/claude-code/2) is nudged, 7.5 → 8.8 %, not stopped.
    assert result.productive_stopped == 0 and result.productive_warned <= 0.0875
