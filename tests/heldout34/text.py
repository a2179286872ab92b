# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

_REPROS = ("repro_report.py", "reproduce_bug.py", "issue_repro.py", "try_repro.py", "check_report.py")
_FUNCS = ("_{}_entries", "load_{}", "_merge_{}", "compute_{}", "_coerce_{}", "iter_{}")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the repro script, function and Python its agent works with."""

    @property
    def repro(self) -> str:
        return _REPROS[len(self.run.session) % len(_REPROS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}_reported"

    def tests(self, extra: str = "") -> str:
        if self.django:
            extra = extra.replace(" -x", " --failfast")
            return f"cd tests && python runtests.py {self.stem} --verbosity 1{extra}"
        return f"python -m pytest {self.test_file} -q{extra}"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def passing(ctx: Ctx, rng: random.Random, extra: str = "") -> str:
    """What the agent's test command prints when everything passes."""
    if ctx.django:
        n = rng.randint(20, 180)
        return f"Testing against Django installed in '/testbed/django'\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n{'.' * min(n, 70)}\n----------------------------------------------------------------------\nRan {n} tests in {rng.uniform(0.1, 9):.3f}s\n\nOK\nDestroying test database for alias 'default'..."
    return text.pytest_output(ctx, rng, ctx.test_file, rng.randint(8, 90), []) + extra


def traceback(ctx: Ctx, rng: random.Random, error: str) -> str:
    """The reporter's traceback into the source file, as the agent finally sees it."""
    return "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "/testbed/{ctx.repro}", line {rng.randint(6, 30)}, in <module>',
            f"    out = {ctx.func}(data)",
            f'  File "/testbed/{ctx.source}", line {rng.randint(80, 900)}, in {ctx.func}',
            f"    return _{ctx.stem}_impl(values, **options)",
            f'  File "/testbed/{ctx.source}", line {rng.randint(80, 900)}, in _{ctx.stem}_impl',
            "    raise " + error.split(":")[0] + "(msg)",
            error,
        ]
    )


def repro_ok(ctx: Ctx, rng: random.Random) -> str:
    """The repro script finishing without the reported error."""
    return rng.choice(
        [
            f"{ctx.func}: {rng.randint(2, 60)} items, ok",
            f"result: {rng.randint(2, 60)} entries\nno error",
            f"ran {rng.randint(20, 500)} iterations, 0 failures",
            f"OK ({rng.uniform(0.001, 0.4):.3f}s)",
        ]
    )


def edit(ctx: Ctx, old: str, new: str) -> str:
    """The agent's usual way of changing one snippet of the source file."""
    return (
        f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\n"
        f"s = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the issue, the tree, the diff, the source, the interpreter."""
    line = rng.randint(40, 700)
    choices = [
        Step("Let me check what I have changed so far.", "git status --short", f" M {ctx.source}\n?? {ctx.repro}\n"),
        Step(
            "Let me check the diff is still what I intended.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(2, 12)} ++++{'-' * rng.randint(1, 3)}\n 1 file changed, {rng.randint(2, 10)} insertions(+), {rng.randint(1, 3)} deletions(-)\n",
        ),
        Step(
            f"Let me re-read {ctx.func} once more.",
            f"sed -n '{line},{line + rng.choice([10, 15, 20, 25])}p' {ctx.source}",
            "\n".join(
                [
                    f"def {ctx.func}(values, **options):",
                    "    if not values:",
                    "        return []",
                    "    strict = options.pop('strict', False)",
                    f"    return _{ctx.stem}_impl(values, strict=strict, **options)",
                ]
            ),
        ),
        Step(
            "Let me look at my reproduction script again.",
            f"cat {ctx.repro}",
            f"from {ctx.dotted} import {ctx.func}\n\ndata = load_sample()\nout = {ctx.func}(data)\nprint(len(out), 'items, ok')\n",
        ),
        Step(
            "Which interpreter is this?",
            "which python && python --version",
            f"/opt/miniconda3/envs/testbed/bin/python\nPython {ctx.python_full}\n",
        ),
        Step(
            f"Where else is `{ctx.func}` used?",
            f"grep -rn '{ctx.func}' {ctx.run.package} | head -{rng.choice([5, 8, 10])}",
            f"{ctx.source}:{line}:def {ctx.func}(values, **options):\n{ctx.source}:{line + rng.randint(20, 90)}:        return {ctx.func}(self.values)\n",
        ),
        Step(
            "Let me re-read the relevant part of the issue in the task description.",
            f"git log -1 --format='%h %s' && grep -n '{ctx.stem}' {ctx.repro}",
            f"{rng.randrange(16**7):07x} Merge pull request #{rng.randint(1000, 30000)}\n{rng.randint(1, 9)}:from {ctx.dotted} import {ctx.func}\n",
        ),
    ]
    return rng.choice(choices)
