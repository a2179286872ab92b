# ruff: noqa: E501
"""Hard negatives: a missing, doubled or mis-filed record or a mismatched warning met once or twice, fixed at its cause."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout52.failures import duplicated, empty_capture, filtered, level_miss, not_warned, wrong_logger
from heldout52.text import Ctx, Fail, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra)


def _quiet(ctx: Ctx) -> str:
    return " -q" if not ctx.django else ""


def propagation_restored(ctx: Ctx, rng: random.Random) -> list[Step]:
    """caplog sees nothing twice; the package's import-time handler and propagate=False are found and moved to the CLI."""
    case = ctx.case(rng)
    setup = f"{ctx.run.package}/{rng.choice(['__init__', 'log', 'logger', 'config'])}.py"
    line = rng.randint(20, 300)
    return [
        test_step(ctx, rng, "Let me run the tests for the new warning.", "", [empty_capture(ctx, rng, case)]),
        Step(
            "Nothing was captured although the line was printed. Let me point the capture at the module's logger.",
            py_edit(
                ctx.test_file,
                "caplog.at_level(logging.WARNING)",
                f"caplog.at_level(logging.WARNING, logger={ctx.logger!r})",
            )
            if not ctx.django
            else py_edit(
                f"tests/{ctx.stem}_tests/tests.py",
                "self.assertLogs(level='WARNING')",
                f"self.assertLogs({ctx.run.module!r}, level='WARNING')",
            ),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", "", [empty_capture(ctx, rng, case)], _quiet(ctx)),
        Step(
            "Still empty, so the level is not the problem: the record never reaches the root logger. Who turns propagation off?",
            f"grep -rn 'propagate' {ctx.run.package} | grep -v tests",
            f"{setup}:{line}:    _logger.propagate = False\n",
        ),
        Step(
            "Let me read that setup.",
            f"sed -n '{line - 8},{line + 3}p' {setup}",
            f"_logger = logging.getLogger({ctx.run.module!r})\nif not _logger.handlers:\n    _handler = logging.StreamHandler()\n    _handler.setFormatter(logging.Formatter('%(levelname)s: %(message)s'))\n    _logger.addHandler(_handler)\n    _logger.setLevel(logging.INFO)\n    _logger.propagate = False\n",
        ),
        Step(
            "A library configuring its loggers at import hides records from the application (and caplog). The handler belongs to the command-line entry point; the package itself should only add a NullHandler.",
            py_edit(
                setup,
                "if not _logger.handlers:\n    _handler = logging.StreamHandler()",
                "_logger.addHandler(logging.NullHandler())\n\n\ndef _configure_cli_logging():\n    _handler = logging.StreamHandler()",
            ),
            "patched",
        ),
        Step(
            "And the entry point calls it.",
            f"grep -rn 'def main' {ctx.run.package} | head -3",
            f"{ctx.run.package}/__main__.py:{rng.randint(5, 40)}:def main(argv=None):\n",
        ),
        Step(
            "Call the setup from main().",
            py_edit(
                f"{ctx.run.package}/__main__.py",
                "def main(argv=None):\n",
                "def main(argv=None):\n    _configure_cli_logging()\n",
            ),
            "patched",
        ),
        _green(ctx, rng, "The module's tests again.", extra=_quiet(ctx)),
    ]


def handler_added_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A line printed twice, then three times; the handler added per call is found and the module logs through a NullHandler."""
    target = f"test_{ctx.stem}_no_duplicate_lines"
    return [
        test_step(ctx, rng, "Let me run the tests around the new log line.", "", [duplicated(ctx, rng, target)]),
        test_step(
            ctx,
            rng,
            f"Let me run {target} on its own to see whether it depends on order.",
            f"{ctx.test_file}::{target}",
            [duplicated(ctx, rng, target)],
        ),
        Step(
            "Even alone it repeats, so every call must add something. Where are handlers added?",
            f"grep -n 'addHandler\\|StreamHandler' {ctx.source}",
            f"{rng.randint(40, 600)}:    handler = logging.StreamHandler()\n{rng.randint(601, 700)}:    logger.addHandler(handler)\n",
        ),
        Step(
            f"{ctx.func}() adds a new StreamHandler on every call. A library should not attach output handlers at all: log through the module logger and leave output to the root's handlers.",
            py_edit(ctx.source, "    handler = logging.StreamHandler()\n    logger.addHandler(handler)\n", ""),
            "patched",
        ),
        Step(
            "What does the test count, exactly?",
            f"grep -n -A6 'def {target}' {ctx.test_file}",
            f"{rng.randint(20, 400)}:def {target}(caplog):\n    {ctx.func}(None)\n    {ctx.func}(None)\n    assert len(caplog.records) == 2\n",
        ),
        _green(ctx, rng, "It counts records, which caplog sees through the root. Rerunning.", extra=_quiet(ctx)),
    ]


def logger_name_from_module(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The record lands on a hand-written logger name once; every other module uses __name__, and so does the fix."""
    case = ctx.case(rng)
    return [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the new message.",
            "",
            [wrong_logger(ctx, rng, case, ctx.logger, ctx.short_logger)],
        ),
        Step(
            "The record is on the wrong logger. How do the other modules name theirs?",
            f"grep -rn 'getLogger(' {ctx.run.package} | grep -v tests | head -6",
            "\n".join(
                f"{ctx.run.package}/{m}.py:{rng.randint(10, 60)}:logger = logging.getLogger(__name__)"
                for m in rng.sample(["base", "utils", "core", "io", "compat", "api"], 4)
            )
            + f"\n{ctx.source}:{rng.randint(10, 60)}:logger = logging.getLogger({ctx.short_logger!r})",
        ),
        Step(
            "Mine is the only hand-written name, and the tests listen on the module's dotted path. Use __name__ like everyone else.",
            py_edit(ctx.source, f"logging.getLogger({ctx.short_logger!r})", "logging.getLogger(__name__)"),
            "patched",
        ),
        Step("Check the name it gets.", f'python -c "from {ctx.dotted} import logger; print(logger.name)"', ctx.logger),
        _green(ctx, rng, "Rerunning the tests.", extra=_quiet(ctx)),
    ]


def debug_level_traced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The debug record is missing twice; the levels along the hierarchy are printed, the import-time setLevel found and dropped."""
    case = f"test_{ctx.stem}_debug_record"
    setup = f"{ctx.run.package}/{rng.choice(['__init__', 'log', 'config'])}.py"
    miss = level_miss(ctx, rng, case)
    while "DEBUG" not in "".join(miss.error) and "INFO" not in "".join(miss.error):
        miss = level_miss(ctx, rng, case)
    return [
        test_step(ctx, rng, "Let me run the test for the new debug message.", "", [miss]),
        test_step(
            ctx,
            rng,
            "Once more with pytest's own log level lowered, to see if it shows up anywhere.",
            "",
            [miss],
            " --log-level=DEBUG" if not ctx.django else " --debug-mode",
        ),
        Step(
            "Still missing. Let me print the levels along the logger's parents.",
            f"python -c \"import logging, {ctx.dotted}; l = logging.getLogger('{ctx.logger}')\nwhile l: print(l.name, l.level, l.getEffectiveLevel()); l = l.parent\"",
            f"{ctx.logger} 0 30\n{ctx.run.module} 30 30\nroot 30 30",
        ),
        Step(
            f"The package logger '{ctx.run.module}' is pinned to WARNING, which filters before any handler sees the record. Where?",
            f"grep -rn 'setLevel' {ctx.run.package} | grep -v tests",
            f"{setup}:{rng.randint(10, 90)}:logging.getLogger({ctx.run.module!r}).setLevel(logging.WARNING)\n",
        ),
        Step(
            "Levels are the application's choice; the package shouldn't set one at import. Removing the line.",
            py_edit(setup, f"logging.getLogger({ctx.run.module!r}).setLevel(logging.WARNING)\n", ""),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the module's tests.", extra=_quiet(ctx)),
    ]


def _text_mismatch(ctx: Ctx, rng: random.Random, case: str) -> Fail:
    """The right category with an abbreviated message."""
    short = f"{ctx.arg} is deprecated"
    if ctx.django:
        return Fail(
            case,
            f"with self.assertWarnsMessage({ctx.warning}, msg):",
            [f"AssertionError: {ctx.deprecated.split(' and ')[0]!r} not found in {short!r}"],
        )
    return Fail(
        case,
        f"with pytest.warns({ctx.warning}, match=msg):",
        [
            f"Failed: DID NOT WARN. No warnings of type (<class '{ctx.category}'>,) matching the regex were emitted.",
            f" Regex: The '{ctx.arg}' argument of {ctx.func}\\(\\) is deprecated",
            f" Emitted warnings: [{ctx.warning}('{short}')]",
        ],
        fixture="",
    )


def warns_category_corrected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """DID NOT WARN, then a message mismatch; the project's deprecation convention is read and followed; the tests pass."""
    case = f"test_{ctx.stem}_warns_deprecated"
    line = rng.randint(20, 600)
    return [
        test_step(
            ctx, rng, "Let me run the deprecation test.", "", [not_warned(ctx, rng, case, ctx.warning, "UserWarning")]
        ),
        Step(
            "warnings.warn without a category gives UserWarning. How do other deprecations in this package warn?",
            f"grep -rn 'deprecat' {ctx.run.package} --include=*.py | grep -v tests | grep -i 'warn' | head -5",
            "\n".join(
                f"{ctx.run.package}/{m}.py:{rng.randint(20, 900)}:        warnings.warn(msg, {ctx.warning}, stacklevel=2)"
                for m in rng.sample(["base", "utils", "core", "io", "compat"], 3)
            ),
        ),
        Step(
            f"They all use {ctx.warning} with stacklevel=2. Same here.",
            py_edit(ctx.source, "warnings.warn(msg)", f"warnings.warn(msg, {ctx.warning}, stacklevel=2)"),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", "", [_text_mismatch(ctx, rng, case)], _quiet(ctx)),
        Step(
            "Now the category is right but the text differs. What does the test match on?",
            f"grep -n -A4 'def {case}' {_tests(ctx)}",
            f"{line}:def {case}():\n{line + 1}-    msg = r\"The '{ctx.arg}' argument of {ctx.func}\\(\\) is deprecated\"\n{line + 2}-    with pytest.warns({ctx.warning}, match=msg):\n{line + 3}-        {ctx.func}([], {ctx.arg}=True)\n"
            if not ctx.django
            else f"{line}:    def {case}(self):\n{line + 1}-        msg = \"The '{ctx.arg}' argument of {ctx.func}() is deprecated\"\n{line + 2}-        with self.assertWarnsMessage({ctx.warning}, msg):\n{line + 3}-            {ctx.func}([], {ctx.arg}=True)\n",
        ),
        Step(
            "My message abbreviated the function's name; use the full sentence the test (and the changelog) use.",
            py_edit(ctx.source, f"msg = '{ctx.arg} is deprecated'", f"msg = {ctx.deprecated!r}"),
            "patched",
        ),
        Step(
            f"Does {ctx.warning} need an import here?",
            f"grep -n '^from\\|^import' {ctx.source} | head -8",
            "import warnings\n"
            + ("" if "." not in ctx.category else f"from {ctx.category.rsplit('.', 1)[0]} import {ctx.warning}\n"),
        ),
        _green(ctx, rng, "Rerunning the tests.", extra=_quiet(ctx)),
    ]


def _tests(ctx: Ctx) -> str:
    return ctx.test_file if not ctx.django else f"tests/{ctx.stem}_tests/tests.py"


def deprecated_callers_migrated(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The new deprecation errors in unrelated tests under the project's `error` filter; the package's own callers stop passing the argument."""
    mods = rng.sample(["base", "utils", "core", "io", "compat", "api"], 2)
    return [
        test_step(
            ctx,
            rng,
            "Let me run the wider tests now that the argument warns.",
            ctx.tests_dir if not ctx.django else "",
            [filtered(ctx, rng, ctx.case(rng), raised=True) for _ in range(2)],
        ),
        Step(
            "Those tests don't pass the argument themselves. Is the warning an error by configuration?",
            f"sed -n '/filterwarnings/,/^$/p' {ctx.config}"
            if not ctx.django
            else "grep -n 'simplefilter' tests/runtests.py",
            "filterwarnings =\n    error\n    ignore::ImportWarning\n"
            if not ctx.django
            else f"{rng.randint(30, 80)}:warnings.simplefilter('error', {ctx.warning})\n",
        ),
        Step(
            "Yes, deprecations are errors in the test suite on purpose. Ignoring it would hide the real problem: the package itself still passes the deprecated argument. Let me find those calls.",
            f"grep -rn '{ctx.arg}=' {ctx.run.package} --include=*.py | grep -v tests | grep '{ctx.func}'",
            "\n".join(
                f"{ctx.run.package}/{m}.py:{rng.randint(20, 900)}:    out = {ctx.func}(data, {ctx.arg}={rng.choice(['True', 'False', ctx.arg])})"
                for m in mods
            ),
        ),
        Step(
            "Both internal callers move to the replacement, so only users' calls warn.",
            f"sed -i 's/{ctx.func}(data, {ctx.arg}=[A-Za-z_]*)/{ctx.func}(data)/' {ctx.run.package}/{mods[0]}.py {ctx.run.package}/{mods[1]}.py && git diff --stat",
            f" {ctx.run.package}/{mods[0]}.py | 2 +-\n {ctx.run.package}/{mods[1]}.py | 2 +-\n {ctx.source} | {rng.randint(8, 20)} +++++++--\n 3 files changed, {rng.randint(10, 22)} insertions(+), {rng.randint(3, 6)} deletions(-)\n",
        ),
        _green(ctx, rng, "The wider tests again.", ctx.tests_dir if not ctx.django else "", _quiet(ctx)),
    ]
