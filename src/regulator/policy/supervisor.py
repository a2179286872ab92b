"""Detectors → policy → standing state: what runs after each call, live and in replay.

`Supervisor.observe(event)` runs the detectors on a finished call, lets the policy decide, records
every action as an incident with its evidence and changes the standing state; `verdict(agent,
session)` is what the gateway (or replay) asks before the next call. `load_supervisor(spec)`
builds one from a policy name (`default`, `openhands`, `gemini-cli`, `cline`) or a YAML file with
`detect:` and `policy:` sections.

With a judge (`detect.judge`, live only: replay never calls a model), a decision whose strength is
borderline is held instead of acted on while the judge is asked on its own thread; the answer
applies it ("judge: …" added to the evidence), dismisses it (a `warn` incident with the judge's
reason; the session is not escalated to that step) or, with no opinion, applies it unchanged. The
held decision never touches the standing state while it waits; a stronger, non-borderline
decision of the same session replaces it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from regulator.detect.base import Detector, Finding
from regulator.detect.config import DetectConfig
from regulator.detect.judge import Judge, Opinion
from regulator.detect.registry import build_detectors, run_detectors
from regulator.events import CallEvent, CallRecord, Incident, Standing
from regulator.policy.baselines import BASELINES, baseline_detectors, baseline_policy
from regulator.policy.config import PolicyConfig
from regulator.policy.fleet import FleetCorrelator
from regulator.policy.ladder import Decision, Ladder
from regulator.policy.standing import StandingBook, Verdict
from regulator.store.base import StandingStore

log = logging.getLogger("regulator.policy")


@dataclass(slots=True)
class _Held:
    """A borderline decision waiting for the judge; `token` tells a stale answer from the current one."""

    event: CallEvent
    decision: Decision
    token: int


class Supervisor:
    def __init__(
        self,
        detectors: list[Detector],
        config: PolicyConfig | None = None,
        standing: StandingBook | None = None,
        judge: Judge | None = None,
    ) -> None:
        self.detectors = detectors
        self.config = config or PolicyConfig()
        self.ladder = Ladder(self.config)
        self.standing = standing or StandingBook()
        self.judge = judge
        # The judge answers on its own thread: what it changes is guarded with what observe changes.
        # Re-entrant: a judge too busy to queue a question answers "no opinion" at once, inside observe.
        self._lock = threading.RLock()
        self._held: dict[str, _Held] = {}
        self._tokens = 0
        self._judged: list[Incident] = []  # applied on the judge's thread, reported by the next observe
        fleet = self.config.fleet
        self.fleet = FleetCorrelator(fleet.window_s, fleet.min_agents) if fleet.enabled else None

    def verdict(self, agent: str, session: str, now: float | None = None, *, fleet: str = "", org: str = "") -> Verdict:
        return self.standing.verdict(agent, session, now, fleet=fleet, org=org)

    def findings(self, event: CallEvent) -> list[Finding]:
        return run_detectors(self.detectors, event)

    def observe(self, event: CallEvent) -> list[Incident]:
        """This call's incidents, and those of judge answers that arrived since the last call."""
        record = event.record
        findings = self.findings(event)
        if self.fleet is not None:
            self._correlate(record, findings)
        with self._lock:
            incidents, self._judged = self._judged, []
            for decision in self.ladder.decide(record.agent, record.session, findings, record.fleet):
                if self._should_judge(record.session, decision):
                    self._hold(event, decision)
                else:
                    self._held.pop(record.session, None)  # superseded: a stale answer will be ignored
                    incidents.append(self._act(event, decision))
        return incidents

    def _correlate(self, record: CallRecord, findings: list[Finding]) -> None:
        """A fleet incident goes to the store (the operator surfaces), not into the session's incidents."""
        assert self.fleet is not None
        raised = self.fleet.observe(record, findings)
        if raised is not None:
            incident, entry = raised
            self.fleet.register(entry, self.standing.store.add_incident(incident))
            log.warning("fleet incident %s: %s", incident.incident_id, incident.evidence)

    def pause_fleet_incident(self, incident_id: str, reason: str = "") -> list[str]:
        """Pause every agent of a fleet incident (those that joined it since too); their names.

        Raises KeyError for an id that is not a fleet incident this gateway raised.
        """
        if self.fleet is None or (entry := self.fleet.incident(incident_id)) is None:
            raise KeyError(incident_id)
        why = reason or f"paused with fleet incident {incident_id}: {entry.cause}"
        agents = list(entry.agents)
        for agent in agents:
            self.standing.set(Standing("agent", agent, "paused", why, None, incident_id))
        return agents

    def _should_judge(self, session: str, decision: Decision) -> bool:
        if self.judge is None or not self.judge.borderline(decision.severity) or decision.action in ("warn", "nudge"):
            return False  # a nudge restricts nothing: asking a model about it would cost more than it
        return session in self._held or self.judge.may_ask(session)

    def _hold(self, event: CallEvent, decision: Decision) -> None:
        session = event.record.session
        held = self._held.get(session)
        if held is not None:  # already asked: the answer will apply to the higher step
            held.event, held.decision = event, decision
            return
        assert self.judge is not None
        self._tokens += 1
        token = self._tokens
        self._held[session] = _Held(event, decision, token)
        self.judge.ask(event, decision.finding.evidence, lambda opinion: self._answered(session, token, opinion))

    def _answered(self, session: str, token: int, opinion: Opinion) -> None:
        with self._lock:
            held = self._held.get(session)
            if held is None or held.token != token:
                return  # resumed, forgotten or superseded meanwhile
            del self._held[session]
            decision = held.decision
            finding = decision.finding
            if opinion.progress is True:
                # Let go, not forgotten: reached again, the step is judged again while the session has
                # judge calls left, and taken at once beyond `max_severity` (a pause, not a later kill).
                record = held.event.record
                self.ladder.step_back(record.session, record.agent, record.fleet, decision.action)
                self._judged.append(self._dismiss(held.event, decision, opinion.reason))
                return
            note = (
                f"judge: {opinion.reason}" if opinion.progress is False else f"judge gave no opinion: {opinion.reason}"
            )
            judged = replace(decision, finding=replace(finding, evidence=f"{finding.evidence}; {note}"))
            self._judged.append(self._act(held.event, judged))

    def _dismiss(self, event: CallEvent, decision: Decision, reason: str) -> Incident:
        finding = decision.finding
        log.info("judge dismissed a %s finding on session %s: %s", decision.action, event.record.session, reason)
        evidence = f"judge dismissed {finding.detector} ({decision.action}): {reason}; finding: {finding.evidence}"
        incident = _incident(event, "judge", "warn", evidence, finding.calls)
        self.standing.store.add_incident(incident)
        return incident

    def _act(self, event: CallEvent, decision: Decision) -> Incident:
        record = event.record
        finding = decision.finding
        incident = _incident(event, finding.detector, decision.action, finding.evidence, finding.calls)
        incident_id = self.standing.store.add_incident(incident)
        reason = f"{finding.detector}: {finding.evidence}"
        if decision.action == "nudge":
            self.standing.nudge(record.session, self.config.nudge_text.format(evidence=finding.evidence))
        elif decision.action == "throttle":
            throttled_until = record.ts + self.config.throttle_s
            self.standing.set(Standing("session", record.session, "throttled", reason, throttled_until, incident_id))
        elif decision.action == "downgrade":
            self.standing.set(Standing("session", record.session, "downgraded", reason, None, incident_id))
        elif decision.action == "pause":
            cooldown = self.config.pause_cooldown_s
            until = record.ts + cooldown if cooldown is not None else None
            scope = self.config.pause_scope
            name = record.agent if scope == "agent" else record.session
            self.standing.set(Standing(scope, name, "paused", reason, until, incident_id))
        elif decision.action == "kill":
            self.standing.set(Standing("agent", record.agent, "killed", reason, None, incident_id))
        return incident

    def resume(self, agent: str | None = None, session: str | None = None) -> None:
        if agent is not None:
            self.standing.resume("agent", agent)
        if session is not None:
            self.standing.resume("session", session)
            with self._lock:
                self.ladder.reset(session)
                self._held.pop(session, None)

    def forget(self, session: str) -> None:
        """A session has ended: drop what the detectors and the ladder keep for it."""
        for detector in self.detectors:
            detector.forget(session)
        with self._lock:
            self.ladder.reset(session)
            self._held.pop(session, None)
        if self.judge is not None:
            self.judge.forget(session)


def _from_file(path: Path) -> tuple[DetectConfig, PolicyConfig]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with `detect:` and/or `policy:`")
    return DetectConfig.model_validate(raw.get("detect") or {}), PolicyConfig.model_validate(raw.get("policy") or {})


def supervisor_factory(spec: str = "default", store: StandingStore | None = None) -> Callable[[], Supervisor]:
    """A maker of fresh supervisors for a policy name or file (resolved and validated once).

    These are replay's: `detect.judge` in a policy file is ignored, so replay never calls a model,
    and a pause stops the session it was found in: replay judges each recorded session on its own
    (a trace's agent label often spans unrelated tasks), while the gateway stops the whole agent.
    """
    per_session = {"pause_scope": "session"}
    if spec in BASELINES:
        baseline = baseline_policy().model_copy(update=per_session)
        return lambda: Supervisor(baseline_detectors(spec), baseline, StandingBook(store))
    if spec == "default":
        detect, policy = DetectConfig(), PolicyConfig()
    else:
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"unknown policy {spec!r}: not one of default, {', '.join(BASELINES)}, or a file")
        detect, policy = _from_file(path)
    policy = policy.model_copy(update=per_session)
    return lambda: Supervisor(build_detectors(detect), policy, StandingBook(store))


def load_supervisor(spec: str = "default", store: StandingStore | None = None) -> Supervisor:
    return supervisor_factory(spec, store)()


def _incident(event: CallEvent, detector: str, action: str, evidence: str, seqs: list[int]) -> Incident:
    record = event.record
    return Incident(
        ts=record.ts,
        org=record.org,
        fleet=record.fleet,
        agent=record.agent,
        session=record.session,
        detector=detector,
        action=action,
        evidence=evidence,
        call_ids=[record.call_id],
        seqs=list(seqs),
    )
