"""Names the families' steps use, read from the run they are spliced into, and the shell output they print."""

# ruff: noqa: E501
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import finish, submit

_REPROS = ("reproduce_issue.py", "repro.py", "reproduce.py", "check_issue.py", "debug_issue.py")
_HOSTS = ("runner-7f3c", "sandbox-a41", "swe-worker-12", "eval-node-03", "task-b8e2")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the names its agent's environment gives things."""

    @property
    def module(self) -> str:
        return self.run.module

    @property
    def repro(self) -> str:
        return _REPROS[len(self.run.session) % len(_REPROS)]

    @property
    def py(self) -> str:
        """The run's Python as `3.9`."""
        return self.site.split("/python", 1)[1].split("/", 1)[0]

    @property
    def host(self) -> str:
        return _HOSTS[sum(map(ord, self.run.session)) % len(_HOSTS)]

    @property
    def repo(self) -> str:
        owner, rest = self.run.session.split("__", 1)
        return f"{owner}/{rest.rsplit('-', 1)[0]}"

    @property
    def issue(self) -> int:
        return int(self.run.session.rsplit("-", 1)[1]) if self.run.session.rsplit("-", 1)[1].isdigit() else 4021


def give_up(rng: random.Random, what: str) -> Step:
    """The answer a stuck agent ends on: submitting what it has."""
    return submit(
        rng.choice(
            [
                f"I can't get past {what} from inside this environment, and every workaround fails somewhere else. The code change itself is done, so I'll submit it.",
                f"{what[0].upper() + what[1:]} is outside anything I can change here. I've tried enough variations; submitting the fix as it stands.",
                f"I've spent many steps on {what} with no way around it. I'll stop and submit the current diff.",
                f"There is no way to fix {what} without privileges or access I don't have. Submitting what I have.",
            ]
        )
    )


def tests_passed(ctx: Ctx, rng: random.Random, target: str, passed: int) -> str:
    """A short, green pytest run of `target`."""
    return text.pytest_output(ctx, rng, target, passed, [])


def looks(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: git status, the source, the test, the environment."""
    start = rng.randint(20, 600)
    options = [
        Step(
            "Let me make sure my change to the source is still in place before trying something else.",
            "git status --short && git diff --stat",
            f" M {ctx.source}\n?? {ctx.repro}\n {ctx.source} | {rng.randint(3, 19)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 4)}\n 1 file changed",
        ),
        Step(
            "Let me look at the part of the source I changed once more.",
            f"sed -n '{start},{start + rng.choice([20, 25, 30, 40])}p' {ctx.source}",
            "\n".join(
                f"    # {ctx.stem} line {start + i}" if i % 7 == 3 else f"    value = _{ctx.stem}_{i}(value)"
                for i in range(12)
            ),
        ),
        Step(
            "Checking which Python and pip I am actually using.",
            rng.choice(
                [
                    "which python pip && python --version",
                    "python -c 'import sys; print(sys.executable, sys.version)'",
                    "pip --version",
                ]
            ),
            f"/opt/miniconda3/envs/testbed/bin/python\n/opt/miniconda3/envs/testbed/bin/pip\nPython {ctx.py}.{rng.randint(10, 20)}",
        ),
        Step(
            "Let me check the environment variables that might matter here.",
            rng.choice(
                [
                    "env | sort | grep -iE 'path|home|lang|lc_|tmp' | head -20",
                    "env | grep -iE 'user|home|shell' ",
                    "printenv | sort | head -25",
                ]
            ),
            f"HOME=/root\nLANG=C.UTF-8\nPATH=/opt/miniconda3/envs/testbed/bin:/opt/miniconda3/condabin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nPWD=/testbed\nSHELL=/bin/bash\nTMPDIR=/tmp\nHOSTNAME={ctx.host}",
        ),
        Step(
            "Quick grep for how the source uses the function I touched.",
            f"grep -n '{ctx.stem}' {ctx.source} | head -{rng.choice([10, 15, 20])}",
            "\n".join(
                f"{rng.randint(10, 900)}:    {ctx.stem}_value = self._{ctx.stem}(other)"
                for _ in range(rng.randint(3, 8))
            ),
        ),
    ]
    return rng.choice(options)


Attempt = Callable[[], Step]


def cycle(ctx: Ctx, rng: random.Random, n: int, opening: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The opening, then attempts in a drawn order with looks between them, `n` steps in all, the last giving up."""
    steps = list(opening)
    last: Attempt | None = None
    while len(steps) < 2 * n + 12:
        if last is not None and rng.random() < 0.3:
            steps.append(looks(ctx, rng))
            continue
        attempt = rng.choice([a for a in attempts if a is not last])
        last = attempt
        steps.append(attempt())
    return finish(steps, n, give_up(rng, what))


def tmpname(rng: random.Random, prefix: str = "tmp") -> str:
    return f"/tmp/{prefix}{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789_', k=8))}"
