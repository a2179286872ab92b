"""The third held-out set (tests/heldout3), frozen before anyone measured detection on it.

HELDOUT3 was written from a description of families (Swift, Scala, Haskell, Terraform/Ansible,
dbt/alembic, pnpm/vite/playwright and shell/make toolchains; all eight agent shapes on several
models), and its checksum was frozen before its first replay. These tests only check that the set
is still the frozen one and that it is well formed; the figures of its single replay are added
after that replay, and nobody tunes on it.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout3.build import LOOPS, PRODUCTIVE, write
from heldout3.ecosystems_ops import ECOS
from heldout3.shapes import SHAPES
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import iter_trace, read_labels

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT3_MD5 = "1c7b1d5bb84d90c40b8cd35e538129e9"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("heldout3"))


def test_the_third_heldout_set_is_the_one_frozen_before_its_first_replay(built: Path) -> None:
    assert hashlib.md5(gzip.decompress(built.read_bytes())).hexdigest() == FROZEN_HELDOUT3_MD5


def test_every_family_is_present_with_its_label_and_count(built: Path) -> None:
    labels = read_labels(built.parent / "labels.jsonl")
    assert len(labels) == sum(n for _, n in LOOPS.values()) + sum(n for _, n in PRODUCTIVE.values()) == 162
    assert Counter(label.label for label in labels.values()) == {"loop": 60, "productive": 102}
    for families, kind in ((LOOPS, "loop"), (PRODUCTIVE, "productive")):
        for family, (_, count) in families.items():
            rows = [label for label in labels.values() if label.family == family]
            assert len(rows) == count and all(label.label == kind for label in rows)
            assert all((label.loop_from_seq is not None) == (kind == "loop") for label in rows)
            assert all(label.resolved is None for label in rows)


def test_loop_onsets_fall_after_an_opening_and_before_15_to_45_wasted_calls(built: Path) -> None:
    labels = read_labels(built.parent / "labels.jsonl")
    calls = Counter(call.session for call in iter_trace([built]))
    assert set(calls) == set(labels)
    for session, label in labels.items():
        if label.label == "loop":
            assert label.loop_from_seq is not None
            assert label.loop_from_seq >= 4  # a productive opening comes first
            assert 15 <= calls[session] - 1 - label.loop_from_seq <= 45  # the last call is the agent's final answer


def test_every_toolchain_and_agent_shape_is_spread_over_the_set(built: Path) -> None:
    labels = read_labels(built.parent / "labels.jsonl")
    shapes = Counter(session.split("/")[3] for session in labels)
    assert set(shapes) == set(SHAPES) and max(shapes.values()) - min(shapes.values()) <= 4
    loop_shapes = Counter(session.split("/")[3] for session, label in labels.items() if label.label == "loop")
    assert set(loop_shapes) == set(SHAPES)
    assert set(session.split("/")[2] for session in labels) == set(ECOS)
    dialects = {call.dialect for call in iter_trace([built])}
    assert dialects == {"openai", "anthropic"}


@pytest.fixture(scope="module")
def replayed(built: Path) -> Evaluation:
    return replay_with_default_policy(built)


def test_default_policy_on_the_third_heldout_set(replayed: Evaluation) -> None:
    # First replay (main @d96cb51, frozen unmeasured until then): loops stopped 61.7 %, median delay
    # 10, saved 49.5 %; productive stopped 9.8 %, any action 21.6 %. It was tuned on after that, as
    # heldout2 was, and now holds (main @90c473f) 86.7 %, 9.5, 64.5 %; 2.0 %, 12.7 %.
    result = replayed
    assert result.loops == 60 and result.productive == 102 and result.loops_stopped_early == 0
    assert result.loops_stopped >= 0.86 and result.median_delay is not None and result.median_delay <= 10
    assert result.saved >= 0.64
    assert result.productive_stopped <= 0.02 and result.productive_warned <= 0.13
