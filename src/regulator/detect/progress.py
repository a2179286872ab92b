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

Three signals together are stronger than the run alone, and ramp faster (from `min_repeat_run`
results, 0.15 a result instead of 0.1): nothing new came back; the agent asked again for what it
had asked before — the same normalised command, or only operands (files, services) it had already
named — in all but one of the run's actions, without acting in between (no new command whose
result is empty, like an edit); and what it re-requested makes up at least half of the prompt's
growth. Exploring new files names new operands, polling a moving build brings news, and an edit
between two reads is acting: none of them takes the fast ramp. A check that passes as before right
after a new edit (a lint after each edit of a refactor) is no part of a run: the edit was the news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from regulator.detect.base import Finding, SessionStates, call_span
from regulator.detect.error_signature import step_failed, step_signature
from regulator.detect.messages import parse
from regulator.detect.normalise import without_line_numbers
from regulator.detect.seen import RecentHashes, stable_hash, stable_hashes
from regulator.detect.steps import Step, StepTracker, observation_lines
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_WORD = re.compile(r"\w+")
_SHINGLE = 4
_OUTCOMES = 256  # commands whose last outcome is remembered, per session


@dataclass(slots=True, frozen=True)
class _Low:
    """One result of the low-novelty run."""

    call: int
    novelty: float
    asked_before: bool  # the action re-requested what the agent had already asked for
    tokens: int  # the result's size, roughly, in tokens


@dataclass(slots=True)
class _Session:
    seen: RecentHashes = field(default_factory=RecentHashes)  # 4-gram hashes, in a fixed few KB
    run: list[_Low] = field(default_factory=list)
    tokens_at_start: int = 0
    acted: bool = False  # the agent did something new (an edit, a write) since the last news
    changed: bool = False  # ... since the last informative result
    asked: set[str] = field(default_factory=set)  # normalised actions and operands asked for so far
    # The error signature of each command's last result: a re-run that fails differently, or no
    # longer fails, is news even when it adds no new text (one failure fewer only removes some).
    outcomes: dict[str, str | None] = field(default_factory=dict)


def _shingles(words: list[str]) -> list[str]:
    """4-grams within one line (a short line is one shingle): lines already seen, reordered, are no news."""
    if len(words) <= _SHINGLE:
        return [" ".join(words)] if words else []
    # One 4-gram for each word that begins one. Slices, not a zip of shifted copies: lines are short
    # (five words on average), and building four copies of a line cost more than its 4-grams.
    return [" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)]


# Lines come back (a file read again, a test run again, a log dumped again): about half of a dev
# replay's shingles are of lines seen among the latest few thousand. A line is ~100 bytes here.
@lru_cache(maxsize=8192)
def _line_shingles(line: str) -> tuple[int, tuple[int, ...]]:
    """A normalised line's word count and the hashes of its shingles, traceback line numbers left out."""
    words = _WORD.findall(without_line_numbers(line))
    return len(words), tuple(stable_hashes(_shingles(words)))


def _result_shingles(lines: tuple[str, ...]) -> tuple[int, list[int]]:
    """A result's word count and the hashes of its shingles, in order."""
    count = 0
    hashes: list[int] = []
    for line in lines:
        words, shingles = _line_shingles(line)
        count += words
        hashes += shingles
    return count, hashes


class NoProgressDetector:
    name = "no_progress"

    def __init__(
        self,
        max_novelty: float = 0.1,
        min_run: int = 6,
        min_words: int = 12,
        max_asked: int = 1_000,
        min_repeat_run: int = 4,
    ) -> None:
        self.max_novelty = max_novelty
        self.min_run = min_run
        self.min_repeat_run = min(min_repeat_run, min_run)
        self.min_words = min_words
        self.max_asked = max_asked  # distinct actions and operands remembered per session
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(_Session)

    def _novelty(self, state: _Session, step: Step) -> float | None:
        words, hashes = _result_shingles(observation_lines(step.observation.text))
        if words < self.min_words:
            return None
        shingles = set(hashes)  # in the order they came, as `add_new` takes them
        # The command counts too, as one unit: the same few lines from a new file are news, from the
        # same one not; but a new variant of a command cannot outweigh what its output repeats.
        shingles.add(stable_hash(step.action_key))
        new = state.seen.add_new(shingles)
        outcome = step_signature(step)
        previous = state.outcomes.pop(step.action_key, outcome)
        if len(state.outcomes) >= _OUTCOMES:
            del state.outcomes[next(iter(state.outcomes))]  # the command not run for the longest
        state.outcomes[step.action_key] = outcome
        return 1.0 if previous != outcome else new / len(shingles)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        prompt_tokens = parse(event).prompt_tokens
        for step in self._steps.advance(event):
            if waits(step):
                continue  # a check while waiting is expected to say what it said before
            ran_before = step.action_key in state.asked
            asked_before = self._asked_before(state, step)
            if step.is_edit and not step_failed(step):
                # What an edit answers (`The file … has been edited`, a snippet of known lines) is an
                # acknowledgement, not information: the edit itself is the agent acting.
                state.acted = state.acted or not ran_before
                state.changed = state.changed or not ran_before
                continue
            novelty = self._novelty(state, step)
            if novelty is None:
                # A new command with nothing to say (an edit, a write) changed something: acting.
                changed = step.action is not None and not ran_before
                state.acted = state.acted or changed
                state.changed = state.changed or changed
                continue
            changed, state.changed = state.changed, False
            if novelty > self.max_novelty:
                state.run.clear()
                state.acted = False
                continue
            failed = step_failed(step)
            if changed and not failed:
                continue  # the same clean check after a new edit: the edit was the news, the check confirms it
            if not state.run:
                state.tokens_at_start = prompt_tokens
            state.run.append(_Low(step.seq + 1, novelty, asked_before, len(step.observation.text) // 4))
        run = len(state.run)
        grown = prompt_tokens - state.tokens_at_start
        if run < self.min_repeat_run or grown <= 0:
            return []
        severity = 0.5 + 0.1 * (run - self.min_run) if run >= self.min_run else 0.0
        ramp = f"0.5 from {self.min_run} such results, +0.1 each"
        calls = [low.call for low in state.run]
        mean = sum(low.novelty for low in state.run) / run
        evidence = (
            f"the last {run} informative tool results brought {mean:.0%} new text on average "
            f"({call_span(calls)}) while the prompt grew from {state.tokens_at_start:,} to {prompt_tokens:,} tokens"
        )
        asked = sum(low.asked_before for low in state.run)
        resent = sum(low.tokens for low in state.run if low.asked_before)
        if not state.acted and asked >= run - 1 and 2 * resent >= grown:
            severity = max(severity, 0.5 + 0.15 * (run - self.min_repeat_run))
            ramp = f"0.5 from {self.min_repeat_run} such results, +0.15 each, as all three signals agree"
            evidence += (
                f"; {asked} of these re-requested what the agent had already asked for, with no action in "
                f"between, and resent about {resent:,} tokens of it"
            )
        if severity < 0.5:
            return []
        evidence += f" (severity {ramp})"
        finding = Finding(self.name, session, event.record.agent, event.seq, min(0.95, severity), evidence, calls)
        return [finding]

    def _asked_before(self, state: _Session, step: Step) -> bool:
        """Whether the action repeats an earlier one (normalised) or names only what earlier ones named."""
        if step.action is None:
            return False
        key, operands = step.action_key, step.action_operands
        before = key in state.asked or (bool(operands) and operands <= state.asked)
        if len(state.asked) < self.max_asked:
            state.asked.add(key)
            state.asked |= operands
        return before

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)
