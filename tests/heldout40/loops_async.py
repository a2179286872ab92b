# ruff: noqa: E501
"""Loops over threads and asyncio: a racy shared counter, an event loop closed under its tasks, futures on another loop."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout40.text import Ctx, churn, py_edit, traceback


def threadsafe_counter_race(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A shared cache or counter races under threads: the failure comes and goes, and sleeps and locks move it around."""

    def run() -> Step:
        reps = rng.choice([5, 10, 20, 50])
        command = rng.choice(
            [
                f"for i in $(seq {reps}); do python -m pytest {ctx.test_file} -q -k thread -p no:randomly 2>&1 | tail -1; done | sort | uniq -c",
                f"python -m pytest {ctx.test_file} -q -k {rng.choice(['concurrent', 'thread', 'race'])} --count={reps} 2>&1 | tail -3",
                f"python {ctx.script} --threads {rng.choice([4, 8, 16, 32])}",
            ]
        )
        expected = rng.choice([1000, 4000, 8000, 10000])
        failed = rng.randint(1, reps - 1)
        body = rng.choice(
            [
                f"   {failed} 1 failed, {rng.randint(3, 30)} passed in {rng.uniform(0.5, 4):.2f}s\n   {reps - failed} {rng.randint(4, 31)} passed in {rng.uniform(0.5, 4):.2f}s",
                f"FAILED {ctx.test_file}::test_{ctx.stem}_threadsafe - AssertionError: assert {expected - rng.randint(1, 300)} == {expected}\n{failed} failed, {reps * 3 - failed} passed in {rng.uniform(2, 30):.2f}s",
                f"expected {expected}, got {expected - rng.randint(1, 90)}",
                f"RuntimeError: dictionary changed size during iteration\nexpected {expected}, got {expected}",
            ]
        )
        return Step(
            "Run the threaded test several times.", command, body, rc=rng.choice([0, 1]), seconds=rng.uniform(3, 60)
        )

    def lock_inc(k: int) -> list[Step]:
        return [
            Step(
                "Guard the increment with the lock.",
                py_edit(ctx.source, "self._hits += 1", "with self._lock:\n            self._hits += 1"),
                "patched",
            ),
            run(),
        ]

    def lock_get(k: int) -> list[Step]:
        return [
            Step(
                "The check-then-set in get() races too. Put it under the lock.",
                py_edit(
                    ctx.source, "if key not in self._cache:", "with self._lock:\n          if key not in self._cache:"
                ),
                "patched",
            ),
            Step(
                "Check it still imports.",
                f"python -c 'import {ctx.dotted}'",
                rng.choice(
                    [
                        "",
                        f'  File "/testbed/{ctx.source}", line {rng.randint(40, 600)}\n    if key not in self._cache:\n    ^\nIndentationError: unexpected indent',
                    ]
                ),
                rc=rng.choice([0, 1]),
            ),
        ]

    def sleep(k: int) -> list[Step]:
        t = rng.choice(["0", "0.001", "0.01", "1e-4"])
        return [
            Step(
                f"Add time.sleep({t}) in the worker to make the interleaving visible.",
                py_edit(ctx.test_file, "counter.hit()", f"time.sleep({t})\n        counter.hit()"),
                "patched",
            ),
            run(),
        ]

    def switch(k: int) -> list[Step]:
        v = rng.choice(["1e-6", "1e-5", "0.0001", "0.005"])
        return [
            Step(
                f"Force more thread switches with sys.setswitchinterval({v}).",
                f"python -c \"import sys; sys.setswitchinterval({v}); import runpy; runpy.run_path('{ctx.script}', run_name='__main__')\"",
                rng.choice(
                    [
                        f"expected 8000, got {8000 - rng.randint(1, 400)}",
                        "expected 8000, got 8000",
                        "expected 4000, got 3999",
                    ]
                ),
                seconds=rng.uniform(1, 20),
            ),
        ]

    def rlock(k: int) -> list[Step]:
        return [
            Step(
                "Nested calls take the lock twice; make it an RLock.",
                f"sed -i 's/self._lock = threading.Lock()/self._lock = threading.RLock()/' {ctx.source} && grep -n '_lock' {ctx.source} | head -{rng.randint(3, 6)}",
                f"{rng.randint(20, 60)}:        self._lock = threading.RLock()\n{rng.randint(61, 200)}:        with self._lock:\n{rng.randint(201, 400)}:            with self._lock:",
            ),
            run(),
        ]

    def gil(k: int) -> list[Step]:
        return [
            Step(
                "Is `+=` on an attribute atomic? Check the bytecode.",
                "python -c \"import dis; dis.dis(compile('self.n += 1', '', 'exec'))\" | head -8",
                "  0           0 RESUME                   0\n\n  1           2 LOAD_NAME                0 (self)\n              4 COPY                     1\n              6 LOAD_ATTR                1 (n)\n             16 LOAD_CONST               0 (1)\n             18 BINARY_OP               13 (+=)\n             22 SWAP                     2",
            ),
        ]

    return churn(ctx, rng, n, run(), [lock_inc, lock_get, sleep, switch, rlock, gil], "the thread-safety race")


def _closed(ctx: Ctx, rng: random.Random) -> str:
    return traceback(
        ctx,
        rng,
        [
            ("LIB/asyncio/base_events.py", "call_soon|self._check_closed()"),
            ("LIB/asyncio/base_events.py", "_check_closed|raise RuntimeError('Event loop is closed')"),
        ],
        "RuntimeError: Event loop is closed",
    )


def event_loop_closed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`Event loop is closed` at teardown or on the second asyncio.run: each change to how the loop is made moves the error."""

    def run() -> Step:
        command = rng.choice(
            [
                f"python -m pytest {ctx.test_file} -q -x -k {rng.choice(['async', 'client', 'aclose', 'stream'])} 2>&1 | tail -{rng.randint(12, 30)}",
                f"python {ctx.script} 2>&1 | tail -{rng.randint(8, 16)}",
                f"python -W error::RuntimeWarning {ctx.script} 2>&1 | tail -{rng.randint(8, 16)}",
            ]
        )
        extra = rng.choice(
            [
                f"Exception ignored in: <function _ProactorBasePipeTransport.__del__ at 0x7f{rng.randrange(16**10):010x}>\n",
                f"Task was destroyed but it is pending!\ntask: <Task pending name='Task-{rng.randint(2, 90)}' coro=<{ctx.cls}.aclose() running at /testbed/{ctx.source}:{rng.randint(40, 800)}>>\n",
                f"{ctx.test_file}:{rng.randint(10, 300)}: RuntimeWarning: coroutine '{ctx.cls}.aclose' was never awaited\n",
                "",
            ]
        )
        return Step(
            "Run it again.", command, extra + _closed(ctx, rng), rc=rng.choice([0, 1]), seconds=rng.uniform(1, 12)
        )

    def new_loop(k: int) -> list[Step]:
        return [
            Step(
                "Create a fresh loop instead of reusing get_event_loop().",
                py_edit(
                    ctx.source,
                    "loop = asyncio.get_event_loop()",
                    rng.choice(
                        [
                            "loop = asyncio.new_event_loop()\n    asyncio.set_event_loop(loop)",
                            "loop = asyncio.get_event_loop_policy().new_event_loop()",
                        ]
                    ),
                ),
                "patched",
            ),
            run(),
        ]

    def dont_close(k: int) -> list[Step]:
        return [
            Step(
                "Don't close the loop at the end; maybe something still uses it.",
                py_edit(ctx.source, "loop.close()", "# loop.close()"),
                "patched",
            ),
            Step(
                "Run it.",
                f"python {ctx.script} 2>&1 | tail -4",
                rng.choice(
                    [
                        f"ResourceWarning: unclosed event loop <_UnixSelectorEventLoop running=False closed=False debug=False>\ndone in {rng.uniform(0.1, 3):.2f}s",
                        _closed(ctx, rng),
                    ]
                ),
            ),
        ]

    def shutdown(k: int) -> list[Step]:
        return [
            Step(
                "Await the pending tasks and shutdown_asyncgens before closing.",
                py_edit(
                    ctx.source, "loop.close()", "loop.run_until_complete(loop.shutdown_asyncgens())\n    loop.close()"
                ),
                "patched",
            ),
            run(),
        ]

    def asyncio_run(k: int) -> list[Step]:
        return [
            Step(
                "Replace the manual loop handling with asyncio.run.",
                py_edit(ctx.source, "loop.run_until_complete(main())", "asyncio.run(main())"),
                "patched",
            ),
            run(),
        ]

    def debug(k: int) -> list[Step]:
        return [
            Step(
                "Run with asyncio debug mode to see where the task was created.",
                f"PYTHONASYNCIODEBUG=1 python -X dev {ctx.script} 2>&1 | grep -n 'created at\\|Event loop\\|never awaited' | head -{rng.randint(4, 9)}",
                f'{rng.randint(3, 20)}:source_traceback: Object created at (most recent call last):\n{rng.randint(21, 40)}:  File "/testbed/{ctx.source}", line {rng.randint(40, 800)}, in __del__\n{rng.randint(41, 60)}:RuntimeError: Event loop is closed',
                seconds=rng.uniform(1, 8),
            ),
        ]

    def plugin(k: int) -> list[Step]:
        return [
            Step(
                "Which pytest async plugins are installed?",
                "pip list 2>/dev/null | grep -i 'asyncio\\|anyio\\|trio'",
                f"anyio                   {rng.randint(3, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 3)}\npytest-asyncio          0.{rng.randint(18, 23)}.{rng.randint(0, 5)}",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        run(),
        [new_loop, dont_close, shutdown, asyncio_run, debug, plugin],
        "the 'Event loop is closed' error",
    )


def future_attached_different_loop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A module-level asyncio object bound to one loop, awaited from another: fixtures and loop scopes shuffled without end."""

    def run() -> Step:
        name = f"test_{ctx.stem}_{rng.choice(['concurrent', 'timeout', 'cancel', 'gather', 'lock'])}"
        error = rng.choice(
            [
                f"RuntimeError: Task <Task pending name='Task-{rng.randint(2, 200)}' coro=<{name}() running at /testbed/{ctx.test_file}:{rng.randint(10, 300)}>> got Future <Future pending> attached to a different loop",
                f"RuntimeError: <asyncio.locks.Lock object at 0x7f{rng.randrange(16**10):010x} [unlocked, waiters:1]> is bound to a different event loop",
                f"RuntimeError: <Queue at 0x7f{rng.randrange(16**10):010x} maxsize=0 _getters[1]> is bound to a different event loop",
                "ScopeMismatch: You tried to access the function scoped fixture event_loop with a session scoped request object, involved factories:",
            ]
        )
        body = pytest_output(
            ctx,
            rng,
            ctx.test_file,
            rng.randint(2, 40),
            [
                (
                    name,
                    [
                        f"    async def {name}({rng.choice(['client', 'session', 'app'])}):",
                        f">       await {rng.choice(['client.fetch', 'asyncio.wait_for', '_shared_lock.acquire'])}(...)",
                        "",
                        f"E       {error}",
                    ],
                    error.split(":", 1)[0],
                )
            ],
        )
        return Step(
            "Run the async tests.",
            f"python -m pytest {ctx.test_file} -q -x -k {name.split('_')[-1]}",
            body,
            rc=1,
            seconds=rng.uniform(1, 15),
        )

    def scope(k: int) -> list[Step]:
        s = rng.choice(["session", "module", "function", "class"])
        return [
            Step(
                f"Make the event loop fixture {s}-scoped so the client and the test share it.",
                py_edit("conftest.py", "@pytest.fixture", f"@pytest.fixture(scope='{s}')"),
                "patched",
            ),
            run(),
        ]

    def ini(k: int) -> list[Step]:
        mode = rng.choice(["auto", "strict"])
        return [
            Step(
                f"Set asyncio_mode = {mode} in the pytest config.",
                f"grep -n 'asyncio' setup.cfg pyproject.toml pytest.ini tox.ini 2>/dev/null; printf '[pytest]\\nasyncio_mode = {mode}\\n' > pytest.ini",
                rng.choice(["", f"setup.cfg:{rng.randint(20, 90)}:asyncio_mode = strict"]),
            ),
            run(),
        ]

    def lazy_lock(k: int) -> list[Step]:
        return [
            Step(
                "Create the lock lazily inside the coroutine instead of at import.",
                py_edit(
                    ctx.source,
                    "_shared_lock = asyncio.Lock()",
                    "_shared_lock = None\n\n\ndef _get_lock():\n    global _shared_lock\n    if _shared_lock is None:\n        _shared_lock = asyncio.Lock()\n    return _shared_lock",
                ),
                "patched",
            ),
            run(),
        ]

    def marker(k: int) -> list[Step]:
        return [
            Step(
                "Mark the test module with a shared loop scope.",
                f"sed -i '1i import pytest\\npytestmark = pytest.mark.asyncio(loop_scope=\"{rng.choice(['module', 'session'])}\")' {ctx.test_file} && head -3 {ctx.test_file}",
                'import pytest\npytestmark = pytest.mark.asyncio(loop_scope="module")\nimport asyncio',
            ),
            Step(
                "Run it.",
                f"python -m pytest {ctx.test_file} -q -x 2>&1 | tail -{rng.randint(2, 5)}",
                rng.choice(
                    [
                        "TypeError: mark.asyncio() got an unexpected keyword argument 'loop_scope'",
                        "E       RuntimeError: Task got Future attached to a different loop\n1 failed, 12 passed",
                    ]
                ),
                rc=1,
            ),
        ]

    def upgrade(k: int) -> list[Step]:
        v = f"0.{rng.randint(17, 24)}.{rng.randint(0, 3)}"
        return [
            Step(
                f"Try pytest-asyncio {v}.",
                f"pip install -q 'pytest-asyncio=={v}' 2>&1 | tail -2 && pip show pytest-asyncio | sed -n 2p",
                f"Version: {v}",
                seconds=rng.uniform(3, 15),
            ),
            run(),
        ]

    def loop_id(k: int) -> list[Step]:
        return [
            Step(
                "Print which loop each side sees.",
                f"python -m pytest {ctx.test_file} -q -x -s -k {rng.choice(['lock', 'gather', 'client'])} 2>&1 | grep 'loop id' | head",
                f"fixture loop id {rng.randint(10**14, 10**15)}\ntest loop id {rng.randint(10**14, 10**15)}",
            ),
        ]

    return churn(
        ctx, rng, n, run(), [scope, ini, lazy_lock, marker, upgrade, loop_id], "the future attached to a different loop"
    )
