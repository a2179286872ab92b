# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

_SCRIPTS = ("check_big.py", "repro_scale.py", "try_fix.py", "stress_check.py", "verify_fix.py")
_FUNCS = ("_{}_chunks", "build_{}", "_expand_{}", "load_{}", "_walk_{}", "merge_{}")
_FIXTURES = ("large_input", "big_frame", "huge_tree", "many_rows", "bulk_records")
_DATA = (
    "data/events_full.jsonl",
    "fixtures/dump.sql",
    "logs/run_full.log",
    "data/matrix_big.npy",
    "fixtures/corpus.txt",
)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the script, function, fixture and big file its agent meets."""

    @property
    def script(self) -> str:
        return _SCRIPTS[len(self.run.session) % len(_SCRIPTS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def fixture(self) -> str:
        return _FIXTURES[(len(self.run.session) * 3) % len(_FIXTURES)]

    @property
    def big(self) -> str:
        return _DATA[sum(map(ord, self.run.session[::2])) % len(_DATA)]

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}_{self.fixture}"

    @property
    def python(self) -> str:
        """The environment's Python, as `3.9`."""
        header = self.run.pytest_header
        if "Python " in header:
            return ".".join(header.split("Python ", 1)[1].split(".")[:2])
        return "3.9"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def traceback(ctx: Ctx, rng: random.Random, error: str, frames: int = 2) -> str:
    """A traceback from the test through the source file, line numbers drifting between runs."""
    lines = [
        "Traceback (most recent call last):",
        f'  File "/testbed/{ctx.test_file}", line {rng.randint(20, 400)}, in {ctx.test_name}',
        f"    result = {ctx.func}({ctx.fixture})",
    ]
    for _ in range(frames):
        lines.append(f'  File "/testbed/{ctx.source}", line {rng.randint(80, 1400)}, in {ctx.func}')
        lines.append(f"    out = _{ctx.stem}_impl(values, depth + 1)")
    lines.append(error)
    return "\n".join(lines)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the machine."""
    line = rng.randint(40, 900)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n M {ctx.test_file}\n?? {ctx.script}\n",
        ),
        Step(
            "Let me look at the diff to be sure my change is still there.",
            "git diff --stat",
            f" {ctx.source}    | {rng.randint(3, 16)} ++++--\n {ctx.test_file} | {rng.randint(2, 9)} ++\n 2 files changed, {rng.randint(5, 20)} insertions(+), {rng.randint(1, 5)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around the failing part.",
            f"sed -n '{line},{line + 14}p' {ctx.source}",
            f"def {ctx.func}(values, depth=0, **options):\n    if not values:\n        return []\n    out = []\n    for value in values:\n        out.extend(_{ctx.stem}_impl(value, depth + 1))\n    return out\n",
        ),
        Step(
            "How much memory and how many CPUs does this machine have?",
            rng.choice(["free -m", "nproc && free -m", "cat /proc/meminfo | head -3"]),
            f"              total        used        free      shared  buff/cache   available\nMem:           {rng.choice([3931, 3942, 7953, 7968])}        {rng.randint(900, 2600)}         {rng.randint(150, 900)}          {rng.randint(1, 40)}        {rng.randint(600, 1900)}        {rng.randint(500, 1800)}\nSwap:             0           0           0\n",
        ),
        Step(
            "Let me list the test directory.",
            f"ls {ctx.tests_dir} | head -20",
            f"__init__.py\nconftest.py\n{ctx.test_file.rsplit('/', 1)[-1]}\ntest_utils.py\nfixtures\n",
        ),
        Step(
            f"Let me see where `{ctx.fixture}` is defined.",
            f"grep -rn 'def {ctx.fixture}' {ctx.tests_dir} | head -5",
            f"{ctx.tests_dir}/conftest.py:{rng.randint(12, 140)}:def {ctx.fixture}(request):\n",
        ),
        Step(
            "What processes are still around?",
            rng.choice(["ps aux --sort=-rss | head -5", "ps -eo pid,rss,etime,cmd | head -6"]),
            f"USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot     {rng.randint(2000, 60000)}  {rng.uniform(0, 99):.1f}  {rng.uniform(0, 60):.1f} {rng.randint(100000, 4000000)} {rng.randint(20000, 2400000)} ?  S    10:{rng.randint(10, 59)}   0:{rng.randint(10, 59)} python -m pytest\nroot         1  0.0  0.0   4364  3312 ?        Ss   10:01   0:00 /bin/bash\n",
        ),
    ]
    return rng.choice(choices)


def pid(rng: random.Random) -> int:
    return rng.randint(1200, 98000)
