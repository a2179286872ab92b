"""Reading the dev traces back into whole conversations: one `Run` per real SWE-bench session."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DEV = Path("/work/shared/traces/dev")
COMMAND = re.compile(r"```bash\n(.*?)\n```", re.S)
RETURNCODE = re.compile(r"^<returncode>(-?\d+)</returncode>\n<output>\n(.*)</output>$", re.S)

Message = dict[str, Any]


@dataclass
class Call:
    ts: float
    messages: list[Message]  # the whole request, delta encoding undone
    response: dict[str, Any]

    @property
    def answer(self) -> Message:
        message: Message = self.response["choices"][0]["message"]
        return message


@dataclass
class Run:
    instance: str  # e.g. django__django-11099
    family: str  # real-resolved or real-unresolved
    agent: str
    model: str
    calls: list[Call] = field(default_factory=list)

    @property
    def repo(self) -> str:
        """The project's short name: django, sympy, scikit-learn, xarray, ..."""
        return self.instance.split("__")[1].rsplit("-", 1)[0]

    def observations(self) -> list[tuple[str, int, str]]:
        """(command, returncode, output) of every well-formed exchange of the whole run."""
        found: list[tuple[str, int, str]] = []
        for call in self.calls[1:]:
            asked, told = call.messages[-2], call.messages[-1]
            commands = COMMAND.findall(asked["content"])
            shaped = RETURNCODE.match(told["content"])
            if len(commands) == 1 and shaped:
                found.append((commands[0], int(shaped.group(1)), shaped.group(2)))
        return found


def command_of(content: str) -> str | None:
    commands = COMMAND.findall(content)
    return commands[0] if len(commands) == 1 else None


@cache
def runs(directory: Path = DEV) -> dict[str, Run]:
    """The real runs (no spliced dev loops), by instance, each call's full message list rebuilt."""
    families = {}
    for line in (directory / "labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        if label["family"] in ("real-resolved", "real-unresolved"):
            families[label["session"]] = label["family"]
    found: dict[str, Run] = {}
    previous: dict[str, list[Message]] = {}
    with gzip.open(directory / "calls.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            call = json.loads(line)
            session = call["session"]
            if session not in families:
                continue
            request = call["request"]
            kept = previous.get(session, [])[: request["messages_from"]] if "messages_from" in request else []
            messages = kept + request["messages"]
            previous[session] = messages
            run = found.setdefault(session, Run(session, families[session], call["agent"], request["model"]))
            run.calls.append(Call(call["ts"], messages, call["response"]))
    return found
