"""Reruns after an edit: did the edit change what the command says, beyond quoting the edit itself?

An agent stuck on a bug it cannot fix edits, reruns the failing test, edits again: every rerun fails
the same way. Its output still changes a little, because a traceback shows the failing source line
and the edit rewrote that line; that is the agent's own text coming back, not news. Debug prints,
another failing assertion or a new error are news. `Reruns` keeps, per action, what it printed last
and the edits made since, and counts the streak of reruns that failed the same way after an edit and
said nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from regulator.detect.normalise import clip, normalise, normalise_lines, without_line_numbers

_KEPT_ACTIONS = 32  # actions whose latest output is kept per session
_KEPT_EDITS = 3  # edits remembered since an action last ran


@dataclass(slots=True)
class _Action:
    output: str = ""
    signature: str | None = None
    edits: list[str] = field(default_factory=list)  # normalised, made since the action last ran
    streak: list[int] = field(default_factory=list)  # calls of the current streak


@dataclass(slots=True)
class Reruns:
    actions: dict[str, _Action] = field(default_factory=dict)
    # Failures met first after an edit, however the check was spelled, and how many of the latest of
    # them only brought back one met before (two fixes taking turns bring back each other's failure).
    after_edits: list[str] = field(default_factory=list)
    returns: list[int] = field(default_factory=list)
    _edited: bool = False

    def edited(self, command: str) -> None:
        self._edited = True
        text = normalise(command)
        for action in self.actions.values():
            if len(action.edits) < _KEPT_EDITS:
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
        action = self.actions.get(key)
        if action is None:
            if len(self.actions) >= _KEPT_ACTIONS:
                return [call] if signature else []
            action = self.actions[key] = _Action()
        before, since = action.output, action.edits
        same = signature is not None and signature == action.signature
        if not same:
            action.streak = [call] if signature else []
        elif since and _only_quotes(output, before, since):
            action.streak.append(call)
        elif since:
            action.streak = [call]  # the edit changed what it says: news, a streak starts over
        action.output, action.signature, action.edits = output, signature, []
        return list(action.streak)


def _only_quotes(output: str, before: str, edits: list[str]) -> bool:
    """Whether every line `output` has that `before` had not is code one of the edits wrote."""
    new = _lines(output) - _lines(before)
    return all(any(_quoted(line, edit) for edit in edits) for line in new)


def _lines(output: str) -> frozenset[str]:
    return frozenset(without_line_numbers(line) for line in normalise_lines(clip(output)))


def _quoted(line: str, edit: str) -> bool:
    """Whether an output line is code the edit wrote (a traceback quoting it), its indentation aside."""
    code = line.strip(" '\"")
    return len(code) > 3 and code in edit
