"""aider's edits, and aider's one reply to a turn that did several things.

aider (its `diff` edit format) writes an edit as the file's path alone on a line, then, usually
inside a fence, `<<<<<<< SEARCH`, the lines to find, `=======`, their replacement and `>>>>>>>
REPLACE`; an empty SEARCH creates the file (or appends to it), several blocks may follow one
another, and a block with no path above it edits the previous block's file (as aider reads them).
Each block is one `edit` action whose arguments are the path and both texts: two different edits
are different actions, the same edit re-applied is the same one.

aider answers a turn in one user message: `I ran this command: … And got this output: …` for a
command run with `/run`, `Output from <command>` for each line of a suggested shell block it ran,
and words about the edits. When the turn did several things that message is divided among them:
a command gets its own section, an edit the lines outside those sections that name its file (an
acknowledgement, a failed match) or nothing, as an edit prints nothing.
"""

from __future__ import annotations

import re

import orjson

EDIT = "edit"  # the tool name of an edit read from a SEARCH/REPLACE block
MARKER = "<<<<< SEARCH"  # in every opening marker (aider accepts 5 to 9 `<`): the cheap test

_BLOCK = re.compile(
    r"^[ \t]*<{5,9} SEARCH>?[ \t]*\n(.*?)^[ \t]*={5,9}[ \t]*\n(.*?)^[ \t]*>{5,9} REPLACE[ \t]*$", re.S | re.M
)
_NOT_NEWLINE = re.compile(r"[^\n]")
_PATH_LINES = 3  # aider looks this far above a block for its path, through fence lines only
# The headers aider puts before a command's output (`prompts.run_output`, `handle_shell_commands`).
_RUN = re.compile(r"^(?:I ran this command:\n\n(.+?)\n\nAnd got this output:\n|Output from ([^\n]+)\n)", re.M | re.S)
RUN_MARKERS = ("I ran this command:", "Output from ")


def _path(line: str) -> str:
    """The file a line above a block names, as aider's `strip_filename` reads it ("" for none)."""
    name = line.strip()
    if name == "..." or name.startswith(("```", "<<<<<", "=====", ">>>>>")):
        return ""
    return name.rstrip(":").lstrip("#").strip().strip("`").strip("*").replace("\\_", "_")


def _path_above(text: str, start: int) -> str:
    # The lines just above the block, nearest first; only fence lines may stand between it and its path.
    for line in reversed(text[:start].rsplit("\n", _PATH_LINES + 1)[-_PATH_LINES - 1 : -1]):
        name = _path(line)
        if name:
            return name
        if not line.lstrip().startswith("```"):
            return ""
    return ""


def edit_blocks(text: str) -> list[tuple[int, int, str]]:
    """Each SEARCH/REPLACE block of a text: where it starts and ends, and its arguments as JSON."""
    found: list[tuple[int, int, str]] = []
    path = ""
    for match in _BLOCK.finditer(text):
        path = _path_above(text, match.start()) or path
        arguments = {"path": path, "search": match.group(1), "replace": match.group(2)}
        found.append((match.start(), match.end(), orjson.dumps(arguments, option=orjson.OPT_SORT_KEYS).decode()))
    return found


def blank(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with those spans blanked (newlines kept, so positions and line starts stay put)."""
    pieces: list[str] = []
    done = 0
    for start, end, _ in spans:
        pieces += [text[done:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        done = end
    return "".join(pieces) + text[done:]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def edit_path(arguments: str) -> str:
    try:
        fields = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return ""
    return str(fields.get("path") or "") if isinstance(fields, dict) else ""


def split_reply(actions: list[tuple[str, str]], reply: str) -> list[str]:
    """aider's one reply to a turn's actions (tool, text), divided into each action's result."""
    if len(actions) <= 1:
        return [reply]
    heads = list(_RUN.finditer(reply))
    sections = [
        (
            _one_line(head.group(1) or head.group(2)),
            reply[head.start() : heads[n + 1].start() if n + 1 < len(heads) else None],
        )
        for n, head in enumerate(heads)
    ]
    rest = reply[: heads[0].start()] if heads else reply  # what is not a command's output
    claimed: set[int] = set()
    results: list[str | None] = []
    for tool, text in actions:
        if tool == EDIT:
            path = edit_path(text)
            results.append("\n".join(line for line in rest.splitlines() if path and path in line))
            continue
        # aider runs a shell block line by line: the block's output is that of each of its lines.
        lines = {_one_line(line) for line in text.splitlines() if line.strip()} | {_one_line(text)}
        mine = [n for n, (command, _) in enumerate(sections) if command in lines and n not in claimed]
        claimed.update(mine)
        results.append("".join(sections[n][1] for n in mine) if mine else None)
    # A command whose output was not found by its text takes the next unclaimed section, or, when the
    # reply has none, the whole of it (the first such command only).
    unclaimed = [section for n, (_, section) in enumerate(sections) if n not in claimed]
    whole = [rest] if not sections else []
    return [result if result is not None else (unclaimed or whole or [""]).pop(0) for result in results]
