"""The dev set's real runs this set is spliced into, and what a splice reads from one."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from regulator.traces.format import TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")

# Where each SWE-bench repository keeps its code, for when a run's own answers name no source file.
PACKAGES = {
    "astropy": "astropy",
    "django": "django",
    "matplotlib": "lib/matplotlib",
    "mwaskom": "seaborn",
    "pallets": "src/flask",
    "psf": "requests",
    "pydata": "xarray",
    "pylint-dev": "pylint",
    "pytest-dev": "src/_pytest",
    "scikit-learn": "sklearn",
    "sphinx-doc": "sphinx",
    "sympy": "sympy",
}

_HEADER = re.compile(r"platform linux -- Python (3\.\d+)\.\d+, pytest-[\d.]+, pluggy-[\d.]+")
_PLUGINS = re.compile(r"^plugins: .+$", re.M)

# The plugins pytest listed in each repository's environment, for runs that never ran pytest.
PLUGINS = {
    "astropy": "plugins: hypothesis-6.82.6, openfiles-0.5.0, arraydiff-0.5.0, astropy-header-0.2.2, cov-4.1.0, filter-subpackage-0.1.2, xdist-3.3.1, mock-3.11.1, remotedata-0.4.0, astropy-0.10.0, doctestplus-1.0.0",
    "matplotlib": "plugins: rerunfailures-15.0, xdist-3.6.1, cov-6.0.0, timeout-2.3.1",
    "psf": "plugins: httpbin-2.1.0",
    "pydata": "plugins: xdist-3.6.1, cov-5.0.0, env-1.1.5, hypothesis-6.114.0",
    "pylint-dev": "plugins: cov-3.0.0, profiling-1.7.0, forked-1.6.0, benchmark-3.4.1, xdist-2.5.0, timeout-2.3.1",
    "pytest-dev": "plugins: forked-1.6.0, xdist-1.34.0",
    "sphinx-doc": "plugins: cov-5.0.0",
    "scikit-learn": "plugins: xdist-3.6.1, cov-5.0.0",
    "mwaskom": "plugins: xdist-3.6.1, cov-5.0.0",
    "pallets": "plugins: cov-5.0.0",
    "sympy": "plugins: xdist-3.6.1, timeout-2.3.1",
    "django": "plugins: cov-5.0.0",
}
_SOURCE = re.compile(r"(?<![\w/.])((?:[a-z_]+/)+[a-z_]+\.py)\b")


@dataclass
class Run:
    """One real run: its calls as recorded and whether it solved its task."""

    session: str
    calls: list[TraceCall]
    resolved: bool

    @property
    def owner(self) -> str:
        return self.session.split("__")[0]

    @property
    def package(self) -> str:
        return PACKAGES[self.owner]

    @property
    def module(self) -> str:
        """The import name of the repository's package."""
        return self.package.rsplit("/", 1)[-1]

    @cached_property
    def tokens_per_char(self) -> float:
        # Measured between the first and last calls, so the harness's fixed prompt does not count.
        first, last = self.calls[0], self.calls[-1]
        chars = sum(len(m["content"]) for m in last.messages) - sum(len(m["content"]) for m in first.messages)
        tokens = last.response["usage"]["prompt_tokens"] - first.response["usage"]["prompt_tokens"]
        return tokens / chars if chars > 0 and tokens > 0 else 0.3

    @cached_property
    def cache_shares(self) -> list[float]:
        """Each call's cached tokens as a share of the previous call's prompt: how this run's cache hit."""
        usages = [c.response["usage"] for c in self.calls]
        return [
            min(1.0, u["prompt_tokens_details"]["cached_tokens"] / p["prompt_tokens"]) for p, u in pairwise(usages)
        ] or [0.0]

    @cached_property
    def pytest_header(self) -> str:
        """pytest's platform line as this run's environment printed it."""
        for message in self.calls[-1].messages:
            found = _HEADER.search(str(message["content"]))
            if found:
                return found.group(0)
        return "platform linux -- Python 3.9.20, pytest-7.4.0, pluggy-1.5.0"

    @cached_property
    def plugins(self) -> str:
        """pytest's plugins line as this run's environment printed it."""
        for message in self.calls[-1].messages:
            found = _PLUGINS.search(str(message["content"]))
            if found:
                return found.group(0)
        return PLUGINS[self.owner]

    @property
    def python(self) -> str:
        """The environment's Python, as "3.9"."""
        version = _HEADER.search(self.pytest_header)
        return version.group(1) if version else "3.9"

    @property
    def site_packages(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}/site-packages"

    def source_file(self, upto: int) -> str:
        """The source file the agent's answers named most in its first `upto` calls."""
        named: Counter[str] = Counter()
        for call in self.calls[:upto]:
            for path in _SOURCE.findall(answer_of(call)):
                if path.startswith(self.package + "/") and "/tests/" not in path and "test_" not in path:
                    named[path] += 1
        if named:
            return named.most_common(1)[0][0]
        return f"{self.package}/utils.py" if self.owner != "django" else "django/utils/functional.py"


def answer_of(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"])


def load_runs() -> list[Run]:
    """The real OpenRouter runs of the dev set (Portkey's record no cost), in the dev file's order."""
    labels = read_labels(DEV / "labels.jsonl")
    calls: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([DEV / "calls.jsonl.gz"]):
        calls[call.session].append(call)
    return [
        Run(session, runs, labels[session].resolved is True)
        for session, runs in calls.items()
        if labels[session].family in ("real-resolved", "real-unresolved")
        and str(runs[0].response["id"]).startswith("gen-")
    ]
