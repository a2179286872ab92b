"""What a family's steps read from their run, and the shell, pytest and unittest output their commands print."""

from __future__ import annotations

import posixpath
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from heldout20 import text
from heldout20.calls import SUBMIT, Step
from heldout22.runs import Run

_FLAT_TESTS = {"django", "sphinx-doc", "pytest-dev", "psf", "pallets", "pylint-dev"}

Maker = Callable[[int], Step]
_DEF = re.compile(r"\bdef (\w+)\(")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, and the names its steps use."""

    run: Run
    upto: int  # the real calls before the splice

    @property
    def owner(self) -> str:
        return self.run.owner

    @property
    def func(self) -> str:
        """The function the run's outputs showed most before the splice, which the agent is working on."""
        seen: Counter[str] = Counter()
        for message in self.run.calls[self.upto].messages[2:]:
            if message["role"] == "user":
                seen.update(
                    name
                    for name in _DEF.findall(str(message["content"]))
                    if not name.startswith(("test", "__")) and len(name) > 3
                )
        return seen.most_common(1)[0][0] if seen else f"_{self.stem}_helper"

    @property
    def tests_dir(self) -> str:
        if self.run.owner in _FLAT_TESTS:
            return "tests" if self.run.owner != "pytest-dev" else "testing"
        return posixpath.join(posixpath.dirname(self.source), "tests")

    @property
    def tag(self) -> str:
        """The CPython tag of compiled modules, as "39"."""
        return self.run.python.replace(".", "")

    @property
    def so(self) -> str:
        return f".cpython-{self.tag}-x86_64-linux-gnu.so"

    @property
    def now(self) -> datetime:
        """The wall clock when the splice starts, as the run's own clock had it."""
        return datetime.fromtimestamp(self.run.calls[self.upto].ts, UTC)


def addr(rng: random.Random) -> str:
    return f"0x00007f{rng.randrange(16**10):010x}"


def thread(rng: random.Random) -> str:
    """A thread id as faulthandler prints it: a pthread's address, which sits at a page offset glibc picks."""
    return f"0x00007f{rng.randrange(16**6):06x}{rng.choice(['b740', 'c740', 'a700', 'f700', '4740'])}"


def pid(rng: random.Random) -> int:
    return rng.randint(180, 9800)


def pytest_output(
    ctx: Ctx,
    rng: random.Random,
    target: str,
    passed: int,
    failures: list[tuple[str, list[str], str]],
    skipped: int = 0,
) -> str:
    """A pytest run of `target`: its header, progress line, failures and summary, as pytest prints them."""
    total = passed + len(failures) + skipped
    marks = ["."] * passed + ["F"] * len(failures) + ["s"] * skipped
    rng.shuffle(marks)
    path = target.split("::")[0]
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        ctx.run.plugins,
        f"collected {total} item{'s' if total != 1 else ''}",
        "",
        f"{path} {''.join(marks):<{max(1, 70 - len(path))}}[100%]",
        "",
    ]
    if failures:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for name, body, _ in failures:
            lines += [f"{'_' * 20} {name} {'_' * 20}", "", *body, ""]
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        lines += [f"FAILED {path}::{name} - {summary}" for name, _, summary in failures]
    counts = ", ".join(
        part
        for part in (
            f"{len(failures)} failed" if failures else "",
            f"{passed} passed" if passed else "",
            f"{skipped} skipped" if skipped else "",
        )
        if part
    )
    lines.append(f" {counts} in {rng.uniform(0.05, 3.5):.2f}s ".center(80, "="))
    return "\n".join(lines)


def unittest_output(rng: random.Random, label: str, ran: int, failures: list[tuple[str, list[str]]]) -> str:
    """Django's runtests.py on `label`: stderr's dots and failures, then the runner's own lines."""
    marks = ["."] * (ran - len(failures)) + ["F"] * len(failures)
    rng.shuffle(marks)
    lines = ["Creating test database for alias 'default'...", "".join(marks)]
    for name, body in failures:
        lines += ["=" * 70, f"FAIL: {name}", "-" * 70, "Traceback (most recent call last):", *body, ""]
    lines += ["-" * 70, f"Ran {ran} tests in {rng.uniform(0.004, 0.9):.3f}s", ""]
    lines.append(f"FAILED (failures={len(failures)})" if failures else "OK")
    lines += [
        "Destroying test database for alias 'default'...",
        "Testing against Django installed in '/testbed/django' with up to 8 processes",
        "System check identified no issues (0 silenced).",
    ]
    return "\n".join(lines)


def give_up(rng: random.Random, what: str) -> Step:
    """The answer a looping agent ends on: submitting what it has."""
    thought = rng.choice(
        [
            f"I keep going around in circles with {what}. The change for the issue itself is in place, so I'll submit what I have.",
            f"I've spent a lot of steps on {what} without getting anywhere. I'll stop here and submit the current state of the fix.",
            f"{what[0].upper() + what[1:]} still isn't resolved, and I don't think I can make further progress on it from inside this environment. Submitting.",
            f"This is not converging ({what}). The code change the issue asks for is done; I'm going to submit it as is.",
            f"I can't get past {what} here. Rather than keep trying variations, I'll submit the fix I have.",
        ]
    )
    return Step(thought, SUBMIT)


def vary(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


class Pool:
    """Step makers drawn without putting back, reshuffled when all have been used."""

    def __init__(self, rng: random.Random, makers: list[Maker]) -> None:
        self.rng, self.makers = rng, makers
        self.left: list[Maker] = []

    def draw(self) -> Maker:
        if not self.left:
            self.left = self.makers[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


def weave(
    rng: random.Random,
    n: int,
    first: list[Step],
    fixes: list[Maker],
    check: Maker,
    looks: list[Maker],
    what: str,
    look_rate: float = 0.3,
    check_rate: float = 0.8,
) -> list[Step]:
    """A loop of `n` steps: attempts, each mostly followed by the check that fails again, looks between; the last gives up."""
    steps = list(first)
    fix, look = Pool(rng, fixes), Pool(rng, looks)
    attempt = 0
    while len(steps) < n:
        if rng.random() < look_rate:
            steps.append(look.draw()(attempt))
            if rng.random() < 0.25:
                steps.append(look.draw()(attempt))
        steps.append(fix.draw()(attempt))
        if rng.random() < check_rate:
            steps.append(check(attempt))
        attempt += 1
    return [*steps[: n - 1], give_up(rng, what)]


def sed_escape(text: str) -> str:
    """`text` as the replacement of a sed s/// command inside single quotes."""
    return text.replace("\\", "\\\\").replace("/", "\\/").replace("&", "\\&").replace("'", "'\\''")
