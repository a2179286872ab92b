"""Reruns after an edit: did the edit change what the command says, beyond quoting the edit itself?

An agent stuck on a bug it cannot fix edits, reruns the failing test, edits again: every rerun fails
the same way. Its output still changes a little, because a traceback shows the failing source line
and the edit rewrote that line; that is the agent's own text coming back, not news. Debug prints,
another failing assertion or a new error are news. `Reruns` keeps, per action, what it printed last
and the edits made since, and counts the streak of reruns that failed the same way after an edit and
said nothing new.

A failure whose message differs only in the names it quotes (`cannot import name 'a' from partially
initialized module 'b'`, then `'c'` from `'d'`) is the same failure when the names are ones this
command printed before or the edits wrote: an agent moving an import cycle around, a fixture renamed
back and forth. A name neither seen nor written (the next failing case, another missing name) is news.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

from regulator.detect.normalise import clip, normalise, without_line_numbers
from regulator.detect.steps import observation_lines

_KEPT_ACTIONS = 32  # actions whose latest output is kept per session
_KEPT_EDITS = 3  # edits remembered since an action last ran
_KEPT_OUTPUTS = 6  # latest failing outputs whose names count as already seen
# A quoted name or a path: signatures are normalised to single quotes, and one may be cut short.
_QUOTED = re.compile(r"'[^'\n]*(?:'|$)|/[\w./-]*")
# How a check is launched and how much of it is shown: not what it checks.
_PYTHON = re.compile(r"python[\d.]*")
_HOW_SHOWN = frozenset(
    {"-q", "-qq", "-v", "-vv", "-s", "-x", "-u", "-rA", "-ra", "--no-header", "--disable-warnings", "--color=no"}
    | {"--tb=short", "--tb=line", "--tb=no", "--tb=long", "-p", "no:cacheprovider"}
)
_REDIRECT = re.compile(r"\s*\d?>&\d")
_NAME = re.compile(r"[A-Za-z_]\w{2,}")


@dataclass(slots=True)
class _Action:
    output: str = ""
    signature: str | None = None
    edits: list[str] = field(default_factory=list)  # normalised, made since the action last ran
    streak: list[int] = field(default_factory=list)  # calls of the current streak
    renamed: bool = False  # whether the streak's failures differ in the names they quote


@dataclass(slots=True)
class Reruns:
    actions: dict[str, _Action] = field(default_factory=dict)
    # Failures met first after an edit, however the check was spelled, and how many of the latest of
    # them only brought back one met before (two fixes taking turns bring back each other's failure).
    after_edits: list[str] = field(default_factory=list)
    returns: list[int] = field(default_factory=list)
    # The latest failing outputs of any action: names they print are not news to the next failure.
    failures: deque[str] = field(default_factory=lambda: deque(maxlen=_KEPT_OUTPUTS))
    renamed: bool = False  # whether the latest streak returned by `rerun` differs in the names it quotes
    _edited: bool = False

    def edited(self, command: str, besides: str = "") -> None:
        """A change made: to every action's reruns but `besides` (an action key), the change itself."""
        self._edited = True
        text = normalise(command)
        skipped = same_check(besides) if besides else ""
        for key, action in self.actions.items():
            if len(action.edits) < _KEPT_EDITS and key != skipped:
                action.edits.append(text)

    def failed_after_edit(self, signature: str, call: int) -> list[int]:
        """The calls of the latest failures after an edit that only brought back earlier ones."""
        if not self._edited:
            return list(self.returns)
        self._edited = False
        previous = self.after_edits[-1] if self.after_edits else None
        if signature == previous:
            return list(self.returns)  # the same failure again is a streak's business, not a return
        if signature in self.after_edits:
            self.returns.append(call)
        else:
            self.returns = []
        if len(self.after_edits) >= _KEPT_ACTIONS:
            del self.after_edits[0]
        self.after_edits.append(signature)
        return list(self.returns)

    def recent_failures(self, count: int) -> list[str]:
        return list(dict.fromkeys(self.after_edits[-count:]))

    def rerun(self, key: str, signature: str | None, output: str, call: int) -> list[int]:
        """The calls of the streak this result continues (empty when it did not fail)."""
        key = same_check(key)
        action = self.actions.get(key)
        if action is None:
            if len(self.actions) >= _KEPT_ACTIONS:
                self.renamed = False
                return [call] if signature else []
            action = self.actions[key] = _Action()
        before, since = action.output, action.edits
        same = signature is not None and signature == action.signature
        alike = not same and _alike(signature, action.signature)
        if not (same or alike):
            action.streak, action.renamed = [call] if signature else [], False
        elif since and (_only_quotes(output, before, since) if same else self._no_new_names(output, since)):
            action.streak.append(call)
            action.renamed |= alike
        elif since:
            action.streak, action.renamed = [call], False  # the edit changed what it says: news, start over
        self.renamed = action.renamed
        if signature is not None:
            self.failures.append(output)
        action.output, action.signature, action.edits = output, signature, []
        return list(action.streak)

    def _no_new_names(self, output: str, edits: list[str]) -> bool:
        """Whether every name in `output` is one the latest failures printed or an edit wrote."""
        return _names(output) <= frozenset().union(*map(_names, self.failures), *map(_names, edits))


def _only_quotes(output: str, before: str, edits: list[str]) -> bool:
    """Whether every line `output` has that `before` had not is code one of the edits wrote."""
    new = _lines(output) - _lines(before)
    return all(any(_quoted(line, edit) for edit in edits) for line in new)


def same_check(key: str) -> str:
    """An action key without what only changes where a check runs or how much of it is shown.

    `cd /testbed && python repro.py`, `python repro.py 2>&1 | tail -n 12` and `python repro.py` run
    one check, and so do `python -m pytest -q tests/x.py` and `pytest -x -p no:cacheprovider
    tests/x.py`: agents spell it each of these ways between edits.
    """
    tool, _, command = key.partition(":")  # `tool:segment | segment ; argument`
    segments = [_REDIRECT.sub("", part).strip() for part in command.split(" | ")]
    segments = [part for part in segments if part and not part.startswith("cd ")]
    while len(segments) > 1 and segments[-1].split(" ", 1)[0] in ("head", "tail"):
        segments.pop()
    return f"{tool}:" + " | ".join(_what_it_checks(part) for part in segments)


def _what_it_checks(segment: str) -> str:
    """A command segment (words, then sorted flags) without its interpreter's version or verbosity flags."""
    words = [word for word in segment.split(" ") if word not in _HOW_SHOWN]
    if words and _PYTHON.fullmatch(words[0]):
        if len(words) > 1 and words[1] == "pytest":
            words = [word for word in words[1:] if word != "-m"]  # `python -m pytest` is pytest
        else:
            words[0] = "python"
    return " ".join(words)


def _alike(signature: str | None, other: str | None) -> bool:
    """The same failure but for the names it quotes."""
    if signature is None or other is None or "'" not in signature:
        return False
    return _QUOTED.sub("'…'", signature) == _QUOTED.sub("'…'", other)


@lru_cache(maxsize=256)
def _names(text: str) -> frozenset[str]:
    return frozenset(_NAME.findall(normalise(clip(text))))


def _lines(output: str) -> frozenset[str]:
    # The lines every detector reads, cached by the step tracker: the step's own and, most often, the one before.
    return frozenset(without_line_numbers(line) for line in observation_lines(output))


def _quoted(line: str, edit: str) -> bool:
    """Whether an output line is code the edit wrote (a traceback quoting it), its indentation aside."""
    code = line.strip(" '\"")
    return len(code) > 3 and code in edit
