"""What this set's families read from a run, and the tracebacks and pytest reports their commands print."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from heldout20.calls import Step
from heldout20.text import Ctx as BaseCtx
from heldout20.text import give_up, pytest_output

# Repositories whose environments carry numpy and pandas, so a test may compare arrays and frames.
SCIENTIFIC = frozenset({"astropy", "matplotlib", "mwaskom", "pydata", "scikit-learn"})

T = TypeVar("T")
Frame = tuple[str, int, str, str]  # file, line, function, the line's code
Failure = tuple[str, list[str], str]  # test name, pytest's report of it, its one-line summary


@dataclass
class Ctx(BaseCtx):
    """heldout20's context, with what this set's families name besides."""

    @property
    def scientific(self) -> bool:
        return self.run.owner in SCIENTIFIC

    @property
    def python(self) -> str:
        """The interpreter's major.minor version, as its site-packages path names it."""
        return self.site.split("/python")[1].split("/")[0]

    @property
    def python_full(self) -> str:
        """The interpreter's full version, as pytest's header printed it."""
        return self.run.pytest_header.split("Python ")[1].split(",")[0]

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.python.split(".")
        return int(major), int(minor)

    @property
    def stdlib(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}"

    def test_path(self, topic: str) -> str:
        path = f"{self.tests_dir}/test_{self.stem}_{topic}.py"
        # A long module name is left out, as people do; pytest's progress line needs the room too.
        return path if len(path) < 60 else f"{self.tests_dir}/test_{topic}.py"


class Deck(Generic[T]):
    """Draws items in shuffled rounds, never the same item twice running."""

    def __init__(self, rng: random.Random, items: Sequence[T]) -> None:
        self.rng, self.items = rng, list(items)
        self.left: list[T] = []
        self.last: T | None = None

    def draw(self) -> T:
        if not self.left:
            self.left = self.items[:]
            self.rng.shuffle(self.left)
            if len(self.left) > 1 and self.left[-1] is self.last:
                self.left[0], self.left[-1] = self.left[-1], self.left[0]
        self.last = self.left.pop()
        return self.last


def traceback(frames: Sequence[Frame], error: str) -> str:
    """A Python traceback as the interpreter prints it."""
    lines = ["Traceback (most recent call last):"]
    for path, line, func, code in frames:
        lines.append(f'  File "{path}", line {line}, in {func}')
        if code:
            lines.append(f"    {code}")
    lines.append(error)
    return "\n".join(lines)


def report(sections: Sequence[tuple[Sequence[str], int, str]], error: Sequence[str], kind: str) -> list[str]:
    """pytest's long report of one failure: each frame's code with its failing line marked, then the error.

    A section is (code lines, index of the failing one, file:line).
    """
    body: list[str] = []
    for i, (code, at, where) in enumerate(sections):
        last = i == len(sections) - 1
        if i:
            body += ["_ " * 39 + "_", ""]
        # pytest shows a frame's code up to the statement that failed, not past it.
        for j, line in enumerate(code[: at + 1]):
            body.append((">   " if j == at else "    ") + line)
            if j == at and last:
                indent = " " * (len(line) - len(line.lstrip()))
                body += [f"E   {indent}{text}".rstrip() for text in error]
        body += ["", f"{where}: {kind if last else ''}"]
    return body


def run_pytest(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failures: Sequence[Failure], test: str | None = None
) -> tuple[str, str]:
    """A pytest command in one of the forms people type, and what it prints."""
    forms = [
        f"python -m pytest {target} -x",
        f"python -m pytest {target} -rf",
        f"cd /testbed && python -m pytest {target}",
        f"python -m pytest {target} -p no:cacheprovider",
        f"python -m pytest {target} 2>&1 | tail -n 40",
        f"python -m pytest {target} -q",
        f"python -m pytest {target} -W ignore::DeprecationWarning",
    ]
    if test:
        forms += [f"python -m pytest {target}::{test}", f"python -m pytest {target} -k {test} -x"]
    if len(failures) > 1:
        # -x would stop at the first failure, and the report would show only it.
        forms = [form for form in forms if " -x" not in form]
    command = rng.choice(forms)
    output = pytest_output(ctx, rng, target, passed, list(failures))
    if command.endswith("tail -n 40"):
        output = "\n".join(output.splitlines()[-40:])
    if command.endswith(" -q"):
        output = quiet(output)
    return command, output


def quiet(output: str) -> str:
    """pytest's report as -q prints it: no header, bare progress marks, a plain closing line."""
    lines = output.splitlines()
    start = lines.index("") + 1
    marks = lines[start].split(" ", 1)[1].rsplit("[", 1)[0].strip()
    rest = lines[start + 1 :]
    return "\n".join([f"{marks:<72} [100%]", *rest[:-1], rest[-1].strip("= ")])


def retime(output: str, seconds: float) -> str:
    """pytest's report with its closing line saying the run took `seconds`."""
    lines = output.splitlines()
    counts = lines[-1].strip("= ").rsplit(" in ", 1)[0]
    closing = f"{counts} in {seconds:.2f}s"
    lines[-1] = f" {closing} ".center(80, "=") if lines[-1].startswith("=") else closing
    return "\n".join(lines)


def pytest_head(ctx: Ctx, target: str, total: int, marks: str) -> str:
    """What pytest printed before it was killed partway through `target`."""
    return "\n".join(
        [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            f"collected {total} items",
            "",
            f"{target} {marks}",
        ]
    )


def timing(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 1)


def assemble(
    rng: random.Random, n: int, opening: Sequence[Step], round_: Callable[[int], list[Step]], what: str
) -> list[Step]:
    """`n` steps: the opening, then rounds of attempts until the budget runs out, then giving up.

    A step that would repeat the command just before it is dropped: an agent does not type it twice running.
    """
    steps: list[Step] = []

    def add(step: Step) -> None:
        if len(steps) < n - 1 and not (steps and steps[-1].command == step.command):
            steps.append(step)

    for step in opening:
        add(step)
    i = 0
    while len(steps) < n - 1:
        for step in round_(i):
            add(step)
        i += 1
    return [*steps, give_up(rng, what)]
