"""Cycles of length 2–8 in the action/result sequence: edit, test, revert, test, edit, test …

Each step is compared by what it did and what came of it, as the other detectors see them: the
normalised action (volatile text, quoting, `./` prefixes, flag order made irrelevant) and the
outcome of its result (the error signature of a failure, else the normalised text). Two steps are
the same when their outcomes are equal and their actions overlap (`steps.overlap`: words weighed by
length, so `pytest t.py -q` matches `python -m pytest -x t.py` and `git checkout x.py && sed -i
's/a/b/' x.py` matches `sed -i "s/a/b/" ./x.py`, while two edits of different text do not). The less
a result says, the more the actions must agree: an edit's empty result tells nothing, so for it the
action is all the evidence.
In a long cycle, a step whose result drifted between rounds may still match (`_Token.like`): the
same command printing this round's diff, a flaky failure's counts.
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
from regulator.detect.steps import StepTracker, overlap, tool_fields
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_LONG = 5  # a period from which a cycle may be named before its second round is complete
_TOLERANT = 4  # a period from which a step may vary between rounds (shorter cycles have too few steps to tell)
_DRIFT = 1  # how far the lag may move from the period: more, and a shorter period passes for the true one
_RAMP = 4  # matched steps past naming that add 0.3 to a cycle's severity, however long its period
_SLACK = 2  # mismatches a cycle may have beyond one in three of its compared steps
# Overlap two actions need: when their result is empty (an edit: the action is all the evidence),
# when it says something, when it is a failure (the same failing tests from `npm test` and `npx
# jest` are one step).
_SAME_ACTION = (0.8, 0.6, 0.34)


# Mutable only for `novel`, set once it is known, and the memo of `same_as`.
@dataclass(slots=True, eq=False)
class _Token:
    seq: int
    words: frozenset[str]
    outcome: str
    informative: bool
    command: str
    numbers: frozenset[str]  # the words with digits: an edit changing a constant is another edit
    edit: bool
    targets: frozenset[str] = frozenset()  # the files an edit writes, when it names them
    novel: bool = False  # nothing like it among the steps kept when it was taken
    # Bit k: compared with the step k before it, and found the same. Each new step walks back over
    # pairs that the steps before it compared already, for every period: each pair is compared once.
    compared: int = 0
    matched: int = 0
    likened: int = 0  # the same for `like_as`: compared, and found alike though not the same
    alike: int = 0

    def like_as(self, older: _Token, lag: int) -> bool:
        """`same_as`, or `like`: the same step with what drifts between rounds let drift."""
        if self.same_as(older, lag):
            return True
        bit = 1 << lag
        if self.likened & bit:
            return self.alike & bit != 0
        like = self.like(older)
        self.likened |= bit
        if like:
            self.alike |= bit
        return like

    def like(self, other: _Token) -> bool:
        """The same step of a long cycle, though not `same`: what it did or met drifted between rounds.

        A round of a long cycle shows the round's variant in more than its edit: `git diff x.py` and
        a read of `x.py` print the edit tried this time, `git log`, `git pull` or a build print
        hashes and counts of their own, a flaky check fails with other numbers (`expected 6 items,
        got 7`, then `5, got 6`). Matched strictly, each is one more varied step, and a cycle whose
        rounds vary in four steps of ten is found a round late or never. So, one period apart:
        - a failure whose signature differs only in its numbers, from an overlapping action;
        - the same command, its operands' numbers too (another count or range is a sweep's next
          step), whose result says something and fails in neither round — the command both ways
          (`rm x.py` is most of `python x.py 5`, but not the other way round) — whatever it printed
          this round (this round's diff, new hashes);
        - an edit of the same file back to a text already tried in the window (`novel` false): a
          new edit each round is progress and stays a mismatch.
        `_aligned` takes such a pair only where the step does not come back within the round, which
        a bisect's or a sweep's step does (`git bisect bad`, `python sweep.py`, run again and again).
        """
        if self.edit != other.edit:
            return False
        shape, other_shape = _shape(self.outcome), _shape(other.outcome)
        if self.edit:
            return (
                not self.novel
                and shape == other_shape
                and bool(self.targets and other.targets and _same_file(self.targets, other.targets))
            )
        if shape.startswith("error:") or other_shape.startswith("error:"):
            return shape == other_shape and overlap(self.words, other.words) >= _SAME_ACTION[2]
        return (
            self.informative
            and other.informative
            and self.numbers == other.numbers
            and overlap(self.words, other.words) >= _SAME_ACTION[0]
            and overlap(self.words, other.words, larger=True) >= _SAME_ACTION[0]
        )

    def same_as(self, older: _Token, lag: int) -> bool:
        """`self.same(older)`, `older` being the step `lag` steps before this one in the session."""
        if self.outcome != older.outcome:
            return False  # most pairs: cheaper to tell than to look up
        bit = 1 << lag
        if self.compared & bit:
            return self.matched & bit != 0
        same = self.same(older)
        self.compared |= bit
        if same:
            self.matched |= bit
        return same

    def same(self, other: _Token) -> bool:
        if self.outcome != other.outcome:
            return False
        kind = 2 if self.outcome.startswith("error:") else int(self.informative)
        if kind == 0 and self.numbers != other.numbers:
            return False  # an edit that changes a constant (`chunk 32` → `chunk 64`) is another edit
        if self.targets and other.targets and not _same_file(self.targets, other.targets):
            return False  # the same change to another file (a rename, file by file) is the next step
        return overlap(self.words, other.words) >= _SAME_ACTION[kind]


def _numbers(words: frozenset[str]) -> frozenset[str]:
    return frozenset(word for word in words if any(map(str.isdigit, word)))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DIGITS = re.compile(r"\d+")


def _shape(outcome: str) -> str:
    """An outcome as `like` compares it: a failure's numbers left out (a flaky count, a line)."""
    return _DIGITS.sub("#", outcome) if outcome.startswith("error:") else outcome


# Where an edit names the file it writes: an editor tool's path field, apply_patch's header, a shell
# redirection, `sed -i`'s last operand.
_TARGET = re.compile(
    r"\*\*\* (?:Update|Add) File: ([\w./\-]+)|^([\w./\-]+\.\w+)$"
    r"|(?<![>&\d])>{1,2}\s*([\w./\-]+\.\w+)|sed\s+-i\S*\s+(?:'[^']*'|\"[^\"]*\"|\S+)\s+([\w./\-]+)"
)


def _edit_targets(edit: str) -> frozenset[str]:
    fields = tool_fields(edit)
    texts = [edit] if fields is None else [_field_text(value) for value in fields.values()]
    return frozenset(
        next(g for g in match.groups() if g).removeprefix("./") for text in texts for match in _TARGET.finditer(text)
    )


def _field_text(value: object) -> str:
    """A tool call's field as the text it holds: a command line, an argv joined, a path."""
    if isinstance(value, list):
        return " ".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def _same_file(these: frozenset[str], those: frozenset[str]) -> bool:
    """Whether two edits name a file in common, however it is spelled (`/testbed/x/y.py` is `x/y.py`)."""
    return any(a == b or a.endswith("/" + b) or b.endswith("/" + a) for a in these for b in those)


def _written_numbers(edit: str) -> frozenset[str]:
    """The numbers an edit writes, as written: `batch_size = 1000` → `2000` is another edit, though
    normalising makes both `<num>` (long numbers are mostly volatile, but not in what an agent writes)."""
    return frozenset(_NUMBER.findall(edit))


class CycleDetector:
    name = "cycle"

    def __init__(self, min_period: int = 2, max_period: int = 8, min_span: int = 6, drift: bool = True) -> None:
        self.min_period = min_period
        self.drift = drift  # whether a long cycle's steps may drift between rounds (`_Token.like`)
        self.max_period = max_period
        self.min_span = min_span
        self._steps = StepTracker()
        self._tokens: dict[str, deque[_Token]] = {}
        # Per lag, how many kept steps are the same as (`_likes`: like) the step that many before them: a walk matches
        # no more steps than there are at the lags it may take (the period, ±1 in a long cycle), so most
        # periods need no walk (walks cost more than all else here).
        self._repeats: dict[str, list[int]] = {}
        self._likes: dict[str, list[int]] = {}
        self._lags = range(max(1, min_period - _DRIFT), max_period + _DRIFT + 1)

    def _need(self, period: int) -> int:
        """Steps of the newer round that must match: all of a short one; of a long one, past half.

        Five or more distinct steps coming back in order are hardly chance, and waiting for a whole
        second round of a long cycle costs a round of calls.
        """
        if period < _LONG:
            return max(period, self.min_span - period)
        return max(self.min_span - period, period // 2 + 2)

    def _cycle(self, tokens: list[_Token], repeats: list[int], likes: list[int]) -> tuple[int, int, int] | None:
        """(period, matched steps, steps that varied) of the shortest cycle the tail is in, if any."""
        for period in range(self.min_period, self.max_period + 1):
            need = self._need(period)
            tolerant = period >= _TOLERANT
            drift = _DRIFT if tolerant else 0
            counts = likes if tolerant and self.drift else repeats
            if len(tokens) - period < need or sum(counts[period - drift : period + drift + 1]) < need:
                continue  # fewer pairs to compare, or pairs that are the same, than must match
            matched, varied = _aligned(tokens, period, tolerant=tolerant, drift=self.drift)
            if matched < need:
                continue
            last = tokens[-period:]
            if all(last[0].same(other) for other in last[1:]):
                continue
            return period, matched, varied
        return None

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        tokens = self._tokens.get(session)
        if tokens is None:
            tokens = self._tokens[session] = deque(maxlen=3 * self.max_period + 2)
        repeats = self._repeats.get(session)
        if repeats is None:
            repeats = self._repeats[session] = [0] * (self._lags.stop)
        likes = self._likes.get(session)
        if likes is None:
            likes = self._likes[session] = [0] * (self._lags.stop)
        found: tuple[int, int, int] | None = None
        for step in self._steps.advance(event):
            if waits(step):
                continue
            words = _discarding(step.action_words)
            edit = step.is_edit
            numbers = _written_numbers(step.command) if edit else _numbers(words)
            targets = _edit_targets(step.command) if edit else frozenset()
            token = _Token(step.seq, words, outcome_key(step), step.informative, step.command, numbers, edit, targets)
            kept = len(tokens)
            outcome = token.outcome  # told apart here, most earlier steps cost no call
            token.novel = not any(
                token.same_as(earlier, kept - k) for k, earlier in enumerate(tokens) if earlier.outcome == outcome
            )
            for lag in self._lags:
                if lag <= kept and token.same_as(tokens[kept - lag], lag):
                    repeats[lag] += 1
                if self.drift and lag <= kept and token.like_as(tokens[kept - lag], lag):
                    likes[lag] += 1
            if kept == tokens.maxlen:  # the oldest step leaves the window: what it counted goes with it
                oldest = tokens[0]
                for lag in self._lags:
                    repeats[lag] -= oldest.matched >> lag & 1
                    likes[lag] -= (oldest.matched | oldest.alike) >> lag & 1
            tokens.append(token)
            found = self._cycle(list(tokens), repeats, likes) or found
        if found is None:
            return []
        period, matched, varied = found
        span = matched + period + varied
        window = list(tokens)[-span:]
        need = self._need(period)
        # Five or more distinct steps coming round again are no chance; nor is an edit made once more:
        # the agent has gone back to a version it already tried.
        named = 0.6 if period >= _LONG or _reapplied(list(tokens), period) else 0.5
        severity = min(0.95, named + 0.3 * (matched - need) / min(period, _RAMP))
        shown = " → ".join(quote(t.command, 50) for t in window[-period:])
        calls = [t.seq for t in window]
        variations = f", {varied} step{'s' if varied > 1 else ''} varied" if varied else ""
        evidence = (
            f"a cycle of {period} actions repeated {span / period:.1f} times with the same results{variations} "
            f"({call_span(calls)}): {shown}"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._tokens.pop(session, None)
        self._repeats.pop(session, None)
        self._likes.pop(session, None)


def _reapplied(tokens: list[_Token], period: int) -> bool:
    """Whether one of the latest round's edits is the edit one period before (`same`: its text, most of it)."""
    latest = range(max(period, len(tokens) - period), len(tokens))
    return any(tokens[i].edit and tokens[i].same_as(tokens[i - period], period) for i in latest)


# Ways to throw away one's uncommitted changes with git: one step of a cycle, however it is spelled.
_DISCARD = (
    frozenset({"git", "restore"}),
    frozenset({"git", "checkout", "--"}),
    frozenset({"git", "stash"}),
    frozenset({"git", "reset", "--hard"}),
)
_DISCARDED = frozenset({"git", "discard-changes"})


def _discarding(words: frozenset[str]) -> frozenset[str]:
    """`git checkout -- x.py`, `git restore x.py` and `git stash && git stash drop` as one action."""
    return _DISCARDED if any(idiom <= words for idiom in _DISCARD) else words


def _aligned(
    tokens: deque[_Token] | list[_Token], period: int, tolerant: bool = True, drift: bool = True
) -> tuple[int, int]:
    """How many of the latest steps match the step `period` before them, and how many varied.

    Walking back from the latest step, each step is compared with its counterpart one period
    earlier. In a long cycle (`tolerant`), mismatches are passed over while they stay a minority
    (one in three compared steps, and never three in a row): a step or two added in either round
    (the lag shifts), or a step done differently (one of two fixes tried in turn, another way to
    revert). A step whose result drifted between rounds counts as matched when it is `like` its
    counterpart (`_drifted`). After a mismatch the walk resumes at the nearest pair of steps that match again, as
    long as the lag stays within one of the period. A cycle of 8 with a `git status` slipped in,
    with its edit alternating between two variants, or reverted once by `git stash` instead of
    `git checkout`, is still that cycle.
    """
    i = len(tokens) - 1
    j = i - period
    matched = varied = novel = failed = 0
    missed = 0
    while j >= 0:
        same = tokens[i].same_as(tokens[j], i - j)
        if same or (tolerant and drift and _drifted(tokens, i, j, novel)):
            novel += not same and tokens[i].novel
            matched += 1
            failed += tokens[i].outcome.startswith("error:")
            missed = 0
            i, j = i - 1, j - 1
            continue
        if not tolerant or missed >= 2 or (varied + 1) * 3 > matched + varied + 1 + _SLACK:
            break
        if tokens[i].novel and not failed:
            novel += 1
            if novel > 1:
                break  # steps never done before keep coming (a new edit each round): progress, not a cycle
        for newer, older in _RESYNC:
            a, b = i - newer, j - older
            if b >= 0 and abs((a - b) - period) <= _DRIFT and tokens[a].same_as(tokens[b], a - b):
                break
        else:
            newer, older = 1, 1  # the same step, done differently this time
        varied += max(newer, older)
        missed += 1
        i, j = i - newer, j - older
    return matched, varied


def _drifted(tokens: deque[_Token] | list[_Token], i: int, j: int, novel: int) -> bool:
    """Whether step `i` is `like` step `j`, a period before, and that is a cycle's step drifting.

    Not when the step comes back within the round (a step between `j` and `i` is like it): `git
    bisect bad` with each run's new revision, a sweep's run with another output each time, are one
    step taken again and again, a shorter period, not a long cycle's step. Nor for a second step
    never taken before (`_aligned` stops at the second anyway).
    """
    newer = tokens[i]
    if not newer.like_as(tokens[j], i - j) or (newer.novel and novel):
        return False
    return not any(newer.like_as(tokens[k], i - k) for k in range(j + 1, i))


# Where to look for the next matching pair after a mismatch (steps skipped in the newer round, in
# the older): one extra step in either, one step done differently, then two extra steps.
_RESYNC = ((1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (2, 1), (1, 2))
