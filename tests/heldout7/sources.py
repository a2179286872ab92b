"""What the real runs showed of their repositories' files: line numbers and text, read back from the
`nl -ba`, `cat -n`, `grep -n` and `sed -n` outputs of the runs before they changed anything.

A spliced tail reads the same file the real run read, and reads it the same way until it edits it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from .runs import Run, runs

Lines = dict[int, str]
_PATH = r"(?:/testbed/|\./)?([\w./-]+\.(?:py|cfg|toml|ini|txt|rst))"
_NL = re.compile(rf"^(?:nl -ba|cat -n) {_PATH}(?: \| sed -n '?(\d+),(\d+)p'?)?$")
_SED = re.compile(rf"^sed -n '(\d+),(\d+)p' {_PATH}$")
_WHOLE = re.compile(rf"^(?:cat|head -n \d+|head -\d+) {_PATH}$")
_GREP = re.compile(rf"^grep -n (?:-\w+ )*(?:\"[^\"]+\"|'[^']+'|\S+) {_PATH}$")
_NUMBERED = re.compile(r"^\s*(\d+)\t(.*)$")
_GREPPED = re.compile(r"^(\d+)[:-](.*)$")


def is_test(path: str) -> bool:
    parts = path.split("/")
    return any(part in ("tests", "testing", "test") for part in parts[:-1]) or parts[-1].startswith(
        ("test_", "tests.", "conftest")
    )


def output_of(observation: str) -> str | None:
    """The whole output of a command that succeeded and was not cut short."""
    found = re.match(r"<returncode>0</returncode>\n<output>\n(.*)</output>$", observation, re.S)
    return found.group(1) if found else None


def _harvest(command: str, output: str) -> tuple[str, Lines] | None:
    text = output.rstrip("\n").split("\n")
    if found := _NL.match(command):
        rows = [_NUMBERED.match(row) for row in text]
        if rows and all(rows):
            return found.group(1), {int(r.group(1)): r.group(2) for r in rows if r}
    if found := _SED.match(command):
        first = int(found.group(1))
        if len(text) <= int(found.group(2)) - first + 1:
            return found.group(3), {first + i: row for i, row in enumerate(text)}
    if (found := _WHOLE.match(command)) and text != [""]:
        return found.group(1), {i + 1: row for i, row in enumerate(text)}
    if found := _GREP.match(command):
        rows = [_GREPPED.match(row) for row in text]
        if rows and all(rows):
            return found.group(1), {int(r.group(1)): r.group(2) for r in rows if r}
    return None


def seen_in(run: Run, upto: int) -> dict[str, Lines]:
    """The files the run read in its first `upto` answers, before it changed anything."""
    files: dict[str, Lines] = defaultdict(dict)
    for command, observation in run.exchanges(min(upto, run.first_edit())):
        output = output_of(observation)
        harvested = _harvest(command.strip(), output) if output is not None else None
        if harvested:
            files[harvested[0]].update(harvested[1])
    return dict(files)


@cache
def repo_files(repo: str) -> dict[str, Lines]:
    """Every file some real run of `repo` read before its first edit, as the run that saw most of it saw
    it (runs are at different commits: mixing them would mix versions)."""
    files: dict[str, Lines] = {}
    for run in runs().values():
        if run.repo == repo:
            for path, lines in seen_in(run, len(run.lines)).items():
                if len(lines) > len(files.get(path, {})):
                    files[path] = lines
    return files


def blocks(lines: Lines, least: int) -> list[tuple[int, int]]:
    """Runs of consecutive known lines at least `least` long: (first, last)."""
    found = []
    numbers = sorted(lines)
    start = prev = numbers[0] if numbers else 0
    for number in [*numbers[1:], -1]:
        if number != prev + 1:
            if prev - start + 1 >= least:
                found.append((start, prev))
            start = number
        prev = number
    return found
