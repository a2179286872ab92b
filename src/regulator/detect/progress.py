"""No progress: results stop bringing new information while the context keeps growing.

Every informative result (a handful of words at least; an empty result of an edit says nothing
either way and is skipped) is cut into word 4-grams within each line, after normalisation and
without line-number gutters (`cat` and `nl -ba` of one file say the same) or traceback line
numbers. Shingles do not span lines, so known lines in a new order (a log dumped again) are no
news. Its novelty is the share of 4-grams the session has not seen before, the command counting
as one more (the same lines from a new file are news, from the same one not). A re-run whose
error signature differs from that command's last result is news even if it only removed text:
one failure fewer. Small numbers are kept: a shrinking failure count is news. A run of
consecutive results with little novelty, while the prompt grows, means the agent is paying to be
told what it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from regulator.detect.base import Finding, call_span
from regulator.detect.error_signature import error_signature
from regulator.detect.messages import parse
from regulator.detect.normalise import without_line_numbers
from regulator.detect.steps import Step, StepTracker, observation_lines
from regulator.events import CallEvent

_WORD = re.compile(r"\w+")
_SHINGLE = 4
_OUTCOMES = 256  # commands whose last outcome is remembered, per session


@dataclass(slots=True)
class _Session:
    seen: set[int] = field(default_factory=set)
    run: list[tuple[int, float]] = field(default_factory=list)  # (call, novelty) of the low run
    tokens_at_start: int = 0
    # The error signature of each command's last result: a re-run that fails differently, or no
    # longer fails, is news even when it adds no new text (one failure fewer only removes some).
    outcomes: dict[str, str | None] = field(default_factory=dict)


def _shingles(words: list[str]) -> list[int]:
    """4-grams within one line (a short line is one shingle): lines already seen, reordered, are no news."""
    if len(words) <= _SHINGLE:
        return [hash(tuple(words))] if words else []
    return [hash(tuple(words[i : i + _SHINGLE])) for i in range(len(words) - _SHINGLE + 1)]


class NoProgressDetector:
    name = "no_progress"

    def __init__(
        self, max_novelty: float = 0.1, min_run: int = 6, min_words: int = 12, max_seen: int = 500_000
    ) -> None:
        self.max_novelty = max_novelty
        self.min_run = min_run
        self.min_words = min_words
        self.max_seen = max_seen
        self._steps = StepTracker()
        self._sessions: dict[str, _Session] = {}

    def _novelty(self, state: _Session, step: Step) -> float | None:
        lines = [_WORD.findall(without_line_numbers(line)) for line in observation_lines(step.observation.text)]
        if sum(map(len, lines)) < self.min_words:
            return None
        shingles = {shingle for words in lines for shingle in _shingles(words)}
        # The command counts too, as one unit: the same few lines from a new file are news, from the
        # same one not; but a new variant of a command cannot outweigh what its output repeats.
        shingles.add(hash(step.action_key))
        new = shingles - state.seen
        if len(state.seen) < self.max_seen:
            state.seen |= new
        outcome = error_signature(step.observation.text)
        previous = state.outcomes.pop(step.action_key, outcome)
        if len(state.outcomes) >= _OUTCOMES:
            del state.outcomes[next(iter(state.outcomes))]  # the command not run for the longest
        state.outcomes[step.action_key] = outcome
        return 1.0 if previous != outcome else len(new) / len(shingles)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.get(session)
        if state is None:
            state = self._sessions[session] = _Session()
        prompt_tokens = parse(event).prompt_tokens
        for step in self._steps.advance(event):
            novelty = self._novelty(state, step)
            if novelty is None:
                continue
            if novelty > self.max_novelty:
                state.run.clear()
                continue
            if not state.run:
                state.tokens_at_start = prompt_tokens
            state.run.append((step.seq + 1, novelty))
        if len(state.run) < self.min_run or prompt_tokens <= state.tokens_at_start:
            return []
        severity = min(0.95, 0.5 + 0.1 * (len(state.run) - self.min_run))
        calls = [seq for seq, _ in state.run]
        mean = sum(n for _, n in state.run) / len(state.run)
        evidence = (
            f"the last {len(state.run)} informative tool results brought {mean:.0%} new text on average "
            f"({call_span(calls)}) while the prompt grew from {state.tokens_at_start:,} to "
            f"{prompt_tokens:,} tokens"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.pop(session, None)
