"""The dev set's real gemini-3-pro runs, and what each says about its repository.

Only OpenRouter runs are lent: they carry the provider's recorded cost, which every spliced call
must reproduce by the same formula (Portkey runs recorded none).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from regulator.traces.format import Label, TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")

COMMAND = re.compile(r"```bash\n(.*?)\n```", re.S)

# owner -> (import name, where the package lives, python of the testbed when no output names it)
REPOS: dict[str, tuple[str, str, str]] = {
    "astropy": ("astropy", "astropy", "3.9"),
    "django": ("django", "django", "3.9"),
    "matplotlib": ("matplotlib", "lib/matplotlib", "3.8"),
    "mwaskom": ("seaborn", "seaborn", "3.9"),
    "pallets": ("flask", "src/flask", "3.11"),
    "psf": ("requests", "requests", "3.9"),
    "pydata": ("xarray", "xarray", "3.10"),
    "pylint-dev": ("pylint", "pylint", "3.9"),
    "pytest-dev": ("_pytest", "src/_pytest", "3.9"),
    "scikit-learn": ("sklearn", "sklearn", "3.6"),
    "sphinx-doc": ("sphinx", "sphinx", "3.9"),
    "sympy": ("sympy", "sympy", "3.9"),
}
PATCH = {
    "3.5": "3.5.6",
    "3.6": "3.6.13",
    "3.7": "3.7.16",
    "3.8": "3.8.20",
    "3.9": "3.9.20",
    "3.10": "3.10.15",
    "3.11": "3.11.11",
}


def dotted(path: str) -> str:
    """The module a package file is imported as."""
    for prefix in ("lib/", "src/"):
        path = path.removeprefix(prefix)
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def command_of(answer: str) -> str:
    found = COMMAND.search(answer)
    return found.group(1) if found else ""


@dataclass
class Run:
    """One real run: its calls as recorded and the facts about its repository its text shows."""

    session: str
    calls: list[TraceCall]
    resolved: bool
    tree: list[str] = field(default_factory=list)  # files of its repository any dev run shows

    @property
    def owner(self) -> str:
        return self.session.split("__")[0]

    @property
    def package(self) -> str:
        return REPOS[self.owner][0]

    @property
    def top(self) -> str:
        """The distribution's name as pip and the import path show it."""
        return {"_pytest": "pytest", "sklearn": "scikit-learn"}.get(self.package, self.package)

    @cached_property
    def exchanges(self) -> list[tuple[str, str]]:
        """(answer, reply) for every answer of the run; the last answer (the submission) has no reply."""
        messages = [*self.calls[-1].messages[2:], self.calls[-1].response["choices"][0]["message"]]
        answers = [str(m["content"]) for m in messages if m["role"] == "assistant"]
        replies = [str(m["content"]) for m in messages if m["role"] == "user"]
        return [(a, replies[i] if i < len(replies) else "") for i, a in enumerate(answers)]

    @cached_property
    def text(self) -> str:
        return "\n".join(a + "\n" + r for a, r in self.exchanges)

    @cached_property
    def python(self) -> str:
        seen = Counter(re.findall(r"envs/testbed/lib/python(3\.\d+)", self.text))
        return seen.most_common(1)[0][0] if seen else REPOS[self.owner][2]

    @property
    def python_full(self) -> str:
        found = re.search(r"Python (" + re.escape(self.python) + r"\.\d+)", self.text)
        return found.group(1) if found else PATCH[self.python]

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}/site-packages"

    def _paths(self, tests: bool) -> list[str]:
        root = REPOS[self.owner][1]
        seen: Counter[str] = Counter()
        for answer, _ in self.exchanges:
            for path in re.findall(r"(?<![\w/.])((?:" + re.escape(root) + r"|tests?|testing)/[\w/]+\.py)\b", answer):
                if path.endswith(("runtests.py", "conftest.py")):
                    continue
                if (re.search(r"(^|/)(tests?|testing)/", path) is not None) == tests:
                    seen[path] += 1
        return [path for path, _ in seen.most_common()]

    @property
    def source(self) -> str:
        """The package file the agent worked on most."""
        return self.sources[0]

    @property
    def module(self) -> str:
        return dotted(self.source)

    def numbered(self, path: str) -> dict[int, str]:
        """Lines of `path` naming the run's symbol, as the run printed them with their numbers (`nl -ba`, `cat -n`)."""
        lines: dict[int, str] = {}
        for answer, reply in self.exchanges:
            command = command_of(answer)
            if path in command and re.match(r"(nl -ba|cat -n) ", command) and "<warning>" not in reply:
                for number, code in re.findall(r"^ *(\d+)\t(.*)$", reply, re.M):
                    lines[int(number)] = code
        return {n: code for n, code in lines.items() if re.search(r"\b" + re.escape(self.symbol) + r"\b", code)}

    @cached_property
    def sources(self) -> list[str]:
        """Package files the agent named in its commands, the most named first."""
        return self._paths(tests=False)

    @cached_property
    def test_file(self) -> str:
        found = self._paths(tests=True)
        if found:
            return found[0]
        folder, name = self.source.rsplit("/", 1)
        if self.owner == "django":
            return f"tests/{folder.split('/')[-1]}/tests.py"
        return f"{folder}/tests/test_{name}"

    @cached_property
    def test_names(self) -> list[str]:
        """Test functions the run's outputs show, the test file's first."""
        names: Counter[str] = Counter()
        for name in re.findall(r"(?:def |::)(test_\w+)\b|\b(test_\w+) \(", self.text):
            names[name[0] or name[1]] += 1
        return [name for name, _ in names.most_common()] or [f"test_{self.module.rsplit('.', 1)[-1]}"]

    @cached_property
    def script(self) -> str:
        """The reproduction script the agent wrote (or would have)."""
        for answer, _ in self.exchanges:
            found = re.search(r"cat <<'?EOF'? > (\w+\.py)", command_of(answer))
            if found and not found.group(1).startswith("test"):
                return found.group(1)
        return "reproduce_issue.py"

    @cached_property
    def symbol(self) -> str:
        """A function or class of the source file the agent named in its thoughts."""
        defined = set(re.findall(r"(?:def|class) (\w+)", self.text))
        named: Counter[str] = Counter()
        for answer, _ in self.exchanges:
            for name in re.findall(r"`(\w{4,})(?:\(\))?`", answer.split("```bash")[0]):
                if name in defined and not name.startswith(("test", "__")):
                    named[name] += 1
        return named.most_common(1)[0][0] if named else self.module.rsplit(".", 1)[-1]

    @cached_property
    def pytest_header(self) -> str:
        """The run's own pytest session header up to the `collected` line, or one for its repository."""
        found = re.search(
            r"=+ test session starts =+\n(platform linux.*?\n)(?=collect)", self.text.replace("\x1b", ""), re.S
        )
        if found and "[0m" not in found.group(0) and len(found.group(0)) < 1500:
            return found.group(0)
        if self.python == "3.6":  # the last pytest for 3.6, and how it printed its configuration
            return (
                "============================= test session starts ==============================\n"
                f"platform linux -- Python {self.python_full}, pytest-6.2.4, py-1.11.0, pluggy-0.13.1\n"
                "rootdir: /testbed, configfile: setup.cfg\n"
            )
        return (
            "============================= test session starts ==============================\n"
            f"platform linux -- Python {self.python_full}, pytest-7.4.4, pluggy-1.5.0\n"
            "rootdir: /testbed\nconfigfile: setup.cfg\n"
        )


def load_runs() -> dict[str, Run]:
    """Every real OpenRouter run of the dev set, by session."""
    labels: dict[str, Label] = read_labels(DEV / "labels.jsonl")
    calls: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([DEV / "calls.jsonl.gz"]):
        if labels[call.session].family in ("real-resolved", "real-unresolved"):
            calls[call.session].append(call)
    runs = {
        session: Run(session, run, bool(labels[session].resolved))
        for session, run in sorted(calls.items())
        if run[0].response["id"].startswith("gen-")
    }
    trees: dict[str, set[str]] = defaultdict(set)
    for run in runs.values():
        roots = (REPOS[run.owner][1].split("/")[0], "tests", "testing", "doc", "docs", "examples")
        for path in re.findall(r"(?<![\w/.-])((?:[\w-]+/)+[\w-]+\.(?:py|pyx|pxd|c|txt|rst|cfg|toml|ini))\b", run.text):
            if path.split("/")[0] in roots:
                trees[run.owner].add(path)
    for run in runs.values():
        run.tree = sorted(trees[run.owner])
    return runs
