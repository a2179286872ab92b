"""The dev set's real gemini-3-pro mini-swe-agent runs, and what a spliced tail needs to know about each.

Only the real runs (`real-resolved`, `real-unresolved`) are lent to the set; the dev set's own
synthetic families are left alone. A run's `Ctx` is read off its own commands (which file it works
on, how it calls python, how it runs the tests), so a tail speaks about the task the run was solving.
"""

from __future__ import annotations

import gzip
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson

from heldout17.repos import REPOS, Repo

DEV = Path("/work/shared/traces/dev")

Line = dict[str, Any]
Message = dict[str, Any]

# The patch releases the SWE-bench images ship, by minor version.
_PATCH = {"5": "10", "6": "13", "7": "16", "8": "20", "9": "20", "10": "15", "11": "11"}
_BASH = re.compile(r"```bash\n(.*?)\n```", re.S)
_HEADER = re.compile(r"(platform linux -- .*\n(?:cachedir.*\n)?rootdir.*\n(?:configfile.*\n)?(?:plugins.*\n)?)")


@dataclass
class Run:
    """One recorded run: its call lines as stored and every call's full request messages."""

    session: str
    family: str
    lines: list[Line]
    messages: list[list[Message]]

    def answer(self, k: int) -> str:
        return str(self.lines[k]["response"]["choices"][0]["message"]["content"])

    def reply(self, k: int) -> str:
        """What the harness answered to call `k` (the last message of call k+1)."""
        return str(self.messages[k + 1][-1]["content"])

    def usage(self, k: int) -> dict[str, Any]:
        return dict(self.lines[k]["response"]["usage"])

    @cached_property
    def commands(self) -> list[str]:
        found = []
        for k in range(len(self.lines)):
            match = _BASH.search(self.answer(k))
            found.append(match.group(1) if match else "")
        return found

    @cached_property
    def tokens_per_char(self) -> float:
        """Prompt tokens per character of conversation, as this run's tokenizer counted them."""
        rates: list[float] = []
        for k in range(1, len(self.lines)):
            grown = sum(len(str(m["content"])) for m in self.messages[k][len(self.messages[k - 1]) :])
            tokens = self.usage(k)["prompt_tokens"] - self.usage(k - 1)["prompt_tokens"]
            if grown > 400 and tokens > 0:
                rates.append(tokens / grown)
        return statistics.median(rates) if rates else 0.26

    @cached_property
    def completion_per_char(self) -> float:
        rates: list[float] = []
        for k in range(2, len(self.lines)):
            usage = self.usage(k)
            reasoning = usage["completion_tokens_details"].get("reasoning_tokens") or 0
            rates.append((usage["completion_tokens"] - reasoning) / max(1, len(self.answer(k))))
        return statistics.median(rates)

    @cached_property
    def provider_switch(self) -> float:
        providers = [str(line["response"].get("provider")) for line in self.lines]
        return sum(a != b for a, b in pairwise(providers)) / max(1, len(providers) - 1)


def load_runs() -> dict[str, Run]:
    labels = [orjson.loads(line) for line in (DEV / "labels.jsonl").read_bytes().splitlines() if line.strip()]
    real = {label["session"]: label["family"] for label in labels if label["family"].startswith("real-")}
    lines: dict[str, list[Line]] = {session: [] for session in real}
    with gzip.open(DEV / "calls.jsonl.gz", "rb") as stream:
        for raw in stream:
            line = orjson.loads(raw)
            if line["session"] in lines:
                lines[line["session"]].append(line)
    runs = {}
    for session, calls in lines.items():
        calls.sort(key=lambda line: line["seq"])
        full: list[list[Message]] = []
        for line in calls:
            request = line["request"]
            kept = full[-1][: request.get("messages_from", 0)] if full else []
            full.append(kept + list(request["messages"]))
        runs[session] = Run(session, real[session], calls, full)
    return runs


@dataclass(frozen=True)
class Ctx:
    """What a tail of this run may name: the repository, the file worked on, how python and tests are run."""

    repo: Repo
    src: str
    func: str
    py: str
    script: str
    target: str | None  # the tests the run itself ran, if it ran any
    header: str
    pyver: str

    @property
    def module(self) -> str:
        path = self.src.removesuffix(".py").removesuffix("/__init__")
        return path.removeprefix(self.repo.strip).replace("/", ".")

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{'.'.join(self.pyver.split('.')[:2])}/site-packages"

    @property
    def minor(self) -> int:
        return int(self.pyver.split(".")[1])

    @property
    def tests(self) -> str:
        return self.target or self.repo.target


def _is_source(path: str, repo: Repo) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith(repo.prefix) and not name.startswith("test") and "/tests/" not in path


def context(run: Run) -> Ctx:
    """The run's context as its own commands and outputs show it."""
    repo = REPOS[run.session.split("__")[1].rsplit("-", 1)[0]]
    commands = "\n".join(run.commands)
    seen = "\n".join(run.answer(k) for k in range(len(run.lines)))
    sources = Counter(p for p in re.findall(r"\b((?:src/|lib/)?[a-z_]+/[\w/]+\.py)\b", seen) if _is_source(p, repo))
    src = sources.most_common(1)[0][0] if sources else repo.src
    outputs = "\n".join(run.reply(k) for k in range(len(run.lines) - 1))
    defined = [n for n in re.findall(r"\bdef ([a-z_]\w{3,})\(", outputs) if not n.startswith(("test", "__"))]
    named = Counter(n for n in re.findall(r"`([a-z_]\w{3,})(?:\(\))?`", seen) if n in defined)
    func = named.most_common(1)[0][0] if named else defined[0] if defined else repo.func
    pythons = Counter(re.findall(r"\b(python3?) ", commands))
    py = pythons.most_common(1)[0][0] if pythons else "python"
    scripts = Counter(re.findall(r"\b((?:reproduce|repro|verify|check)\w*\.py)\b", commands))
    script = scripts.most_common(1)[0][0] if scripts else "reproduce_issue.py"
    if repo.style == "django":
        targets = re.findall(r"runtests\.py\s+(?:-v\s*\d\s+|--\w+\s+)*([a-z_]+[\w.]*)", commands)
    else:
        targets = re.findall(
            r"(?:pytest|-m pytest)\s+(?:-\w+\s+)*((?:tests?|testing|[a-z_/]+/tests)/[\w/]+\.py)", commands
        )
    targets = [t for t in targets if t not in ("python", "python3", "tests")]
    target = Counter(targets).most_common(1)[0][0] if targets else None
    headers = _HEADER.findall(outputs)
    header = headers[0] if headers else repo.header
    version = re.search(r"Python (3\.\d+\.\d+)", header)
    minor = Counter(re.findall(r"envs/testbed/lib/python3\.(\d+)/", outputs)).most_common(1)
    pyver = version.group(1) if version else f"3.{minor[0][0]}.{_PATCH[minor[0][0]]}" if minor else repo.pyver
    return Ctx(repo, src, func, py, script, target, header, pyver)
