# ruff: noqa: E501
"""Loops against memory and size: a fixture too big to build, a file too big to read, a recursion too deep,
a shared-memory segment too small, each attempted again and again in other forms."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout20.text import finish
from heldout35.text import Ctx, give_up, look, pid, traceback

Attempt = Callable[[Ctx, random.Random], Step]


def _run(ctx: Ctx, rng: random.Random, n: int, attempts: list[Attempt], what: str, looks: float = 0.3) -> list[Step]:
    steps: list[Step] = []
    for i in range(n * 3):
        if i and rng.random() < looks:
            steps.append(look(ctx, rng))
        steps.append(rng.choice(attempts)(ctx, rng))
    return finish(steps, n, give_up(rng, what))


# big-fixture-memoryerror: a test's fixture builds millions of rows in memory; MemoryError every time.


def _mem_size(rng: random.Random) -> str:
    return rng.choice(["2_000_000", "5_000_000", "10**7", "3 * 10**6", "8_000_000", "1 << 23"])


def _memerr(ctx: Ctx, rng: random.Random, cmd: str, thought: str) -> Step:
    gib = rng.uniform(1.1, 7.8)
    err = rng.choice(
        [
            "MemoryError",
            f"numpy.core._exceptions._ArrayMemoryError: Unable to allocate {gib:.2f} GiB for an array with shape ({rng.randint(1, 9) * 10**6}, {rng.choice([64, 128, 256])}) and data type float64",
            f"MemoryError: Unable to allocate {gib:.1f} GiB for an array with shape ({rng.randint(2, 12) * 10**6},) and data type object",
        ]
    )
    return Step(
        thought,
        cmd,
        f"E   {err}\n" + traceback(ctx, rng, err, 1) + f"\n1 failed in {rng.uniform(14, 160):.2f}s",
        rc=1,
        seconds=rng.uniform(15, 160),
    )


def _mem_attempts() -> list[Attempt]:
    return [
        lambda c, r: _memerr(
            c,
            r,
            f"python -m pytest {c.test_file}::{c.test_name} -q -x",
            "Run just the failing test again to see whether it still runs out of memory.",
        ),
        lambda c, r: _memerr(
            c,
            r,
            f"ulimit -v {r.choice([6, 8, 12, 16, 24])}000000; python -m pytest {c.test_file} -q -k {c.fixture.split('_')[1]}",
            "Maybe a virtual memory limit helps the allocator. Try with ulimit set.",
        ),
        lambda c, r: _memerr(
            c,
            r,
            f"python -X importtime -c 'import gc; gc.collect(); import {c.dotted}' && python -m pytest {c.test_file} -q -p no:cacheprovider -k {c.test_name}",
            "Let me collect garbage first and disable the cache provider to free a bit of memory.",
        ),
        lambda c, r: _memerr(
            c,
            r,
            f"sed -i 's/n = .*/n = {_mem_size(r)}/' {c.tests_dir}/conftest.py && python -m pytest {c.test_file}::{c.test_name} -q",
            "The fixture size might be the problem; set it to a different value and rerun.",
        ),
        lambda c, r: _memerr(
            c,
            r,
            f"PYTHONMALLOC=malloc MALLOC_ARENA_MAX={r.choice([1, 2, 4])} python -m pytest {c.test_file} -q -x",
            "Try a different allocator configuration to reduce fragmentation.",
        ),
        lambda c, r: _memerr(
            c,
            r,
            f'python -c "import {c.dotted} as m, conftest; m.{c.func}(conftest.make_{c.fixture}({_mem_size(r)}))"',
            "Call the function directly with the fixture data, outside pytest.",
        ),
        lambda c, r: Step(
            "Let me see how much memory the test process peaks at.",
            f"/usr/bin/time -v python -m pytest {c.test_file}::{c.test_name} -q 2>&1 | grep -E 'Maximum resident|Exit status|MemoryError'",
            f"E   MemoryError\n\tMaximum resident set size (kbytes): {r.randint(2_900_000, 7_600_000)}\n\tExit status: 1\n",
            rc=0,
            seconds=r.uniform(20, 150),
        ),
        lambda c, r: _memerr(
            c,
            r,
            f"python -m pytest {c.test_file} -q -k 'not slow' --maxfail=1 -o cache_dir=/tmp/pc{r.randint(1, 99)}",
            "Skip the slow ones and try again; maybe memory is left over from earlier tests.",
        ),
    ]


def big_fixture_memoryerror(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _mem_attempts(), f"the MemoryError building `{ctx.fixture}`")


# huge-file-thrash: a multi-gigabyte data file opened, catted, diffed and loaded whole, over and over.


def _huge_out(ctx: Ctx, rng: random.Random) -> str:
    return "\n".join(
        f'{{"id": {rng.randint(10**6, 10**8)}, "ts": {rng.randint(1_600_000_000, 1_700_000_000)}, "kind": "{rng.choice(["open", "close", "tick"])}", "payload": "{"x" * rng.randint(200, 400)}"}}'
        for _ in range(60)
    )


def _huge_attempts() -> list[Attempt]:
    size = lambda r: f"{r.uniform(2.1, 9.7):.1f}G"  # noqa: E731
    return [
        lambda c, r: Step(
            "Let me look at the data file the failing test reads.",
            f"cat {c.big}",
            _huge_out(c, r) * 4,
            seconds=r.uniform(30, 60),
            timed_out=True,
        ),
        lambda c, r: Step(
            "Diff the file against the pristine copy to see what changed.",
            f"diff {c.big} {c.big}.orig",
            f"{r.randint(1, 90000)}c{r.randint(1, 90000)}\n" + _huge_out(c, r) * 3,
            rc=1,
            seconds=r.uniform(40, 60),
            timed_out=r.random() < 0.5,
        ),
        lambda c, r: Step(
            "Load it into Python and count the records.",
            f"python -c \"import json; d=[json.loads(l) for l in open('{c.big}').readlines()]; print(len(d))\"",
            "Killed\n",
            rc=137,
            seconds=r.uniform(30, 90),
        ),
        lambda c, r: Step(
            "Read the whole file at once and search for the bad id.",
            f'python -c "s=open(\'{c.big}\').read(); print(s.count(\'\\"kind\\": \\"{r.choice(["open", "close", "tick"])}\\"\'))"',
            'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nMemoryError\n',
            rc=1,
            seconds=r.uniform(20, 70),
        ),
        lambda c, r: Step(
            "How big is it exactly?",
            f"ls -lh {c.big}*",
            f"-rw-r--r-- 1 root root {size(r)} Jan {r.randint(1, 28)} 10:{r.randint(10, 59)} {c.big}\n-rw-r--r-- 1 root root {size(r)} Jan {r.randint(1, 28)} 09:{r.randint(10, 59)} {c.big}.orig\n",
        ),
        lambda c, r: Step(
            "Use git to diff the two versions instead.",
            f"git diff --no-index --stat {c.big}.orig {c.big}",
            "",
            seconds=r.uniform(50, 60),
            timed_out=True,
        ),
        lambda c, r: Step(
            "Open it in pandas and check the columns.",
            f"python -c \"import pandas as pd; df=pd.read_json('{c.big}', lines=True); print(df.dtypes)\"",
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "{c.site}/pandas/io/json/_json.py", line {r.randint(700, 1100)}, in read_json\n    return json_reader.read()\nnumpy.core._exceptions._ArrayMemoryError: Unable to allocate {r.uniform(1.5, 6):.2f} GiB for an array with shape ({r.randint(4, 9) * 10**6}, {r.randint(4, 12)}) and data type object\n',
            rc=1,
            seconds=r.uniform(30, 80),
        ),
        lambda c, r: Step(
            "Sort both and compare.",
            f"sort {c.big} > /tmp/a{r.randint(1, 9)} && sort {c.big}.orig > /tmp/b{r.randint(1, 9)} && comm -3 /tmp/a* /tmp/b* | head",
            f"sort: write failed: /tmp/sort{r.randint(100000, 999999)}: No space left on device\n",
            rc=2,
            seconds=r.uniform(40, 120),
        ),
        lambda c, r: Step(
            "Let me just grep the whole file for the failing record.",
            f"grep '\"id\": {r.randint(10**6, 10**8)}' {c.big}",
            "",
            seconds=r.uniform(50, 60),
            timed_out=True,
        ),
    ]


def huge_file_thrash(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _huge_attempts(), f"reading {ctx.big}")


# recursion-limit-bumping: a deep input overflows; the limit is raised higher and higher, then the C stack.


def _rec_attempts() -> list[Attempt]:
    def rec(c: Ctx, r: random.Random, cmd: str, thought: str) -> Step:
        if r.random() < 0.35:
            return Step(
                thought,
                cmd,
                f'Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f{r.randrange(16**10):010x} (most recent call first):\n  File "/testbed/{c.source}", line {r.randint(80, 1400)} in _{c.stem}_impl\n  ...\nSegmentation fault (core dumped)\n',
                rc=139,
                seconds=r.uniform(2, 30),
            )
        return Step(
            thought,
            cmd,
            traceback(c, r, "RecursionError: maximum recursion depth exceeded while calling a Python object", 3),
            rc=1,
            seconds=r.uniform(2, 30),
        )

    limit = lambda r: r.choice([5000, 10000, 20000, 50000, 100000, 200000, 10**6, 3000, 15000])  # noqa: E731
    return [
        lambda c, r: rec(c, r, f"python -m pytest {c.test_file}::{c.test_name} -q", "Run the deep-input test again."),
        lambda c, r: rec(
            c,
            r,
            f"sed -i 's/sys.setrecursionlimit([0-9]*)/sys.setrecursionlimit({limit(r)})/' {c.source} && python {c.script}",
            "Raise the recursion limit in the module and retry the script.",
        ),
        lambda c, r: rec(
            c,
            r,
            f"python -c \"import sys; sys.setrecursionlimit({limit(r)}); import runpy; runpy.run_path('{c.script}')\"",
            "Set the limit from outside before running the script.",
        ),
        lambda c, r: rec(
            c,
            r,
            f"ulimit -s {r.choice(['unlimited', 65536, 32768, 262144])} && python {c.script}",
            "A bigger C stack might let the higher limit work.",
        ),
        lambda c, r: rec(
            c,
            r,
            f"python -c \"import threading, sys; threading.stack_size({r.choice([64, 128, 256, 512])}*1024*1024); sys.setrecursionlimit({limit(r)}); t=threading.Thread(target=lambda: __import__('runpy').run_path('{c.script}')); t.start(); t.join()\"",
            "Run it in a thread with a big stack size.",
        ),
        lambda c, r: rec(
            c,
            r,
            f"python {c.script} --depth {r.choice([500, 900, 1500, 2500, 4000, 8000])}",
            "Try a different depth to see where it breaks.",
        ),
        lambda c, r: Step(
            "What is the current recursion limit?",
            "python -c 'import sys; print(sys.getrecursionlimit())'",
            f"{r.choice([1000, 1000, 3000])}\n",
        ),
    ]


def recursion_limit_bumping(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _rec_attempts(), "the RecursionError on deep input")


# dataloader-shm-bus-error: worker processes die with a bus error: the container's /dev/shm is 64M.


def _shm_attempts() -> list[Attempt]:
    def crash(c: Ctx, r: random.Random, cmd: str, thought: str) -> Step:
        p = pid(r)
        err = r.choice(
            [
                f"RuntimeError: DataLoader worker (pid {p}) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.",
                f"RuntimeError: DataLoader worker (pid(s) {p}, {p + r.randint(1, 40)}) exited unexpectedly",
                f"OSError: [Errno 28] No space left on device: '/dev/shm/torch_{p}_{r.randint(10**8, 10**9)}_{r.randint(0, 9)}'",
            ]
        )
        return Step(
            thought,
            cmd,
            f"ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).\n{traceback(c, r, err, 1)}",
            rc=1,
            seconds=r.uniform(8, 90),
        )

    return [
        lambda c, r: crash(c, r, f"python -m pytest {c.test_file} -q -k loader", "Run the loader tests again."),
        lambda c, r: crash(
            c,
            r,
            f"NUM_WORKERS={r.choice([1, 2, 3, 4, 6])} python {c.script}",
            "Fewer workers should need less shared memory.",
        ),
        lambda c, r: crash(
            c,
            r,
            f"python -c \"import torch.multiprocessing as mp; mp.set_sharing_strategy('{r.choice(['file_system', 'file_descriptor'])}'); import runpy; runpy.run_path('{c.script}')\"",
            "Switch the sharing strategy and rerun.",
        ),
        lambda c, r: Step(
            "Try to enlarge /dev/shm.",
            f"mount -o remount,size={r.choice([256, 512, 1024, 2048])}M /dev/shm",
            "mount: /dev/shm: permission denied.\n",
            rc=32,
        ),
        lambda c, r: Step(
            "How big is /dev/shm?",
            "df -h /dev/shm",
            f"Filesystem      Size  Used Avail Use% Mounted on\nshm              64M   {r.randint(40, 64)}M  {r.randint(0, 24)}M  {r.randint(62, 100)}% /dev/shm\n",
        ),
        lambda c, r: Step(
            "Clear whatever is left in /dev/shm.",
            "rm -f /dev/shm/torch_* && ls /dev/shm | wc -l",
            f"{r.randint(0, 3)}\n",
        ),
        lambda c, r: crash(
            c,
            r,
            f"TMPDIR=/tmp/shm{r.randint(1, 99)} python -m pytest {c.test_file} -q -x -k 'loader or batch'",
            "Point the temp dir somewhere else and retry.",
        ),
        lambda c, r: crash(
            c,
            r,
            f"sed -i 's/batch_size=[0-9]*/batch_size={r.choice([8, 16, 32, 64, 128])}/' {c.script} && python {c.script}",
            "A smaller batch size might fit.",
        ),
    ]


def dataloader_shm_bus_error(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _shm_attempts(), "the DataLoader workers dying for lack of shared memory")
