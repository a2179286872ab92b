"""Long outputs of a repository: searches over its tree, its history, its collected tests."""

from __future__ import annotations

import random

from heldout18.replies import snake
from heldout18.runs import Run

WORDS = ("value", "result", "other", "obj", "data", "self.model", "instance", "field", "node", "args[0]")


def _code(rng: random.Random, run: Run, path: str, word: str, low: str) -> str:
    """A line of `path` that mentions `word` (`low` in snake case), as such lines read in that kind of file."""
    arg = rng.choice(WORDS)
    if path.endswith((".rst", ".txt")):
        return rng.choice(
            [
                f"* :func:`~{run.module}.{word}` now handles ``{arg}`` consistently.",
                f".. autofunction:: {run.module}.{word}",
                f"   ``{word}()`` accepts an optional argument.",
                f"Use :meth:`{word}` to customize this behavior.",
            ]
        )
    if "/test" in path:
        return rng.choice(
            [
                f"    def test_{low}_{rng.choice(['basic', 'none', 'empty', 'nested', 'repr', 'copy'])}(self):",
                f"        self.assertEqual({word}({arg}), expected)",
                f"        result = {word}({arg})",
                f"from {run.module} import {word}",
                f"    assert {word}({arg}) == {rng.randint(0, 99)}",
            ]
        )
    return rng.choice(
        [
            f"from {run.module} import {word}",
            f"        return {word}({arg}, **kwargs)",
            f"    {low} = {word}({arg})",
            f"        # {word} may be called before the instance is fully set up.",
            f"            {arg} = {word}({arg}, strict=False)",
            f"    :class:`{word}` instances are returned unchanged.",
            f"def _{low}_wrapper({arg.split('.')[-1].split('[')[0]}):",
        ]
    )


def grep_tree(run: Run, rng: random.Random, word: str, under: str, size: int) -> str:
    """`grep -rn word under` over the repository: about `size` characters of hits."""
    paths = [p for p in run.tree if p.startswith(under.rstrip("/") + "/") or under in (".", "")]
    if under in (".", "") and run.owner != "sympy":
        python = f"cpython-{run.python.replace('.', '')}"
        paths += [f"build/lib.linux-x86_64-{python}/" + p for p in paths if p.startswith(run.source.split("/")[0])][:40]
    low = snake(word)
    lines: list[str] = []
    total = 0
    while total < size:
        path = rng.choice(paths)
        prefix = "./" if under == "." else ""
        # grep prints a file's hits together, in line order.
        for number in sorted(rng.sample(range(3, 2400), rng.randint(1, 5))):
            line = f"{prefix}{path}:{number}:{_code(rng, run, path, word, low)}"
            lines.append(line)
            total += len(line) + 1
    return "\n".join(lines) + "\n"


def git_log(run: Run, rng: random.Random, count: int) -> str:
    """`git log --oneline` of the repository's history touching its package, in the project's own style."""
    things = [p.rsplit("/", 1)[1].removesuffix(".py") for p in run.tree if p.endswith(".py")] or ["utils"]
    lines = []
    for _ in range(count):
        sha = "".join(rng.choices("0123456789abcdef", k=rng.choice([9, 10, 11])))
        number = rng.randint(20000, 34999) if run.owner == "django" else rng.randint(3000, 26000)
        thing = rng.choice(things)
        if run.owner == "django":
            verb = rng.choice(("Added", "Removed", "Simplified", "Used", "Made", "Corrected", "Moved", "Improved"))
            message = rng.choice(
                [
                    f"Fixed #{number} -- {verb} {thing} handling of edge cases.",
                    f"Refs #{number} -- {verb} unused code in {thing}.",
                    f"{verb} docs for {thing}.",
                ]
            )
        else:
            message = rng.choice(
                [
                    f"Merge pull request #{number} from {rng.choice(['jdoe', 'mwaskom', 'anntzer', 'bluetech', 'oscarbenjamin'])}/fix-{thing}",
                    f"{rng.choice(('Fix', 'Handle', 'Simplify', 'Refactor'))} {thing} for edge cases",
                    f"MAINT: clean up {thing}",
                    f"DOC: {thing} docstring",
                    f"TST: add tests for {thing} (#{number})",
                ]
            )
        lines.append(f"{sha} {message}")
    return "\n".join(lines) + "\n"


def collected(run: Run, rng: random.Random, folder: str, size: int) -> str:
    """`pytest --collect-only -q folder`: node ids, parametrized ones too."""
    tests = [p for p in run.tree if p.startswith(folder) and "/test" in p and p.endswith(".py")] or [run.test_file]
    names = run.test_names + [f"test_{snake(run.symbol)}_{w}" for w in ("basic", "roundtrip", "invalid", "copy")]
    lines: list[str] = []
    total = 0
    while total < size:
        path = rng.choice(tests)
        name = rng.choice(names)
        for param in range(rng.randint(1, 8)):
            line = f"{path}::{name}" + (
                f"[{rng.choice(['float64', 'int32', 'object', 'True', 'None'])}-{param}]" if param else ""
            )
            lines.append(line)
            total += len(line) + 1
    return "\n".join(lines) + f"\n\n{len(lines)} tests collected in {rng.uniform(1.5, 9.0):.2f}s\n"
