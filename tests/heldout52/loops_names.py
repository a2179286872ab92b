# ruff: noqa: E501
"""Loops over which records a test sees: the logger's name, its effective level, the text of `assertLogs` output."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout52.failures import VALUES, level_miss, list_diff, wrong_logger
from heldout52.text import Ctx, Fail, churn, edit, py_edit, record, test_step


def _tests_file(ctx: Ctx) -> str:
    return ctx.test_file if not ctx.django else f"tests/{ctx.stem}_tests/tests.py"


def _names(ctx: Ctx) -> list[str]:
    parts = ctx.logger.split(".")
    return [
        ctx.logger,
        ctx.short_logger,
        parts[0],
        f"{parts[0]}.{ctx.stem}.{ctx.func}",
        ".".join(parts[:-1]) or parts[0],
    ]


def logger_name_hierarchy_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The tests listen on one logger name and the module logs on another; each rename satisfies one test."""
    names = _names(ctx)
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the new log message.",
            "",
            [wrong_logger(ctx, rng, ctx.case(rng), ctx.short_logger, ctx.logger)],
        )
    ]

    def rename(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "__name__",
                repr(ctx.short_logger),
                "__package__",
                repr(ctx.logger.rsplit(".", 1)[0]),
                f"{ctx.run.module!r}",
                f"__name__.rsplit('.', 1)[0] + {('.' + ctx.stem)!r}",
            ],
            2,
        )
        wanted, got = rng.sample(names, 2)
        return [
            Step(
                f"The tests expect the records on a different logger. Let me build the module's logger from {new} instead of {old}.",
                *edit(rng, ctx.source, f"getLogger({old})", f"getLogger({new})"),
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the module's tests.",
                "",
                [wrong_logger(ctx, rng, ctx.case(rng), wanted, got) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -x"]) if not ctx.django else rng.choice(["", " -v 2"]),
            ),
        ]

    def child(k: int) -> list[Step]:
        wanted, got = rng.sample(names, 2)
        how = rng.choice(
            [
                f"logger.getChild({ctx.stem!r})",
                f"logging.getLogger({ctx.run.module!r}).getChild({ctx.stem!r})",
                f"logging.LoggerAdapter(logging.getLogger({ctx.short_logger!r}), {{}})",
            ]
        )
        return [
            Step(
                f"Maybe a child logger keeps both names working: `{how}`.",
                py_edit(ctx.source, "logger = logging.getLogger(__name__)", f"logger = {how}"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the tests.",
                "",
                [wrong_logger(ctx, rng, ctx.case(rng), wanted, got)],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def expectation(k: int) -> list[Step]:
        wanted, got = rng.sample(names, 2)
        return [
            Step(
                f"The older test listens on '{wanted}'. Let me point that test at the name the module actually uses.",
                py_edit(_tests_file(ctx), repr(wanted), repr(got), None),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running the tests again.",
                "",
                [wrong_logger(ctx, rng, ctx.case(rng), got, rng.choice(names))],
                rng.choice(["", " -q", " -rf"]) if not ctx.django else "",
            ),
        ]

    def names_look(k: int) -> list[Step]:
        return [
            Step(
                "Which loggers exist under the package once it is imported?",
                f"python -c \"import logging, {ctx.dotted}; print(sorted(n for n in logging.root.manager.loggerDict if n.startswith('{ctx.run.module}'))[:8])\"",
                repr(
                    sorted(
                        [
                            *rng.sample(names, rng.randint(2, 4)),
                            f"{ctx.run.module}.{rng.choice(['utils', 'config', 'io', 'compat'])}",
                        ]
                    )
                ),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [rename, rename, child, expectation, names_look],
        "the logger name (whichever name I log on, some test listens on another)",
    )


def effective_level_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The debug record never arrives, or arrives everywhere: levels set on the logger, handler, root and tests trade places."""
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the new debug message.",
            "",
            [level_miss(ctx, rng, f"test_{ctx.stem}_debug_record")],
        )
    ]

    def level(k: int) -> list[Step]:
        where, old, new = rng.choice(
            [
                ("the module's logger", "logger.setLevel(logging.WARNING)", "logger.setLevel(logging.NOTSET)"),
                ("the module's logger", "logger.setLevel(logging.NOTSET)", "logger.setLevel(logging.DEBUG)"),
                ("the handler", "handler.setLevel(logging.WARNING)", "handler.setLevel(logging.DEBUG)"),
                ("the module's logger", "logger.setLevel(logging.WARNING)", "logger.setLevel(logging.INFO)"),
                ("the module's logger", "logger.setLevel(logging.DEBUG)", "logger.setLevel(logging.WARNING)"),
                ("the module", "logging.disable(logging.INFO)", "logging.disable(logging.NOTSET)"),
            ]
        )
        return [
            Step(
                f"The record is dropped by a level somewhere. Let me change {where}: `{old}` -> `{new}`.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the tests.",
                "",
                [level_miss(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -x", " --log-level=DEBUG"])
                if not ctx.django
                else rng.choice(["", " -v 2", " --debug-mode"]),
            ),
        ]

    def in_test(k: int) -> list[Step]:
        old, new = rng.sample(
            [
                "caplog.at_level(logging.DEBUG)",
                "caplog.set_level(logging.DEBUG)",
                f"caplog.at_level(logging.DEBUG, logger={ctx.logger!r})",
                f"caplog.set_level(logging.DEBUG, logger={ctx.run.module!r})",
            ]
            if not ctx.django
            else [
                "self.assertLogs(level='DEBUG')",
                f"self.assertLogs({ctx.logger!r}, level='DEBUG')",
                f"self.assertLogs({ctx.run.module!r}, 'DEBUG')",
                f"self.assertLogs({ctx.logger!r}, 'INFO')",
            ],
            2,
        )
        return [
            Step(
                f"Let me change the test to `{new}`, so it lowers the right level itself.",
                py_edit(_tests_file(ctx), old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Let me see.",
                "",
                [level_miss(ctx, rng, ctx.case(rng))],
                rng.choice(["", " -q", " -p no:logging"]) if not ctx.django else "",
            ),
        ]

    def ini(k: int) -> list[Step]:
        value = rng.choice(["DEBUG", "INFO", "NOTSET", "WARNING"])
        section = ctx.section.replace("[", "\\[").replace("]", "\\]")
        return [
            Step(
                f"pytest's own log_level option may be what decides it. Let me set log_level = {value} in {ctx.config}.",
                f"sed -i '/^{section}/a log_level = {value}' {ctx.config} && grep -n log_level {ctx.config}",
                f"{rng.randint(2, 40)}:log_level = {value}",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning with the ini option.",
                "",
                [level_miss(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q"]),
            ),
        ]

    def effective(k: int) -> list[Step]:
        return [
            Step(
                "Let me print the effective levels along the hierarchy.",
                f"python -c \"import logging, {ctx.dotted} as m; l = logging.getLogger('{ctx.logger}')\nwhile l: print(l.name, l.level, l.getEffectiveLevel(), l.disabled); l = l.parent\"",
                "\n".join(
                    f"{name} {rng.choice([0, 10, 20, 30])} {rng.choice([10, 20, 30])} {rng.choice(['False', 'False', 'True'])}"
                    for name in [ctx.logger, ctx.run.module, "root"]
                ),
            )
        ]

    if ctx.django:
        return churn(
            ctx,
            rng,
            n,
            first,
            [level, level, in_test, effective],
            "the log levels (the debug record is filtered out, or shows up in the quiet tests)",
        )
    return churn(
        ctx,
        rng,
        n,
        first,
        [level, level, in_test, ini, effective],
        "the log levels (the debug record is filtered out, or shows up in the quiet tests)",
    )


_FORMATS = (
    ("logger.warning({m!r}, value)", "{msg}"),
    ("logger.warning(f'{p}: {v!r}')", "{msg}."),
    ("logger.warning({m!r} + '.', value)", "{msg}."),
    ("logger.warning({m!r}, str(value))", "{bare}"),
    ("logger.error({m!r}, value)", "{msg}"),
    (
        "logger.exception({m!r}, value)",
        '{msg}\nTraceback (most recent call last):\n  File "/testbed/{src}", line {line}, in {func}\n    return _lookup[value]\nKeyError: {val!r}',
    ),
    ("logger.warning('%s: %r', {p!r}, value)", "{p}: {val!r}"),
)


def assertlogs_output_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The logged text never equals the test's expected list: punctuation, quoting, level and tracebacks drift."""
    prefix = ctx.message.split(" %r")[0]

    def output(level: str, form: str, value: str) -> str:
        text = form.format(
            msg=ctx.logged(value),
            bare=ctx.message.replace("%r", value),
            p=prefix,
            val=value,
            src=ctx.source,
            line=rng.randint(40, 900),
            func=ctx.func,
        )
        return f"{level}:{ctx.logger}:{text}" if ctx.django else text

    def mismatch(name: str) -> Fail:
        value = rng.choice(VALUES)
        expected = [output("WARNING", "{msg}", value)]
        level = rng.choice(["WARNING", "WARNING", "ERROR", "INFO"])
        got = [output(level, rng.choice(_FORMATS[1:])[1], value)]
        while got[0] == expected[0]:
            got = [output(level, rng.choice(_FORMATS[1:])[1], value)]
        got *= rng.choice([1, 1, 2])
        if ctx.django:
            return Fail(name, "self.assertEqual(cm.output, expected)", list_diff(got, expected))
        return Fail(
            name,
            "assert caplog.messages == expected",
            [
                f"AssertionError: assert {got!r} == {expected!r}",
                f"  At index 0 diff: {got[0]!r} != {expected[0]!r}",
                *([f"  Left contains one more item: {got[1]!r}"] if len(got) > 1 else []),
                "  Use -v to get more diff",
            ],
            log=[record(ctx, rng, level, g.split(chr(10))[0]) for g in got],
        )

    first = [test_step(ctx, rng, "Let me run the tests that check the log output.", "", [mismatch(ctx.case(rng))])]

    def reword(k: int) -> list[Step]:
        old, new = rng.sample([f for f, _ in _FORMATS], 2)
        fill = {"m": ctx.message, "p": prefix, "v": "value"}
        old_code, new_code = (
            code.replace("{m!r}", repr(fill["m"]))
            .replace("{p!r}", repr(prefix))
            .replace("{p}", prefix)
            .replace("{v!r}", "value!r")
            for code in (old, new)
        )
        return [
            Step(
                f"The text differs from what the test expects. Let me log it as `{new_code}`.",
                py_edit(ctx.source, old_code, new_code),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerunning.",
                "",
                [mismatch(ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -vv"]) if not ctx.django else rng.choice(["", " -v 2"]),
            ),
        ]

    def expected(k: int) -> list[Step]:
        value = rng.choice(VALUES)
        return [
            Step(
                "Maybe the expectation has the older wording. Let me update the expected list in the test.",
                py_edit(
                    _tests_file(ctx),
                    repr(output("WARNING", "{msg}", value)),
                    repr(output(rng.choice(["WARNING", "ERROR"]), rng.choice(_FORMATS)[1], value).split(chr(10))[0]),
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Tests again.",
                "",
                [mismatch(ctx.case(rng))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def show(k: int) -> list[Step]:
        value = rng.choice(VALUES)
        return [
            Step(
                "Let me see exactly what the module logs, with the same format assertLogs uses.",
                f"python -c \"import logging; logging.basicConfig(format='%(levelname)s:%(name)s:%(message)s'); from {ctx.dotted} import {ctx.func}; {ctx.func}({value!r})\"",
                output(rng.choice(["WARNING", "ERROR"]), rng.choice(_FORMATS)[1], value)
                if ctx.django
                else f"WARNING:{ctx.logger}:" + output("WARNING", rng.choice(_FORMATS)[1], value),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [reword, reword, expected, show],
        "the exact log text (every rewording differs from the expected output somewhere)",
    )
