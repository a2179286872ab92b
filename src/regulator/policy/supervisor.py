"""Detectors → policy → standing state: what runs after each call, live and in replay.

`Supervisor.observe(event)` runs the detectors on a finished call, lets the policy decide, records
every action as an incident with its evidence and changes the standing state; `verdict(agent,
session)` is what the gateway (or replay) asks before the next call. `load_supervisor(spec)`
builds one from a policy name (`default`, `openhands`, `gemini-cli`, `cline`) or a YAML file with
`detect:` and `policy:` sections.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from regulator.detect.base import Detector, Finding
from regulator.detect.config import DetectConfig
from regulator.detect.registry import build_detectors, run_detectors
from regulator.events import CallEvent
from regulator.policy.baselines import BASELINES, baseline_detectors, baseline_policy
from regulator.policy.config import PolicyConfig
from regulator.policy.ladder import Decision, Policy
from regulator.policy.standing import StandingState, StandingStore, Verdict
from regulator.store.base import Incident


class Supervisor:
    def __init__(
        self,
        detectors: list[Detector],
        config: PolicyConfig | None = None,
        standing: StandingState | None = None,
    ) -> None:
        self.detectors = detectors
        self.config = config or PolicyConfig()
        self.policy = Policy(self.config)
        self.standing = standing or StandingState()

    def verdict(self, agent: str, session: str, now: float | None = None) -> Verdict:
        return self.standing.verdict(agent, session, now)

    def findings(self, event: CallEvent) -> list[Finding]:
        return run_detectors(self.detectors, event)

    def observe(self, event: CallEvent) -> list[Incident]:
        record = event.record
        findings = self.findings(event)
        decisions = self.policy.decide(record.agent, record.session, findings, record.fleet)
        return [self._act(event, decision) for decision in decisions]

    def _act(self, event: CallEvent, decision: Decision) -> Incident:
        record = event.record
        finding = decision.finding
        incident = Incident(
            ts=record.ts,
            org=record.org,
            fleet=record.fleet,
            agent=record.agent,
            session=record.session,
            detector=finding.detector,
            action=decision.action,
            evidence=finding.evidence,
            call_ids=[record.call_id],
            seqs=list(finding.calls),
        )
        incident_id = self.standing.store.add_incident(incident)
        reason = f"{finding.detector}: {finding.evidence}"
        if decision.action == "nudge":
            self.standing.nudge(record.session, self.config.nudge_text.format(evidence=finding.evidence))
        elif decision.action == "throttle":
            throttled_until = record.ts + self.config.throttle_s
            self.standing.set("session", record.session, "throttled", reason, throttled_until, incident_id)
        elif decision.action == "downgrade":
            self.standing.set("session", record.session, "downgraded", reason, None, incident_id)
        elif decision.action == "pause":
            cooldown = self.config.pause_cooldown_s
            until = record.ts + cooldown if cooldown is not None else None
            self.standing.set("session", record.session, "paused", reason, until, incident_id)
        elif decision.action == "kill":
            self.standing.set("agent", record.agent, "killed", reason, None, incident_id)
        return incident

    def resume(self, agent: str | None = None, session: str | None = None) -> None:
        if agent is not None:
            self.standing.resume("agent", agent)
        if session is not None:
            self.standing.resume("session", session)
            self.policy.reset(session)

    def forget(self, session: str) -> None:
        """A session has ended: drop what the detectors and the ladder keep for it."""
        for detector in self.detectors:
            detector.forget(session)
        self.policy.reset(session)


def _from_file(path: Path) -> tuple[DetectConfig, PolicyConfig]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with `detect:` and/or `policy:`")
    return DetectConfig.model_validate(raw.get("detect") or {}), PolicyConfig.model_validate(raw.get("policy") or {})


def supervisor_factory(spec: str = "default", store: StandingStore | None = None) -> Callable[[], Supervisor]:
    """A maker of fresh supervisors for a policy name or file (resolved and validated once)."""
    if spec in BASELINES:
        return lambda: Supervisor(baseline_detectors(spec), baseline_policy(), StandingState(store))
    if spec == "default":
        detect, policy = DetectConfig(), PolicyConfig()
    else:
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"unknown policy {spec!r}: not one of default, {', '.join(BASELINES)}, or a file")
        detect, policy = _from_file(path)
    return lambda: Supervisor(build_detectors(detect), policy, StandingState(store))


def load_supervisor(spec: str = "default", store: StandingStore | None = None) -> Supervisor:
    return supervisor_factory(spec, store)()
