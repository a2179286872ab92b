# ruff: noqa: E501
"""Loops over processes: workers that will not pickle, spawn without a main guard, pools that hang, children never reaped."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout40.text import Ctx, churn, pid, py_edit, secs, traceback


def _pickle_error(ctx: Ctx, rng: random.Random) -> str:
    return rng.choice(
        [
            f"AttributeError: Can't pickle local object 'map_{ctx.stem}.<locals>.<lambda>'",
            f"AttributeError: Can't pickle local object 'map_{ctx.stem}.<locals>.{ctx.worker}'",
            f"_pickle.PicklingError: Can't pickle <function <lambda> at 0x7f{rng.randrange(16**10):010x}>: attribute lookup <lambda> on __main__ failed",
            "TypeError: cannot pickle '_thread.RLock' object",
            "TypeError: cannot pickle '_io.TextIOWrapper' object",
            f"_pickle.PicklingError: Can't pickle <class '{ctx.dotted}.{ctx.cls}'>: it's not the same object as {ctx.dotted}.{ctx.cls}",
            "TypeError: cannot pickle 'generator' object",
        ]
    )


def unpicklable_worker_target(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A process pool fed a closure, lambda or object holding a lock: every wrapper trades one pickling error for the next."""

    def run() -> Step:
        command = rng.choice(
            [
                f"python {ctx.script}",
                f"python {ctx.script} 2>&1 | tail -{rng.randint(4, 12)}",
                f"python -m pytest {ctx.test_file} -x -q -k {rng.choice(['parallel', 'jobs', 'n_jobs', 'workers'])} 2>&1 | tail -{rng.randint(6, 15)}",
            ]
        )
        body = traceback(
            ctx,
            rng,
            [
                (f"/testbed/{ctx.script}", f"<module>|print(map_{ctx.stem}(range({rng.randint(4, 400)})))"),
                ("SRC", f"map_{ctx.stem}|return list(pool.map({ctx.worker}, items))"),
                (
                    "LIB/concurrent/futures/process.py",
                    "_sendback_result|result_queue.put(_ResultItem(work_id, result=result,",
                ),
                ("LIB/multiprocessing/queues.py", "_feed|obj = _ForkingPickler.dumps(obj)"),
                ("LIB/multiprocessing/reduction.py", "dumps|cls(buf, protocol).dump(obj)"),
            ][rng.randint(0, 1) :],
            _pickle_error(ctx, rng),
        )
        return Step("Run it again.", command, body, rc=0 if "tail" in command else 1, seconds=rng.uniform(0.5, 6))

    def partial(k: int) -> list[Step]:
        return [
            Step(
                "A lambda cannot be pickled. Use functools.partial around the worker instead.",
                py_edit(
                    ctx.source,
                    f"pool.map(lambda x: {ctx.worker}(x, options), items)",
                    f"pool.map(functools.partial({ctx.worker}, options=options), items)",
                ),
                "patched",
            ),
            run(),
        ]

    def top_level(k: int) -> list[Step]:
        line = rng.randint(40, 600)
        return [
            Step(
                f"The nested function at line {line} is the problem. Move it to module level.",
                f"python - <<'EOF'\np = '{ctx.source}'\nlines = open(p).read().splitlines(True)\nblock = lines[{line}:{line + rng.randint(5, 14)}]\ndel lines[{line}:{line} + len(block)]\nlines += ['\\n\\n'] + [l[4:] for l in block]\nopen(p, 'w').write(''.join(lines))\nEOF",
                "",
            ),
            run(),
        ]

    def getstate(k: int) -> list[Step]:
        attr = rng.choice(["_lock", "_cache_lock", "_stream", "_log_handle", "_session"])
        return [
            Step(
                f"The {ctx.cls} instance carries `{attr}`, which cannot be pickled. Drop it in __getstate__.",
                py_edit(
                    ctx.source,
                    f"class {ctx.cls}:",
                    f"class {ctx.cls}:\n    def __getstate__(self):\n        state = self.__dict__.copy()\n        state.pop('{attr}', None)\n        return state\n",
                ),
                "patched",
            ),
            run(),
        ]

    def cloudpickle(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(["Maybe cloudpickle can serialise the closure.", "Try dill/cloudpickle for the function."]),
                rng.choice(
                    [
                        "python -c 'import cloudpickle; print(cloudpickle.__version__)'",
                        "pip install -q cloudpickle 2>&1 | tail -2",
                        "python -c 'import dill; print(dill.__version__)'",
                    ]
                ),
                rng.choice(
                    [
                        "ModuleNotFoundError: No module named 'cloudpickle'",
                        f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 4)}",
                        "ModuleNotFoundError: No module named 'dill'",
                        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError'",
                    ]
                ),
                rc=rng.choice([0, 1]),
            ),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "Let me check directly which object fails to pickle.",
                f'python -c "import pickle, {ctx.dotted} as m; pickle.dumps(m.{rng.choice([ctx.worker, ctx.cls + "()", "map_" + ctx.stem])})" 2>&1 | tail -{rng.randint(1, 3)}',
                rng.choice(
                    [
                        _pickle_error(ctx, rng),
                        "",
                        f"TypeError: __init__() missing {rng.randint(1, 2)} required positional argument",
                    ]
                ),
                rc=rng.choice([0, 1]),
            ),
        ]

    def threads(k: int) -> list[Step]:
        return [
            Step(
                "Threads don't need pickling; try a ThreadPoolExecutor to see if the rest works.",
                f"sed -i 's/ProcessPoolExecutor/ThreadPoolExecutor/g' {ctx.source} && python {ctx.script} 2>&1 | tail -3",
                rng.choice(
                    [
                        f"took {rng.uniform(4, 90):.1f}",
                        f"AssertionError: expected {rng.randint(2, 16)} worker processes, got 1",
                    ]
                ),
            ),
            Step(
                "That only hides it and the test checks for processes. Revert that.",
                f"sed -i 's/ThreadPoolExecutor/ProcessPoolExecutor/g' {ctx.source}",
                "",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        run(),
        [partial, top_level, getstate, cloudpickle, probe, threads, partial],
        "pickling the worker for the process pool",
    )


_BOOTSTRAP = (
    "RuntimeError: \n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.\n\n"
    "        This probably means that you are not using fork to start your\n        child processes and you have forgotten to use the proper idiom\n"
    "        in the main module:\n\n            if __name__ == '__main__':\n                freeze_support()\n                ...\n"
)


def spawn_main_guard_missing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Forcing spawn to match CI: the main-module idiom, start-method errors and re-imports, around and around."""

    def run() -> Step:
        method = rng.choice(["spawn", "forkserver", "spawn"])
        command = rng.choice(
            [
                f"python {ctx.script} 2>&1 | tail -{rng.randint(8, 20)}",
                f"MP_START={method} python -m pytest {ctx.test_file} -x -q 2>&1 | tail -{rng.randint(8, 20)}",
                f"timeout {rng.choice([30, 60, 90])} python {ctx.script} --start-method {method} 2>&1 | tail -{rng.randint(8, 20)}",
            ]
        )
        error = rng.choice(
            [
                _BOOTSTRAP,
                "RuntimeError: context has already been set",
                "concurrent.futures.process.BrokenProcessPool: A process in the process pool was terminated abruptly while the future was running or pending.",
                f"AttributeError: Can't get attribute '{ctx.worker}' on <module '__main__' (built-in)>",
                f"ModuleNotFoundError: No module named '{ctx.stem}_conftest'",
            ]
        )
        body = f"[{pid(rng)}] importing {ctx.dotted}\n" * rng.randint(1, 4) + traceback(
            ctx,
            rng,
            [
                ("LIB/multiprocessing/spawn.py", "_main|prepare(preparation_data)"),
                ("LIB/multiprocessing/spawn.py", "_fixup_main_from_path|main_content = runpy.run_path(main_path,"),
            ],
            error,
        )
        return Step("Run it with spawn again.", command, body, seconds=rng.uniform(1, 20))

    def set_method(k: int) -> list[Step]:
        where = rng.choice([ctx.script, ctx.source, "conftest.py"])
        return [
            Step(
                f"Set the start method explicitly in {where}.",
                py_edit(
                    where,
                    "import multiprocessing",
                    f"import multiprocessing\nmultiprocessing.set_start_method('{rng.choice(['spawn', 'forkserver'])}'{rng.choice(['', ', force=True'])})",
                ),
                "patched",
            ),
            run(),
        ]

    def guard(k: int) -> list[Step]:
        return [
            Step(
                "Wrap the script's body in the main guard.",
                f"python - <<'EOF'\np = '{ctx.script}'\ns = open(p).read()\nbody = s.split('\\n', {rng.randint(1, 4)})\nopen(p, 'w').write(body[0] + \"\\nif __name__ == '__main__':\\n\" + '\\n'.join('    ' + l for l in body[1:]))\nEOF",
                "",
            ),
            run(),
        ]

    def get_context(k: int) -> list[Step]:
        return [
            Step(
                "Use a local context instead of the global start method.",
                py_edit(
                    ctx.source,
                    "ProcessPoolExecutor(max_workers=jobs)",
                    f"ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context('{rng.choice(['spawn', 'fork', 'forkserver'])}'))",
                ),
                "patched",
            ),
            run(),
        ]

    def freeze(k: int) -> list[Step]:
        return [
            Step(
                "The message mentions freeze_support(); add it.",
                f"sed -i \"s/^if __name__ == '__main__':/if __name__ == '__main__':\\n    multiprocessing.freeze_support()/\" {ctx.script} && head -{rng.randint(6, 12)} {ctx.script}",
                f"import multiprocessing\nfrom {ctx.dotted} import map_{ctx.stem}\n\nif __name__ == '__main__':\n    multiprocessing.freeze_support()\n    print(map_{ctx.stem}(range({rng.randint(4, 200)})))\n",
            ),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Where else is the start method set? Something imported earlier may set it first.",
                f"grep -rn 'set_start_method\\|get_context(' --include=*.py . | grep -v '/build/' | head -{rng.randint(5, 10)}",
                f"./{ctx.script}:{rng.randint(2, 6)}:multiprocessing.set_start_method('spawn')\n./conftest.py:{rng.randint(5, 40)}:    multiprocessing.set_start_method('spawn', force=True)\n./{ctx.source}:{rng.randint(20, 400)}:        ctx = multiprocessing.get_context()",
            ),
        ]

    def fork_compare(k: int) -> list[Step]:
        return [
            Step(
                "With fork it works; the difference must be module-level state. Compare.",
                f"MP_START=fork python {ctx.script} 2>&1 | tail -2",
                f"[{rng.randint(0, 9)}, {rng.randint(10, 99)}, {rng.randint(100, 999)}, ...]\ntook {rng.uniform(0.2, 5):.3f}",
            ),
        ]

    return churn(
        ctx, rng, n, run(), [set_method, guard, get_context, freeze, grep, fork_compare], "the spawn start method"
    )


def pool_join_deadlock(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A pool or queue that never returns: each run is killed by the timeout, each guess about the lock moves nothing."""

    def run() -> Step:
        limit = rng.choice([20, 30, 45, 60, 120])
        command = rng.choice(
            [
                f"timeout {limit} python {ctx.script}; echo rc=$?",
                f"timeout {limit} python -m pytest {ctx.test_file} -x -q -p no:cacheprovider 2>&1 | tail -{rng.randint(3, 8)}; echo rc=$?",
                f"python -m pytest {ctx.test_file} -x -q --timeout={limit} 2>&1 | tail -{rng.randint(10, 25)}",
                f"python {ctx.script}",
            ]
        )
        if command.startswith("python -m pytest"):
            body = (
                f"+{'+' * 30} Timeout {'+' * 30}\n~~~~~ Stack of MainThread ({rng.randint(10**14, 10**15)}) ~~~~~\n"
                f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/pool.py", line {rng.randint(600, 780)}, in join\n    p.join()\n'
                f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/popen_fork.py", line {rng.randint(27, 44)}, in wait\n    pid, sts = os.waitpid(self.pid, flag)\n'
                f"+{'+' * 30} Timeout {'+' * 30}\nFailed: Timeout >{limit}.0s"
            )
            return Step("Run it with a timeout again.", command, body, rc=1, seconds=limit + rng.uniform(0.5, 2))
        if command.startswith("timeout"):
            return Step(
                "Run it with a timeout again.",
                command,
                f"[{pid(rng)}] started {rng.randint(2, 16)} workers\n" + "rc=124",
                seconds=limit + rng.uniform(0.1, 1),
            )
        return Step(
            "Run it again.",
            command,
            f"[{pid(rng)}] started {rng.randint(2, 16)} workers\n",
            seconds=600,
            timed_out=True,
        )

    def join_order(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Maybe the join happens before the results are read. Swap the order.",
                        "Call close() before join().",
                    ]
                ),
                py_edit(
                    ctx.source,
                    rng.choice(["pool.join()\n    results = [r.get() for r in async_results]", "pool.join()"]),
                    rng.choice(
                        [
                            "results = [r.get() for r in async_results]\n    pool.close()\n    pool.join()",
                            "pool.close()\n    pool.join()",
                        ]
                    ),
                ),
                "patched",
            ),
            run(),
        ]

    def sentinel(k: int) -> list[Step]:
        return [
            Step(
                "Workers may never see the stop signal. Put one None per worker on the queue.",
                py_edit(
                    ctx.source,
                    "queue.put(None)",
                    f"for _ in range({rng.choice(['jobs', 'len(workers)', 'n_workers'])}):\n        queue.put(None)",
                ),
                "patched",
            ),
            run(),
        ]

    def lock(k: int) -> list[Step]:
        return [
            Step(
                f"Perhaps the module-level lock is held at fork time. Use an RLock{rng.choice(['', ' and a timeout'])}.",
                py_edit(
                    ctx.source,
                    "_lock = threading.Lock()",
                    rng.choice(["_lock = threading.RLock()", "_lock = multiprocessing.Lock()"]),
                ),
                "patched",
            ),
            run(),
        ]

    def faulthandler(k: int) -> list[Step]:
        limit = rng.choice([10, 15, 20])
        return [
            Step(
                "Dump the stacks when it hangs.",
                f"timeout {limit + 5} python -X faulthandler -c \"import faulthandler, sys; faulthandler.dump_traceback_later({limit}); sys.argv=['{ctx.script}']; exec(open('{ctx.script}').read())\" 2>&1 | head -{rng.randint(10, 20)}",
                f'Timeout ({limit // 60}:00:{limit:02d})!\nThread 0x00007f{rng.randrange(16**10):010x} (most recent call first):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/threading.py", line {rng.randint(300, 330)} in wait\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/queues.py", line {rng.randint(100, 120)} in get\n  File "/testbed/{ctx.source}", line {rng.randint(40, 700)} in map_{ctx.stem}',
                seconds=limit + 0.5,
            ),
        ]

    def kill(k: int) -> list[Step]:
        p = pid(rng)
        return [
            Step(
                "Clean up the stuck processes from before.",
                rng.choice(
                    [
                        f"kill -9 {p} {p + 1} {p + 2} 2>&1; ps -o pid,stat,cmd --ppid {p}",
                        f"pkill -f {ctx.script}; sleep 1; pgrep -fc {ctx.script}",
                    ]
                ),
                rng.choice([f"bash: kill: ({p + 2}) - No such process\n  PID STAT CMD", "0", f"{rng.randint(1, 4)}"]),
            ),
        ]

    def fewer(k: int) -> list[Step]:
        jobs = rng.choice([1, 2, 3])
        return [
            Step(
                f"Try with {jobs} worker{'s' if jobs > 1 else ''} to see if it is about contention.",
                f"JOBS={jobs} timeout 40 python {ctx.script}; echo rc=$?",
                f"[{pid(rng)}] started {jobs} workers\nrc=124",
                seconds=40.3,
            ),
        ]

    return churn(
        ctx, rng, n, run(), [join_order, sentinel, lock, faulthandler, kill, fewer], "the hang in the worker pool"
    )


def zombie_children_accumulate(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Children left <defunct> and a SIGTERM handler that never fires: each signal tweak leaves the process table as it was."""

    def count() -> Step:
        p = pid(rng)
        z = rng.randint(2, 40)
        return Step(
            "Run it and count the zombies left behind.",
            rng.choice(
                [
                    f"python {ctx.script} & sleep {rng.randint(2, 8)}; ps -eo pid,ppid,stat,cmd | grep -c ' Z '",
                    f"python -m pytest {ctx.test_file} -q -k {rng.choice(['terminate', 'shutdown', 'cancel', 'subprocess'])} 2>&1 | tail -3; ps -eo stat | grep -c Z",
                    f"timeout -s TERM {rng.randint(3, 10)} python {ctx.script}; echo rc=$?; ps --ppid {p} -o pid,stat,cmd",
                ]
            ),
            rng.choice(
                [
                    f"{z}",
                    f"{rng.randint(1, 3)} failed, {rng.randint(4, 40)} passed in {secs(rng, 2, 30)}\n{z}",
                    f"rc=124\n    PID STAT CMD\n  {p + 1} Z    [python] <defunct>\n  {p + 2} Z    [python] <defunct>\n  {p + 3} S    python {ctx.script}",
                ]
            ),
            seconds=rng.uniform(3, 15),
        )

    def handler(k: int) -> list[Step]:
        return [
            Step(
                "Install a SIGCHLD handler that reaps children.",
                py_edit(
                    ctx.source,
                    "import signal",
                    "import signal\n\n\ndef _reap(signum, frame):\n    while True:\n        try:\n            pid, _ = os.waitpid(-1, os.WNOHANG)\n        except ChildProcessError:\n            return\n        if pid == 0:\n            return\n\n\nsignal.signal(signal.SIGCHLD, _reap)",
                ),
                "patched",
            ),
            count(),
        ]

    def ignore(k: int) -> list[Step]:
        return [
            Step(
                "Let the kernel reap them: ignore SIGCHLD.",
                py_edit(
                    ctx.source, "signal.signal(signal.SIGCHLD, _reap)", "signal.signal(signal.SIGCHLD, signal.SIG_IGN)"
                ),
                "patched",
            ),
            Step(
                "Check it.",
                f"python {ctx.script} 2>&1 | tail -4",
                traceback(
                    ctx,
                    rng,
                    [("SRC", "_run|rc = proc.wait()"), ("LIB/subprocess.py", "_wait|(pid, sts) = self._try_wait(0)")],
                    "ChildProcessError: [Errno 10] No child processes",
                ),
                rc=1,
            ),
        ]

    def term(k: int) -> list[Step]:
        return [
            Step(
                "The SIGTERM handler is set in the parent only after the children start. Move it earlier.",
                py_edit(ctx.source, "signal.signal(signal.SIGTERM, _on_term)\n", ""),
                "patched",
            ),
            Step(
                "Send SIGTERM by hand and see if the handler runs.",
                f"python {ctx.script} & P=$!; sleep {rng.randint(1, 4)}; kill -TERM $P; wait $P; echo rc=$?",
                rng.choice(["Terminated\nrc=143", f"handler: got signal 15 in pid {pid(rng)}\nrc=0", "rc=143"]),
                seconds=rng.uniform(2, 6),
            ),
        ]

    def popen_wait(k: int) -> list[Step]:
        return [
            Step(
                f"Maybe the Popen objects are dropped without wait(). Use communicate(timeout={rng.choice([5, 10, 30])}).",
                py_edit(
                    ctx.source,
                    "proc.terminate()",
                    f"proc.terminate()\n        try:\n            proc.communicate(timeout={rng.choice([5, 10, 30])})\n        except subprocess.TimeoutExpired:\n            proc.kill()",
                ),
                "patched",
            ),
            count(),
        ]

    def strace(k: int) -> list[Step]:
        return [
            Step(
                "Trace the signals the process gets.",
                f"strace -f -e trace=wait4,kill,rt_sigaction -o /tmp/st{rng.randint(1, 99)}.txt python {ctx.script} 2>&1 | tail -2",
                rng.choice(
                    [
                        "bash: strace: command not found",
                        "strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted",
                    ]
                ),
                rc=rng.choice([1, 127]),
            ),
        ]

    def proc_status(k: int) -> list[Step]:
        p = pid(rng)
        return [
            Step(
                "Who is the parent of the zombies?",
                f"ps -o pid,ppid,stat,cmd -p $(pgrep -f {ctx.script} | head -1) ; grep -E 'SigCgt|SigIgn' /proc/$(pgrep -f {ctx.script} | head -1)/status",
                f"    PID    PPID STAT CMD\n  {p}  {p - rng.randint(1, 40)} S    python {ctx.script}\nSigIgn:\t0000000000001000\nSigCgt:\t{rng.choice(['0000000180004002', '0000000180014002', '0000000180000002'])}",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        count(),
        [handler, ignore, term, popen_wait, strace, proc_status],
        "the defunct children and SIGTERM handling",
    )
