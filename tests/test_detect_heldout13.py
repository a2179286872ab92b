"""The thirteenth held-out set (tests/heldout13), frozen before anyone measured detection on it.

HELDOUT13 was written from a description of families (a Dockerized Python API, a kubebuilder
operator in Go, embedded Rust with probe-rs and defmt, a Godot game in GDScript, Pulumi in
TypeScript, Nomad job specs; all eight agent shapes, each on two models) by someone who read neither
the detectors, the policy nor the earlier sets' family builders, and its checksum was frozen before
its first replay. It is to be replayed once, at the end of the round it was built in
(docs/detection.md); until then nothing here measures detection on it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout13.build import LOOPS, PRODUCTIVE, TASKS, write
from heldout13.drift import HOLE
from heldout13.shapes import MODELS, SHAPES
from heldout13.toolchains import CHAINS
from heldout_checks import assert_families, assert_onsets, assert_spread, calls_md5, labels_of
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT13_MD5 = "2eaa7c5d51fe250692beaa5688da63de"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout13"))


def test_the_thirteenth_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert calls_md5(built) == FROZEN_HELDOUT13_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    assert_families(built, LOOPS, PRODUCTIVE)
    labels = labels_of(built)
    assert len(labels) == 130 and Counter(label.label for label in labels.values()) == {"loop": 50, "productive": 80}


def test_loop_onsets_follow_an_opening_of_3_to_12_calls_and_precede_15_to_40_wasted_ones(built: Path) -> None:
    assert_onsets(built, opening=(3, 12), wasted=(15, 40))


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    assert_spread(built, set(SHAPES), set(CHAINS), gap=(1, 2))


def _first_calls(built: Path) -> dict[str, dict[str, object]]:
    first: dict[str, dict[str, object]] = {}
    for line in gzip.decompress(built.read_bytes()).decode().splitlines():
        call = json.loads(line)
        first.setdefault(call["session"], call)
    return first


def test_each_shape_runs_on_its_two_models(built: Path) -> None:
    seen: dict[str, set[str]] = {}
    for session, call in _first_calls(built).items():
        request = call["request"]
        assert isinstance(request, dict)
        seen.setdefault(session.split("/")[3], set()).add(request["model"])
    assert seen == {shape: set(models) for shape, (_, models) in MODELS.items()}


def test_no_template_hole_is_left_unfilled(built: Path) -> None:
    text = gzip.decompress(built.read_bytes()).decode()
    assert not HOLE.search(text)
    assert not re.search(r"\{(test|msg|name|unit|value|file|line|code|passed|failed|total|k|key|v|n)\}", text)


def test_no_task_names_its_family(built: Path) -> None:
    families = [*LOOPS, *PRODUCTIVE]
    for template in TASKS:
        assert "{family}" not in template
        assert not any(word in template.lower() for family in families for word in (family, family.replace("-", " ")))
    for session, call in _first_calls(built).items():
        family = session.split("/")[1]
        request = json.dumps(call["request"]).lower()
        assert family not in request and family.replace("-", " ") not in request


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_thirteenth_heldout_set(replayed: Evaluation) -> None:
    # Replayed once, with the final code of this round (main @d1a4359), never tuned on: loops stopped
    # 58.0 % (29/50), none early, median delay 15, saved 19.7 %; productive stopped 5.0 % (4/80: print-
    # debug 2, polling 1, refactor-check 1), any action 17.5 % (14/80). Tuned on after that; now (main
    # @337e45b) 58.0 %, 15, 19.8 %; 0 %, 7.5 %. Then tsc's plain `x.ts(18,11)` diagnostics and aider's
    # `Error: …` last lines read as failures: 64.0 %, 16 (the two loops caught are caught late), 20.2 %; 0 %, 7.5 %.
    result = replayed
    assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.64 and result.median_delay is not None and result.median_delay <= 16
    assert result.saved >= 0.20
    assert result.productive_stopped == 0 and result.productive_warned <= 0.075
