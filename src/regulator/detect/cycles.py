"""Cycles of length 2–8 in the action/result sequence: edit, test, revert, test, edit, test …

Each step is compared by what it did and what came of it, as the other detectors see them: the
normalised action (volatile text, quoting, `./` prefixes, flag order made irrelevant) and the
outcome of its result (the error signature of a failure, else the normalised text). Two steps are
the same when their outcomes are equal and their actions overlap (`steps.overlap`: words weighed by
length, so `pytest t.py -q` matches `python -m pytest -x t.py` and `git checkout x.py && sed -i
's/a/b/' x.py` matches `sed -i "s/a/b/" ./x.py`, while two edits of different text do not). The less
a result says, the more the actions must agree: an edit's empty result tells nothing, so for it the
action is all the evidence.
A cycle of period p is a tail of the sequence where every step is the same as the one p steps
before. It must span at least two periods (and at least six steps, so A-B-A-B alone is not yet a
cycle) and contain two steps that differ (one repeated step is the repetition detector's business).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.error_signature import outcome_key
from regulator.detect.steps import StepTracker, overlap
from regulator.detect.waiting import is_waiting
from regulator.events import CallEvent

_WORD = re.compile(r"\w+")
_TAG = re.compile(r"</?\w+>")
_SAYS_SOMETHING = 8  # words of a result beyond its tags: fewer is an exit status at most
_SAME_ACTION = (0.8, 0.6)  # overlap two actions need: when their result is empty, when it says something


def _says_something(text: str) -> bool:
    return len(_WORD.findall(_TAG.sub(" ", text[:2000]))) >= _SAYS_SOMETHING


@dataclass(slots=True, frozen=True)
class _Token:
    seq: int
    words: frozenset[str]
    outcome: str
    informative: bool
    command: str

    def same(self, other: _Token) -> bool:
        if self.outcome != other.outcome:
            return False
        return overlap(self.words, other.words) >= _SAME_ACTION[self.informative or self.outcome.startswith("error:")]


class CycleDetector:
    name = "cycle"

    def __init__(self, min_period: int = 2, max_period: int = 8, min_span: int = 6) -> None:
        self.min_period = min_period
        self.max_period = max_period
        self.min_span = min_span
        self._steps = StepTracker()
        self._tokens: dict[str, deque[_Token]] = {}

    def _cycle(self, tokens: list[_Token]) -> tuple[int, int] | None:
        n = len(tokens)
        for period in range(self.min_period, self.max_period + 1):
            matched = 0
            while matched + period < n and tokens[n - 1 - matched].same(tokens[n - 1 - matched - period]):
                matched += 1
            span = matched + period
            if span < max(2 * period, self.min_span):
                continue
            last = tokens[n - period :]
            if all(last[0].same(other) for other in last[1:]):
                continue
            return period, span
        return None

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        tokens = self._tokens.get(session)
        if tokens is None:
            tokens = self._tokens[session] = deque(maxlen=4 * self.max_period)
        found: tuple[int, int] | None = None
        for step in self._steps.advance(event):
            if step.action is not None and is_waiting(step.action.tool, step.action.text):
                continue
            text = step.observation.text
            tokens.append(_Token(step.seq, step.action_words, outcome_key(text), _says_something(text), step.command))
            found = self._cycle(list(tokens)) or found
        if found is None:
            return []
        period, span = found
        window = list(tokens)[-span:]
        minimum = max(2 * period, self.min_span)
        severity = min(0.95, 0.5 + 0.3 * (span - minimum) / period)
        shown = " → ".join(quote(t.command, 50) for t in window[-period:])
        calls = [t.seq for t in window]
        evidence = (
            f"a cycle of {period} actions repeated {span / period:.1f} times with the same results "
            f"({call_span(calls)}): {shown}"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._tokens.pop(session, None)
