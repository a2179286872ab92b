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

from heldout.build import HELDOUT, TUNING, TraceSet, write
from regulator.config import Config
from regulator.policy.evaluate import Evaluation, evaluate
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import load_supervisor
from regulator.traces.format import read_labels
from regulator.traces.replay import replay_sessions

# The held-out set as it was frozen (its calls, uncompressed): a change to the generator shows here.
FROZEN_HELDOUT_MD5 = "1170402daf0fc7022eeb836b8b4177ae"


def _replay(trace: TraceSet, directory: Path) -> tuple[Evaluation, Path]:
    calls = write(trace, directory)
    hook = ShadowPolicy(load_supervisor("default"))
    sessions = replay_sessions([calls], Config(), hook)
    return evaluate([s.report() for s in sessions], read_labels(directory / "labels.jsonl"), hook.cost_from), calls


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
    assert result.loops_stopped >= 0.95 and result.loops_stopped_early == 0
    assert result.median_delay is not None and result.median_delay <= 8
    assert result.productive_stopped <= 0.01
    # Measured 68.3 % saved and 6.5 % warned: short of the 70 % and 5 % targets (docs/detection.md says why).
    assert result.saved >= 0.68
    assert result.productive_warned <= 0.07
    environment = next(row for row in result.families if row.family == "env-failure")
    assert environment.stopped_in_loop == environment.sessions and sorted(environment.delays)[11] <= 8


def test_tuning_figures_hold(tuning: tuple[Evaluation, Path]) -> None:
    result, _ = tuning
    assert result.loops_stopped >= 0.90 and result.loops_stopped_early == 0
    assert result.median_delay is not None and result.median_delay <= 8
    assert result.saved >= 0.59
    assert result.productive_stopped == 0 and result.productive_warned <= 0.05
