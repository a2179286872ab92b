"""Replay of the second held-out set (tests/heldout2) with the default policy.

HELDOUT2 was written from a description of families (Ruby, PHP, .NET, C/C++, Elixir and Kotlin
toolchains; five of the first held-out set's agent shapes and two new ones, aider and OpenHands),
its checksum frozen before it was ever replayed, and measured once. Nobody tunes on it: the
figures below are what the detectors did on first sight, kept so a change that moves them shows.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from heldout2.build import LOOPS, PRODUCTIVE, write
from regulator.config import Config
from regulator.policy.evaluate import Evaluation, evaluate
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import load_supervisor
from regulator.traces.format import read_labels
from regulator.traces.replay import replay_sessions

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT2_MD5 = "7d5311c01ec4af8d5231c0ceaf02bc26"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout2"))


def test_the_second_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert hashlib.md5(gzip.decompress(built.read_bytes())).hexdigest() == FROZEN_HELDOUT2_MD5


def test_every_family_is_present_with_its_label(built: Path) -> None:
    labels = read_labels(built.parent / "labels.jsonl")
    assert len(labels) == sum(n for _, n in LOOPS.values()) + sum(n for _, n in PRODUCTIVE.values()) == 156
    for families, kind in ((LOOPS, "loop"), (PRODUCTIVE, "productive")):
        for family, (_, count) in families.items():
            rows = [label for label in labels.values() if label.family == family]
            assert len(rows) == count and all(label.label == kind for label in rows)
            assert all((label.loop_from_seq is not None) == (kind == "loop") for label in rows)
