"""The configured detectors, run together on each call."""

from __future__ import annotations

from regulator.detect.base import Detector, Finding
from regulator.detect.burn import BurnRateDetector
from regulator.detect.config import DetectConfig
from regulator.detect.cycles import CycleDetector
from regulator.detect.environment import EnvironmentDetector
from regulator.detect.harness import HarnessRefusalDetector
from regulator.detect.progress import NoProgressDetector
from regulator.detect.relapse import RelapseDetector
from regulator.detect.repetition import RepetitionDetector
from regulator.detect.retried import RetriedEditDetector
from regulator.detect.same_error import ErrorSignatureDetector
from regulator.detect.stale import StaleDetector
from regulator.detect.unchanged import UnchangedDetector
from regulator.detect.waiting import WaitingDetector
from regulator.events import CallEvent


def build_detectors(config: DetectConfig | None = None) -> list[Detector]:
    config = config or DetectConfig()
    if not config.enabled:
        return []
    detectors: list[Detector] = []
    if config.repetition.enabled:
        detectors.append(RepetitionDetector(config.repetition.window, config.repetition.min_repeats))
    if config.same_error.enabled:
        s = config.same_error
        detectors.append(ErrorSignatureDetector(s.window, s.min_count, s.min_recurring))
    if config.environment.enabled:
        detectors.append(EnvironmentDetector(config.environment.window, config.environment.min_count))
    if config.waiting.enabled:
        detectors.append(WaitingDetector(config.waiting.max_calls, config.waiting.max_usd))
    if config.cycle.enabled:
        c = config.cycle
        detectors.append(CycleDetector(c.min_period, c.max_period, c.min_span, c.drift))
    if config.no_progress.enabled:
        p = config.no_progress
        detectors.append(NoProgressDetector(p.max_novelty, p.min_run, p.min_words))
    if config.stale.enabled:
        detectors.append(
            StaleDetector(
                config.stale.min_stale, config.stale.min_distinct, config.stale.echo_window, config.stale.min_echoes
            )
        )
    if config.unchanged.enabled:
        detectors.append(UnchangedDetector(config.unchanged.min_runs, config.unchanged.min_repeats))
    if config.retried_edit.enabled:
        detectors.append(RetriedEditDetector(config.retried_edit.min_retries, config.retried_edit.stand_calls))
    if config.relapse.enabled:
        r = config.relapse
        detectors.append(RelapseDetector(r.min_returns, r.window, r.stand_calls))
    if config.harness.enabled:
        detectors.append(HarnessRefusalDetector(config.harness.window, config.harness.min_refused))
    if config.burn_rate.enabled:
        b = config.burn_rate
        detectors.append(BurnRateDetector(b.window_s, b.min_history_s, b.factor, b.min_recent_usd, b.horizon_s))
    return detectors


def run_detectors(detectors: list[Detector], event: CallEvent) -> list[Finding]:
    findings: list[Finding] = []
    for detector in detectors:
        findings.extend(detector.observe(event))
    return findings
