"""The dev set's real runs, read back into whole conversations (the trace's delta encoding undone)."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEV = Path("/work/shared/traces/dev")
Line = dict[str, Any]
Message = dict[str, Any]

_BASH = re.compile(r"```bash\n(.*?)\n```", re.S)
# Changing a file that was there before (a new reproduction script is still exploration).
_EDIT = re.compile(r"sed -i|git apply|patch -p|perl -pi|\.write\(")
_NEW_FILE = re.compile(r"cat <<-?\s*['\"]?EOF['\"]?\s*>\s*(\S+)|cat >\s*(\S+)\s*<<")
_SCRATCH = re.compile(r"repro|test|check|debug|verify|tmp|example|demo|script|conf")
REPOS = {
    "django": "django",
    "sympy": "sympy",
    "astropy": "astropy",
    "psf": "requests",
    "scikit-learn": "sklearn",
    "matplotlib": "matplotlib",
    "sphinx-doc": "sphinx",
    "pytest-dev": "pytest",
    "pydata": "xarray",
    "pylint-dev": "pylint",
    "mwaskom": "seaborn",
    "pallets": "flask",
}


def messages_from(lines: list[Line]) -> list[list[Message]]:
    """Every call's whole `messages`, from lines that may carry `messages_from`."""
    found: list[list[Message]] = []
    for line in lines:
        request = line["request"]
        messages = list(request["messages"])
        if "messages_from" in request:
            messages = found[-1][: request["messages_from"]] + messages
        found.append(messages)
    return found


def command_of(content: str) -> str | None:
    """The one bash command of an answer (None when the harness would reject it)."""
    blocks = _BASH.findall(content)
    return blocks[0] if len(blocks) == 1 else None


def answer_of(line: Line) -> str:
    return str(line["response"]["choices"][0]["message"]["content"] or "")


@dataclass(frozen=True)
class Run:
    """One real run: its lines as recorded and every call's whole conversation."""

    instance: str
    resolved: bool
    lines: list[Line]
    messages: list[list[Message]]

    @property
    def repo(self) -> str:
        return REPOS[self.instance.split("__")[0]]

    @property
    def task(self) -> str:
        return str(self.messages[0][1]["content"])

    def commands(self) -> list[str | None]:
        return [command_of(answer_of(line)) for line in self.lines]

    def exchanges(self, upto: int) -> list[tuple[str, str]]:
        """(command, observation) of the first `upto` answers whose observation is in the run."""
        last = self.messages[min(upto, len(self.lines) - 1)]
        found = []
        for answer, seen in zip(last[2::2], last[3::2], strict=False):
            command = command_of(str(answer["content"]))
            if command is not None:
                found.append((command, str(seen["content"])))
        return found[:upto]

    def first_edit(self) -> int:
        """The first call whose answer changes a file that was already there."""
        for seq, command in enumerate(self.commands()):
            if command is None:
                continue
            new = _NEW_FILE.search(command)
            if _EDIT.search(command) or (new and not _SCRATCH.search(new.group(1) or new.group(2))):
                return seq
        return len(self.lines)

    def python(self) -> str:
        """The testbed's Python (3.x), as its outputs show it."""
        text = "".join(str(m["content"]) for m in self.messages[-1])
        found = re.search(r"envs/testbed/lib/python(3\.\d+)", text)
        return found.group(1) if found else "3.9"


@cache
def runs(dev: Path = DEV) -> dict[str, Run]:
    """The real runs of the dev set (not its synthetic sessions), by instance id."""
    resolved = {}
    for raw in (dev / "labels.jsonl").read_text().splitlines():
        row = json.loads(raw)
        if row["family"] in ("real-resolved", "real-unresolved"):
            resolved[row["session"]] = bool(row["resolved"])
    by_session: dict[str, list[Line]] = defaultdict(list)
    with gzip.open(dev / "calls.jsonl.gz", "rt", encoding="utf-8") as lines:
        for raw in lines:
            if raw.startswith('{"v":1,"session":"') and raw[18 : raw.index('"', 18)] not in resolved:
                continue  # a synthetic session: skipped before parsing, for speed
            line = json.loads(raw)
            if line["session"] in resolved:
                by_session[line["session"]].append(line)
    return {
        name: Run(name, resolved[name], lines, messages_from(lines))
        for name, lines in sorted(by_session.items())
        if name in resolved
    }
