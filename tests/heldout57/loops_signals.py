# ruff: noqa: E501
"""Loops on Django receivers: one firing twice per save, one never firing."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout57.text import Ctx, Fail, churn, flags, py_edit, test_step

_UIDS = ("{h}", "{a}.{h}", "{s}-post-save", "{h}_uid", "{a}:{s}:saved")


def _uid(ctx: Ctx, rng: random.Random) -> str:
    return rng.choice(_UIDS).replace("{h}", ctx.handler).replace("{a}", ctx.app).replace("{s}", ctx.stem)


def _probe(ctx: Ctx, rng: random.Random, what: str) -> str:
    """The agent's one-liner that sets Django up with the test settings and prints `what`."""
    return (
        f'cd tests && DJANGO_SETTINGS_MODULE=test_sqlite python -c "import django; django.setup(); '
        f"from django.db.models.signals import post_save; from {ctx.app}.models import {ctx.cls}; "
        f'import {ctx.app}.signals; print({what})"'
    )


_NOT_INSTALLED = "RuntimeError: Model class {a}.models.{c} doesn't declare an explicit app_label and isn't in an application in INSTALLED_APPS."


def receiver_fires_twice(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The new post_save receiver runs twice per save; uids, weak=False, guards and moved imports never make it once."""
    test = f"test_{ctx.stem}_save_notifies_once"
    first = [
        test_step(
            ctx, rng, "Let me run the app's tests with the new receiver.", "", [Fail(test, "len(CALLS) == 1", "2", "1")]
        )
    ]

    def uid(k: int) -> list[Step]:
        new = _uid(ctx, rng)
        return [
            Step(
                f"The receiver is probably connected twice. A dispatch_uid ('{new}') should make Django keep only one.",
                py_edit(ctx.receivers, f"sender={ctx.cls})", f"sender={ctx.cls}, dispatch_uid='{new}')"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning.",
                "",
                [Fail(test, "len(CALLS) == 1", rng.choice(["2", "2", "3"]), "1")],
                flags(ctx, rng),
            ),
        ]

    def weak(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                (f"@receiver(post_save, sender={ctx.cls}", f"@receiver(post_save, weak=False, sender={ctx.cls}"),
                (f"sender={ctx.cls})", f"sender={ctx.cls}, weak=False)"),
                (f"@receiver(post_save, sender={ctx.cls})", f"@receiver([post_save], sender={ctx.cls}, weak=False)"),
            ]
        )
        return [
            Step(
                "Maybe one registration is a stale weak reference being re-resolved. Let me connect it strongly instead.",
                py_edit(ctx.receivers, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the tests again.",
                ctx.single(test),
                [Fail(test, "len(CALLS) == 1", rng.choice(["2", "4"]), "1")],
            ),
        ]

    def unimport(k: int) -> list[Step]:
        where = rng.choice([f"tests/{ctx.app}/models.py", f"tests/{ctx.app}/tests.py", f"tests/{ctx.app}/__init__.py"])
        got = rng.choice(["0", "2", "2"])
        return [
            Step(
                f"signals.py is imported from {where} as well as from apps.py. Let me drop the import in {where.rsplit('/', 1)[-1]}.",
                f"sed -i '/from \\. import signals\\|import {ctx.app}.signals/d' {where}",
                "",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the app's tests.",
                "",
                [Fail(test, "len(CALLS) == 1", got, "1")]
                + (
                    [Fail(f"test_{ctx.stem}_{ctx.event}_payload", "CALLS == [obj.pk]", "[]", f"[{rng.randint(1, 9)}]")]
                    if got == "0"
                    else []
                ),
                flags(ctx, rng),
            ),
        ]

    def probe(k: int) -> list[Step]:
        what = rng.choice(
            [
                f"len(post_save._live_receivers({ctx.cls}))",
                "[key for key, _ in post_save.receivers]",
                f"post_save.has_listeners({ctx.cls}), len(post_save.receivers)",
            ]
        )
        ids = [
            f"({rng.randint(139_600_000_000_000, 139_700_000_000_000)}, {rng.randint(94_000_000, 95_000_000)})"
            for _ in range(3)
        ]
        broken = rng.random() < 0.3
        return [
            Step(
                "Let me look at what post_save actually holds for the model.",
                _probe(ctx, rng, what),
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
                + _NOT_INSTALLED.replace("{a}", ctx.app).replace("{c}", ctx.cls)
                if broken
                else (
                    rng.choice(["2", "3"])
                    if what.startswith("len")
                    else (
                        f"[{', '.join(rng.sample(ids, rng.randint(2, 3)))}]"
                        if what.startswith("[")
                        else f"(True, {rng.randint(2, 9)})"
                    )
                ),
                rc=1 if broken else 0,
            )
        ]

    def guard(k: int) -> list[Step]:
        return [
            Step(
                "I'll guard the connection with a module flag so a second import can't connect again.",
                py_edit(
                    ctx.receivers,
                    f"@receiver(post_save, sender={ctx.cls}",
                    f"_CONNECTED = globals().get('_CONNECTED', False)\n\n\n@receiver(post_save, sender={ctx.cls}",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Let me see.", "", [Fail(test, "len(CALLS) == 1", "2", "1")], flags(ctx, rng)),
        ]

    def ready(k: int) -> list[Step]:
        how = rng.choice(
            [
                f"post_save.connect({ctx.handler}, sender={ctx.cls}, dispatch_uid='{_uid(ctx, rng)}')",
                f"post_save.connect(signals.{ctx.handler}, sender=self.get_model('{ctx.cls}'))",
            ]
        )
        return [
            Step(
                "Let me connect it explicitly in AppConfig.ready() instead of with the decorator.",
                py_edit(f"tests/{ctx.app}/apps.py", "    def ready(self):\n", f"    def ready(self):\n        {how}\n"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running the receiver test alone.",
                ctx.single(test),
                [Fail(test, "len(CALLS) == 1", rng.choice(["2", "3"]), "1")],
            ),
        ]

    return churn(
        ctx, rng, n, first, [uid, weak, unimport, probe, guard, ready], "the receiver that fires twice per save"
    )


def receiver_never_connected(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The receiver never runs; imports in ready(), weak=False, senders and signals swapped, it still records nothing."""
    test = f"test_{ctx.stem}_{ctx.event}_sends_signal"

    def failed() -> Fail:
        return Fail(test, "CALLS == [obj.pk]", "[]", f"[{rng.randint(1, 12)}]")

    first = [test_step(ctx, rng, "Let me run the tests for the new signal handling.", "", [failed()])]

    def ready(k: int) -> list[Step]:
        line = rng.choice(
            [
                "from . import signals  # noqa: F401",
                f"import {ctx.app}.signals  # noqa",
                "from .signals import *  # noqa",
            ]
        )
        return [
            Step(
                "The receivers module may never be imported. Let me import it in AppConfig.ready().",
                py_edit(
                    f"tests/{ctx.app}/apps.py", "    def ready(self):\n", f"    def ready(self):\n        {line}\n"
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning.", "", [failed()], flags(ctx, rng)),
        ]

    def weak(k: int) -> list[Step]:
        thought, old, new = rng.choice(
            [
                (
                    "Maybe the receiver is garbage-collected. Let me pass weak=False.",
                    f"sender={ctx.cls})",
                    f"sender={ctx.cls}, weak=False)",
                ),
                (
                    "Let me connect it by hand, strongly, right after the function instead of with the decorator.",
                    f"def {ctx.handler}(sender, instance, **kwargs):\n    CALLS.append(instance.pk)\n",
                    f"def {ctx.handler}(sender, instance, **kwargs):\n    CALLS.append(instance.pk)\n\n\npost_save.connect({ctx.handler}, sender={ctx.cls}, weak=False)\n",
                ),
                (
                    "Let me keep a module-level strong reference to the receiver in case the weak one dies.",
                    "CALLS = []\n",
                    f"CALLS = []\n_KEEP = [{ctx.handler}]  # strong reference\n",
                ),
            ]
        )
        return [
            Step(thought, py_edit(ctx.receivers, old, new), "patched"),
            test_step(ctx, rng, "Again.", ctx.single(test), [failed()]),
        ]

    def sender(k: int) -> list[Step]:
        new = rng.choice(
            [
                "None",
                f"'{ctx.app}.{ctx.cls}'",
                f"{ctx.cls}._meta.concrete_model",
                f"apps.get_model('{ctx.app}', '{ctx.cls}')",
            ]
        )
        signal = rng.choice(["post_save", "pre_save", "post_save", "post_init"])
        return [
            Step(
                f"Perhaps the sender doesn't match. Let me connect {signal} with sender={new}.",
                py_edit(ctx.receivers, f"@receiver(post_save, sender={ctx.cls}", f"@receiver({signal}, sender={new}"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the test.",
                "",
                [failed()]
                if rng.random() < 0.75
                else [Fail(test, "CALLS == [obj.pk]", "[None]", f"[{rng.randint(1, 12)}]")],
                flags(ctx, rng),
            ),
        ]

    def probe(k: int) -> list[Step]:
        said = rng.choice(["True", "True", "False", _NOT_INSTALLED.replace("{a}", ctx.app).replace("{c}", ctx.cls)])
        return [
            Step(
                "Is anything connected at all when the test runs?",
                _probe(ctx, rng, f"post_save.has_listeners({ctx.cls})"),
                said
                if len(said) < 6
                else f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{said}',
                rc=0 if len(said) < 6 else 1,
            )
        ]

    def prints(k: int) -> list[Step]:
        return [
            Step(
                "Let me print from inside the receiver to see whether it's called at all.",
                py_edit(
                    ctx.receivers,
                    f"def {ctx.handler}(sender, instance, **kwargs):\n",
                    f"def {ctx.handler}(sender, instance, **kwargs):\n    print('RECEIVER', sender, instance.pk)\n",
                ),
                "patched",
            ),
            test_step(
                ctx, rng, "Running with output visible.", ctx.single(test), [failed()], " -v 2" if ctx.django else " -s"
            ),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Let me check how the code path saves the object.",
                f"grep -n 'save\\|update\\|bulk_' {ctx.source} | head -{rng.randint(8, 15)}",
                "\n".join(
                    f"{rng.randint(40, 900)}:        {rng.choice(['self.save(update_fields=fields)', 'qs.update(**values)', 'obj.save()', 'Model.objects.bulk_update(objs, fields)', 'self.model._base_manager.filter(pk=pk).update(**kwargs)'])}"
                    for _ in range(rng.randint(3, 6))
                ),
            )
        ]

    return churn(ctx, rng, n, first, [ready, weak, sender, probe, prints, grep], "the receiver that never gets called")
