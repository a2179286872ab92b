"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

import heldout26.text
from heldout20 import text
from heldout20.calls import Step

_REPROS = ("reproduce_issue.py", "repro.py", "reproduce.py", "check_issue.py", "debug_issue.py")

# A library each repository's code leans on, its import name and a module inside it worth reading.
_DEPENDENCY = {
    "astropy": ("numpy", "numpy/core/numeric.py", "isclose"),
    "django": ("asgiref", "asgiref/sync.py", "async_to_sync"),
    "matplotlib": ("numpy", "numpy/ma/core.py", "masked_invalid"),
    "mwaskom": ("pandas", "pandas/core/groupby/groupby.py", "_agg_general"),
    "pallets": ("werkzeug", "werkzeug/routing/rules.py", "build"),
    "psf": ("urllib3", "urllib3/util/retry.py", "increment"),
    "pydata": ("pandas", "pandas/core/indexes/base.py", "get_indexer"),
    "pylint-dev": ("astroid", "astroid/nodes/node_classes.py", "infer"),
    "pytest-dev": ("pluggy", "pluggy/_hooks.py", "__call__"),
    "scikit-learn": ("scipy", "scipy/sparse/_base.py", "tocsr"),
    "sphinx-doc": ("docutils", "docutils/nodes.py", "traverse"),
    "sympy": ("mpmath", "mpmath/libmp/libmpf.py", "from_float"),
}


@dataclass
class Ctx(heldout26.text.Ctx):
    """The run a family is spliced into, with the script, function, test and dependency its agent works on."""

    @property
    def repro(self) -> str:
        return _REPROS[len(self.run.session) % len(_REPROS)]

    @property
    def logger(self) -> str:
        return self.dotted

    @property
    def stdlib(self) -> str:
        return self.site.rsplit("/", 1)[0]

    @property
    def dep(self) -> str:
        return _DEPENDENCY[self.run.owner][0]

    @property
    def dep_file(self) -> str:
        return f"{self.site}/{_DEPENDENCY[self.run.owner][1]}"

    @property
    def dep_func(self) -> str:
        return _DEPENDENCY[self.run.owner][2]


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def edit(ctx: Ctx, old: str, new: str, path: str | None = None) -> str:
    """The agent's usual way of changing one snippet of a file (the source file unless named)."""
    return (
        f"python - <<'EOF'\np = '{path or ctx.source}'\ns = open(p).read()\n"
        f"s = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )


def append_test(path: str, body: str) -> str:
    """Appending one test function to a test file with a heredoc."""
    return f"cat >> {path} <<'EOF'\n\n\n{body.rstrip()}\nEOF\necho appended; tail -3 {path}"


def pytest_run(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failures: list[tuple[str, list[str], str]]
) -> str:
    return text.pytest_output(ctx, rng, target, passed, failures)


def source_lines(ctx: Ctx, rng: random.Random, count: int, marker: str = "") -> str:
    """What `sed -n` shows of the source around the agent's change, `marker` among it if given."""
    pool = [
        f"def {ctx.func}(values, **options):",
        '    """Return the normalized items of ``values``."""',
        "    if values is None:",
        "        return []",
        "    result = []",
        "    for value in values:",
        "        key = _key_of(value)",
        "        if key in seen:",
        "            continue",
        "        seen.add(key)",
        "        result.append(value)",
        f"    return _{ctx.stem}_impl(result, **options)",
        "",
        f"def _{ctx.stem}_impl(values, strict=False):",
        "    if strict and not values:",
        '        raise ValueError("empty input")',
        "    return list(values)",
    ]
    offset = rng.randrange(len(pool))
    lines = [pool[(offset + i) % len(pool)] for i in range(count)]
    if marker:
        lines[rng.randrange(count)] = marker
    return "\n".join(lines)
