"""The dev set's real runs, read once, and what a family needs to know about each of them."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from regulator.traces.format import TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")

_BLOCK = re.compile(r"```bash\n(.*?)\n```", re.S)
_SOURCE = re.compile(
    r"\b((?:django|sympy|astropy|sklearn|xarray|sphinx|lib/matplotlib|src/_pytest|requests|pylint|seaborn|src/flask)/[\w/]+\.py)\b"
)
_TEST = re.compile(r"\b((?:tests?|[\w/]+/tests?)/[\w/]*test_\w+\.py)\b")
_DEF = re.compile(r"\bdef ([a-z_][a-z0-9_]{3,})\(")
_SPHINX = re.compile(r"Running Sphinx (v[\w.+/-]+)")


@dataclass
class Run:
    """One real run: its calls as recorded and the facts families draw on."""

    session: str
    resolved: bool
    calls: list[TraceCall]
    source: str = ""
    test_file: str = ""
    symbol: str = ""
    sphinx: str = ""
    sources: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)

    @property
    def repo(self) -> str:
        return self.session.split("__")[0]

    @property
    def project(self) -> str:
        """The package name as imported (django, sympy, sklearn, …)."""
        name = self.session.split("__")[1].rsplit("-", 1)[0]
        return {"scikit-learn": "sklearn", "sphinx": "sphinx", "pytest": "_pytest"}.get(name, name)

    def tokens_per_char(self) -> float:
        """How the run's prompt_tokens grew with the characters of its messages."""
        first, last = self.calls[0], self.calls[-1]
        chars = message_chars(last) - message_chars(first)
        tokens = last.response["usage"]["prompt_tokens"] - first.response["usage"]["prompt_tokens"]
        return tokens / chars if chars > 0 and tokens > 0 else 0.31

    def chars_per_completion_token(self) -> float:
        ratios = [
            len(content(call)) / call.response["usage"]["completion_tokens"]
            for call in self.calls
            if not reasoning_tokens(call) and call.response["usage"]["completion_tokens"] > 0
        ]
        return statistics.median(ratios) if ratios else 3.4


def content(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"] or "")


def reasoning_tokens(call: TraceCall) -> int:
    details = call.response["usage"].get("completion_tokens_details") or {}
    return int(details.get("reasoning_tokens") or 0)


def message_chars(call: TraceCall) -> int:
    return sum(len(message["content"]) for message in call.messages)


def commands(run: Run) -> list[str]:
    return [block for call in run.calls for block in _BLOCK.findall(content(call))]


def _facts(run: Run) -> None:
    said = "\n".join(commands(run))
    heard = "\n".join(message["content"] for message in run.calls[-1].messages[1:])
    sources = Counter(path for path in _SOURCE.findall(said) if "/tests/" not in path)
    run.source = sources.most_common(1)[0][0] if sources else ""
    run.sources = sorted({path for path in _SOURCE.findall(heard) if "/tests/" not in path and "/test_" not in path})
    tests = Counter(_TEST.findall(said))
    run.test_file = tests.most_common(1)[0][0] if tests else ""
    defs = Counter(name for name in _DEF.findall(heard) if not name.startswith(("test_", "__")))
    run.symbol = defs.most_common(1)[0][0] if defs else ""
    version = _SPHINX.search(heard)
    run.sphinx = version.group(1) if version else ""
    run.providers = [str(call.response.get("provider")) for call in run.calls]


@cache
def real_runs(directory: Path = DEV) -> dict[str, Run]:
    """Every real run of the dev set (the spliced loops left out), by session."""
    labels = read_labels(directory / "labels.jsonl")
    runs: dict[str, Run] = {}
    for call in iter_trace([directory / "calls.jsonl.gz"]):
        label = labels[call.session]
        if label.family in ("real-resolved", "real-unresolved"):
            runs.setdefault(call.session, Run(call.session, bool(label.resolved), [])).calls.append(call)
    for run in runs.values():
        _facts(run)
    return runs
