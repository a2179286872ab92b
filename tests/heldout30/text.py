# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

_SCRIPTS = ("check_fix.py", "repro_issue.py", "try_fix.py", "scratch_check.py", "verify.py")
_FUNCS = ("_{}_values", "resolve_{}", "_build_{}", "get_{}", "_parse_{}", "clean_{}")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the script, function and Python its agent works with."""

    @property
    def script(self) -> str:
        return _SCRIPTS[len(self.run.session) % len(_SCRIPTS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    def tests(self, extra: str = "") -> str:
        """The agent's usual command to run the tests of the module it changed."""
        if self.django:
            return f"cd tests && python runtests.py {self.stem} --verbosity 1{extra}"
        return f"python -m pytest {self.test_file} -q{extra}"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random, k: int = 7) -> str:
    return f"{rng.randrange(16**k):0{k}x}"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the interpreter."""
    line = rng.randint(40, 600)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n?? {ctx.script}\n",
        ),
        Step(
            "Let me look at the diff of my change to be sure it is still there.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 14)} +++++{'-' * rng.randint(1, 3)}\n 1 file changed, {rng.randint(3, 12)} insertions(+), {rng.randint(1, 3)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            "\n".join(
                [
                    f"    def {ctx.func.lstrip('_')}(self, value):",
                    "        if value is None:",
                    "            return self.default",
                    f"        result = _{ctx.stem}_impl(value)",
                    "        if not result:",
                    "            return []",
                    "        return list(result)",
                ]
            ),
        ),
        Step(
            "Which interpreter is this shell using?",
            "which python && python --version",
            f"/opt/miniconda3/envs/testbed/bin/python\nPython {ctx.python_full}\n",
        ),
        Step(
            "Let me see the files in the working directory.",
            "ls",
            "\n".join(
                sorted(
                    [
                        "setup.py",
                        "setup.cfg",
                        "README.rst",
                        "tests",
                        ctx.script,
                        "tox.ini",
                        "docs",
                        ctx.run.package.split("/")[0],
                    ]
                )
            )
            + "\n",
        ),
        Step(
            f"Let me grep for `{ctx.func}` to see its callers.",
            f"grep -rn '{ctx.func}' {ctx.run.package} | head -5",
            f"{ctx.source}:{line}:def {ctx.func}(value, **options):\n{ctx.source}:{line + rng.randint(30, 90)}:        return {ctx.func}(value)\n",
        ),
    ]
    return rng.choice(choices)
