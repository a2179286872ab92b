"""The same error coming back across varied attempts: the "unfixable bug".

An agent that rewrites its command each time but keeps hitting the same failure is stuck, even
though no two calls look alike. Each result is reduced to a signature — the failing tests and the
test summary when there are any, else the last exception type and message, else the exit code and
the last line of output — with volatile text normalised, and the detector counts how many of the
last few results share one. One root cause often shows as a few different errors, one per command
the agent cycles through (the build fails, the install fails, the import fails): so a run of
failing results in a row none of which brings an error not already in the window counts too.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from functools import lru_cache

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.normalise import clip, normalise
from regulator.detect.steps import StepTracker, observation_digest
from regulator.detect.waiting import is_waiting
from regulator.events import CallEvent

# How harnesses report an exit status: `<returncode>1</returncode>`, `Exit code 1`, `exit status 1`,
# `Return code: 1`, `exited with code 1`, `(exit 1)`.
_EXIT = re.compile(
    r"<returncode>(-?\d+)</returncode>|(?:exit(?:ed with)?|return) ?(?:code|status)[: ]+(-?\d+)|\(exit (-?\d+)\)", re.I
)
_EXCEPTION = re.compile(
    r"^\s*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Failure|Fault))\b:?[ \t]*(.*)$",
    re.M,
)
_FAILED_TESTS = [
    re.compile(r"^(?:FAILED|ERROR) (\S+::\S+)", re.M),  # pytest short summary
    re.compile(r"^(\S+::\S+) (?:FAILED|ERROR)", re.M),  # pytest -v
    re.compile(r"^(?:FAIL|ERROR): (\w+ \([\w.]+\))", re.M),  # unittest / django
    re.compile(r"^_{3,} (\S*test\w*) _{3,}$", re.M),  # pytest / sympy failure headers
    re.compile(r"^\s*--- FAIL: (\S+)", re.M),  # go test
    re.compile(r"^test (\S+) \.\.\. FAILED$", re.M),  # cargo test
    re.compile(r"^\s*● (.+?)(?: › .*)?$", re.M),  # jest
    re.compile(r"^\[ERROR\] ([\w.$]+)\s+Time elapsed.*FAILURE", re.M),  # maven surefire
]
# Compiler diagnostics: the code and message of the first error (its position shifts with edits).
_COMPILER = re.compile(
    r"^(?:\S+:\d+:\d+ - )?error(?:\[(E\d{4})\]| (TS\d+)):? (.+)$"  # rustc, tsc
    r"|^\S+\.go:\d+:\d+: (.+)$"  # go
    r"|^\[ERROR\] \S+\.java:\[\d+,\d+\] (.+)$",  # javac through maven
    re.M,
)
_SUMMARY = re.compile(r"^.*\b(?:\d+ (?:failed|passed|errors?)|FAILED \((?:failures|errors)=|tests finished:).*$", re.M)
# What passed or was skipped, and how long it took, is no part of a failure: running a subset of
# the tests (`-k`, `-x`) changes them while the same tests fail the same way.
_PASSING = re.compile(r",? ?\b\d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?)\b|,? in <num>\w*")
_WORDS_IN_MESSAGE = 160
# An exit status whose last line is one or two words (`exit code 1: 1`, `exit code 2: Aborted`).
_WEAK = re.compile(r"exit code -?\d+(?:: \S+(?: \S+)?)?")
_TAG = re.compile(r"</?\w+>")


def error_signature(text: str) -> str | None:
    """A short, normalised description of the failure in a result, or None when nothing failed."""
    return _signature(clip(text, 4000))


@lru_cache(maxsize=1024)  # keyed by the clipped text, so a cached result never keeps a large one alive
def _signature(body: str) -> str | None:
    exit_match = _EXIT.search(body)
    exit_code = next((g for g in exit_match.groups() if g is not None), None) if exit_match else None
    tests = sorted({m for pattern in _FAILED_TESTS for m in pattern.findall(body)})
    if tests:
        summaries = _SUMMARY.findall(body)
        summary = _PASSING.sub("", normalise(summaries[-1])).strip("=, ") if summaries else ""
        shown = ", ".join(tests[:5]) + (f" and {len(tests) - 5} more" if len(tests) > 5 else "")
        return f"failing {shown}" + (f" ({summary})" if summary else "")
    compiled = _COMPILER.search(body)
    if compiled:
        return "compile error " + normalise(" ".join(g for g in compiled.groups() if g))[:_WORDS_IN_MESSAGE]
    exceptions = _EXCEPTION.findall(body)
    if exceptions:
        kind, message = exceptions[-1]
        return normalise(f"{kind}: {message}" if message else kind)[:_WORDS_IN_MESSAGE]
    if exit_code not in (None, "0"):
        lines = [line for line in _TAG.sub("", body).splitlines() if line.strip(" `\t") and not _EXIT.search(line)]
        last = normalise(lines[-1])[:_WORDS_IN_MESSAGE] if lines else ""
        return f"exit code {exit_code}" + (f": {last}" if last else "")
    return None


def outcome_key(text: str) -> str:
    """What a result says happened: its error signature when it failed, else its normalised text.

    Two runs of a test suite that fail the same tests the same way have one outcome, even when one
    stopped at the first failure (`-x`) and the other printed a longer report.
    """
    signature = error_signature(text)
    return "error:" + signature if signature is not None else observation_digest(text)


class ErrorSignatureDetector:
    name = "same_error"

    def __init__(self, window: int = 8, min_count: int = 3) -> None:
        self.window = window
        self.min_count = min_count
        self._steps = StepTracker()
        self._recent: dict[str, deque[tuple[int, str | None, str]]] = {}
        self._runs: dict[str, int] = {}  # failing results in a row that brought no new error

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.get(session)
        if recent is None:
            recent = self._recent[session] = deque(maxlen=self.window)
        steps = self._steps.advance(event)
        run = self._runs.get(session, 0)
        informative = False
        for step in steps:
            if step.action is not None and is_waiting(step.action.tool, step.action.text):
                continue  # expected failures while waiting for something to come up
            signature = error_signature(step.observation.text)
            if signature is None and step.observation.is_error:
                signature = "error result"
            if signature is not None and _WEAK.fullmatch(signature):
                signature = None  # `exit code 1: 1` names no error: two of them are not the same error
            if signature is None and not step.informative:
                # An edit or a write says nothing: the failures it sits between are not diluted by it
                # (edit, build, the same error, another edit … is one error coming back every time).
                # Real runs do that a few times before a fix lands, so the edits add no weight.
                continue
            seen = signature is not None and any(sig == signature for _, sig, _ in recent)
            run = run + 1 if seen else 0
            recent.append((step.seq + 1, signature, step.action_key))
            informative = True
        self._runs[session] = run
        if not informative or recent[-1][1] is None:
            return []
        counts = Counter(sig for _, sig, _ in recent if sig is not None)
        signature, count = counts.most_common(1)[0]
        repeats = count - 1 if count >= self.min_count and signature == recent[-1][1] else 0
        if run < self.min_count - 1 and not repeats:
            return []
        severity = min(0.95, 0.1 + 0.15 * max(repeats, run))
        if repeats >= run:
            calls = [seq for seq, sig, _ in recent if sig == signature]
            attempts = len({key for _, sig, key in recent if sig == signature})
            if attempts == 1 and count < self.window // 2 + 1:
                return []  # one command failing the same way a few times is the repetition detector's
            varied = f" after {attempts} different actions" if attempts > 1 else " from the same action"
            evidence = (
                f"same error {quote(signature)} in {count} of the last {len(recent)} informative tool results"
                f"{varied} ({call_span(calls)})"
            )
        else:
            # Several errors taking turns (one root cause behind different commands): none is new.
            tail = list(recent)[-min(run + 1, len(recent)) :]
            calls = [seq for seq, _, _ in tail]
            errors = ", ".join(quote(sig, 60) for sig in dict.fromkeys(sig for _, sig, _ in tail if sig))
            evidence = f"{run} failing tool results in a row, none with a new error: only {errors} ({call_span(calls)})"
        key = "error:" + signature if repeats >= run else "errors in turn"
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key=key)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)
        self._runs.pop(session, None)

