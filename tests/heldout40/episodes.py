# ruff: noqa: E501
"""Productive episodes on the loops' surface: the same pickling errors, bootstrap errors, hangs, races, closed loops
and zombies met once or twice, then fixed at the cause, the tests going green.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout40.text import Ctx, pid, py_edit, traceback


def _passes(ctx: Ctx, rng: random.Random, thought: str, extra: str = "") -> Step:
    return Step(
        thought,
        f"python -m pytest {ctx.test_file} -q{extra}",
        pytest_output(ctx, rng, ctx.test_file, rng.randint(3, 80), []),
        seconds=rng.uniform(1, 12),
    )


def worker_made_picklable(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The pool is fed a local closure once; the worker moves to module level with functools.partial, and it runs."""
    cmd = f"python {ctx.script} 2>&1 | tail -{rng.randint(4, 9)}"
    return [
        Step(
            "Run my reproduction with the parallel path.",
            cmd,
            traceback(
                ctx,
                rng,
                [
                    ("SRC", f"map_{ctx.stem}|return list(pool.map(_one, items))"),
                    ("LIB/multiprocessing/reduction.py", "dumps|cls(buf, protocol).dump(obj)"),
                ],
                f"AttributeError: Can't pickle local object 'map_{ctx.stem}.<locals>._one'",
            ),
            seconds=rng.uniform(0.5, 4),
        ),
        Step(
            "The worker is a closure over `options`, which cannot be pickled for another process. Define it at module level and bind the options with functools.partial.",
            py_edit(
                ctx.source,
                "return list(pool.map(_one, items))",
                f"return list(pool.map(functools.partial({ctx.worker}, options=options), items))",
            ),
            "patched",
        ),
        Step(
            "Run it again.",
            cmd,
            f"[{rng.randint(0, 9)}, {rng.randint(10, 99)}, {rng.randint(100, 999)}]\ntook {rng.uniform(0.1, 3):.3f}",
            seconds=rng.uniform(0.5, 4),
        ),
        _passes(ctx, rng, "And the tests.", " -k 'jobs or parallel'"),
    ]


def main_guard_added(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Spawn trips the bootstrapping error twice; the script gets its main guard and both start methods pass."""
    cmd = f"python {ctx.script} --start-method spawn 2>&1 | tail -{rng.randint(6, 12)}"
    err = "RuntimeError: \n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase."
    return [
        Step(
            "Check the change under spawn as well, since macOS and Windows use it.", cmd, err, seconds=rng.uniform(1, 6)
        ),
        Step(
            "Same again after adding freeze_support? Let me look at the script first.",
            f"head -{rng.randint(8, 14)} {ctx.script}",
            f"import multiprocessing\nfrom {ctx.dotted} import map_{ctx.stem}\n\nmultiprocessing.set_start_method('spawn')\nprint(map_{ctx.stem}(range({rng.randint(4, 90)})))\n",
        ),
        Step(
            "The script's top level runs again in every spawned child. Put it under `if __name__ == '__main__':`.",
            f"cat > {ctx.script} <<'EOF'\nimport multiprocessing\nfrom {ctx.dotted} import map_{ctx.stem}\n\nif __name__ == '__main__':\n    multiprocessing.set_start_method('spawn')\n    print(map_{ctx.stem}(range({rng.randint(4, 90)})))\nEOF",
            "",
        ),
        Step(
            "Run it under spawn.",
            cmd,
            f"[{rng.randint(0, 9)}, {rng.randint(10, 99)}, {rng.randint(100, 999)}]",
            seconds=rng.uniform(1, 6),
        ),
        _passes(ctx, rng, "Now the test suite for the module."),
    ]


def deadlock_drained(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One run killed by the timeout; a stack dump shows join() before the queue is drained; reordering it finishes."""
    limit = rng.choice([30, 60])
    cmd = f"timeout {limit} python {ctx.script}; echo rc=$?"
    return [
        Step(
            "Run the reproduction under a timeout in case it hangs.",
            cmd,
            f"[{pid(rng)}] started {rng.randint(2, 8)} workers\nrc=124",
            seconds=limit + 0.4,
        ),
        Step(
            "It hangs. Dump the stacks to see where.",
            f"timeout 30 python -X faulthandler -c \"import faulthandler; faulthandler.dump_traceback_later(10); exec(open('{ctx.script}').read())\" 2>&1 | head -8",
            f'Timeout (0:00:10)!\nThread 0x00007f{rng.randrange(16**10):010x} (most recent call first):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/popen_fork.py", line 27 in poll\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/process.py", line 149 in join\n  File "/testbed/{ctx.source}", line {rng.randint(40, 600)} in map_{ctx.stem}',
            seconds=10.5,
        ),
        Step(
            "The parent joins the workers before reading the result queue; a child can't exit while its queued data is unflushed (the documented multiprocessing pitfall). Read the results first, then join.",
            py_edit(
                ctx.source,
                "for p in procs:\n        p.join()\n    results = [out.get() for _ in items]",
                "results = [out.get() for _ in items]\n    for p in procs:\n        p.join()",
            ),
            "patched",
        ),
        Step(
            "Run it again.",
            cmd,
            f"[{pid(rng)}] started {rng.randint(2, 8)} workers\ndone: {rng.randint(4, 400)} items\nrc=0",
            seconds=rng.uniform(0.5, 5),
        ),
        _passes(ctx, rng, "And the tests, with a timeout for safety.", f" --timeout={limit}"),
    ]


def race_locked(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A threaded test fails 2 runs in 10; the check-then-set gets the lock and 50 runs pass."""
    return [
        Step(
            "The new threaded test is flaky. How often does it fail?",
            f"for i in $(seq 10); do python -m pytest {ctx.test_file} -q -k thread 2>&1 | tail -1; done | sort | uniq -c",
            f"      2 1 failed, {rng.randint(3, 20)} passed in {rng.uniform(0.5, 2):.2f}s\n      8 {rng.randint(4, 21)} passed in {rng.uniform(0.5, 2):.2f}s",
            seconds=rng.uniform(8, 25),
        ),
        Step(
            "Look at the cache's get().",
            f"grep -n '_cache\\|_lock' {ctx.source} | head",
            f"{rng.randint(20, 40)}:        self._lock = threading.Lock()\n{rng.randint(41, 80)}:        if key not in self._cache:\n{rng.randint(81, 90)}:            self._cache[key] = self._compute(key)\n{rng.randint(91, 99)}:            self._hits += 1",
        ),
        Step(
            "The check and the set are separate steps, so two threads can both compute and count. Do both under the lock that is already there.",
            py_edit(
                ctx.source,
                "        if key not in self._cache:\n            self._cache[key] = self._compute(key)\n            self._hits += 1",
                "        with self._lock:\n            if key not in self._cache:\n                self._cache[key] = self._compute(key)\n                self._hits += 1",
            ),
            "patched",
        ),
        Step(
            "Run it 50 times.",
            f"for i in $(seq 50); do python -m pytest {ctx.test_file} -q -k thread 2>&1 | tail -1 | cut -d' ' -f2-3; done | sort | uniq -c",
            "     50 passed in",
            seconds=rng.uniform(30, 90),
        ),
    ]


def loop_scope_aligned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """'Event loop is closed' and 'attached to a different loop' once each; the lock is made per loop and the client closed in the test."""
    return [
        Step(
            "Run the async tests.",
            f"python -m pytest {ctx.test_file} -q -x -k async 2>&1 | tail -6",
            f"E       RuntimeError: <asyncio.locks.Lock object at 0x7f{rng.randrange(16**10):010x} [locked]> is bound to a different event loop\n1 failed, {rng.randint(3, 30)} passed in {rng.uniform(0.3, 3):.2f}s",
            rc=1,
            seconds=rng.uniform(1, 6),
        ),
        Step(
            "Where is that lock created?",
            f"grep -n 'asyncio.Lock\\|get_event_loop' {ctx.source}",
            f"{rng.randint(10, 40)}:_shared_lock = asyncio.Lock()\n{rng.randint(41, 300)}:    loop = asyncio.get_event_loop()",
        ),
        Step(
            "A module-level lock binds to the first loop that uses it, and each test gets its own loop. Create it per instance, inside the running loop.",
            py_edit(
                ctx.source,
                "_shared_lock = asyncio.Lock()",
                "_shared_lock = None  # created by the running loop, see _lock()",
            ),
            "patched",
        ),
        Step(
            "Run again.",
            f"python -m pytest {ctx.test_file} -q -x -k async 2>&1 | tail -4",
            f"RuntimeError: Event loop is closed\n1 failed, {rng.randint(3, 30)} passed in {rng.uniform(0.3, 3):.2f}s",
            rc=1,
            seconds=rng.uniform(1, 6),
        ),
        Step(
            "That one is the client closed in __del__ after the test's loop is gone. Close it in the test with `async with` instead.",
            py_edit(ctx.test_file, "    client = make_client()\n", "    async with make_client() as client:\n"),
            "patched",
        ),
        _passes(ctx, rng, "Run the async tests again.", " -k async"),
    ]


def children_reaped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Zombies after terminate(); the children are waited for, and none are left."""
    p = pid(rng)
    return [
        Step(
            "Check that my shutdown change leaves no processes behind.",
            f"python {ctx.script} & sleep 3; ps -eo pid,ppid,stat,cmd | grep '[p]ython'",
            f" {p} {p - rng.randint(1, 50)} S python {ctx.script}\n {p + 1} {p} Z [python] <defunct>\n {p + 2} {p} Z [python] <defunct>",
            seconds=3.4,
        ),
        Step(
            "How are the children stopped?",
            f"grep -n 'terminate\\|wait\\|kill' {ctx.source}",
            f"{rng.randint(100, 500)}:        proc.terminate()\n",
        ),
        Step(
            "terminate() sends SIGTERM but nothing waits for the child, so it stays a zombie. Wait for it, and kill if it doesn't stop.",
            py_edit(
                ctx.source,
                "        proc.terminate()\n",
                "        proc.terminate()\n        try:\n            proc.wait(timeout=5)\n        except subprocess.TimeoutExpired:\n            proc.kill()\n            proc.wait()\n",
            ),
            "patched",
        ),
        Step("Check again.", f"python {ctx.script} & sleep 3; ps -eo stat,cmd | grep -c '^Z'", "0", rc=1, seconds=3.3),
        _passes(ctx, rng, "And the tests."),
    ]
