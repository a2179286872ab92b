# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the looks between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_{}_values", "resolve_{}", "format_{}", "get_{}", "_parse_{}", "clean_{}")
_DOC_DIRS = {"sphinx-doc": "doc", "sympy": "doc", "matplotlib": "doc", "scikit-learn": "doc", "pylint-dev": "doc"}

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its docs, its distribution's names and its Python."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def docs(self) -> str:
        return _DOC_DIRS.get(self.run.owner, "docs")

    @property
    def page(self) -> str:
        return f"{self.docs}/api/{self.stem}.rst"

    @property
    def norm(self) -> str:
        """The distribution's name as wheel and dist-info file names spell it."""
        return self.dist.lower().replace("-", "_")

    @property
    def cp(self) -> str:
        return "cp" + self.python.replace(".", "")

    @property
    def group(self) -> str:
        """The entry-point group the project's plugins register under."""
        return "pytest11" if self.run.owner == "pytest-dev" else f"{self.run.module}.plugins"

    @property
    def plugin(self) -> str:
        return f"{self.stem}_ext"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random, k: int = 7) -> str:
    return f"{rng.randrange(16**k):0{k}x}"


def version(rng: random.Random) -> str:
    return f"{rng.randint(0, 7)}.{rng.randint(0, 14)}.{rng.randint(0, 6)}"


def dev_version(rng: random.Random) -> str:
    return f"{version(rng)}.dev{rng.randint(1, 240)}+g{sha(rng)}"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the config, the source, the build output."""
    line = rng.randint(1, 80)
    src = rng.randint(40, 600)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n M {rng.choice(['pyproject.toml', 'setup.cfg', ctx.page, 'README.rst'])}\n?? {rng.choice(['dist/', 'build/', ctx.docs + '/_build/'])}\n",
        ),
        Step(
            "Let me look at the diff so far.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(2, 14)} ++++{'-' * rng.randint(1, 3)}\n {rng.choice(['pyproject.toml', 'setup.cfg', ctx.page])} | {rng.randint(1, 6)} ++-\n 2 files changed, {rng.randint(3, 18)} insertions(+), {rng.randint(1, 4)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the packaging config.",
            f"sed -n '{line},{line + 14}p' {rng.choice(['pyproject.toml', 'setup.cfg'])}",
            "\n".join(
                [
                    "[project]",
                    f'name = "{ctx.dist}"',
                    'dynamic = ["version"]',
                    'readme = "README.rst"',
                    f'requires-python = ">={ctx.python}"',
                    'license = {file = "LICENSE"}',
                    "classifiers = [",
                    '    "Programming Language :: Python :: 3",',
                    '    "Operating System :: OS Independent",',
                    "]",
                ]
            ),
        ),
        Step(
            "Let me look at the Sphinx configuration.",
            f"grep -n 'extensions\\|nitpick\\|autodoc\\|intersphinx' {ctx.docs}/conf.py",
            f"{line + 10}:extensions = [\n{line + 11}:    'sphinx.ext.autodoc',\n{line + 12}:    'sphinx.ext.intersphinx',\n{line + 13}:    'sphinx.ext.doctest',\n{line + 40}:nitpicky = True\n{line + 41}:intersphinx_mapping = dict(python=('https://docs.python.org/3', None))\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{src},{src + 10}p' {ctx.source}",
            f'def {ctx.func}(value, **options):\n    """Return the {ctx.stem} values of `value`.\n\n    >>> {ctx.func}([3, 1])\n    [1, 3]\n    """\n    if value is None:\n        return []\n    return sorted(value)\n',
        ),
        Step(
            "What is in dist/ and build/ right now?",
            "ls dist build 2>&1",
            f"build:\nbdist.linux-x86_64\nlib\n\ndist:\n{ctx.norm}-{dev_version(rng)}-py3-none-any.whl\n{ctx.norm}-{dev_version(rng)}.tar.gz\n",
        ),
        Step(
            "Which interpreter and pip is this?",
            "which python pip && python --version",
            f"/opt/miniconda3/envs/testbed/bin/python\n/opt/miniconda3/envs/testbed/bin/pip\nPython {ctx.python_full}\n",
        ),
        Step(
            f"Let me see how {ctx.dist} is installed.",
            f"pip show {ctx.dist} 2>/dev/null | head -4",
            f"Name: {ctx.dist}\nVersion: {dev_version(rng)}\nSummary: \nHome-page: \n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first failing check, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.45)
