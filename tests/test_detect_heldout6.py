"""The sixth held-out set (tests/heldout6), frozen before anyone measured detection on it.

HELDOUT6 was written from a description of families (Deno, Bun, Gleam, GnuCOBOL, Solidity/Foundry,
Fortran/fpm; all eight agent shapes, each on two models) by someone who read neither the detectors
nor the policy, and its checksum was frozen before its first replay. It was replayed once at the end
of the round it was built in, and tuned on in the next (docs/detection.md).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout6.build import LOOPS, PRODUCTIVE, write
from heldout6.ecosystems import ECOS
from heldout6.shapes import SHAPES
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT6_MD5 = "f24fd8b216395d79485add1e6da71ecb"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout6"))


def test_the_sixth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT6_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(ECOS), gap=(1, 2))


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    assert not re.search(r"@(ts|clock|pid|tmp|req|sha|hex|ms|secs|line|port|kb)@", text)
    assert not re.search(r"\{(test|msg|name|pkg|pct|value|file|line|passed|failed|total)\}", text)


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_sixth_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @15e861f, last round's held-out set, never tuned on until then): loops
    # stopped 82.0 % (41/50), none early, median delay 13, saved 38.0 %; productive stopped 0 %, any
    # action 5.0 % (4/80). Tuned on this round; now (main @0a41f36) 92.0 %, 11, 46.1 %; 0 %, 5.0 %.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.92 and result.median_delay is not None and result.median_delay <= 11
    assert result.saved >= 0.46
    assert result.productive_stopped == 0 and result.productive_warned <= 0.05
