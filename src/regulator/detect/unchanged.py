"""Checks re-run with nothing changed: many runs since the agent last changed a file, some of them again.

An agent that works changes something between its checks: an edit, then the test; another edit, the
test again. One that has lost its way keeps running things without changing anything they could
tell apart — the fix is in and every check passes, yet it adds another; the test it runs selects
nothing, so it tries another selection, then the first again; the build fails, it rebuilds with
other flags, rebuilds again. No failure need come back the same way twice (or at all), so the error
detectors see nothing, and the commands vary enough for `repetition` and `stale`.

What does not vary: since the latest change to the code (an edit, or git checking out other code: a
bisect step tries another commit), the agent has run at least `min_runs` commands (reads — `cat`,
`grep`, `ls`, `git diff`, an editor's view — and waiting do not count) and at least `min_repeats` of
its steps since then are ones it had already taken since that change (the same normalised action;
for a read, numbers aside: `head -n 40` then `head -n 80`): the same check asked again of the same
code. A sweep that runs each package's tests once after a fix repeats nothing; debugging changes
files between runs. Only after the agent's first change: exploring a repository before touching it
is reading, not re-checking.

State per session: a counter, and the actions taken since the latest change (hashed) and the commands
run since (their first 80 characters), at most `_KEPT` of each. Hashes are `stable_hash`es, so a replay
decides the same in every process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from regulator.detect.base import Finding, SessionStates, call_span, quote
from regulator.detect.normalise import command_tokens
from regulator.detect.seen import stable_hash
from regulator.detect.steps import Step, StepTracker, tool_fields
from regulator.detect.waiting import waits
from regulator.events import CallEvent

_KEPT = 64  # actions remembered since the latest change (the finding needs far fewer)
_SHOWN = 6  # commands the evidence quotes
_FLAGS = re.compile(r"(?<!\S)--?[\w-]+(?:=\S*)?")  # `-q`, `--lf`, `--maxfail=2`; a flag's separate value stays
_DIGITS = re.compile(r"(?<![\w.])\d+(?![\w.])")  # `head -n 40` and `head -n 80` are one request

# Programs that only read: running them checks nothing about the code.
_READERS = frozenset(
    {
        "cat", "grep", "egrep", "fgrep", "rg", "ag", "ls", "ll", "find", "fd", "sed", "head", "tail", "nl",
        "wc", "which", "whereis", "type", "env", "printenv", "echo", "printf", "pwd", "tree", "awk", "file",
        "stat", "du", "df", "less", "more", "diff", "cut", "sort", "uniq", "true", "cd", "od", "xxd",
        "hexdump", "realpath", "readlink", "dirname", "basename", "column", "tr", "jq", "view", "bat",
    }
)  # fmt: skip
_GIT_READERS = frozenset({"status", "log", "diff", "show", "branch", "blame", "grep", "ls-files", "rev-parse"})
_COMMAND_FIELDS = ("command", "cmd", "command_line", "input", "script", "code")
_EDITOR_READS = frozenset({"view", "read", "open", "list", "search", "find"})


def _command(text: str) -> str | None:
    """The command line an action runs, or None for a tool call that runs nothing (a read, a search)."""
    fields = tool_fields(text)
    if fields is None:
        return text
    for name in _COMMAND_FIELDS:
        value = fields.get(name)
        if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
            return str(value[-1]) if len(value) >= 3 and value[1] in ("-c", "-lc") else " ".join(value)
        if isinstance(value, str):
            return None if value in _EDITOR_READS else value
    return None


def runs_something(step: Step) -> bool:
    """Whether a step runs a program that could check the code (a test, a script, a build), not only reads."""
    return step.action is not None and _runs(step.action.text)


@lru_cache(maxsize=4096)
def _runs(text: str) -> bool:
    """Whether an action's command runs anything besides readers."""
    command = _command(text)
    if command is None:
        return False
    for segment in command_tokens(command):
        words = [word for word in segment if not word.startswith("-")]
        while words and "=" in words[0] and not words[0].startswith("="):  # `CFLAGS=… make`
            words = words[1:]
        if not words:
            continue
        program = words[0].rsplit("/", 1)[-1]
        if program == "git":
            if len(words) < 2 or words[1] not in _GIT_READERS:
                return True
        elif program not in _READERS:
            return True
    return False


@dataclass(slots=True)
class _Session:
    changed: bool = False  # the agent has changed a file in this session
    runs: list[tuple[int, str]] = field(default_factory=list)  # (call, command) run since the latest change
    taken: set[int] = field(default_factory=set)  # hashes of the actions taken since the latest change
    again: int = 0  # steps since the latest change that repeat one taken since


class UnchangedDetector:
    name = "unchanged"

    def __init__(self, min_runs: int = 10, min_repeats: int = 4) -> None:
        self.min_runs = min_runs
        self.min_repeats = min_repeats
        self._steps = StepTracker()
        self._sessions: SessionStates[_Session] = SessionStates(_Session)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        state = self._sessions.of(session)
        for step in self._steps.advance(event):
            if step.action is None or waits(step):
                continue
            if step.changes_code:  # an edit, or git checking out other code (a bisect step)
                state.changed = True
                state.runs.clear()
                state.taken.clear()
                state.again = 0
                continue
            if not state.changed:
                continue
            run = runs_something(step)
            # A read asking for more of the same (`head -n 40`, then `-n 80`) is the same read; a
            # script run with another argument (`python debug.py 11`, then `26`) is another check, but
            # the same suite run with other flags (`--lf`, `--sw`, `-q`, `--maxfail=2`) is the same check.
            key = stable_hash(
                " ".join(_FLAGS.sub("", step.action_key).split()) if run else _DIGITS.sub("#", step.action_key)
            )
            if key in state.taken:
                state.again += 1
            elif len(state.taken) < _KEPT:
                state.taken.add(key)
            if run and len(state.runs) < _KEPT:
                state.runs.append((step.seq + 1, step.command[:80]))
        runs = len(state.runs)
        if runs < self.min_runs or state.again < self.min_repeats:
            return []
        severity = min(0.8, 0.6 + 0.05 * (runs - self.min_runs))
        calls = [seq for seq, _ in state.runs]
        shown = ", ".join(quote(c, 40) for c in list(dict.fromkeys(c for _, c in state.runs))[-_SHOWN:])
        evidence = (
            f"{runs} commands run since the agent last changed a file ({call_span(calls)}), and {state.again} "
            f"steps since then repeat one taken since — the same checks asked of the same code: {shown} "
            f"(severity 0.6 from {self.min_runs} runs with {self.min_repeats} repeats, +0.05 a run)"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key="unchanged")]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._sessions.forget(session)
