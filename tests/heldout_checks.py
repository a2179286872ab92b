"""Checks every frozen held-out set makes of itself: its checksum, its families, its onsets, its spread.

The sets (tests/heldout2 … heldout5) were written by different people from a description; what a
set must be to stand for one is the same for all, so the checks are written once.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from regulator.traces.format import Label, iter_trace, read_labels


def calls_md5(calls: Path) -> str:
    """The checksum a set was frozen by: of its calls, uncompressed."""
    return hashlib.md5(gzip.decompress(calls.read_bytes())).hexdigest()


def labels_of(calls: Path) -> dict[str, Label]:
    return read_labels(calls.parent / "labels.jsonl")


def assert_families(
    calls: Path, loops: Mapping[str, tuple[Any, int]], productive: Mapping[str, tuple[Any, int]]
) -> None:
    """Every family present with its count and label, loops with an onset, productive work without."""
    labels = labels_of(calls)
    assert len(labels) == sum(n for _, n in loops.values()) + sum(n for _, n in productive.values())
    for families, kind in ((loops, "loop"), (productive, "productive")):
        for family, (_, count) in families.items():
            rows = [label for label in labels.values() if label.family == family]
            assert len(rows) == count and all(label.label == kind for label in rows)
            assert all((label.loop_from_seq is not None) == (kind == "loop") for label in rows)
            assert all(label.resolved is None for label in rows)


def assert_onsets(calls: Path, opening: tuple[int, int], wasted: tuple[int, int]) -> None:
    """Each loop starts after an opening of `opening` calls and wastes `wasted` calls (the last is the answer)."""
    labels = labels_of(calls)
    count = Counter(call.session for call in iter_trace([calls]))
    assert set(count) == set(labels)
    for session, label in labels.items():
        if label.label == "loop":
            assert label.loop_from_seq is not None
            assert opening[0] <= label.loop_from_seq <= opening[1]
            assert wasted[0] <= count[session] - 1 - label.loop_from_seq <= wasted[1]


def assert_spread(calls: Path, shapes: set[str], ecos: set[str], gap: tuple[int, int]) -> None:
    """Every agent shape (among the loops too) and toolchain present, none over-represented, both dialects."""
    labels = labels_of(calls)
    by_shape = Counter(session.split("/")[3] for session in labels)
    assert set(by_shape) == shapes and max(by_shape.values()) - min(by_shape.values()) <= gap[0]
    assert {session.split("/")[3] for session, label in labels.items() if label.label == "loop"} == shapes
    by_eco = Counter(session.split("/")[2] for session in labels)
    assert set(by_eco) == ecos and max(by_eco.values()) - min(by_eco.values()) <= gap[1]
    assert {call.dialect for call in iter_trace([calls])} == {"openai", "anthropic"}
