# ruff: noqa: E501
"""Loops on hook and callback order: pytest hookimpls out of order, callbacks registered in the wrong phase."""

from __future__ import annotations

import random
from itertools import pairwise

from heldout20.calls import Step
from heldout57.text import PHASES, Ctx, Fail, Topic, churn, flags, py_edit, registry_topic, test_step

_MARKS = (
    "@pytest.hookimpl(tryfirst=True)",
    "@pytest.hookimpl(trylast=True)",
    "@pytest.hookimpl()",
    "@pytest.hookimpl(hookwrapper=True)",
)


def _plugins(ctx: Ctx) -> list[str]:
    return ["conftest", f"{ctx.run.module}_plugin", f"{ctx.stem}_sorter", "terminalreporter"]


def _pluggy(ctx: Ctx) -> str:
    return ctx.run.pytest_header.rsplit("pluggy-", 1)[-1]


def hookimpl_order_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The new conftest hookimpl must run after the project's plugin; tryfirst/trylast, wrappers and moves shuffle the order."""
    test = f"test_{ctx.stem}_hook_order"
    names = _plugins(ctx)[:3]
    want = repr(names)

    def wrong() -> list[str]:
        got = list(names)
        while got == names:
            rng.shuffle(got)
        return got

    def printed(got: list[str]) -> str:
        return "\n".join(f"[hook] {name}.pytest_collection_modifyitems" for name in got)

    first = [
        test_step(
            ctx,
            rng,
            "Let me run the test that checks the hook order.",
            ctx.single(test),
            [Fail(test, f"ORDER == {want}", repr(wrong()), want)],
            " -s",
        )
    ]

    def mark(k: int) -> list[Step]:
        old, new = rng.sample(_MARKS[:3], 2)
        got = wrong()
        return [
            Step(
                f"My hookimpl needs to run at a different point. Let me change `{old}` to `{new}`.",
                py_edit(ctx.conftest, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the order test.",
                ctx.single(test),
                [Fail(test, f"ORDER == {want}", repr(got), want)],
                rng.choice(["", " -s", " -s -q"]),
                printed(got) if rng.random() < 0.5 else "",
            ),
        ]

    def wrapper(k: int) -> list[Step]:
        new = rng.choice(["@pytest.hookimpl(wrapper=True)", "@pytest.hookimpl(hookwrapper=True)"])
        old = new.endswith("(wrapper=True)") and _pluggy(ctx) == "1.0.0"  # pluggy 1.1 added new-style wrappers
        edit = Step(
            "A wrapper runs around all the other implementations; I'll make mine a wrapper and do the work after the yield.",
            py_edit(
                ctx.conftest,
                rng.choice(_MARKS[:3]) + "\ndef pytest_collection_modifyitems(session, config, items):\n",
                new + "\ndef pytest_collection_modifyitems(session, config, items):\n    yield\n",
            ),
            "patched",
        )
        if old:
            return [
                edit,
                Step(
                    "Rerunning.",
                    ctx.tests(ctx.single(test)),
                    f"ImportError while loading conftest '/testbed/{ctx.conftest}'.\n{ctx.conftest}:{rng.randint(5, 60)}: in <module>\n    {new}\nE   TypeError: __call__() got an unexpected keyword argument 'wrapper'",
                    rc=4,
                ),
            ]
        got = wrong()
        return [
            edit,
            test_step(
                ctx,
                rng,
                "Rerunning.",
                ctx.single(test),
                [Fail(test, f"ORDER == {want}", repr(got), want)],
                " -s",
                printed(got),
            ),
        ]

    def trace(k: int) -> list[Step]:
        plugins = _plugins(ctx)
        rng.shuffle(plugins)
        return [
            Step(
                "Let me see in which order pytest registered the plugins.",
                rng.choice(
                    [
                        f"python -m pytest --trace-config -q {ctx.single(test)} 2>&1 | grep -i 'registered\\|PLUGIN registered' | head -{rng.randint(8, 14)}",
                        f"python -m pytest --trace-config --co -q {ctx.test_file} 2>&1 | grep -n 'conftest\\|plugin' | head",
                    ]
                ),
                "\n".join(
                    f"PLUGIN registered: <module '{p}' from '/testbed/{ctx.tests_dir}/{p}.py'>"
                    if "_" in p or p == "conftest"
                    else f"PLUGIN registered: <_pytest.terminal.TerminalReporter object at 0x7f{rng.randrange(16**10):010x}>"
                    for p in plugins
                ),
            )
        ]

    def move(k: int) -> list[Step]:
        how, cmd = rng.choice(
            [
                (
                    "register it with `-p` on the command line",
                    f" -p {ctx.tests_dir.replace('/', '.')}.{ctx.stem}_sorter",
                ),
                ("list it in `pytest_plugins` in the conftest", ""),
                ("move the hook into the plugin module", ""),
            ]
        )
        got = wrong()
        return [
            Step(
                f"Registration order might decide it. Let me {how}.",
                py_edit(
                    ctx.conftest,
                    "def pytest_collection_modifyitems(",
                    f"pytest_plugins = ['{ctx.tests_dir.replace('/', '.')}.{ctx.stem}_sorter']\n\n\ndef _unused_modifyitems(",
                )
                if "pytest_plugins" in how
                else f"sed -n '1,{rng.randint(20, 60)}p' {ctx.conftest} >> {ctx.tests_dir}/{ctx.stem}_sorter.py && echo moved",
                "patched" if "pytest_plugins" in how else "moved",
            ),
            test_step(
                ctx,
                rng,
                "And the order test again.",
                ctx.single(test),
                [Fail(test, f"ORDER == {want}", repr(got), want)],
                cmd + rng.choice(["", " -s"]),
            ),
        ]

    def debug(k: int) -> list[Step]:
        got = wrong()
        return [
            Step(
                "pytest --debug logs every hook call. Let me see the order of the implementations there.",
                f"python -m pytest --debug {ctx.single(test)} -q >/dev/null 2>&1; grep -n 'pytest_collection_modifyitems' pytestdebug.log | head -{rng.randint(4, 9)}",
                "\n".join(
                    f"{rng.randint(300, 4000)}:      pytest_collection_modifyitems [hook]  # {name}" for name in got
                ),
            )
        ]

    topic = Topic(
        ctx.conftest,
        [
            f"+{new}\n def pytest_collection_modifyitems(session, config, items):\n+    ORDER.append('{names[2]}')\n"
            for new in _MARKS
        ],
        f"import pytest\n\nORDER = []\n\n\n{_MARKS[0]}\ndef pytest_collection_modifyitems(session, config, items):\n    ORDER.append('{names[2]}')\n    items.sort(key=_{ctx.stem}_key)\n",
        "pytest_collection_modifyitems",
        [ctx.conftest, f"{ctx.tests_dir}/{ctx.stem}_sorter.py", f"{ctx.run.package}/testing/plugin.py"],
        test,
        f"def {test}():\n    # the sorter must see the plugin's marks\n    assert ORDER == {want}\n",
    )
    return churn(
        ctx, rng, n, first, [mark, mark, wrapper, trace, move, debug], "the order of the hook implementations", topic
    )


def _log(ctx: Ctx, phases: list[str]) -> str:
    return repr([f"{phase}:{ctx.handler}" for phase in phases])


def callback_phase_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The callback runs in the wrong lifecycle phase or not at all; registration moves around and the log keeps drifting."""
    test = f"test_{ctx.stem}_callback_phases"
    want = _log(ctx, ["configure", "ready"])

    def wrong() -> Fail:
        picks = [
            [],
            ["setup"],
            ["init", "configure", "ready"],
            ["ready", "configure"],
            ["configure", "configure", "ready"],
            ["ready"],
            ["configure", "setup", "ready"],
        ]
        if rng.random() < 0.15:
            error = (
                "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet."
                if ctx.django
                else "RuntimeError: dictionary changed size during iteration"
            )
            return Fail(test, f"LOG == {want}", error=error)
        return Fail(test, f"LOG == {want}", _log(ctx, rng.choice(picks)), want)

    first = [test_step(ctx, rng, "Let me run the test for the new lifecycle callback.", "", [wrong()])]

    phase = [rng.choice(PHASES[2:])]  # where the callback is connected now

    def move(k: int) -> list[Step]:
        new = rng.choice([p for p in PHASES if p != phase[0]])
        if rng.random() < 0.5:
            thought = f"The callback is connected for '{phase[0]}'; let me connect it for '{new}' instead."
            edit = py_edit(
                ctx.source, f"connect({ctx.handler}, phase='{phase[0]}')", f"connect({ctx.handler}, phase='{new}')"
            )
        else:
            where = rng.choice(["__init__", "setup", "configure"])
            thought = f"It is connected at import time, before the instance exists. Let me connect it in {where}() for '{new}'."
            edit = py_edit(
                ctx.source,
                f"    def {where}(self):\n",
                f"    def {where}(self):\n        connect({ctx.handler}, phase='{new}')\n",
            )
        phase[0] = new
        return [
            Step(thought, edit, "patched"),
            test_step(ctx, rng, "Rerunning.", ctx.single(test), [wrong()], flags(ctx, rng)),
        ]

    def pending(k: int) -> list[Step]:
        return [
            Step(
                "Callbacks registered after their phase has fired are lost. Let me queue them and replay when the next phase is emitted.",
                py_edit(ctx.source, "    for when, callback in ", "    for when, callback in _PENDING + "),
                "patched",
            ),
            test_step(ctx, rng, "Let me see.", "", [wrong()], flags(ctx, rng)),
        ]

    def copy(k: int) -> list[Step]:
        return [
            Step(
                "Registering from inside a callback mutates the registry while it is iterated. Let me iterate over a copy.",
                py_edit(ctx.source, f"in {ctx.registry}:", f"in list({ctx.registry}):"),
                "patched",
            ),
            test_step(ctx, rng, "Rerunning the phases test.", ctx.single(test), [wrong()]),
        ]

    def rename(k: int) -> list[Step]:
        old, new = rng.sample(PHASES, 2)
        return [
            Step(
                f"Maybe '{old}' is the wrong phase name for this. Let me use '{new}'.",
                f"sed -i \"s/phase='{old}'/phase='{new}'/\" {ctx.source}",
                "",
            ),
            test_step(ctx, rng, "And again.", "", [wrong()], flags(ctx, rng)),
        ]

    def trace(k: int) -> list[Step]:
        emitted = list(PHASES)
        late = rng.choice(PHASES[1:])
        lines = []
        for phase in emitted:
            lines.append(f"emit {phase} ({rng.randint(0, 3)} callbacks)")
            if phase == late:
                lines.append(f"connect {ctx.handler} phase={rng.choice(PHASES[:3])}")
        return [
            Step(
                "Let me trace the emits and registrations in order.",
                f'python -c "import {ctx.dotted} as m; m._TRACE = True; m.{ctx.func}()" 2>&1 | head -{rng.randint(12, 25)}',
                "\n".join(lines),
            )
        ]

    topic = registry_topic(ctx)
    topic.hunks = [
        f"-connect({ctx.handler}, phase='{a}')\n+connect({ctx.handler}, phase='{b}')\n" for a, b in pairwise(PHASES)
    ] + [f"+_PENDING = []\n+\n {ctx.registry} = []\n"]
    topic.test, topic.body = test, f"def {test}():\n    LOG.clear()\n    {ctx.func}()\n    assert LOG == {want}\n"
    return churn(ctx, rng, n, first, [move, pending, copy, rename, trace], "the phase the callback runs in", topic)
