"""Polling is waiting, not looping: bounded by a budget, never stopped.

An agent that starts a build or a server and then sleeps and checks (`sleep 30 && curl
localhost:3000/health`, `kubectl rollout status`, `gh run watch`, Claude Code's `BashOutput`)
repeats itself on purpose, and what it sees (connection refused, "in progress") is expected until
the thing it waits for is ready. `is_waiting` recognises such steps; the loop detectors leave
them out. What waiting costs is still real — every check resends the conversation — so the
`waiting` detector prices each stretch of consecutive waiting steps and, past a budget of calls or
dollars, asks the policy to slow the agent down (its findings are capped at `throttle`): the
wait goes on at a bounded rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from regulator.detect.base import Finding, quote
from regulator.detect.causes import cause_of
from regulator.detect.error_signature import error_signature
from regulator.detect.normalise import clip
from regulator.detect.steps import Step, StepTracker, action_segments, per_step
from regulator.events import CallEvent

_WAIT_TOOLS = re.compile(r"(?i)^(?:bash_?output|\w*wait\w*|sleep|\w*poll\w*|watch\w*)$")
_WAIT_PROGRAMS = frozenset({"sleep", "wait", "watch", "retry"})  # `retry -t 5 -- curl …` waits too
# Subcommands that block until something is ready: `kubectl wait`, `kubectl rollout status`, `gh run watch`.
_WAIT_SUBCOMMANDS = (("kubectl", "wait"), ("kubectl", "rollout", "status"), ("gh", "run", "watch"), ("docker", "wait"))


# A status that says the thing checked is on its way, not there yet: `(health: starting)`,
# `Pending`, `ContainerCreating`, `queued`, `in_progress`, `0/3 ready`. Checking it again is waiting.
_IN_TRANSITION = re.compile(
    r"(?i)\b(?:starting|pending|queued|in[ _-]progress|initiali[sz]ing|provisioning|containercreating"
    r"|not (?:yet )?ready|waiting for|deploying|rolling out|scheduled|creating)\b|\b0/[1-9]\d* ready\b"
    # A progress line short of the end: `[41% of 318 built, …]`, `63% complete`.
    r"|\b[1-9]?\d(?:\.\d+)?\s?% (?:of|complete|completed|done)\b"
)
# Readiness probes: a health endpoint, `pg_isready`, `redis-cli ping`, `nc -z`, `systemctl is-active`,
# Android's `sys.boot_completed`. Asking one again is waiting for what it probes, whatever it answers.
_PROBE = re.compile(
    r"(?i)(?:https?://[\w.\-]+|\blocalhost|\b127\.0\.0\.1|\b[\w.\-]+:\d+)(?::\d+)?/\S*?\b"
    r"(?:health|healthz|healthcheck|ready|readyz|livez|ping)\b"
    r"|\bpg_isready\b|\bredis-cli\b.*\bping\b|\bmysqladmin\b.*\bping\b|\bnc\s+-\w*z"
    r"|\bsystemctl\s+is-active\b|\bboot_completed\b"
)
# What a check expects to meet while the thing it waits for comes up: not there yet, not answering.
_NOT_UP_YET = re.compile(
    r"(?i)\b(?:404|50[234]|not found|no such file|timed? ?out|timeout|unavailable|no route to host|refused)\b"
)
_STATUS_CHARS = 2000  # a status is short; a long output that happens to say `pending` is not one
# Words (lower case) a pattern cannot match without, or groups of them that must all be there.
# Most texts have none, and a case-blind pattern has no first character to skip to: it would be
# tried at every position of every text.
_TRANSITION_NEEDS = (
    "starting",
    "pending",
    "queued",
    "progress",
    "initiali",
    "provisioning",
    "ready",
    "waiting for",
    "deploying",
    "rolling out",
    "scheduled",
    "creating",
    "%",
)
_PROBE_NEEDS = ("health", "ready", "livez", "ping", "systemctl", "boot_completed", ("nc", "z"))
# What a case-blind pattern matches for `i` and `s` that lower-casing does not turn into them.
_FOLDED = ("\u0130", "\u0131", "\u017f")


def _may_match(text: str, needs: tuple[str | tuple[str, ...], ...]) -> bool:
    lowered = text.lower()
    for need in needs:
        if need in lowered if isinstance(need, str) else all(word in lowered for word in need):
            return True
    return any(c in text for c in _FOLDED)


@per_step
def waits(step: Step) -> bool:
    """Whether a step is waiting: an action that waits, or a check whose answer is a state in transition.

    A test run is never such a check: what it prints is its result, whatever words it uses.

    An action that waits and then fails with what no wait clears (the agent's own script raising,
    a permission refused) is a retry with a pause before it, not a wait: a sleep in front of a
    failing check does not hide it from the loop detectors.
    """
    if step.action is None:
        return False
    if is_waiting(step.action.tool, step.action.text) or _probes(step.action.text):
        return not _fails_for_good(clip(step.observation.text, 4000))  # clipped: the cache keeps no long text
    text = step.observation.text
    return (
        len(text) <= _STATUS_CHARS
        and not step.observation.is_error
        and _in_transition(text)
        and not _runs_tests(step.action.tool, step.action.text)
    )


def _in_order(words: tuple[str, ...], within: tuple[str, ...]) -> bool:
    """Whether `words` come in this order in `within`: `kubectl -n dev rollout status` is `kubectl rollout status`."""
    rest = iter(within)
    return all(word in rest for word in words)


_PAUSE = re.compile(r"(?:(?<=:)|(?<=\| ))sleep [\d.]+[smh]? \| ")  # in a key, `&&` and `;` read as ` | `


def without_pauses(key: str) -> str:
    """An action key without the pause before it: `sleep 5 && python check.py` runs the same check."""
    return _PAUSE.sub("", key)


@lru_cache(maxsize=2048)
def _fails_for_good(result: str) -> bool:
    """Whether a result is a failure no wait clears: neither not up yet, nor unreachable, nor on its way."""
    if error_signature(result) is None:
        return False
    tail = result[-_STATUS_CHARS:]
    if _NOT_UP_YET.search(tail) or _IN_TRANSITION.search(tail):
        return False
    cause = cause_of(result)
    return cause is None or cause.family != "unreachable"


# Test runners: what they print is a result, never a status, whatever words it uses — Django's runner
# says `Creating test database for alias 'default'...` before every run, jest counts `pending` tests.
_TEST_RUNNERS = frozenset(
    {"pytest", "py.test", "tox", "nox", "unittest", "jest", "vitest", "mocha", "phpunit", "rspec"}
)
_TEST_SUBCOMMANDS = frozenset({"npm", "yarn", "pnpm", "go", "cargo", "make", "manage.py", "django", "dotnet", "mvn"})


@lru_cache(maxsize=8192)
def _runs_tests(tool: str, text: str) -> bool:
    """Whether an action runs a test suite (`pytest`, `./tests/runtests.py`, `python manage.py test`, `go test`)."""
    for segment in action_segments(tool, text):
        words = set(segment)
        if not words.isdisjoint(_TEST_RUNNERS) or any(word.endswith("runtests.py") for word in segment):
            return True
        if "test" in words and not words.isdisjoint(_TEST_SUBCOMMANDS):
            return True
    return False


@lru_cache(maxsize=8192)
def _probes(action: str) -> bool:
    return _may_match(action, _PROBE_NEEDS) and _PROBE.search(action) is not None


@lru_cache(maxsize=2048)  # every detector asks about the same step: short texts only, so the cache stays small
def _in_transition(status: str) -> bool:
    return (
        _may_match(status, _TRANSITION_NEEDS)
        and _IN_TRANSITION.search(status) is not None
        and error_signature(status) is None
    )


@lru_cache(maxsize=8192)
def is_waiting(tool: str, text: str) -> bool:
    """Whether an action waits for something (a sleep, a blocking status check, a wait tool)."""
    if _WAIT_TOOLS.match(tool):
        return True
    for segment in action_segments(tool, text):
        if not segment:
            continue
        if segment[0] in _WAIT_PROGRAMS or "sleep" in segment[1:2]:  # `do sleep 5` in a shell loop
            return True
        if any(segment[0] == sub[0] and _in_order(sub[1:], segment[1:]) for sub in _WAIT_SUBCOMMANDS):
            return True
        if "--watch" in segment:
            return True
    return False


@dataclass(slots=True)
class _Stretch:
    calls: int = 0
    cost_usd: float = 0.0
    first: int = 0
    command: str = ""


class WaitingDetector:
    name = "waiting"

    def __init__(self, max_calls: int = 40, max_usd: float = 2.0) -> None:
        self.max_calls = max_calls
        self.max_usd = max_usd
        self._steps = StepTracker()
        self._stretches: dict[str, _Stretch] = {}

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        steps = self._steps.advance(event)
        if not steps:
            return []
        stretch = self._stretches.get(session)
        if not all(waits(s) for s in steps):
            self._stretches.pop(session, None)
            return []
        if stretch is None:
            stretch = self._stretches[session] = _Stretch(first=steps[0].seq, command=steps[0].command[:120])
        stretch.calls += 1
        stretch.cost_usd += event.record.cost_usd
        if stretch.calls < self.max_calls and stretch.cost_usd < self.max_usd:
            return []
        evidence = (
            f"waiting: {stretch.calls} checks in a row since call {stretch.first} ({quote(stretch.command, 60)}) "
            f"cost ${stretch.cost_usd:.2f}, beyond the waiting budget of {self.max_calls} checks or "
            f"${self.max_usd:.2f}: slowed down, not stopped"
        )
        calls = list(range(stretch.first, event.seq + 1))
        return [Finding(self.name, session, event.record.agent, event.seq, 0.7, evidence, calls, key="waiting")]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._stretches.pop(session, None)
