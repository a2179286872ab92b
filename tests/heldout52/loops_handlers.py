# ruff: noqa: E501
"""Loops over where a record goes: the propagate flag and the handlers a module stacks on its logger."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout52.failures import closed_stream, default_output_gone, doubled_records, duplicated, empty_capture
from heldout52.text import Ctx, churn, edit, py_edit, test_step

_OUTCOMES = (empty_capture, duplicated, doubled_records, default_output_gone)


def _state(ctx: Ctx, rng: random.Random) -> Step:
    """The logger's handlers, propagate flag and level, printed by hand."""
    handlers = ", ".join(
        rng.sample(
            [
                "<StreamHandler <stderr> (NOTSET)>",
                "<NullHandler (NOTSET)>",
                "<StreamHandler <_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'> (WARNING)>",
            ],
            rng.randint(1, 3),
        )
    )
    flag = rng.choice(["False", "True"])
    return rng.choice(
        [
            Step(
                "Let me print the logger's state as the package leaves it after import.",
                f"python -c \"import logging, {ctx.dotted}; l = logging.getLogger('{ctx.logger}'); print(l.handlers, l.propagate, l.level)\"",
                f"[{handlers}] {flag} {rng.choice([0, 20, 30])}",
            ),
            Step(
                "What does the module's logger look like after import?",
                f'python -c "import {ctx.dotted} as m; l = m.logger; print(l.name, l.handlers, l.propagate, l.getEffectiveLevel())"',
                f"{ctx.logger} [{handlers}] {flag} {rng.choice([10, 20, 30])}",
            ),
            Step(
                "Which of the package's loggers propagate?",
                f"python -c \"import logging; import {ctx.dotted}; print([(n, l.propagate) for n, l in logging.root.manager.loggerDict.items() if n.startswith('{ctx.run.module}') and isinstance(l, logging.Logger)][:6])\"",
                str(
                    [
                        (ctx.logger, flag == "True"),
                        (ctx.run.module, True),
                        (f"{ctx.run.module}.{rng.choice(['utils', 'config', 'io'])}", rng.choice([False, True])),
                    ]
                ),
            ),
        ]
    )


def propagate_flag_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """caplog sees nothing while the module's logger doesn't propagate; letting it propagate doubles the lines."""
    target = ctx.case(rng)
    first = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests; {target} checks the warning is logged.",
            "",
            [empty_capture(ctx, rng, target)],
        )
    ]

    def flag(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "logger.propagate = False",
                "logger.propagate = True",
                "logger.propagate = not _handler_added",
                "logger.propagate = bool(logging.root.handlers)",
            ],
            2,
        )
        return [
            Step(
                f"The module sets `{old}`; "
                + (
                    "with that nothing reaches the root logger where caplog listens."
                    if old.endswith("False")
                    else "with that the root's handler prints the line a second time."
                )
                + f" Let me try `{new}`.",
                *edit(rng, ctx.source, old, new),
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the module's tests.",
                "",
                [rng.choice(_OUTCOMES)(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -x", " -rf"])
                if not ctx.django
                else rng.choice(["", " -v 2", " --parallel 1"]),
            ),
        ]

    def attach(k: int) -> list[Step]:
        how = rng.choice(
            [
                (
                    f"logging.getLogger({ctx.logger!r}).addHandler(caplog.handler)",
                    "attach caplog's handler to the module's logger in the test",
                ),
                (
                    f"caplog.at_level(logging.WARNING, logger={ctx.logger!r})",
                    "point caplog.at_level at the module's logger",
                ),
                (
                    f"monkeypatch.setattr(logging.getLogger({ctx.logger!r}), 'propagate', True)",
                    "monkeypatch propagate in the test only",
                ),
            ]
        )
        if ctx.django:
            how = rng.choice(
                [
                    (
                        f"self.assertLogs({ctx.logger!r}, level='WARNING')",
                        "assert on the module's logger instead of root",
                    ),
                    (f"logging.getLogger({ctx.logger!r}).propagate = True", "switch propagate on in setUp"),
                ]
            )
        return [
            Step(
                f"Instead of touching the library, let me {how[1]}.",
                py_edit(
                    ctx.test_file,
                    rng.choice(["caplog.at_level(logging.WARNING)", "caplog.set_level(logging.INFO)"]),
                    how[0],
                )
                if not ctx.django
                else py_edit(f"tests/{ctx.stem}_tests/tests.py", "self.assertLogs(level='WARNING')", how[0]),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the tests again.",
                "",
                [rng.choice(_OUTCOMES)(ctx, rng, ctx.case(rng))],
                rng.choice(["", " -q", " -p no:cacheprovider"]) if not ctx.django else "",
            ),
        ]

    def conftest(k: int) -> list[Step]:
        body = rng.choice(
            [
                f"@pytest.fixture(autouse=True)\\ndef _propagate():\\n    log = logging.getLogger({ctx.logger!r})\\n    old = log.propagate\\n    log.propagate = True\\n    yield\\n    log.propagate = old",
                f"@pytest.fixture(autouse=True)\\ndef _no_lib_handlers():\\n    log = logging.getLogger({ctx.logger!r})\\n    saved = log.handlers[:]\\n    log.handlers.clear()\\n    yield\\n    log.handlers[:] = saved",
            ]
        )
        return [
            Step(
                "A conftest fixture can adjust the logger around each test without changing the library's behaviour.",
                f"printf 'import logging\\nimport pytest\\n\\n\\n{body}\\n' >> {ctx.tests_dir}/conftest.py && tail -9 {ctx.tests_dir}/conftest.py",
                body.replace("\\n", "\n"),
            ),
            test_step(
                ctx,
                rng,
                "Running with the fixture.",
                "",
                [rng.choice(_OUTCOMES)(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [flag, flag, attach, conftest, lambda k: [_state(ctx, rng)]],
        "the module logger's propagate flag (caplog sees nothing, or every line twice)",
    )


def handler_stacking_duplicates(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Each call adds another handler, so lines repeat; every guard loses the line or writes to a closed stream."""
    target = f"test_{ctx.stem}_no_duplicate_lines"
    first = [
        test_step(
            ctx,
            rng,
            f"Let me run {target}, which counts the printed warning lines.",
            "",
            [duplicated(ctx, rng, target)],
        )
    ]

    def guard(k: int) -> list[Step]:
        guard = rng.choice(
            [
                "if not logger.handlers:",
                "if not logger.hasHandlers():",
                "if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):",
                "if _handler not in logger.handlers:",
                "if getattr(logger, '_configured', False) is False:",
            ]
        )
        outcome = rng.choice([closed_stream, default_output_gone, duplicated, closed_stream])
        return [
            Step(
                f"{ctx.func}() adds a StreamHandler every time it runs. Let me guard it with `{guard}`.",
                py_edit(
                    ctx.source, "    logger.addHandler(handler)", f"    {guard}\n        logger.addHandler(handler)"
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the tests.",
                "",
                [outcome(ctx, rng, ctx.case(rng))],
                rng.choice(["", " -q", " -x", " -vv"]) if not ctx.django else rng.choice(["", " -v 2"]),
            ),
        ]

    def move(k: int) -> list[Step]:
        what = rng.choice(
            [
                (
                    "_handler = logging.StreamHandler()\nlogger.addHandler(_handler)\n",
                    "create the handler once, at import",
                ),
                (
                    "logging.basicConfig(level=logging.WARNING, force=True)\n",
                    "use basicConfig(force=True) and drop the module's handler",
                ),
                (
                    "logger.handlers.clear()\nlogger.addHandler(logging.StreamHandler())\n",
                    "clear the handlers before adding one",
                ),
                (
                    "logger.addHandler(logging.NullHandler())\n",
                    "add only a NullHandler, as the logging HOWTO says for libraries",
                ),
            ]
        )
        outcome = rng.choice([empty_capture, default_output_gone, duplicated, doubled_records])
        return [
            Step(
                f"Let me {what[1]}.",
                py_edit(ctx.source, "    handler = logging.StreamHandler()\n    logger.addHandler(handler)\n", what[0]),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Tests again.",
                "",
                [outcome(ctx, rng, ctx.case(rng)), *([duplicated(ctx, rng, target)] if rng.random() < 0.3 else [])],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def count(k: int) -> list[Step]:
        calls = rng.randint(2, 5)
        return [
            Step(
                "Let me count the handlers after a few calls.",
                f'python -c "import logging; from {ctx.dotted} import {ctx.func}, logger\nfor _ in range({calls}): {ctx.func}(None)\nprint(len(logger.handlers), logger.handlers)"',
                "\n".join([ctx.logged("None")] * rng.randint(1, calls * 2))
                + f"\n{rng.randint(1, calls)} [{', '.join(['<StreamHandler <stderr> (NOTSET)>'] * rng.randint(1, 3))}]",
            )
        ]

    def teardown(k: int) -> list[Step]:
        return [
            Step(
                "The handlers may come from earlier tests. Let me remove them after each test in the test module.",
                py_edit(
                    ctx.test_file if not ctx.django else f"tests/{ctx.stem}_tests/tests.py",
                    "import logging\n",
                    f"import logging\n\n\ndef teardown_function():\n    logging.getLogger({ctx.logger!r}).handlers.clear()\n"
                    if not ctx.django
                    else "import logging\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running again.",
                "",
                [rng.choice([duplicated, closed_stream, empty_capture])(ctx, rng, ctx.case(rng))],
                rng.choice(["", " -q", " -p no:randomly"]) if not ctx.django else " --parallel 1",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [guard, guard, move, count, teardown],
        "the duplicated log lines (every handler guard loses the line or brings it back)",
    )
