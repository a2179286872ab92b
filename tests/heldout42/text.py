# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the looks between searches."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

# The library each repository leans on most, whose installed copy an agent goes reading.
_DEPS = {
    "astropy": "numpy",
    "django": "asgiref",
    "matplotlib": "numpy",
    "mwaskom": "pandas",
    "pallets": "werkzeug",
    "psf": "urllib3",
    "pydata": "pandas",
    "pylint-dev": "astroid",
    "pytest-dev": "pluggy",
    "scikit-learn": "scipy",
    "sphinx-doc": "docutils",
    "sympy": "mpmath",
}
_OPTS = ("strict", "autodetect", "max_depth", "fallback", "legacy_mode", "cache_size")
_VERBS = ("resolve", "normalize", "coerce", "validate", "dispatch", "render")

_OPENERS = (
    "Still nothing useful.",
    "Hmm.",
    "That didn't settle it.",
    "OK, not there either.",
    "No luck.",
    "That's not it.",
    "Nothing conclusive.",
    "Let me try another angle.",
    "Strange.",
)

Search = Callable[[int], list[Step]]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the names its searches look for and never quite find."""

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def dep(self) -> str:
        return _DEPS.get(self.run.owner, "packaging")

    @property
    def opt(self) -> str:
        """An option the issue names, in the issue's own spelling."""
        return f"{self.stem}_{_OPTS[self._pick % len(_OPTS)]}"

    @property
    def setting(self) -> str:
        return self.opt.upper()

    @property
    def verb(self) -> str:
        return _VERBS[self._pick % len(_VERBS)]

    @property
    def func(self) -> str:
        return f"{self.verb}_{self.stem}"

    @property
    def pkg_dir(self) -> str:
        return self.source.rsplit("/", 1)[0]

    @property
    def installed(self) -> str:
        """The site-packages path of the dependency's package."""
        return f"{self.site}/{self.dep}"


def line(rng: random.Random, lo: int = 12, hi: int = 900) -> int:
    return rng.randint(lo, hi)


def grep_hits(rng: random.Random, files: list[str], snippets: list[str], k: int) -> str:
    """grep -rn output: `k` hits drawn from `files` and `snippets`, line numbers drifting."""
    return "\n".join(f"{rng.choice(files)}:{line(rng)}:{rng.choice(snippets)}" for _ in range(k)) + "\n"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between searches: the tree, the status, a file's head, the interpreter."""
    at = line(rng, 1, 400)
    choices = [
        Step(
            "Let me make sure I haven't changed anything yet.",
            "git status --short",
            rng.choice(["", f"?? {rng.choice(['notes.txt', 'repro.py', 'scratch.py'])}\n"]),
        ),
        Step(
            "Let me list the package directory again.",
            f"ls {ctx.pkg_dir} | head -{rng.randint(20, 40)}",
            "\n".join(
                sorted(
                    {
                        ctx.source.rsplit("/", 1)[1],
                        "__init__.py",
                        "utils.py",
                        "base.py",
                        "compat.py",
                        f"_{ctx.stem}_impl.py",
                        "conf.py",
                        "exceptions.py",
                    }
                )
            )
            + "\n",
        ),
        Step(
            "Let me re-read the top of the file.",
            f"head -n {rng.randint(30, 80)} {ctx.source}",
            f'"""\n{ctx.dotted}\n"""\nimport functools\nimport warnings\n\nfrom . import utils\nfrom .compat import {rng.choice(["lru_cache", "string_types", "PY38"])}\n\n__all__ = ["{ctx.cls}", "{ctx.func}"]\n',
        ),
        Step(
            "Let me look at the code around where I was.",
            f"sed -n '{at},{at + rng.randint(15, 40)}p' {ctx.source}",
            f"    def __init__(self, *args, **kwargs):\n        self._options = dict(kwargs)\n        super().__init__(*args)\n\n    def {ctx.func}(self, value):\n        return self._{ctx.stem}(value, **self._options)\n",
        ),
        Step(
            "Which interpreter is this again?",
            "which python && python --version",
            f"/opt/miniconda3/envs/testbed/bin/python\nPython {ctx.python_full}\n",
        ),
        Step(
            "How many Python files are there to search?",
            f"find {ctx.run.package} -name '*.py' | wc -l",
            f"{rng.randint(180, 1900)}\n",
        ),
        Step(
            "Let me check the log to see how this area evolved.",
            f"git log --oneline -{rng.randint(4, 9)} -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {m}"
                for m in rng.sample(
                    [
                        f"Fixed #{rng.randint(20000, 34000)} -- Refactored {ctx.stem}.",
                        f"Clean up {ctx.stem} internals",
                        "Remove deprecated aliases",
                        "Use f-strings",
                        f"Move {ctx.func} to utils",
                        "Bump copyright",
                    ],
                    4,
                )
            )
            + "\n",
        ),
    ]
    return rng.choice(choices)


def wander(ctx: Ctx, rng: random.Random, n: int, first: Step, searches: list[Search], what: str) -> list[Step]:
    """A first search that comes up empty, then searches drawn at random, looks between some, until the agent gives up."""
    steps = [first]
    k = 0
    while len(steps) < 2 * n + 8:
        k += 1
        steps += rng.choice(searches)(k)
        if rng.random() < 0.35:
            steps.append(look(ctx, rng))
    for step in steps[1:]:
        if rng.random() < 0.55:
            step.thought = f"{rng.choice(_OPENERS)} {step.thought}"
    return text.finish(steps, n, text.give_up(rng, what))


def empty(thought: str, command: str) -> Step:
    """A search that finds nothing: grep's return code 1 and no output."""
    return Step(thought, command, "", rc=1)
