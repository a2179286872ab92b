"""asyncio event-loop trouble in a Django check script: async-loop-trouble (a loop) and async-fixed (productive).

The agent calls the function it is fixing from async code through asgiref and runs it with
asyncio.run, get_event_loop, new loops, async_to_sync or an async TestCase. In the loop each change
trades one event-loop error for another (already running, a different loop, never awaited, closed,
sync-only). In the productive episode one such error is followed by the right runner.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from heldout19.calls import SUBMIT, Step, say
from heldout19.mocking import arguments
from heldout19.replies import address, heredoc, ran, script, suite_again, traceback
from heldout19.runs import Context

# asyncio's lines by interpreter: base_events run_until_complete, _check_closed, _check_running, runners.run.
ASYNCIO_LINES = {
    "3.6": (455, 377, 0, 0),
    "3.7": (571, 475, 523, 43),
    "3.8": (616, 508, 563, 43),
    "3.9": (647, 510, 584, 44),
}
ASYNCIO_LINES |= {"3.10": (649, 515, 584, 44), "3.11": (653, 519, 586, 186)}
SETUP = """import asyncio

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
)
django.setup()

from asgiref.sync import async_to_sync, sync_to_async
"""


@dataclass(frozen=True)
class Kind:
    body: str  # main()'s body
    runner: str  # how the script runs main()
    why: str  # what the agent says it is trying


KINDS = {
    "closed": Kind(
        '    print("result:", await check())',
        "loop = asyncio.get_event_loop()\nloop.run_until_complete(main())\nloop.close()\n\n# second scenario on a clean state\nasyncio.get_event_loop().run_until_complete(main())",
        "run both scenarios through `get_event_loop().run_until_complete`",
    ),
    "already": Kind(
        '    loop = asyncio.get_event_loop()\n    result = loop.run_until_complete(check())\n    print("result:", result)',
        "asyncio.run(main())",
        "drive `check()` with the current loop from inside `main`",
    ),
    "nested_run": Kind(
        '    result = asyncio.run(check())\n    print("result:", result)',
        "asyncio.get_event_loop().run_until_complete(main())",
        "call `asyncio.run` for the inner coroutine",
    ),
    "other_loop": Kind(
        '    async with lock:\n        print("result:", await check())',
        "lock = asyncio.Lock()\nloop = asyncio.new_event_loop()\nloop.run_until_complete(main())",
        "guard the call with a lock and give it a fresh loop",
    ),
    "not_awaited": Kind(
        '    result = check()\n    print("result:", result)',
        "asyncio.run(main())",
        "simplify `main` and call `check()` directly",
    ),
    "sync_only": Kind(
        '    from django.contrib.contenttypes.models import ContentType\n\n    print("count:", ContentType.objects.count())\n    print("result:", await check())',
        "asyncio.run(main())",
        "also touch the ORM from `main` like a real async view would",
    ),
    "to_sync": Kind(
        '    result = async_to_sync(check)()\n    print("result:", result)',
        "asyncio.run(main())",
        "wrap `check` with `async_to_sync`",
    ),
    "isolated": Kind("", "", "use `unittest.IsolatedAsyncioTestCase` instead of a bare script"),
    "fine": Kind(
        '    print("result:", await check())',
        "asyncio.run(main())",
        "run `main` once with `asyncio.run` and await `check()` inside it",
    ),
}


class LoopScene:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        index = rng.randrange(len(ctx.defs))
        name, definition = ctx.funcs[index], ctx.defs[index]
        self.imported = ctx.owner or name
        self.call = (
            f"{ctx.owner}.__new__({ctx.owner}).{name}({arguments(definition)})"
            if ctx.owner
            else f"{name}({arguments(definition)})"
        )
        self.file = rng.choice(["async_check.py", "check_async.py", "repro_async.py"])
        self.real = rng.choice(["None", "''", "[]", "True", "{}"])
        self.minor = int(ctx.python.split(".")[1])
        self.lines = ASYNCIO_LINES.get(ctx.python, ASYNCIO_LINES["3.9"])
        self.last = "fine"
        self.told = False  # Python 3.6 said asyncio.run does not exist; the agent stops using it

    def source(self, kind: str) -> str:
        k = KINDS[kind]
        head = f"{SETUP}\nfrom {self.ctx.module} import {self.imported}\n"
        check = f"\n\nasync def check():\n    return await sync_to_async(lambda: {self.call})()\n"
        if kind == "isolated":
            test = '\n\nclass AsyncCheck(unittest.IsolatedAsyncioTestCase):\n    async def test_check(self):\n        print("result:", await check())\n'
            return (
                head.replace("import asyncio\n", "import asyncio\nimport unittest\n")
                + check
                + test
                + '\n\nif __name__ == "__main__":\n    unittest.main()\n'
            )
        runner = k.runner
        if kind == "fine" and self.minor < 7:
            runner = "loop = asyncio.new_event_loop()\nloop.run_until_complete(main())\nloop.close()"
        elif self.told:
            runner = runner.replace("asyncio.run(main())", "asyncio.get_event_loop().run_until_complete(main())")
        return f"{head}{check}\n\nasync def main():\n{k.body}\n\n\n{runner}\n"

    def _line(self, text: str, needle: str) -> int:
        return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)

    def run(self, kind: str) -> tuple[str, int]:
        ctx, rng = self.ctx, self.rng
        text = self.source(kind)
        file, base = script(ctx, self.file), f"{ctx.site}/asyncio/base_events.py"
        until, closed, running, runs = self.lines
        addr = address(rng)
        if "asyncio.run(" in text and self.minor < 7:
            self.told = True
            where = [
                (
                    file,
                    self._line(text, "asyncio.run("),
                    "<module>",
                    text.splitlines()[self._line(text, "asyncio.run(") - 1].strip(),
                )
            ]
            return traceback(where, "AttributeError: module 'asyncio' has no attribute 'run'"), 1
        if kind == "isolated" and self.minor < 8:
            where = [
                (
                    file,
                    self._line(text, "class AsyncCheck"),
                    "<module>",
                    "class AsyncCheck(unittest.IsolatedAsyncioTestCase):",
                )
            ]
            return traceback(where, "AttributeError: module 'unittest' has no attribute 'IsolatedAsyncioTestCase'"), 1
        if kind in ("fine", "isolated"):
            if kind == "fine":
                return f"result: {self.real}\n", 0
            secs = rng.uniform(0.005, 0.05)
            return (
                f"result: {self.real}\n.\n----------------------------------------------------------------------\nRan 1 test in {secs:.3f}s\n\nOK\n",
                0,
            )
        top = (
            file,
            self._line(
                text, "run_until_complete(main())" if "run_until_complete(main())" in text else "asyncio.run(main())"
            ),
            "<module>",
            text.splitlines()[self._line(text, "(main())") - 1].strip(),
        )
        runner = (
            (f"{ctx.site}/asyncio/runners.py", runs, "run", "return loop.run_until_complete(main)")
            if top[3].startswith("asyncio.run")
            else None
        )
        outer = [top, *([runner] if runner else []), (base, until, "run_until_complete", "return future.result()")]
        if kind == "closed":
            stack = [
                (
                    file,
                    self._line(text, "asyncio.get_event_loop().run_until_complete"),
                    "<module>",
                    "asyncio.get_event_loop().run_until_complete(main())",
                )
            ]
            stack += [
                (base, until - 31, "run_until_complete", "self._check_closed()"),
                (base, closed, "_check_closed", "raise RuntimeError('Event loop is closed')"),
            ]
            return traceback(
                stack, "RuntimeError: Event loop is closed"
            ) + "sys:1: RuntimeWarning: coroutine 'main' was never awaited\n", 1
        if kind == "already":
            stack = [
                *outer,
                (
                    file,
                    self._line(text, "loop.run_until_complete(check())"),
                    "main",
                    "result = loop.run_until_complete(check())",
                ),
            ]
            stack += [
                (base, until - 29, "run_until_complete", "self._check_running()"),
                (base, running, "_check_running", "raise RuntimeError('This event loop is already running')"),
            ]
            return traceback(
                stack, "RuntimeError: This event loop is already running"
            ) + f"{file}:1: RuntimeWarning: coroutine 'check' was never awaited\n", 1
        if kind == "nested_run":
            stack = [*outer, (file, self._line(text, "asyncio.run(check())"), "main", "result = asyncio.run(check())")]
            stack.append(
                (f"{ctx.site}/asyncio/runners.py", runs - 11 if runs > 100 else 33, "run", "raise RuntimeError(")
            )
            return traceback(
                stack, "RuntimeError: asyncio.run() cannot be called from a running event loop"
            ) + "sys:1: RuntimeWarning: coroutine 'check' was never awaited\n", 1
        if kind == "other_loop":
            stack = [*outer, (file, self._line(text, "async with lock"), "main", "async with lock:")]
            if self.minor >= 10:
                stack.append(
                    (
                        f"{ctx.site}/asyncio/mixins.py",
                        20,
                        "_get_loop",
                        "raise RuntimeError(f'{self!r} is bound to a different event loop')",
                    )
                )
                return traceback(
                    stack,
                    f"RuntimeError: <asyncio.locks.Lock object at {addr} [unlocked, waiters:1]> is bound to a different event loop",
                ), 1
            task = rng.randint(1, 4)
            error = f"RuntimeError: Task <Task pending name='Task-{task}' coro=<main() running at {file}:{self._line(text, 'async with lock')}> cb=[_run_until_complete_cb() at {base}:184]> got Future <Future pending> attached to a different loop"
            return traceback(stack, error), 1
        if kind == "not_awaited":
            warning = f"{file}:{self._line(text, 'print(')}: RuntimeWarning: coroutine 'check' was never awaited\n  print(\"result:\", result)\nRuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
            return f"result: <coroutine object check at {addr}>\n{warning}", 0
        if kind == "sync_only":
            stack = [
                *outer,
                (
                    file,
                    self._line(text, "ContentType.objects.count()"),
                    "main",
                    'print("count:", ContentType.objects.count())',
                ),
            ]
            stack += [
                (
                    "/testbed/django/utils/asyncio.py",
                    24 if self.minor < 9 else 26,
                    "inner",
                    "raise SynchronousOnlyOperation(message)",
                )
            ]
            return traceback(
                stack,
                "django.core.exceptions.SynchronousOnlyOperation: You cannot call this from an async context - use a thread or sync_to_async.",
            ), 1
        stack = [*outer, (file, self._line(text, "async_to_sync(check)()"), "main", "result = async_to_sync(check)()")]
        stack.append(
            (
                f"{ctx.site}/site-packages/asgiref/sync.py",
                rng.choice([191, 209, 243]),
                "__call__",
                "raise RuntimeError(",
            )
        )
        return traceback(
            stack,
            "RuntimeError: You cannot use AsyncToSync in the same thread as an async event loop - just await the async function directly.",
        ), 1


NOTES = {
    "Event loop is closed": "The loop was closed after the first scenario and `get_event_loop()` handed back the same closed loop.",
    "already running": "`run_until_complete` can't be used while the loop is already running `main`.",
    "cannot be called from a running": "`asyncio.run` refuses to start inside a running loop.",
    "different": "The lock belongs to one loop and the task runs on another.",
    "never awaited": "I forgot to await: it printed a coroutine object instead of the result.",
    "SynchronousOnly": "Django refuses ORM calls from async code.",
    "AsyncToSync": "`async_to_sync` can't be used from inside the event loop thread.",
    "has no attribute": "That API doesn't exist on this Python version.",
}


def _note(output: str) -> str:
    return next((note for key, note in NOTES.items() if key in output), "")


def _try(scene: LoopScene, kind: str, output: str) -> list[Step]:
    rng = scene.rng
    note = _note(output) if rng.random() < 0.8 else ""
    thought = f"{note} I'll {KINDS[kind].why}.".strip()
    result, code = scene.run(kind)
    run = rng.choice(
        [
            f"python {scene.file}",
            f"python3 {scene.file}",
            f"python -X dev {scene.file}" if kind != "isolated" else f"python {scene.file}",
        ]
    )
    if kind == "isolated":
        run = rng.choice([f"python {scene.file}", f"python -m unittest {scene.file[:-3]}"])
    again = rng.choice(["Run it.", "Let's see what happens now.", "Running the script again."])
    return [
        Step(say(thought, heredoc(scene.file, scene.source(kind))), ran(""), 0.1),
        Step(say(again, run), ran(result, code), rng.uniform(0.5, 2.5)),
    ]


def _look(scene: LoopScene) -> Step:
    rng, ctx = scene.rng, scene.ctx
    choice = rng.randrange(3)
    if choice == 0:
        version = {"3.6": "3.3.4", "3.7": "3.4.1", "3.8": "3.5.2"}.get(ctx.python, "3.7.2")
        return Step(
            say("Which asgiref is installed here?", "pip show asgiref | head -3"),
            ran(f"Name: asgiref\nVersion: {version}\nSummary: ASGI specs, helper code, and adapters\n"),
            1.2,
        )
    if choice == 1:
        return Step(
            say("Let me check the Python version, the asyncio API differs between versions.", "python --version"),
            ran(f"Python {ctx.python}.{rng.choice([13, 16, 20, 15, 10])}\n"),
            0.2,
        )
    return Step(say("Let me look at the script again.", f"cat {scene.file}"), ran(scene.source(scene.last)), 0.2)


def async_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = LoopScene(ctx, rng)
    failing = [k for k in KINDS if k != "fine" and not (k == "isolated" and scene.minor >= 8)]
    kind = rng.choice(failing)
    scene.last = kind
    intro = f"I want to make sure the change behaves when called from async code (as an async view would). I'll write `{scene.file}` that calls it through `sync_to_async`."
    yield Step(say(intro, heredoc(scene.file, scene.source(kind))), ran(""), 0.2)
    output, code = scene.run(kind)
    yield Step(say("Run it.", f"python {scene.file}"), ran(output, code), 1.0)
    while True:
        if rng.random() < 0.25:
            yield _look(scene)
        kind = rng.choice([k for k in failing if k != kind])
        scene.last = kind
        steps = _try(scene, kind, output)
        output = steps[-1].reply or ""
        yield from steps


def async_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "I keep trading one event-loop error for another and this async check is not needed for the fix itself. I'll submit the change.",
                "The async harness is eating all my steps. The synchronous path is fixed and verified, so I'm submitting.",
            ]
        ),
        SUBMIT,
    )


def async_fixed(ctx: Context, rng: random.Random) -> list[Step]:
    scene = LoopScene(ctx, rng)
    kind = rng.choice(["already", "nested_run", "not_awaited", "closed", "to_sync"])
    scene.last = kind
    intro = f"Let me also check the change from async code, calling it through `sync_to_async` in `{scene.file}`."
    steps = [Step(say(intro, heredoc(scene.file, scene.source(kind))), ran(""), 0.2)]
    output, code = scene.run(kind)
    steps.append(Step(say("Run it.", f"python {scene.file}"), ran(output, code), 1.0))
    steps += _try(scene, "fine", output)
    again = suite_again(ctx, rng)
    if again:
        steps.append(
            Step(
                say("It works from async code too. Let me rerun the tests I ran earlier.", again[0]),
                ran(again[1]),
                rng.uniform(2, 20),
            )
        )
    steps.append(Step(say("Removing the scratch script.", f"rm {scene.file}"), ran(""), 0.1))
    return steps
