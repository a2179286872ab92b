"""The dev set's real runs, as heldout20 reads them, and what this set's families read besides."""

from __future__ import annotations

import re
from functools import cached_property

from heldout20 import runs

DEV = runs.DEV
answer_of = runs.answer_of
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


class Run(runs.Run):
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


def load_runs() -> list[Run]:
    return [Run(run.session, run.calls, run.resolved) for run in runs.load_runs()]
