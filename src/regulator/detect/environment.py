"""Attempts that differ but fail for one cause: an environment the agent cannot fix from inside.

A missing system dependency, a service that is down, a permission the agent will never get: the
agent varies its commands (install, build, reinstall, change a variable) and the error text
drifts, but every failure names the same cause (`causes.cause_of`: an error family and the module,
binary, host, path or port it names). The detector counts, among the last `window` failures of the
last 24 calls, those whose cause is the same as the latest one's; looks in between (reading a
config, `which gcc`, `ls`) neither break the count nor push failures out of the window. Waiting
steps (`sleep; curl …`) are left to the waiting detector: a server that is not up yet is expected
while one waits for it.

The finding's `key` is the cause as first named in the session, so the policy can tell whether a
nudge changed anything and the fleet correlator can match agents failing on the same thing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding, SessionStates, call_span, quote
from regulator.detect.causes import Cause, cause_of, same_cause
from regulator.detect.error_signature import step_signature
from regulator.detect.steps import StepTracker
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_KNOWN = 8  # causes remembered per session, to name a cause the same way each time
_KEPT = 120  # characters of each command kept (for the evidence; an inline script can be long)
_SPAN = 24  # calls back that a failure still counts from
# Causes that are the repository's state rather than the machine's (the agent can fix it, but has not).
_BLOCKER = {"unresolved merge": "the work tree"}


@dataclass(slots=True)
class _Session:
    recent: deque[tuple[int, Cause | None, str, str]]  # (call, cause of a failure or None, action key, command)
    known: list[Cause] = field(default_factory=list)


class EnvironmentDetector:
    name = "environment"

    def __init__(self, window: int = 10, min_count: int = 3) -> None:
        self.window = window
        self.min_count = min_count
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(lambda: _Session(deque(maxlen=self.window)))

    def _named(self, state: _Session, cause: Cause) -> Cause:
        """The cause as the session first named it (the fleet and the policy match on that)."""
        for known in state.known:
            if same_cause(known, cause):
                return known
        state.known.append(cause)
        if len(state.known) > _KNOWN:
            del state.known[0]
        return cause

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        latest: Cause | None = None
        for step in self._steps.advance(event):
            if waits(step):
                continue
            text = step.observation.text
            signature = step_signature(step)
            failed = step.observation.is_error or signature is not None
            if not failed and (step.is_edit or not step.informative):
                continue  # a config edit or an `export` between attempts is another attempt, not news
            # A suite whose tests fail for several reasons, one of them a missing module, is a suite
            # with known failures; an environment that blocks the task fails it all on one cause.
            cause = cause_of(text) if failed and not _several_tests(signature) else None
            latest = self._named(state, cause) if cause is not None else None
            if not failed:
                continue  # looks in between (`which gcc`, reading a config) do not push failures out
            # Distinct attempts are told apart by the normalised action: a harness's per-call
            # `description` or a changed timeout is the same command run again.
            state.recent.append((step.seq + 1, latest, step.action_key[:_KEPT], step.command[:_KEPT]))
        if latest is None:
            return []
        since = event.seq - _SPAN
        together = [
            (seq, cause, key, cmd)
            for seq, cause, key, cmd in state.recent
            if cause and seq > since and _together(cause, latest)
        ]
        matching = [(seq, key, cmd) for seq, _, key, cmd in together]
        names = {cause.name for _, cause, _, _ in together if cause}
        if len(names) > 1:
            # Many hosts, one cause: no network from here. Named by its family, every agent of a fleet
            # cut off the same way is matched by the fleet correlator, whichever mirror it tried.
            latest = Cause(latest.family, "")
        count = len(matching)
        attempts = {key for _, key, _ in matching}
        commands = list(dict.fromkeys(command for _, _, command in matching))
        if count < self.min_count or len(attempts) < 2:
            return []  # one command failing again and again is the repetition detector's
        severity = min(0.95, 0.5 + 0.15 * (count - self.min_count))
        shown = ", ".join(quote(c, 40) for c in commands[-3:])
        tried = f"{len(attempts)} different commands"
        calls = [seq for seq, _, _ in matching]
        named = f" ({', '.join(sorted(names)[:4])})" if len(names) > 1 else ""
        evidence = (
            f"{_BLOCKER.get(latest.family, 'the environment')} blocks the task: {latest}{named} — {count} of the last "
            f"{len(state.recent)} failures "
            f"were on it after {tried} ({call_span(calls)}; latest {shown})"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key=str(latest))]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)


def _together(cause: Cause, latest: Cause) -> bool:
    """Failures of one cause; every host and service unreachable counts as one (no network from here).

    An agent without a network tries mirror after mirror, endpoint after endpoint: each names
    another host, and none of them can work.
    """
    return same_cause(cause, latest) or cause.family == latest.family == "unreachable"


def _several_tests(signature: str | None) -> bool:
    return signature is not None and signature.startswith("failing ") and ", " in signature.split(" (", 1)[0]
