"""What a family's episode reads from its run, and the shell and pytest output its commands print."""

from __future__ import annotations

import posixpath
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from heldout20.calls import SUBMIT, Step
from heldout20.runs import Run

_VERSION = re.compile(r"Python (3\.\d+)\.(\d+)")
# The distribution each repository's owner publishes, as pip names it.
DISTS = {
    "astropy": "astropy",
    "django": "Django",
    "matplotlib": "matplotlib",
    "mwaskom": "seaborn",
    "pallets": "Flask",
    "psf": "requests",
    "pydata": "xarray",
    "pylint-dev": "pylint",
    "pytest-dev": "pytest",
    "scikit-learn": "scikit-learn",
    "sphinx-doc": "Sphinx",
    "sympy": "sympy",
}
_FLAT_TESTS = {"django", "sphinx-doc", "pytest-dev", "psf", "pallets", "pylint-dev"}


@dataclass
class Ctx:
    """The run a family is spliced into, and the names its steps use."""

    run: Run
    upto: int  # the real calls before the splice

    @cached_property
    def source(self) -> str:  # read once: finding it scans the run's answers, and families name it often
        return self.run.source_file(self.upto)

    @property
    def stem(self) -> str:
        name = posixpath.basename(self.source)[:-3]
        # A package's __init__ is named after its package, as people call it.
        return (posixpath.basename(posixpath.dirname(self.source)) if name == "__init__" else name).strip("_") or "core"

    @property
    def cls(self) -> str:
        return "".join(part.title() for part in self.stem.split("_"))

    @property
    def dotted(self) -> str:
        path = self.source[:-3].replace("src/", "", 1).replace("lib/", "", 1)
        return path.replace("/", ".").removesuffix(".__init__")

    @property
    def dist(self) -> str:
        return DISTS.get(self.run.owner, self.run.module)

    @property
    def tests_dir(self) -> str:
        if self.run.owner in _FLAT_TESTS:
            return "tests"
        return posixpath.join(posixpath.dirname(self.source), "tests")

    @property
    def test_file(self) -> str:
        return f"{self.tests_dir}/test_{self.stem}.py"

    @property
    def site(self) -> str:
        return self.run.site_packages

    @property
    def django(self) -> bool:
        return self.run.owner == "django"

    @property
    def python(self) -> str:
        """The environment's Python, as `3.9`."""
        found = _VERSION.search(self.run.pytest_header)
        return found.group(1) if found else "3.9"

    @property
    def python_full(self) -> str:
        """The environment's Python, as `3.9.20`."""
        found = _VERSION.search(self.run.pytest_header)
        return f"{found.group(1)}.{found.group(2)}" if found else "3.9.20"


def addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def pytest_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failures: list[tuple[str, list[str], str]]
) -> str:
    """A pytest run of `target`: its header, progress line, failures and summary, as pytest prints them."""
    total = passed + len(failures)
    marks = ["."] * passed + ["F"] * len(failures)
    rng.shuffle(marks)
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        f"collected {total} item{'s' if total != 1 else ''}",
        "",
        f"{target.split('::')[0]} {''.join(marks):<{70 - len(target.split('::')[0])}}[100%]",
        "",
    ]
    if failures:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for name, body, _ in failures:
            lines += [f"{'_' * 20} {name} {'_' * 20}", "", *body, ""]
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        lines += [f"FAILED {target.split('::')[0]}::{name} - {summary}" for name, _, summary in failures]
    took = f"{rng.uniform(0.05, 3.5):.2f}s"
    counts = ", ".join(
        part for part in (f"{len(failures)} failed" if failures else "", f"{passed} passed" if passed else "") if part
    )
    lines.append(f" {counts} in {took} ".center(80, "="))
    return "\n".join(lines)


def give_up(rng: random.Random, what: str) -> Step:
    """The answer a looping agent ends on: submitting what it has."""
    thought = rng.choice(
        [
            f"I keep going around in circles with {what}. The change for the issue itself is in place, so I'll submit what I have.",
            f"I've spent a lot of steps on {what} without getting anywhere. I'll stop here and submit the current state of the fix.",
            f"{what[0].upper() + what[1:]} still isn't resolved, but I don't think I can make further progress on it. Submitting.",
            f"This is not converging ({what}). The core fix is done; I'm going to submit.",
        ]
    )
    return Step(thought, SUBMIT)


def vary(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


def finish(steps: list[Step], n: int, last: Step) -> list[Step]:
    """The first `n - 1` steps, no command twice running, then `last`."""
    kept: list[Step] = []
    for step in steps:
        if kept and kept[-1].command == step.command:
            continue
        kept.append(step)
        if len(kept) == n - 1:
            break
    assert len(kept) == n - 1, (len(kept), n)
    return [*kept, last]


def submit(thought: str) -> Step:
    return Step(thought, SUBMIT)


Attempt = Callable[[int], list[Step]]  # the k-th attempt of a loop family: its steps


def churn(
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    look: Callable[[], Step],
    give_up: Callable[[], Step],
    look_odds: float,
) -> list[Step]:
    """The first failing steps, then attempts drawn at random with a look after some, until the agent gives up."""
    steps = list(first)
    k = 0
    while len(steps) < 2 * n + 8:
        k += 1
        steps += rng.choice(attempts)(k)
        if rng.random() < look_odds:
            steps.append(look())
    return finish(steps, n, give_up())


def py_edit(path: str, old: str, new: str, count: int | None = 1) -> str:
    """The agent's usual way of changing one snippet of a file (every occurrence when `count` is None)."""
    replace = f"s = s.replace({old!r}, {new!r}" + ("" if count is None else f", {count}") + ")"
    return (
        f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\n{replace}\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )
