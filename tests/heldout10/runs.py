"""The dev set's real runs, as the tenth held-out set reads them, and the harness's replies.

Everything a spliced episode needs to look like the run it is spliced into comes from the run itself
or, failing that, from other real runs of the same repository: the Python and pytest versions the
sandbox printed, the files and tests the agent named, whole files it `cat`-ed.
"""

from __future__ import annotations

import builtins
import gzip
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEV = Path("/work/shared/traces/dev")
Message = dict[str, Any]
Line = dict[str, Any]

# Where each repository keeps its code (instance ids start with the GitHub owner).
PACKAGES = {
    "django": "django/",
    "sympy": "sympy/",
    "sphinx-doc": "sphinx/",
    "astropy": "astropy/",
    "scikit-learn": "sklearn/",
    "matplotlib": "lib/matplotlib/",
    "pydata": "xarray/",
    "pytest-dev": "src/_pytest/",
    "pylint-dev": "pylint/",
    "psf": "requests/",
    "mwaskom": "seaborn/",
    "pallets": "src/flask/",
}
_BLOCK = re.compile(r"```bash\n(.*?)\n```", re.S)
_PATH = re.compile(r"(?<![\w/.-])(?:\./)?((?:[\w-]+/)+[\w-]+\.py)\b")
_IDENT = re.compile(r"`([A-Za-z_][\w.]{3,40})(?:\(\))?`")
_BUILTINS = {*dir(builtins), "py", "txt", "rst", "self", "args", "kwargs"}
_DEFINED = re.compile(r"def (\w{4,40})\b")


def command_of(content: str) -> str:
    found = _BLOCK.findall(content)
    return found[-1].strip() if found else ""


def observation(returncode: int, output: str) -> str:
    """What mini-swe-agent sends back, eliding all but 5000 characters each side past 10000."""
    if len(output) < 10_000:
        return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"
    return (
        f"<returncode>{returncode}</returncode>\n<warning>\nThe output of your last command was too long.\n"
        "Please try a different command that produces less output.\n"
        "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
        "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
        "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n"
        f"</warning><output_head>\n{output[:5000]}\n</output_head>\n<elided_chars>\n{len(output) - 10_000} characters elided\n"
        f"</elided_chars>\n<output_tail>\n{output[-5000:]}\n</output_tail>"
    )


def timed_out(command: str, output: str) -> str:
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\n"
        f"The output of the command was:\n <output>\n{output}\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )


def format_error(actions: int) -> str:
    return (
        f"Please always provide EXACTLY ONE action in triple backticks, found {actions} actions.\n\n"
        "Please format your action in triple backticks as shown in <response_example>.\n\n<response_example>\n"
        "Here are some thoughts about why you want to perform the action.\n\n```bash\n<action>\n```\n"
        "</response_example>\n\nIf you have completed your assignment, please consult the first message about how to\n"
        "submit your solution (you will not be able to continue working on this task after that)."
    )


@dataclass(frozen=True)
class Act:
    """One exchange: the agent's answer, the harness's reply, and how long the command ran."""

    content: str
    reply: str
    secs: float


def act(thought: str, command: str, reply: str, secs: float) -> Act:
    return Act(f"THOUGHT: {thought}\n\n```bash\n{command}\n```", reply, secs)


def run_cmd(thought: str, command: str, returncode: int, output: str, secs: float) -> Act:
    return act(thought, command, observation(returncode, output), secs)


def slip(thought: str, commands: list[str]) -> Act:
    """An answer with several code blocks, which the harness refuses without running any."""
    blocks = "\n\nThen:\n\n".join(f"```bash\n{c}\n```" for c in commands)
    return Act(f"THOUGHT: {thought}\n\n{blocks}", format_error(len(commands)), 0.0)


@dataclass
class Run:
    """A real run: its calls, the full request of each, and what it says about its sandbox."""

    session: str
    label: str
    lines: list[Line]
    requests: list[list[Message]]
    texts: str = ""  # every message of the run, for finding what it printed
    sources: list[str] = field(default_factory=list)  # package files the agent named, most named first
    tests: list[str] = field(default_factory=list)
    header: str = ""  # pytest's session header as this run's sandbox printed it, if it ran pytest

    @property
    def repo(self) -> str:
        return self.session.split("__")[0]

    @property
    def slug(self) -> str:
        """owner/name on GitHub."""
        owner, rest = self.session.split("__")
        return f"{owner}/{rest.rsplit('-', 1)[0]}"

    @property
    def number(self) -> int:
        return int(self.session.rsplit("-", 1)[1])

    @property
    def task(self) -> str:
        return str(self.requests[0][1]["content"])

    def command(self, seq: int) -> str:
        return command_of(self.lines[seq]["response"]["choices"][0]["message"]["content"])

    def chars(self, seq: int) -> int:
        return sum(len(m["content"]) for m in self.requests[seq])

    def tokens_per_char(self) -> float:
        """The run's own marginal prompt tokens per character of conversation."""
        first, last = 0, len(self.lines) - 1
        grown = self.chars(last) - self.chars(first)
        tokens = (
            self.lines[last]["response"]["usage"]["prompt_tokens"] - self.lines[0]["response"]["usage"]["prompt_tokens"]
        )
        return tokens / grown if grown > 0 and tokens > 0 else 0.3

    def idents(self) -> list[str]:
        """Names the task is about, as the PR description quotes them."""
        names = [n.split(".")[-1] for n in _IDENT.findall(self.task)]
        names = [
            n
            for n in names
            if n.isidentifier() and not n.endswith(("Error", "Warning", "Exception")) and n not in _BUILTINS
        ]
        functions = [n for n in names if n[0].islower()]  # the agent's debugging revolves around callables
        grepped = [
            n for n in _DEFINED.findall(self.texts) if not n.startswith(("test", "__", "main", "repro"))
        ]  # what the agent looked up
        return list(dict.fromkeys(functions + names + grepped[:3])) or ["value"]


def _reconstruct(lines: list[Line]) -> list[list[Message]]:
    out: list[list[Message]] = []
    previous: list[Message] = []
    for line in lines:
        request = line["request"]
        start = request.get("messages_from")
        messages = (previous[:start] if start is not None else []) + request["messages"]
        out.append(messages)
        previous = messages
    return out


@dataclass
class Dev:
    """The dev set's real runs (none spliced), and per repository what their sandboxes printed."""

    runs: dict[str, Run]
    files: dict[str, dict[str, str]]  # repo → path → content, from whole-file `cat`s of real runs
    test_names: dict[str, list[str]]  # repo → test function names real runs printed

    def by_label(self, label: str) -> list[Run]:
        return [run for _, run in sorted(self.runs.items()) if run.label == label]


def load() -> Dev:
    labels = [json.loads(x) for x in (DEV / "labels.jsonl").read_text().splitlines()]
    real = {x["session"]: x["family"] for x in labels if x["family"].startswith("real-")}
    grouped: dict[str, list[Line]] = defaultdict(list)
    with gzip.open(DEV / "calls.jsonl.gz", "rt", encoding="utf-8") as handle:
        for raw in handle:
            line = json.loads(raw)
            if line["session"] in real:
                grouped[line["session"]].append(line)
    runs: dict[str, Run] = {}
    files: dict[str, dict[str, str]] = defaultdict(dict)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for session, lines in sorted(grouped.items()):
        if "cost" not in lines[0]["response"]["usage"]:
            continue  # the few runs recorded through another gateway carry no cost to imitate
        lines.sort(key=lambda x: x["seq"])
        requests = _reconstruct(lines)
        run = Run(session, real[session], lines, requests)
        final = requests[-1]
        run.texts = "\n".join(m["content"] for m in final)
        header = re.search(r"platform linux -- Python 3\.\d+\.\d+[^\n]*\n(?:[^\n]*\n){0,5}?(?=collect)", run.texts)
        run.header = header.group(0) if header else ""
        _note_files(run, final, files[run.repo])
        names[run.repo].update(re.findall(r"\b(test_[a-z0-9_]{4,50})\b", run.texts))
        runs[session] = run
    test_names = {repo: [n for n, _ in counts.most_common(400)] for repo, counts in names.items()}
    return Dev(runs, dict(files), test_names)


def _note_files(run: Run, final: list[Message], files: dict[str, str]) -> None:
    package = PACKAGES.get(run.repo, "")
    mentioned: Counter[str] = Counter()
    for answer, reply in zip(final[2::2], final[3::2], strict=False):
        command = command_of(answer["content"])
        for path in _PATH.findall(command):
            mentioned[path] += 1
        whole = re.fullmatch(r"cat (?:\./)?((?:[\w-]+/)+[\w-]+\.py)", command)
        head = "<returncode>0</returncode>\n<output>\n"
        if whole and reply["content"].startswith(head) and reply["content"].endswith("</output>"):
            text = reply["content"][len(head) : -len("</output>")]
            if text.count("\n") > 20:
                files.setdefault(whole.group(1), text)
    ordered = [p for p, _ in mentioned.most_common()]
    is_test = re.compile(r"(^|/)tests?/|(^|/)testing/|test_\w+\.py$")
    run.sources = [p for p in ordered if p.startswith(package) and not is_test.search(p)]
    run.tests = [p for p in ordered if is_test.search(p) and "reproduce" not in p]


def sandbox(run: Run, dev: Dev) -> tuple[str, str]:
    """(python version, pytest header) the run's sandbox printed, else the nearest same-repo run's."""
    nearest = sorted(
        (r for r in dev.runs.values() if r.repo == run.repo and r.header), key=lambda r: abs(r.number - run.number)
    )
    header = run.header or (nearest[0].header if nearest else "")
    python = re.search(r"envs/testbed/lib/python(3\.\d+)", run.texts) or re.search(r"Python (3\.\d+)", header)
    version = python.group(1) if python else "3.9"
    return version, header or f"platform linux -- Python {version}.20, pytest-7.4.0, pluggy-1.5.0\nrootdir: /testbed\n"
