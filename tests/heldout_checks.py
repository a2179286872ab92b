"""Checks every frozen held-out set makes of itself: its checksum, its families, its onsets, its spread.

The sets (tests/heldout2 … heldout5) were written by different people from a description; what a
set must be to stand for one is the same for all, so the checks are written once.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from regulator.traces.format import Label, TraceCall, iter_trace, read_labels


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


# Sets spliced into the dev set's real runs (tests/heldout15 and on): each session is named
# `heldoutNN/<family>/<dev session>[#k]` and starts as the real run it was lent.


def by_session(calls: Path) -> dict[str, list[TraceCall]]:
    sessions: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([calls]):
        sessions[call.session].append(call)
    return sessions


def lent_run(session: str) -> str:
    """The id of the dev run a spliced session was lent."""
    return session.split("/")[2].split("#")[0]


def real_run(session: str, dev: Mapping[str, list[TraceCall]]) -> list[TraceCall]:
    return dev[lent_run(session)]


def assert_each_run_lent_once(calls: Path) -> None:
    runs = [lent_run(session) for session in labels_of(calls)]
    assert len(runs) == len(set(runs))


def assert_starts_as_real_run_and_only_grows(
    sessions: Mapping[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
) -> None:
    """Each session opens as its real run did; each call resends the last one's messages, answer and reply."""
    for session, calls in sessions.items():
        assert calls[0].messages == real_run(session, dev)[0].messages
        assert [call.seq for call in calls] == list(range(len(calls)))
        for before, after in pairwise(calls):
            answer = before.response["choices"][0]["message"]["content"]
            assert after.messages[: len(before.messages)] == before.messages
            assert after.messages[len(before.messages)]["content"] == answer


def assert_keeps_real_prefix_and_ending(
    calls: Path, sessions: Mapping[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
) -> None:
    """Loops replay their real run up to the onset; productive sessions end as their real run did."""
    for session, label in labels_of(calls).items():
        spliced, real = sessions[session], real_run(session, dev)
        if label.loop_from_seq is not None:
            k = label.loop_from_seq
            assert [c.response for c in spliced[:k]] == [c.response for c in real[:k]]
            assert spliced[k].messages == real[k].messages
        else:
            assert spliced[-1].response["choices"] == real[-1].response["choices"]
            assert len(spliced) >= len(real)


def openrouter_cost(usage: Mapping[str, Any]) -> float:
    """What OpenRouter bills gemini-3-pro for a call's usage (the dev runs' provider)."""
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    return float((usage["prompt_tokens"] - cached) * 2e-6 + cached * 2e-7 + usage["completion_tokens"] * 12e-6)
