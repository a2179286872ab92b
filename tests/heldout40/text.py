# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the looks between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_WORKERS = ("_work_{}", "_process_{}", "run_{}_chunk", "_{}_task", "compute_{}")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the worker function and scripts its steps name."""

    @property
    def worker(self) -> str:
        return _WORKERS[sum(map(ord, self.run.session)) % len(_WORKERS)].format(self.stem)

    @property
    def script(self) -> str:
        return f"repro_{self.stem}.py"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def pid(rng: random.Random) -> int:
    return rng.randint(1200, 48000)


def secs(rng: random.Random, lo: float = 0.2, hi: float = 9.0) -> str:
    return f"{rng.uniform(lo, hi):.2f}s"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the processes, the interpreter."""
    src = rng.randint(30, 700)
    p = pid(rng)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n{rng.choice([' M ' + ctx.test_file + chr(10), ''])}?? {ctx.script}\n",
        ),
        Step(
            "Let me look at the diff so far.",
            f"git diff --stat{rng.choice(['', ' -- ' + ctx.source])}",
            f" {ctx.source} | {rng.randint(2, 30)} ++++{'-' * rng.randint(1, 4)}\n 1 file changed, {rng.randint(3, 24)} insertions(+), {rng.randint(1, 6)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{src},{src + 12}p' {ctx.source}",
            f"def {ctx.worker}(item, options=None):\n    options = options or {{}}\n    result = _apply(item, **options)\n    return result\n\n\ndef map_{ctx.stem}(items, jobs=None):\n    jobs = jobs or os.cpu_count()\n    with ProcessPoolExecutor(max_workers=jobs) as pool:\n        return list(pool.map({ctx.worker}, items))\n",
        ),
        Step(
            "Are there leftover python processes from earlier runs?",
            rng.choice(
                [
                    "ps aux | grep -c '[p]ython'",
                    "ps -eo pid,ppid,stat,etime,cmd | grep '[p]ython' | head",
                    "pgrep -af python | head -5",
                ]
            ),
            rng.choice(
                [
                    f"{rng.randint(2, 14)}",
                    f"  PID  PPID STAT     ELAPSED CMD\n {p} {p - rng.randint(1, 90)} S    {rng.randint(0, 9):02d}:{rng.randint(10, 59)} python {ctx.script}\n {p + 1} {p} Z    {rng.randint(0, 9):02d}:{rng.randint(10, 59)} [python] <defunct>",
                    f"{p} python -m pytest {ctx.test_file} -x\n{p + rng.randint(1, 9)} python -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7) --multiprocessing-fork",
                ]
            ),
        ),
        Step(
            "Which interpreter and start method is this environment using?",
            "python -c 'import sys, multiprocessing as mp; print(sys.version.split()[0], mp.get_start_method(), mp.cpu_count())'",
            f"{ctx.python_full} fork {rng.choice([2, 4, 8, 16])}",
        ),
        Step(
            "Let me find where the pool is created.",
            f"grep -rn 'Pool\\|Executor\\|get_context\\|set_start_method' {ctx.source} | head",
            f"{rng.randint(3, 30)}:from concurrent.futures import ProcessPoolExecutor\n{src}:    with ProcessPoolExecutor(max_workers=jobs) as pool:\n{src + rng.randint(20, 90)}:        ctx = multiprocessing.get_context()\n",
        ),
        Step(
            "Let me look at my reproduction script again.",
            f"cat {ctx.script}",
            f"from {ctx.dotted} import *\n\nif __name__ == '__main__':\n    import time\n    t = time.time()\n    print(map_{ctx.stem}(range({rng.randint(4, 400)})))\n    print('took', time.time() - t)\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first failing run, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.45)


def traceback(ctx: Ctx, rng: random.Random, frames: list[tuple[str, str]], error: str) -> str:
    """A Python traceback through the project's module and the standard library's."""
    lines = ["Traceback (most recent call last):"]
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    for where, code in frames:
        path = where.replace("LIB", lib).replace("SRC", f"/testbed/{ctx.source}")
        lines += [f'  File "{path}", line {rng.randint(20, 900)}, in {code.split("|")[0]}', f"    {code.split('|')[1]}"]
    lines.append(error)
    return "\n".join(lines)
