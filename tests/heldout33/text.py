# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the looks between attempts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from heldout20.calls import Step
from heldout20.text import finish, give_up, pytest_output
from heldout30 import text

_GENERATED = ("_generated.py", "_tables.py", "_parsetab.py", "_lextab.py", "_codegen_out.py")
_GENERATORS = ("gen_{}.py", "build_{}_tables.py", "regen_{}.py", "make_{}.py")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the generated module, copies and subclass its agent meets."""

    @property
    def package_dir(self) -> str:
        return self.source.rsplit("/", 1)[0] if "/" in self.source else self.run.package

    @property
    def generated(self) -> str:
        return f"{self.package_dir}/{_GENERATED[len(self.run.session) % len(_GENERATED)]}"

    @property
    def generator(self) -> str:
        return "tools/" + _GENERATORS[sum(map(ord, self.run.session)) % len(_GENERATORS)].format(self.stem)

    @property
    def build_copy(self) -> str:
        return f"build/lib.linux-x86_64-cpython-{self.python.replace('.', '')}/{self.source.replace('src/', '', 1).replace('lib/', '', 1)}"

    @property
    def subclass(self) -> str:
        return f"Base{self.cls}" if len(self.run.session) % 2 else f"{self.cls}Mixin"

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}"


def edit(ctx: Ctx, old: str, new: str, path: str | None = None) -> str:
    """The agent's usual way of changing one snippet of a file."""
    return (
        f"python - <<'EOF'\np = '{path or ctx.source}'\ns = open(p).read()\n"
        f"s = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )


def failing(ctx: Ctx, rng: random.Random, got: str, want: str, target: str | None = None) -> str:
    target = target or ctx.test_file
    body = [
        f">       assert {ctx.func}(case) == {want}",
        f"E       AssertionError: assert {got} == {want}",
        "",
        f"{ctx.test_file}:{rng.randint(40, 600)}: AssertionError",
    ]
    return pytest_output(ctx, rng, target, rng.randint(0, 40), [(ctx.test_name, body, f"assert {got} == {want}")])


def passing(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    target = rng.choice([ctx.test_file, f"{ctx.test_file}::{ctx.test_name}"])
    return Step(
        thought,
        f"python -m pytest {target} -q",
        pytest_output(ctx, rng, target, rng.randint(1, 60), []),
        seconds=rng.uniform(0.8, 6),
    )


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the callers."""
    line = rng.randint(40, 700)
    choices = [
        Step("Let me check the working tree.", "git status --short", f" M {ctx.source}\n?? {ctx.script}\n"),
        Step(
            "Let me look at the size of my change.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 30)} ++++{'-' * rng.randint(1, 4)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 6)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the function I am working on.",
            f"sed -n '{line},{line + rng.randint(8, 25)}p' {ctx.source}",
            f"def {ctx.func}(values, **options):\n    result = []\n    for value in values:\n        if value is None:\n            continue\n        result.append(_{ctx.stem}_impl(value, **options))\n    return result\n",
        ),
        Step(
            f"Where else is `{ctx.func}` used?",
            f"grep -rn '{ctx.func}' {ctx.run.package} | head -{rng.randint(4, 9)}",
            f"{ctx.source}:{line}:def {ctx.func}(values, **options):\n{ctx.source}:{line + rng.randint(20, 90)}:    return {ctx.func}(items)\n",
        ),
        Step(
            "Let me list the package directory.",
            f"ls {ctx.package_dir}",
            f"__init__.py\n{ctx.source.rsplit('/', 1)[-1]}\ntests\nutils.py\n",
        ),
        Step(
            "Let me look at the last commits.",
            "git log --oneline -3",
            "\n".join(
                f"{rng.randrange(16**7):07x} {m}"
                for m in rng.sample(
                    [
                        "Merge pull request",
                        "Fix typo in docs",
                        "Bump version",
                        "MAINT: tidy imports",
                        "Add test for edge case",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


Attempt = Callable[[int], Step]


def loop(ctx: Ctx, rng: random.Random, n: int, attempts: list[Attempt], what: str, looks: float = 0.35) -> list[Step]:
    """`n` calls: the attempts in turn, each varying with its round, looks between some, then giving up."""
    steps: list[Step] = []
    k = 0
    while len(steps) < 3 * n + 6:
        steps.append(attempts[k % len(attempts)](k))
        if rng.random() < looks:
            steps.append(look(ctx, rng))
        k += 1
    return finish(steps, n, give_up(rng, what))
