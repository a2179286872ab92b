"""Replay of generated traces the detectors were not written against, with the default policy.

`tests/heldout` builds two sets of labelled sessions in other languages (Node, Go, Rust, Java,
Python) and other agent shapes (Claude Code, Codex-like tool calls, legacy `function_call`,
Responses API items, text agents) than the dev set: TUNING, which thresholds were chosen on, and
HELDOUT, built with other seeds, names, causes, cycle lengths and retry counts, frozen before any
tuning and measured once at the end. docs/detection.md reports both; these tests keep them.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from detect_support import replay_with_default_policy
from heldout.build import HELDOUT, TUNING, TraceSet, write
from regulator.policy.evaluate import Evaluation

# The held-out set as it was frozen (its calls, uncompressed): a change to the generator shows here.
FROZEN_HELDOUT_MD5 = "1170402daf0fc7022eeb836b8b4177ae"


def _replay(trace: TraceSet, directory: Path) -> tuple[Evaluation, Path]:
    calls = write(trace, directory)
    return replay_with_default_policy(calls), calls


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Path]:
    return _replay(HELDOUT, tmp_path_factory.mktemp("heldout"))


@pytest.fixture(scope="module")
def tuning(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Path]:
    return _replay(TUNING, tmp_path_factory.mktemp("tuning"))


def test_the_heldout_set_is_the_one_frozen_before_tuning(heldout: tuple[Evaluation, Path]) -> None:
    _, calls = heldout
    assert hashlib.md5(gzip.decompress(calls.read_bytes())).hexdigest() == FROZEN_HELDOUT_MD5


def test_heldout_loops_are_stopped_early_and_productive_work_is_not(heldout: tuple[Evaluation, Path]) -> None:
    result, _ = heldout
    assert result.loops == 52 and result.productive == 92
    # Measured with main @0a41f36: loops stopped 100 %, median delay 7.5, saved 72.98 %; productive
    # stopped 0 %, warned 4.3 %: every target met. Its per-session results were looked at in the
    # round before (68.3 % saved, 6.5 % warned then), not in this one; docs/detection.md says so.
    assert result.loops_stopped >= 0.95 and result.loops_stopped_early == 0
    assert result.median_delay is not None and result.median_delay <= 8
    assert result.saved >= 0.72
    assert result.productive_stopped <= 0.01
    assert result.productive_warned <= 0.05
    environment = next(row for row in result.families if row.family == "env-failure")
    assert environment.stopped_in_loop == environment.sessions and sorted(environment.delays)[11] <= 8


def test_tuning_figures_hold(tuning: tuple[Evaluation, Path]) -> None:
    result, _ = tuning
    # Measured with main @0a41f36: 96.2 %, 8, 65.3 %; 0 %, 1.1 %.
    assert result.loops_stopped >= 0.96 and result.loops_stopped_early == 0
    assert result.median_delay is not None and result.median_delay <= 8
    assert result.saved >= 0.65
    assert result.productive_stopped == 0 and result.productive_warned <= 0.02
