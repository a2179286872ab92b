# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the numeric output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_SCRIPTS = ("repro.py", "check_shapes.py", "debug_nan.py", "try_fix.py", "scratch.py", "reproduce_issue.py")
_FUNCS = ("_{}_values", "compute_{}", "_reduce_{}", "get_{}", "_stack_{}", "normalize_{}")
_COLS = ("value", "weight", "score", "count", "amount", "ratio")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the script, function and column its agent works with."""

    @property
    def script(self) -> str:
        return _SCRIPTS[len(self.run.session) % len(_SCRIPTS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def col(self) -> str:
        return _COLS[len(self.source) % len(_COLS)]

    def tests(self, extra: str = "") -> str:
        """The agent's usual command to run the tests of the module it changed."""
        if self.django:  # Django's runner takes -k but none of pytest's other flags
            keep = f" -k {extra.split(' -k ', 1)[1]}" if " -k " in f" {extra}" else ""
            return f"cd tests && python runtests.py {self.stem} --verbosity 1{keep}"
        return f"python -m pytest {self.test_file} -q{extra}"

    def traceback(self, line: int, code: str, error: str, lib: tuple[tuple[str, int, str, str], ...] = ()) -> str:
        """A traceback through the agent's script, the changed module and the library frames given."""
        out = [
            "Traceback (most recent call last):",
            f'  File "/testbed/{self.script}", line {line % 40 + 3}, in <module>',
            f"    result = {self.func}(data)",
            f'  File "/testbed/{self.source}", line {line}, in {self.func}',
            f"    {code}",
        ]
        for path, lineno, where, src in lib:
            out += [f'  File "{self.site}/{path}", line {lineno}, in {where}', f"    {src}"]
        return "\n".join([*out, error]) + "\n"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def numpy_version(rng: random.Random) -> str:
    return rng.choice(["1.21.6", "1.23.5", "1.24.4", "1.25.2", "1.26.4", "2.0.2", "2.1.3"])


def pandas_version(rng: random.Random) -> str:
    return rng.choice(["1.3.5", "1.5.3", "2.0.3", "2.1.4", "2.2.2", "2.2.3"])


def py_snippet(code: str) -> str:
    return f"python - <<'EOF'\n{code}\nEOF"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the library versions, the script."""
    line = rng.randint(40, 700)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n?? {ctx.script}\n" + rng.choice(["", "?? out.png\n", "?? debug.log\n"]),
        ),
        Step(
            "Let me look at the diff to see what is in place.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 16)} +++++{'-' * rng.randint(1, 4)}\n 1 file changed, {rng.randint(3, 12)} insertions(+), {rng.randint(1, 4)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            "\n".join(
                [
                    f"def {ctx.func}(data, axis=0, skipna=True):",
                    "    arr = np.asarray(data)",
                    "    if arr.ndim == 1:",
                    "        arr = arr[:, np.newaxis]",
                    "    mask = np.isnan(arr) if skipna else None",
                    f"    weights = _{ctx.stem}_weights(arr.shape[axis])",
                    "    out = (arr * weights).sum(axis=axis)",
                    "    if mask is not None:",
                    "        out[mask.all(axis=axis)] = np.nan",
                    "    return out",
                ]
            ),
        ),
        Step(
            "Which numpy and pandas versions are installed here?",
            rng.choice(
                [
                    "python -c 'import numpy, pandas; print(numpy.__version__, pandas.__version__)'",
                    "pip list 2>/dev/null | grep -iE '^(numpy|pandas|scipy|matplotlib) '",
                ]
            ),
            f"numpy {numpy_version(rng)}\npandas {pandas_version(rng)}\nscipy 1.{rng.randint(7, 13)}.{rng.randint(0, 3)}\nmatplotlib 3.{rng.randint(5, 9)}.{rng.randint(0, 4)}\n",
        ),
        Step(
            "Let me look at my reproduction script again.",
            f"cat {ctx.script}",
            f"import numpy as np\nimport pandas as pd\nfrom {ctx.dotted} import {ctx.func}\n\ndata = np.random.default_rng({rng.randint(0, 99)}).normal(size=({rng.randint(3, 12)}, {rng.randint(2, 5)}))\nresult = {ctx.func}(data)\nprint(result.shape, result.dtype)\nprint(result)\n",
        ),
        Step(
            "Let me grep for the other places that call this function.",
            f"grep -rn '{ctx.func}' --include=*.py . | head -{rng.randint(6, 12)}",
            f"./{ctx.source}:{line}:def {ctx.func}(data, axis=0, skipna=True):\n./{ctx.source}:{line + rng.randint(20, 90)}:        values = {ctx.func}(values, axis=axis)\n./{ctx.test_file}:{rng.randint(10, 300)}:    result = {ctx.func}(arr)\n",
        ),
        Step(
            "Which interpreter is this shell using?",
            "which python && python --version",
            f"/opt/miniconda3/envs/testbed/bin/python\nPython {ctx.python_full}\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first failing run, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)


def passed(ctx: Ctx, rng: random.Random) -> Step:
    """The tests of the changed module, green after the fix."""
    n = rng.randint(12, 140)
    took = f"{rng.uniform(0.3, 9.5):.2f}"
    out = f"Ran {n} tests in {took}s\n\nOK\n" if ctx.django else f"{'.' * min(n, 70)}\n{n} passed in {took}s\n"
    return Step(
        "The fix is at the cause now; let me run the module's tests again.",
        ctx.tests(),
        out,
        seconds=float(round(float(took)) + 1),
    )
