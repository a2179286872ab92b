"""Pairing each action with the observation that answered it.

The observation of the action in call k's answer arrives in call k+1's request, so a step is
complete one call after it was issued. `StepTracker` keeps, per session, only the actions still
waiting for their results.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from itertools import islice
from typing import Any, Generic, TypeVar, overload

import orjson

from regulator.detect.messages import Action, Observation, Parsed, parse
from regulator.detect.normalise import clip, command_tokens, digest, normalise, normalise_lines, without_line_numbers
from regulator.events import CallEvent

NO_ACTION = "<no action>"
_SEGMENT = " | "  # as `command_key` joins segments
# An operand that names something (a file, a service, a module), not a count or a range.
_NAME = re.compile(r"[A-Za-z_./~][\w./:=@~-]*")
_PARTS = re.compile(r"[/.:=@~]+")


# Fields that say why or how a tool is run, not what it does: they vary between two identical calls.
_INCIDENTAL = frozenset({"description", "explanation", "reason", "thought", "timeout", "timeout_ms", "workdir"})
_SHELL_WRAPPERS = frozenset({"bash", "sh", "zsh", "/bin/bash", "/bin/sh"})


def _argv(value: list[Any]) -> str | None:
    """A command given as an argv list (`["bash", "-lc", "npm test"]`) as the command line it runs."""
    if not value or not all(isinstance(part, str) for part in value):
        return None
    if len(value) >= 3 and value[0] in _SHELL_WRAPPERS and value[1] in ("-c", "-lc", "-ic"):
        return str(value[-1])
    return shlex.join(value)


@lru_cache(maxsize=8192)
def _arguments(text: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """A tool call's arguments, each tokenised like a command: `{"command": "…"}` is its command.

    Arguments that are not a JSON object are one command (a text agent's). An argv list is the
    command it runs; fields that only describe the call (`description`, `timeout`) are left out.
    """
    fields = tool_fields(text)
    if fields is not None:
        parts = []
        for name, value in sorted(fields.items()):
            if name in _INCIDENTAL:
                continue
            command = value if isinstance(value, str) else _argv(value) if isinstance(value, list) else None
            if command is not None:
                parts.append(command_tokens(command))
            else:
                parts.append(((normalise(orjson.dumps(value).decode()),),))
        return tuple(parts)
    return (command_tokens(text),)


# Tools that change files (Claude Code's Edit/Write/MultiEdit, Codex's apply_patch, OpenHands'
# str_replace_editor, aider's edit blocks …) and shell commands that write one.
# Git commands that put other code in the working tree (a bisect step, a stash, a checkout): like an
# edit, what runs next runs other code (`git -C dir …` too). Listing stashes or a bisect's log changes nothing.
_TREE_CHANGE = re.compile(
    r"\bgit\s+(?:-C\s+\S+\s+)?(?:checkout|switch|bisect(?!\s+(?:log|visuali[sz]e|view)\b)|stash(?!\s+(?:list|show)\b)"
    r"|reset|restore|apply|cherry-pick|revert|merge|rebase|pull|am)\b"
)
_EDIT_TOOLS = re.compile(r"(?i)(?:^|_)(?:edit|multi_?edit|write|apply_?patch|patch|str_replace\w*|insert|create_file)")
_EDIT_SUBCOMMANDS = frozenset({"str_replace", "create", "insert", "undo_edit", "write", "edit"})
_EDIT_SHELL = re.compile(
    r"(?:^|[;&|]\s*)(?:sed\s+(?:-\w+\s+)*-\w*i|perl\s+-\w*i|git\s+apply\b|patch\b|tee\b)"
    # `cat <<EOF >> conftest.py` adds to a file: an edit too. The target is on the redirection's line: a `>`
    # ending a line of pasted output (`<class 'X'>`) is no write (it made a pseudo-edit "retried" in heldout35).
    r"|(?:^|[^>&\d])>>?[ \t]*(?!&|/dev/)[\w./-]+"
    # A script that rewrites a file (`python -c "p.write_text(...)"`, `python - <<EOF … open(p, 'w')`).
    r"|\.write_(?:text|bytes)\(|\bopen\([^()\n]*?,\s*(?:mode\s*=\s*)?['\"][wa]b?\+?['\"]"
)


@lru_cache(maxsize=8192)
def is_edit(tool: str, text: str) -> bool:
    """Whether an action changes a file: an edit tool, an editor's `str_replace`/`create`, `sed -i`, `cat > f`."""
    fields = tool_fields(text)
    if fields is not None:
        subcommand = fields.get("command")
        if isinstance(subcommand, str) and subcommand in _EDIT_SUBCOMMANDS:
            return True
        if isinstance(subcommand, str) and subcommand in ("view", "read"):
            return False
        shell = _argv(subcommand) if isinstance(subcommand, list) else subcommand
        if isinstance(shell, str):
            return _EDIT_SHELL.search(shell) is not None
    if _EDIT_TOOLS.search(tool):
        return True
    return _EDIT_SHELL.search(text) is not None


@lru_cache(maxsize=8192)
def action_segments(tool: str, text: str) -> tuple[tuple[str, ...], ...]:
    """Every command segment of an action (split at `&&`, `;`, `|`), each its words then its sorted flags."""
    return tuple(segment for arg in _arguments(text) for segment in arg)


@lru_cache(maxsize=8192)
def action_key(tool: str, text: str) -> str:
    return tool + ":" + " ; ".join(_SEGMENT.join(" ".join(seg) for seg in arg) for arg in _arguments(text))


@lru_cache(maxsize=8192)
def action_words(tool: str, text: str) -> frozenset[str]:
    """Every word of the normalised action (a quoted expression stays one word), flags included, in no order."""
    return frozenset(word for arg in _arguments(text) for segment in arg for word in segment) | {tool}


# Fields of a tool call that hold a command line: their first word is a program, not an operand.
_COMMAND_FIELDS = frozenset({"command", "cmd", "command_line", "input", "script", "code"})


@lru_cache(maxsize=8192)
def action_operands(tool: str, text: str) -> frozenset[str]:
    """What the action is about: the names in the operands of each command (not programs, flags or numbers).

    Paths are split into their parts, so `/var/log/api/app.log`, `deploy/api` and `api` all name `api`.
    A tool call's other fields (`{"path": "src/app.py"}` of a Read or a `view`) are operands whole.
    """
    operands: set[str] = set()

    def add(word: str, whole: bool = False) -> None:
        if whole:
            operands.add(normalise(word).removeprefix("./").rstrip("/"))
        elif not word.startswith("-") and _NAME.fullmatch(word):
            operands.update(part for part in _PARTS.split(word) if part and not part.isdigit())

    fields = tool_fields(text)
    if fields is None:
        for arg in _arguments(text):
            for segment in arg:
                for word in segment[1:]:
                    add(word)
        return frozenset(operands)
    for name, value in fields.items():
        if name in _INCIDENTAL:
            continue
        command = value if isinstance(value, str) else _argv(value) if isinstance(value, list) else None
        if command is None:
            continue
        if name not in _COMMAND_FIELDS:
            add(command, whole=True)  # a path names one file: `docs/README.md` is not `README.md` elsewhere
            continue
        for segment in command_tokens(command):
            for word in segment[1:]:
                add(word)
    return frozenset(operands)


def tool_fields(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        fields = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return fields if isinstance(fields, dict) else None


def overlap(a: frozenset[str], b: frozenset[str], larger: bool = False) -> float:
    """How much of the shorter action the other one also says, words weighed by their length.

    Long words carry what an action is about (a path, an edit's expression), short ones how it is
    run (a flag, a wrapper such as `cd x &&` or `python -m`): `pytest t.py -q` and `python -m pytest
    -x t.py` overlap almost fully, two `sed -i` that change different text hardly. `larger`: of the
    longer action instead, so both must say what the other says (`rm x.py` is most of `python x.py 5`).
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return _weight(a & b) / (max if larger else min)(_weight(a), _weight(b))


@lru_cache(maxsize=8192)
def _weight(words: frozenset[str]) -> int:
    return sum(map(len, words))


# Results are cached by their clipped text (a few KB at most), not the whole of it: a cache keyed
# by the text itself keeps every result it holds alive, and results can be any size.
_RESULTS_CACHED = 1024


def observation_lines(text: str) -> tuple[str, ...]:
    """A result as every detector compares it: head and tail, volatile text and gutters normalised."""
    return _lines(clip(text))


def observation_view(text: str) -> str:
    return _view(clip(text))


def observation_digest(text: str) -> str:
    return _digest(clip(text))


@lru_cache(maxsize=_RESULTS_CACHED)
def _lines(clipped: str) -> tuple[str, ...]:
    return tuple(normalise_lines(clipped))


@lru_cache(maxsize=_RESULTS_CACHED)
def _view(clipped: str) -> str:
    return " ".join(_lines(clipped))


@lru_cache(maxsize=_RESULTS_CACHED)
def _digest(clipped: str) -> str:
    return digest(without_line_numbers(_view(clipped)))


_WORD = re.compile(r"\w+")
_TAG = re.compile(r"</?\w+>")
_SAYS_SOMETHING = 8  # words of a result beyond its tags: fewer is an acknowledgement or an exit status at most


def says_something(text: str, action: str = "") -> bool:
    """Whether a result carries information: not empty, not `(exit 0)`, not an acknowledgement.

    Words the action itself said do not count: `Success. Updated the following files: M src/x.cs`
    after an edit of `src/x.cs` says no more than `File x written successfully.`
    """
    return _says_something(text[:2000], action[:4000])


@lru_cache(maxsize=1024)  # three detectors ask about each step; keys are clipped, so the cache stays a few MB
def _says_something(text: str, action: str) -> bool:
    # Words are read only until enough are found: most results say something in their first line.
    words = _WORD.finditer(_TAG.sub(" ", text))
    if not action:
        return next(islice(words, _SAYS_SOMETHING - 1, None), None) is not None
    said = set(_WORD.findall(action))
    unsaid = (word for word in words if word.group() not in said)
    return next(islice(unsaid, _SAYS_SOMETHING - 1, None), None) is not None


_T = TypeVar("_T")


class _kept(Generic[_T]):  # lower case: a decorator, as `property` is
    """`functools.cached_property` without its lock, which Python 3.11 takes on each first read.

    Answers are pure functions of the step: two threads computing one at once would agree.
    """

    def __init__(self, question: Callable[[Step], _T]) -> None:
        self.question = question
        self.name = question.__name__
        self.__doc__ = question.__doc__

    @overload
    def __get__(self, step: None, owner: type[Step]) -> _kept[_T]: ...
    @overload
    def __get__(self, step: Step, owner: type[Step]) -> _T: ...
    def __get__(self, step: Step | None, owner: type[Step]) -> _T | _kept[_T]:
        if step is None:
            return self
        # A non-data descriptor: once kept in the instance's dict, the dict answers, not this.
        value = step.__dict__[self.name] = self.question(step)
        return value


# Not slotted: `_kept` keeps on the step what the detectors ask of it. Every detector gets the same
# Step objects (`StepTracker`), so each answer is worked out once a step.
@dataclass(frozen=True)
class Step:
    seq: int  # the call whose answer issued the action
    action: Action | None
    observation: Observation

    @_kept
    def action_key(self) -> str:
        return NO_ACTION if self.action is None else action_key(self.action.tool, self.action.text)

    @_kept
    def observation_key(self) -> str:
        return observation_digest(self.observation.text)

    @_kept
    def action_words(self) -> frozenset[str]:
        return frozenset() if self.action is None else action_words(self.action.tool, self.action.text)

    @_kept
    def action_operands(self) -> frozenset[str]:
        return frozenset() if self.action is None else action_operands(self.action.tool, self.action.text)

    @property
    def command(self) -> str:
        return "" if self.action is None else self.action.text

    @_kept
    def is_edit(self) -> bool:
        return self.action is not None and is_edit(self.action.tool, self.action.text)

    @_kept
    def changes_code(self) -> bool:
        """Whether the step changes the code the next check runs: an edit, or git putting other code in the tree."""
        return self.is_edit or _TREE_CHANGE.search(self.command) is not None

    @_kept
    def informative(self) -> bool:
        return says_something(self.observation.text, self.command)


def per_step(question: Callable[[Step], _T]) -> Callable[[Step], _T]:
    """`question`, answered once a step and kept on it, as `_kept` keeps Step's own answers.

    For questions of modules that `steps` cannot import (they import it): every detector asks
    them (is it waiting? what failed?) of the same Step objects, each answer a dozen cache look-ups
    and a clip of the result when asked again.
    """
    slot = f"{question.__module__}.{question.__qualname__}"  # not a name a property of Step could have

    @wraps(question)
    def answer(step: Step) -> _T:
        kept = step.__dict__
        if slot in kept:
            return kept[slot]  # type: ignore[no-any-return]
        value = kept[slot] = question(step)
        return value

    return answer


# The steps of the latest call, kept for the next tracker that asks with the same actions waiting:
# each detector keeps its own tracker, and the detectors see the same calls one after the other, so
# all but the first get these Step objects (and whatever is cached on their texts) as they are.
_latest: tuple[Parsed, list[Action], int, list[Step]] | None = None
_NOTHING_WAITING: list[Action] = []  # a session's first call: shared, so that it is the same each time


class StepTracker:
    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, list[Action]]] = {}

    def advance(self, event: CallEvent) -> list[Step]:
        """The steps this call completes; remembers this call's actions for the next one.

        The list may be the one another tracker got for the same call: read it, do not change it.
        """
        global _latest
        parsed = parse(event)
        session = event.record.session
        seq, waiting = self._pending.get(session, (event.seq - 1, _NOTHING_WAITING))
        self._pending[session] = (event.seq, parsed.actions)
        latest = _latest
        if latest is not None and latest[0] is parsed and latest[1] is waiting and latest[2] == seq:
            return latest[3]
        steps: list[Step] = []
        for i, observation in enumerate(parsed.observations):
            action = waiting[i] if i < len(waiting) else None
            steps.append(Step(seq, action, observation))
        _latest = (parsed, waiting, seq, steps)
        return steps

    def forget(self, session: str) -> None:
        self._pending.pop(session, None)
