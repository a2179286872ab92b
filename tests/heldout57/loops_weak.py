# ruff: noqa: E501
"""A loop on a weakly held handler: a bound-method listener collected at random, never made stable."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout57.text import Ctx, Fail, churn, flags, py_edit, test_step


def weak_handler_collected(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A weakly held bound-method handler is collected at random; rerun loops, gc calls and containers, never stable."""
    test = f"test_{ctx.stem}_listener_called"
    where = f"tests/{ctx.app}/tests.py" if ctx.django else ctx.source
    want = "['changed']" if not ctx.django else f"[{rng.randint(1, 12)}]"
    check = "received == ['changed']" if not ctx.django else "received == [obj.pk]"

    def repeat(k: int) -> Step:
        runs = rng.choice([5, 5, 8, 10])
        if ctx.django:
            tails = [rng.choice(["OK", "OK", "FAILED (failures=1)"]) for _ in range(runs)]
        else:
            total = rng.randint(12, 40)
            tails = [
                rng.choice(
                    [
                        f"{total} passed in {rng.uniform(0.2, 2.0):.2f}s",
                        f"1 failed, {total - 1} passed in {rng.uniform(0.2, 2.0):.2f}s",
                    ]
                )
                for _ in range(runs)
            ]
        return Step(
            "Let me run the module several times to see how often it fails.",
            ctx.repeat(runs),
            "\n".join(tails),
            seconds=rng.uniform(4, 30),
        )

    first = [
        test_step(ctx, rng, "Let me run the tests for the listener.", "", [Fail(test, check, "[]", want)]),
        repeat(0),
    ]

    def collect(k: int) -> list[Step]:
        return [
            Step(
                "Let me make the failure deterministic by forcing a collection before the event fires.",
                py_edit(
                    ctx.test_file if not ctx.django else where,
                    f"    {ctx.func}(",
                    f"    import gc; gc.collect()\n    {ctx.func}(",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Now it should fail every time.",
                ctx.single(test),
                [Fail(test, check, "[]", want)],
            ),
        ]

    def container(k: int) -> list[Step]:
        new, error = rng.choice(
            [
                ("weakref.ref(callback)", ""),
                ("weakref.WeakSet()", f"TypeError: unhashable type: '{ctx.cls}Listener'"),
                ("weakref.WeakValueDictionary()", ""),
                ("weakref.WeakMethod(callback)", ""),
                ("weakref.proxy(callback)", "ReferenceError: weakly-referenced object no longer exists"),
            ]
        )
        return [
            Step(
                f"Let me hold the callbacks through {new.split('(')[0]} instead.",
                py_edit(
                    ctx.source if not ctx.django else ctx.receivers,
                    rng.choice(["weakref.WeakMethod(callback)", "weakref.ref(callback)", "callback"]),
                    new,
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning.",
                "",
                [Fail(test, check, "[]", want, error)] if rng.random() < 0.8 or error else [],
                flags(ctx, rng),
            ),
        ]

    def finalizer(k: int) -> list[Step]:
        at = f"0x7f{rng.randrange(16**10):010x}"
        return [
            Step(
                "Let me see when the listener is collected, with a finalizer that prints.",
                f"python -c \"import weakref, gc; from {ctx.dotted} import *; l = {ctx.cls}Listener(); weakref.finalize(l, print, 'collected'); connect(l.handle); del l; print('after del'); gc.collect(); print('done')\"",
                rng.choice(
                    [
                        "collected\nafter del\ndone",
                        "after del\ncollected\ndone",
                        "collected\nafter del\ncollected\ndone",
                    ]
                )
                + ("" if rng.random() < 0.6 else f"\n<weakref at {at}; dead>"),
            )
        ]

    def refcount(k: int) -> list[Step]:
        count = rng.randint(1, 4)
        if ctx.django:
            alive = [
                rng.choice(
                    [
                        "None",
                        f"<bound method {ctx.cls}Listener.handle of <{ctx.app}.tests.{ctx.cls}Listener object at 0x7f{rng.randrange(16**10):010x}>>",
                    ]
                )
                for _ in range(count)
            ]
            return [
                Step(
                    "Which of the signal's receivers are still alive?",
                    f'cd tests && python -c "from {ctx.app}.signals import {ctx.stem}_{ctx.event}; print([r[1]() for r in {ctx.stem}_{ctx.event}.receivers])"',
                    f"[{', '.join(alive)}]",
                )
            ]
        return [
            Step(
                "How many references does the bound method have when it is registered?",
                f'python -c "import sys; from {ctx.dotted} import {ctx.registry}; print(len({ctx.registry}), [sys.getrefcount(r) for r in {ctx.registry}])"',
                f"{count} [{', '.join(str(rng.randint(2, 3)) for _ in range(count))}]",
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [collect, container, lambda k: [repeat(k)], finalizer, refcount],
        "the weakly held listener that disappears at random",
    )
