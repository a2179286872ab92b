# ruff: noqa: E501
"""Hard negatives: a receiver, hook or finalizer misbehaves once or twice, its cause is found and the tests go green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout57.text import Ctx, Fail, look, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra)


def dispatch_uid_deduplicated(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The receiver fires twice; a grep shows it both decorated and connected in ready(); the extra connect goes."""
    test = f"test_{ctx.stem}_save_notifies_once"
    line = rng.randint(5, 40)
    return [
        test_step(
            ctx, rng, "Let me run the app's tests with the new receiver.", "", [Fail(test, "len(CALLS) == 1", "2", "1")]
        ),
        Step(
            "Two calls per save: the receiver must be connected twice. Where is post_save connected?",
            f"grep -rn 'post_save' tests/{ctx.app}",
            f"tests/{ctx.app}/signals.py:1:from django.db.models.signals import post_save\ntests/{ctx.app}/signals.py:{line}:@receiver(post_save, sender={ctx.cls})\ntests/{ctx.app}/apps.py:{rng.randint(8, 20)}:        post_save.connect(signals.{ctx.handler}, sender=self.get_model('{ctx.cls}'))\n",
        ),
        Step(
            "The decorator already connects it when ready() imports the module; the explicit connect in ready() adds a second one. I'll keep just the import.",
            py_edit(
                f"tests/{ctx.app}/apps.py",
                f"        post_save.connect(signals.{ctx.handler}, sender=self.get_model('{ctx.cls}'))\n",
                "        from . import signals  # noqa: F401\n",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the receiver test.", ctx.single(test)),
        _green(ctx, rng, "And the whole app.", "", " --parallel 1"),
    ]


def receiver_imported_in_ready(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The receiver never runs, weak=False changes nothing; apps.py shows signals never imported; importing it fixes it."""
    test = f"test_{ctx.stem}_{ctx.event}_sends_signal"
    pk = rng.randint(1, 9)
    return [
        test_step(
            ctx, rng, "Let me run the tests for the new signal.", "", [Fail(test, "CALLS == [obj.pk]", "[]", f"[{pk}]")]
        ),
        Step(
            "Maybe the receiver is collected. Let me connect it with weak=False.",
            py_edit(ctx.receivers, f"sender={ctx.cls})", f"sender={ctx.cls}, weak=False)"),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", ctx.single(test), [Fail(test, "CALLS == [obj.pk]", "[]", f"[{pk}]")]),
        Step(
            "Still nothing, so it was never connected at all. Who imports signals.py?",
            f"grep -rn 'signals' tests/{ctx.app}/*.py; sed -n '1,20p' tests/{ctx.app}/apps.py",
            f"tests/{ctx.app}/signals.py:1:from django.db.models.signals import post_save\nfrom django.apps import AppConfig\n\n\nclass {ctx.cls}TestsConfig(AppConfig):\n    name = '{ctx.app}'\n\n    def ready(self):\n        pass\n",
        ),
        Step(
            "Nothing imports the module, so the @receiver decorator never runs. ready() is the place to import it; weak=False wasn't needed.",
            py_edit(
                f"tests/{ctx.app}/apps.py",
                "    def ready(self):\n        pass\n",
                "    def ready(self):\n        from . import signals  # noqa: F401\n",
            ),
            "patched",
        ),
        Step("And undo the weak=False.", py_edit(ctx.receivers, ", weak=False)", ")"), "patched"),
        _green(ctx, rng, "Rerunning the app's tests.", ""),
    ]


def hookimpl_trylast_set(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The conftest hook runs before the project's plugin; pluggy's ordering is read; trylast puts it after."""
    test = f"test_{ctx.stem}_hook_order"
    names = ["conftest", f"{ctx.run.module}_plugin", f"{ctx.stem}_sorter"]
    got = [names[2], names[0], names[1]]
    return [
        test_step(
            ctx,
            rng,
            "Let me run the hook-order test.",
            ctx.single(test),
            [Fail(test, f"ORDER == {names!r}", repr(got), repr(names))],
            " -s",
        ),
        Step(
            "My sorter runs first. Let me check how pluggy orders implementations.",
            "python -c \"import pluggy, inspect; print(inspect.getdoc(pluggy.HookimplMarker.__call__))\" | sed -n '1,30p' | grep -i -A3 'tryfirst\\|trylast'",
            "If ``tryfirst`` is ``True``, this hook implementation will run as early\nas possible in the chain of N hook implementations for a specification.\n\nIf ``trylast`` is ``True``, this hook implementation will run as late as\npossible in the chain of N hook implementations.\n",
        ),
        Step(
            "Without a mark, the implementation registered last is called first, and conftest is registered after the plugin. The sorter has to run after the others: trylast.",
            py_edit(
                ctx.conftest,
                "@pytest.hookimpl(tryfirst=True)\ndef pytest_collection_modifyitems(",
                "@pytest.hookimpl(trylast=True)\ndef pytest_collection_modifyitems(",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the order test.", ctx.single(test), " -s"),
        _green(ctx, rng, "And the whole module.", "", " -q"),
    ]


def exit_handler_reached(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The exit handler's line is missing twice; the child ends in os._exit, which skips atexit; it now returns normally."""
    test = f"test_{ctx.stem}_flushes_at_exit"
    want = "['closing', 'flushed']"
    line = rng.randint(40, 600)
    return [
        test_step(
            ctx,
            rng,
            "Let me run the exit test.",
            ctx.single(test),
            [Fail(test, f"proc.stdout.splitlines() == {want}", "['closing']", want)],
        ),
        Step(
            "Maybe the line is still buffered when the child exits.",
            py_edit(ctx.source, "    print('flushed')", "    print('flushed', flush=True)"),
            "patched",
        ),
        test_step(
            ctx,
            rng,
            "Rerunning.",
            ctx.single(test),
            [Fail(test, f"proc.stdout.splitlines() == {want}", "['closing']", want)],
        ),
        Step(
            "Not buffering: the handler doesn't run at all. How does the child process end?",
            f"grep -n '_exit\\|sys.exit\\|atexit' {ctx.source}",
            f"{rng.randint(5, 30)}:import atexit\n{line - 40}:atexit.register(_flush_{ctx.stem})\n{line}:    os._exit(status)\n",
        ),
        Step(
            "os._exit() ends the process without running atexit handlers. The main path should exit normally; sys.exit() runs them.",
            py_edit(ctx.source, "    os._exit(status)", "    sys.exit(status)"),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the exit test.", ctx.single(test)),
        _green(ctx, rng, "And the module.", "", " -q" if not ctx.django else ""),
    ]


def finalizers_registered_lifo(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Teardown runs out of order once; the runner's LIFO rule is read; the registrations are reversed; green."""
    test = f"test_{ctx.stem}_teardown_order"
    want = "['flush', 'close', 'remove']"
    where = ctx.conftest if not ctx.django else f"tests/{ctx.app}/tests.py"
    add = "self.addCleanup" if ctx.django else "request.addfinalizer"
    doc = (
        'python -c "import unittest; print(unittest.TestCase.addCleanup.__doc__)"',
        "Add a function, with arguments, to be called when the test is\n        completed. Functions added are called on a LIFO basis and are\n        called after tearDown on test failure or success.\n\n        Cleanup items are called even if setUp fails (unlike tearDown).",
    )
    if not ctx.django:
        doc = (
            'python -c "import inspect, _pytest.fixtures as f; print(inspect.getsource(f.FixtureDef.finish))" | head -15',
            "    def finish(self, request: SubRequest) -> None:\n        exc = None\n        try:\n            while self._finalizers:\n                try:\n                    func = self._finalizers.pop()\n                    func()\n",
        )
    return [
        test_step(
            ctx,
            rng,
            "Let me run the teardown-order test.",
            ctx.single(test),
            [Fail(test, f"TEARDOWN == {want}", "['remove', 'close', 'flush']", want)],
        ),
        Step("Exactly reversed. Let me check how the runner calls the finalizers.", *doc),
        Step(
            "They run last-registered first, so they must be registered in the reverse of the order they should run: remove, close, flush.",
            py_edit(
                where,
                f"{add}(_flush)\n    {add}(_close)\n    {add}(_remove)",
                f"{add}(_remove)\n    {add}(_close)\n    {add}(_flush)",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning.", ctx.single(test)),
        look(ctx, rng),
        _green(ctx, rng, "And the whole module.", ""),
    ]


def listener_kept_alive(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The listener test fails at random; a gc.collect makes it fail every time; the registry holds it weakly, the test now keeps it."""
    test = f"test_{ctx.stem}_listener_called"
    want = "['changed']" if not ctx.django else f"[{rng.randint(1, 12)}]"
    check = "received == ['changed']" if not ctx.django else "received == [obj.pk]"
    runs = rng.choice([5, 6, 8])
    tails = ["OK" if ctx.django else f"{rng.randint(14, 40)} passed in 0.{rng.randint(20, 99)}s" for _ in range(runs)]
    tails[rng.randrange(runs)] = (
        "FAILED (failures=1)" if ctx.django else f"1 failed, {rng.randint(13, 39)} passed in 0.{rng.randint(20, 99)}s"
    )
    where = f"tests/{ctx.app}/tests.py" if ctx.django else ctx.test_file
    return [
        test_step(ctx, rng, "Let me run the tests for the listener.", "", [Fail(test, check, "[]", want)]),
        test_step(ctx, rng, "It passed before. Running it alone.", ctx.single(test), []),
        Step(
            "Intermittent. Let me run the module a few times.",
            ctx.repeat(runs),
            "\n".join(tails),
            seconds=rng.uniform(4, 20),
        ),
        Step(
            "Random failures like this smell like garbage collection. How does the registry hold callbacks?",
            f"grep -n 'weak' {ctx.receivers}" if not ctx.django else f"grep -n 'connect(' {where}",
            f"{rng.randint(3, 20)}:import weakref\n{rng.randint(30, 300)}:        ref = weakref.WeakMethod(callback) if hasattr(callback, '__self__') else weakref.ref(callback)\n"
            if not ctx.django
            else f"{rng.randint(3, 40)}:        {ctx.stem}_{ctx.event}.connect(Listener().handle)\n",
        ),
        Step(
            "The registry holds bound methods weakly by design, and the test registers the method of a temporary listener, so it dies whenever a collection happens. The test must keep the listener alive.",
            py_edit(where, "connect(Listener().handle", "listener = Listener()\n    connect(listener.handle"),
            "patched",
        ),
        Step(
            "Let me run it more times than before to be sure it is stable now.",
            ctx.repeat(runs + 4),
            "\n".join(
                "OK" if ctx.django else f"{rng.randint(14, 40)} passed in 0.{rng.randint(20, 99)}s"
                for _ in range(runs + 4)
            ),
            seconds=rng.uniform(4, 20),
        ),
    ]
