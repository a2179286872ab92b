# ruff: noqa: E501
"""Loops on shutdown: an atexit handler that prints nothing or out of order, teardown finalizers in a drifting order."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout57.text import Ctx, Fail, Topic, churn, flags, py_edit, test_step


def atexit_handler_silent(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The exit handler's line is missing or out of order in the subprocess; atexit, finalize, __del__ and flushes all drift."""
    test = f"test_{ctx.stem}_flushes_at_exit"
    flush = f"_flush_{ctx.stem}"
    want = "['closing', 'flushed']"

    def wrong() -> Fail:
        got = rng.choice(
            ["[]", "['closing']", "['flushed', 'closing']", "['closing', 'flushed', 'flushed']", "['flushed']"]
        )
        return Fail(test, f"proc.stdout.splitlines() == {want}", got, want)

    first = [
        test_step(
            ctx,
            rng,
            "Let me run the test that checks the cache is flushed at interpreter exit.",
            ctx.single(test),
            [wrong()],
        )
    ]

    def swap(k: int) -> list[Step]:
        where = rng.choice(
            ["at import time", "in the first call", "right after the file is opened", "at the end of the module"]
        )
        return [
            Step(
                f"atexit runs handlers in reverse order of registration. Let me register {flush} {where}.",
                py_edit(ctx.source, f"atexit.register({flush})\n", "", 1)
                if k % 2
                else py_edit(ctx.source, "    _handle = open(", f"    atexit.register({flush})\n    _handle = open("),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", ctx.single(test), [wrong()], flags(ctx, rng)),
        ]

    def finalize(k: int) -> list[Step]:
        target = rng.choice(["self", "_handle", f"_{ctx.stem.upper()}_CACHE", "sys.modules[__name__]"])
        return [
            Step(
                f"Let me tie the flush to the object's lifetime with weakref.finalize({target}, ...) instead of atexit.",
                py_edit(ctx.source, f"atexit.register({flush})", f"weakref.finalize({target}, {flush})"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Again.",
                "",
                [wrong()] if rng.random() < 0.85 else [Fail(test, "proc.returncode == 0", "1", "0")],
                flags(ctx, rng),
            ),
        ]

    def destructor(k: int) -> list[Step]:
        return [
            Step(
                "Maybe a __del__ on the cache object is more reliable at shutdown.",
                py_edit(
                    ctx.source,
                    f"class {ctx.cls}Cache:\n",
                    f"class {ctx.cls}Cache:\n    def __del__(self):\n        {flush}()\n\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the exit test.",
                ctx.single(test),
                [wrong()],
                printed=rng.choice(
                    [
                        "",
                        f"Exception ignored in: <function {ctx.cls}Cache.__del__ at 0x7f{rng.randrange(16**10):010x}>\nTraceback (most recent call last):\n  File \"/testbed/{ctx.source}\", line {rng.randint(20, 700)}, in __del__\nNameError: name 'open' is not defined",
                    ]
                ),
            ),
        ]

    def flushes(k: int) -> list[Step]:
        how = rng.choice(
            ["print('flushed', flush=True)", "sys.stdout.flush()", "sys.stdout.write('flushed\\n'); sys.stdout.flush()"]
        )
        return [
            Step(
                "The line may be stuck in the buffer when the child exits. Let me flush explicitly.",
                py_edit(ctx.source, "    print('flushed')", f"    {how}"),
                "patched",
            ),
            test_step(ctx, rng, "Let me see.", ctx.single(test), [wrong()]),
        ]

    def by_hand(k: int) -> list[Step]:
        out = rng.choice(["closing", "closing\nflushed", "flushed\nclosing", "", "closing\nflushed\nflushed"])
        return [
            Step(
                "Let me run what the test runs by hand.",
                rng.choice(
                    [
                        f"python -c \"import {ctx.dotted} as m; m.{ctx.func}(); print('closing')\"; echo rc=$?",
                        f"python -X dev -c \"import {ctx.dotted} as m; m.{ctx.func}(); print('closing')\" 2>&1; echo rc=$?",
                        f"python -u -c \"import {ctx.dotted} as m; m.{ctx.func}(); print('closing')\" | cat -A",
                    ]
                ),
                (out + "\n" if out else "") + f"rc={rng.choice([0, 0, 0, 1])}",
            )
        ]

    def grep(k: int) -> list[Step]:
        lines = ["atexit.register(_cleanup)", f"atexit.register({flush})", "import atexit"]
        command = f"grep -rn 'atexit' {ctx.run.package} --include=*.py | grep -v tests"
        if rng.random() < 0.6:
            lines += ["    os._exit(code)", "    signal.signal(signal.SIGTERM, _terminate)"]
            command = f"grep -rn 'os._exit\\|atexit\\|signal.signal' {ctx.run.package} | head -{rng.randint(6, 12)}"
        files = ["utils", "compat", "core", "parallel", "io", "_testing"]
        return [
            Step(
                "Is something exiting without running the handlers?",
                command,
                "\n".join(
                    f"{ctx.run.package}/{rng.choice(files)}.py:{rng.randint(10, 900)}:{rng.choice(lines)}"
                    for _ in range(rng.randint(2, 6))
                ),
            )
        ]

    topic = Topic(
        ctx.source,
        [
            "+import atexit\n import os\n",
            f"+atexit.register({flush})\n \n \n def {flush}():\n",
            f"-atexit.register({flush})\n+weakref.finalize(_handle, {flush})\n",
            f" def {flush}():\n-    print('flushed')\n+    print('flushed', flush=True)\n",
        ],
        f"def {flush}():\n    if _handle is None or _handle.closed:\n        return\n    _handle.write(_pending())\n    _handle.close()\n    print('flushed')\n\n\natexit.register({flush})\n",
        flush,
        [ctx.source, ctx.test_file if not ctx.django else f"tests/{ctx.app}/tests.py"],
        test,
        f"def {test}():\n    code = 'import {ctx.dotted} as m; m.{ctx.func}(); print(\"closing\")'\n    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)\n    assert proc.stdout.splitlines() == {want}\n",
    )
    return churn(
        ctx,
        rng,
        n,
        first,
        [swap, finalize, destructor, flushes, by_hand, grep],
        "the flush that should happen at interpreter exit",
        topic,
    )


_STEPS = ("flush", "close", "remove")


def finalizer_order_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Teardown must flush, close, then remove; reordered finalizers, yield fixtures, scopes and cleanups keep the log wrong."""
    test = f"test_{ctx.stem}_teardown_order"
    want = repr(list(_STEPS))
    fixture = f"{ctx.stem}_store"

    def wrong() -> Fail:
        if rng.random() < 0.15:
            return Fail(test, f"TEARDOWN == {want}", error="ValueError: I/O operation on closed file.")
        got = list(_STEPS)
        while got == list(_STEPS):
            got = rng.sample(_STEPS, 3) if rng.random() < 0.8 else rng.sample(_STEPS, 2)
        return Fail(test, f"TEARDOWN == {want}", repr(got), want)

    first = [test_step(ctx, rng, "Let me run the test that checks the teardown order.", ctx.single(test), [wrong()])]
    add = "self.addCleanup" if ctx.django else "request.addfinalizer"
    where = ctx.conftest if not ctx.django else f"tests/{ctx.app}/tests.py"

    def reorder(k: int) -> list[Step]:
        a, b = rng.sample(_STEPS, 2)
        return [
            Step(
                f"Finalizers should run {a} before {b}. Let me swap the two registrations.",
                py_edit(where, f"{add}(_{a})\n    {add}(_{b})", f"{add}(_{b})\n    {add}(_{a})"),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", ctx.single(test), [wrong()], flags(ctx, rng)),
        ]

    def restructure(k: int) -> list[Step]:
        if ctx.django:
            what, old, new = rng.choice(
                [
                    (
                        "do the flush in tearDown() instead of a cleanup",
                        "self.addCleanup(_flush)",
                        "pass  # flushed in tearDown",
                    ),
                    ("register the cleanups in setUpTestData", "def setUp(self):", "def setUpTestData(cls):"),
                    (
                        "use a context manager with ExitStack",
                        "self.addCleanup(_close)",
                        "self.enterContext(closing(self.store))",
                    ),
                ]
            )
        else:
            what, old, new = rng.choice(
                [
                    (
                        "turn the fixture into a yield fixture",
                        "    request.addfinalizer(_close)\n    return store",
                        "    yield store\n    _close()",
                    ),
                    (
                        "make the fixture module-scoped",
                        f"@pytest.fixture\ndef {fixture}(",
                        f"@pytest.fixture(scope='module')\ndef {fixture}(",
                    ),
                    (
                        "make it autouse so it is set up first",
                        f"@pytest.fixture\ndef {fixture}(",
                        f"@pytest.fixture(autouse=True)\ndef {fixture}(",
                    ),
                ]
            )
        scoped = "scope='module'" in new and rng.random() < 0.5
        return [
            Step(f"Let me {what}.", py_edit(where, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "And again.",
                ctx.single(test),
                [
                    Fail(
                        test,
                        f"TEARDOWN == {want}",
                        error=f"ScopeMismatch: You tried to access the function scoped fixture tmp_path with a module scoped request object. Requesting fixture stack:\n{where}:{rng.randint(10, 90)}:  def {fixture}(tmp_path)",
                    )
                    if scoped
                    else wrong()
                ],
            ),
        ]

    def setup_show(k: int) -> list[Step]:
        if ctx.django:
            return [
                Step(
                    "Let me look at how the cleanups are registered.",
                    f"grep -n 'addCleanup\\|tearDown\\|setUp' {where} | head -{rng.randint(8, 14)}",
                    "\n".join(
                        f"{rng.randint(10, 300)}:        self.addCleanup(_{s})"
                        if s in _STEPS
                        else f"{rng.randint(10, 300)}:    def {s}(self):"
                        for s in rng.sample([*_STEPS, "setUp", "tearDown"], 5)
                    ),
                )
            ]
        names = ["tmp_path", fixture, f"{ctx.stem}_handle"]
        rng.shuffle(names)
        return [
            Step(
                "Let me see the fixtures' setup and teardown order.",
                f"python -m pytest --setup-show {ctx.single(test)} -q 2>&1 | grep -E 'SETUP|TEARDOWN'",
                "\n".join(
                    [f"        SETUP    F {name}" for name in names]
                    + [f"        TEARDOWN F {name}" for name in reversed(rng.sample(names, 3))]
                ),
            )
        ]

    def log(k: int) -> list[Step]:
        got = rng.sample(_STEPS, 3)
        return [
            Step(
                "Let me print each teardown step as it runs.",
                py_edit(where, "def _flush():\n", "def _flush():\n    print('TEARDOWN flush')\n"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running with output shown.",
                ctx.single(test),
                [Fail(test, f"TEARDOWN == {want}", repr(got), want)] if got != list(_STEPS) else [wrong()],
                " -s" if not ctx.django else " -v 2",
                "\n".join(f"TEARDOWN {step}" for step in got),
            ),
        ]

    topic = Topic(
        where,
        [
            f"-    {add}(_flush)\n-    {add}(_close)\n+    {add}(_close)\n+    {add}(_flush)\n",
            f"-    {add}(_remove)\n+    {add}(_remove)  # last\n",
            "+    TEARDOWN.append('flush')\n     store.flush()\n",
        ],
        f"    def _flush():\n        TEARDOWN.append('flush')\n        store.flush()\n\n    def _close():\n        TEARDOWN.append('close')\n        store.close()\n\n    {add}(_flush)\n    {add}(_close)\n    {add}(_remove)\n",
        add,
        [where, ctx.test_file if not ctx.django else where],
        test,
        f"def {test}():\n    # runs after the fixture's teardown\n    assert TEARDOWN == {want}\n",
    )
    return churn(
        ctx, rng, n, first, [reorder, restructure, setup_show, log], "the order the teardown steps run in", topic
    )
