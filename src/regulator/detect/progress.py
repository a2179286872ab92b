"""No progress: results stop bringing new information while the context keeps growing.

Every informative result (a handful of words at least; an empty result of an edit says nothing
either way and is skipped) is cut, with the command that produced it, into word 4-grams after
normalisation; its novelty is the share of 4-grams the session has not seen before. Small numbers
are kept: a shrinking failure count or a new line number is news. A run of consecutive results
with little novelty, while the prompt grows, means the agent is paying to be told what it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from regulator.detect.base import Finding, call_span
from regulator.detect.messages import parse
from regulator.detect.normalise import normalise
from regulator.detect.steps import Step, StepTracker, observation_view
from regulator.events import CallEvent

_WORD = re.compile(r"\w+")
_SHINGLE = 4


@dataclass(slots=True)
class _Session:
    seen: set[int] = field(default_factory=set)
    run: list[tuple[int, float]] = field(default_factory=list)  # (call, novelty) of the low run
    tokens_at_start: int = 0


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
        result = _WORD.findall(observation_view(step.observation.text))
        if len(result) < self.min_words:
            return None
        # The command counts too: the same few lines from a new file are news, from the same one not.
        words = _WORD.findall(normalise(step.command)) + result
        shingles = {hash(tuple(words[i : i + _SHINGLE])) for i in range(len(words) - _SHINGLE + 1)}
        new = shingles - state.seen
        if len(state.seen) < self.max_seen:
            state.seen |= new
        return len(new) / len(shingles)

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
