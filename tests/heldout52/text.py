# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the test runs they print.

The runs print what pytest and Django's runner print when logs or warnings are not what a test expects:
the records pytest captured (`Captured log call`, `Captured stderr call`), its warnings summary, and
unittest's list diffs of `assertLogs` output.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("configure_{}", "load_{}", "process_{}", "_resolve_{}", "build_{}", "_emit_{}")
_MESSAGES = (
    "skipping invalid {} entry %r",
    "falling back to default {} for %r",
    "could not resolve {} %r, using None",
    "ignoring unknown {} option %r",
    "{} cache miss for %r",
)
_ARGS = ("strict", "use_cache", "legacy", "raw", "copy", "sort")
_CASES = (
    "logs_warning",
    "logs_once",
    "debug_record",
    "no_duplicate_lines",
    "message_format",
    "quiet_by_default",
    "warns_deprecated",
    "invalid_entry",
    "fallback",
    "stderr_output",
    "records",
    "level",
)
# Each project's own deprecation warning, as its tests expect it.
_DEPRECATIONS = {
    "astropy": "astropy.utils.exceptions.AstropyDeprecationWarning",
    "django": "django.utils.deprecation.RemovedInDjango50Warning",
    "matplotlib": "matplotlib._api.deprecation.MatplotlibDeprecationWarning",
    "sympy": "sympy.utilities.exceptions.SymPyDeprecationWarning",
    "sphinx-doc": "sphinx.deprecation.RemovedInSphinx70Warning",
    "scikit-learn": "FutureWarning",
    "pytest-dev": "_pytest.warning_types.PytestRemovedIn8Warning",
}
# Where each project keeps its pytest configuration.
_CONFIGS = {
    "astropy": "setup.cfg",
    "sympy": "pytest.ini",
    "matplotlib": "pytest.ini",
    "scikit-learn": "setup.cfg",
    "pytest-dev": "tox.ini",
    "sphinx-doc": "setup.cfg",
    "pydata": "setup.cfg",
    "pylint-dev": "setup.cfg",
    "pallets": "setup.cfg",
    "psf": "pytest.ini",
    "mwaskom": "pytest.ini",
}

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its logger, its log message, its deprecation and its tests."""

    @property
    def _hash(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def func(self) -> str:
        return _FUNCS[self._hash % len(_FUNCS)].format(self.stem)

    @property
    def logger(self) -> str:
        return self.dotted

    @property
    def short_logger(self) -> str:
        """The logger name the tests were written against: the package and the module, no subpackages."""
        parts = self.dotted.split(".")
        return f"{parts[0]}.{self.stem}" if len(parts) > 2 else f"{parts[0]}.{self.stem}.core"

    @property
    def message(self) -> str:
        return _MESSAGES[self._hash % len(_MESSAGES)].format(self.stem)

    def logged(self, value: str) -> str:
        return self.message % value

    @property
    def arg(self) -> str:
        return _ARGS[self._hash % len(_ARGS)]

    @property
    def deprecated(self) -> str:
        return f"The '{self.arg}' argument of {self.func}() is deprecated and will be removed in a future version."

    @property
    def category(self) -> str:
        """The project's deprecation warning, fully qualified where it is not a builtin."""
        return _DEPRECATIONS.get(self.run.owner, "DeprecationWarning")

    @property
    def warning(self) -> str:
        return self.category.rsplit(".", 1)[-1]

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def config(self) -> str:
        return _CONFIGS.get(self.run.owner, "setup.cfg")

    @property
    def section(self) -> str:
        return "[tool:pytest]" if self.config == "setup.cfg" else "[pytest]"

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".tests.{self.cls}Tests.{name}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


@dataclass
class Fail:
    """A failing test: the line that failed, the error printed, and what it logged or printed."""

    name: str
    line: str
    error: list[str]
    log: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    fixture: str = "caplog"


def record(ctx: Ctx, rng: random.Random, level: str, message: str, name: str = "") -> str:
    """A record as pytest's `Captured log call` shows it."""
    module = ctx.source.rsplit("/", 1)[-1]
    return f"{level:<8} {name or ctx.logger}:{module}:{rng.randint(40, 900)} {message}"


def _kind(fail: Fail) -> str:
    return "FAIL" if fail.error[0].startswith("AssertionError") else "ERROR"


_FIXTURES = {
    "caplog": "_pytest.logging.LogCaptureFixture",
    "capsys": "_pytest.capture.CaptureFixture",
    "recwarn": "_pytest.recwarn.WarningsRecorder",
}


def _raised(error: str) -> str:
    """The exception's name on pytest's location line."""
    if error.startswith("assert "):
        return "AssertionError"
    return error.split(":")[0].rsplit(".", 1)[-1]


def _pytest_fail(ctx: Ctx, rng: random.Random, path: str, fail: Fail) -> list[str]:
    body = [f"{fail.fixture} = <{_FIXTURES[fail.fixture]} object at {text.addr(rng)}>", ""] if fail.fixture else []
    *before, failing = fail.line.split("\n")
    body += [f"    def {fail.name}({fail.fixture}):", *(f"        {line}" for line in before), f">       {failing}"]
    body += [f"E       {line}" if line else "E" for line in fail.error]
    body += ["", f"{path}:{rng.randint(20, 900)}: {_raised(fail.error[0])}"]
    if fail.stderr:
        body += [" Captured stderr call ".center(80, "-"), *fail.stderr]
    if fail.log:
        body += [" Captured log call ".center(80, "-"), *fail.log]
    return body


_MODULES = ("api", "utils", "core", "io", "compat", "config", "logging", "deprecation", "misc", "base")


def _layout(
    ctx: Ctx, rng: random.Random, path: str, passed: int, fails: list[Fail]
) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """Which file each failing test is in, and each file's progress marks, as pytest lists a file or a directory."""
    if path.endswith(".py"):
        marks = ["."] * passed + ["F"] * len(fails)
        rng.shuffle(marks)
        return {fail.name: path for fail in fails}, [(path, marks)]
    names = sorted({f"{path}/test_{name}.py" for name in rng.sample(_MODULES, 5)} | {f"{path}/test_{ctx.stem}.py"})
    where = {fail.name: rng.choice(names) for fail in fails}
    cuts = sorted(rng.randint(0, passed) for _ in names[1:])
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, passed], strict=True)]
    files = []
    for name, size in zip(names, sizes, strict=True):
        marks = ["."] * size + ["F"] * sum(w == name for w in where.values())
        rng.shuffle(marks)
        if marks:
            files.append((name, marks))
    return where, files


def _progress(files: list[tuple[str, list[str]]]) -> list[str]:
    """pytest's progress lines: each file's marks, wrapped, with the share done at the right."""
    total, done, lines = sum(len(marks) for _, marks in files), 0, []
    for name, marks in files:
        line = name + " "
        for mark in marks:
            if len(line) >= 73:
                lines.append(f"{line:<73}[{100 * done // total:>3}%]")
                line = ""
            line += mark
            done += 1
        lines.append(f"{line:<73}[{100 * done // total:>3}%]")
    return lines


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, fails: list[Fail], warnings: list[str] | None = None
) -> str:
    """A test run with `fails` failing, as pytest or Django's runner prints it."""
    fails = list({fail.name: fail for fail in reversed(fails)}.values())[::-1]  # one report a test
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [f"Found {passed + len(fails)} test(s).", "System check identified no issues (0 silenced)."]
        lines += [line for fail in fails for line in fail.stderr]
        marks = ["."] * passed + [_kind(fail)[0] for fail in fails]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in fails:
            lines += [
                "=" * 70,
                f"{_kind(fail)}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {fail.line.split(chr(10))[-1].strip()}",
                *fail.error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(fails)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        errors = sum(_kind(fail) == "ERROR" for fail in fails)
        counts = ", ".join(
            part
            for part in (
                f"failures={len(fails) - errors}" if len(fails) > errors else "",
                f"errors={errors}" if errors else "",
            )
            if part
        )
        lines.append(f"FAILED ({counts})" if fails else "OK")
        return "\n".join(lines)
    path = target.split(" ")[0].split("::")[0]
    where, files = _layout(ctx, rng, path, passed, fails)
    lines = [
        " test session starts ".center(80, "="),
        ctx.run.pytest_header,
        "rootdir: /testbed" + (f", configfile: {ctx.config}" if ctx.config != "setup.cfg" else ""),
        f"collected {passed + len(fails)} item{'s' if passed + len(fails) != 1 else ''}",
        "",
        *_progress(files),
        "",
    ]
    if fails:
        lines.append(" FAILURES ".center(80, "="))
        for fail in fails:
            lines += [f" {fail.name} ".center(80, "_"), "", *_pytest_fail(ctx, rng, where[fail.name], fail)]
    if warnings:
        lines += [
            " warnings summary ".center(80, "="),
            *warnings,
            "",
            "-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html",
        ]
    if fails:
        lines.append(" short test summary info ".center(80, "="))
        lines += [f"FAILED {where[fail.name]}::{fail.name} - {fail.error[0][:80]}" for fail in fails]
    counts = [f"{len(fails)} failed" if fails else "", f"{passed} passed" if passed else ""]
    shown_warnings = sum("Warning: " in w for w in warnings or []) or 1
    counts.append(f"{shown_warnings} warning{'s' if shown_warnings > 1 else ''}" if warnings else "")
    lines.append(f" {', '.join(c for c in counts if c)} in {rng.uniform(0.05, 3.5):.2f}s ".center(80, "="))
    return "\n".join(lines)


def edit(rng: random.Random, path: str, old: str, new: str) -> tuple[str, str]:
    """An edit of one snippet, by a Python replace (which reports itself) or by `sed -i` (which prints nothing)."""
    if rng.random() < 0.65 or "/" in old + new or '"' in old + new:
        return py_edit(path, old, new), "patched"
    return f'sed -i "s/{old}/{new}/" {path}', ""


def _size(ctx: Ctx, target: str) -> int:
    """How many tests a target collects: the same every time it is run in one session."""
    seed = zlib.crc32(f"{ctx.run.session}|{target}".encode())
    wide = target == ctx.tests_dir or " " in target
    return (140 + seed % 900) if wide else (8 + seed % 50)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    fails: list[Fail],
    extra: str = "",
    warnings: list[str] | None = None,
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(
            ctx, rng, target or ctx.test_file, _size(ctx, target) - len({fail.name for fail in fails}), fails, warnings
        ),
        rc=1 if fails else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the logging code, the callers, the failing test's body."""
    line = rng.randint(20, 700)
    case = ctx.case(rng)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", f" M {ctx.config}\n", "?? conftest.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U1"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.func}(value, **options):\n     if not value:\n-        logger.warning({ctx.message!r}, value)\n+        {rng.choice(['logger.warning', 'logger.info', '_log.warning', 'log.warning'])}({ctx.message!r}, value{rng.choice(['', ', stacklevel=2', ', exc_info=False'])})\n         return None\n",
        ),
        Step(
            "Let me re-read the logging setup in the module.",
            rng.choice(
                [
                    f"grep -n 'logging\\|logger' {ctx.source} | head -20",
                    f"sed -n '1,{rng.randint(25, 45)}p' {ctx.source} | grep -n -i log",
                ]
            ),
            f"{rng.randint(8, 30)}:import logging\n{rng.randint(31, 60)}:logger = logging.getLogger({rng.choice(['__name__', repr(ctx.logger), repr(ctx.short_logger)])})\n{line}:        logger.warning({ctx.message!r}, value)\n",
        ),
        Step(
            "Where else does the package touch logger configuration?",
            rng.choice(
                [
                    f"grep -rn 'propagate\\|addHandler\\|setLevel' {ctx.run.package} | grep -v tests | head",
                    f"grep -rn 'getLogger' {ctx.run.package} --include=*.py | grep -v test | head -8",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['__init__', 'log', 'logger', 'config', 'utils'])}.py:{rng.randint(10, 400)}:{rng.choice(['    logger.setLevel(logging.WARNING)', '    _handler = logging.StreamHandler()', 'logger = logging.getLogger(__name__)', '    logger.addHandler(_handler)', '    logger.propagate = False'])}"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at what the failing test checks.",
            f"grep -n -A7 'def {case}' {ctx.test_file}",
            f"{line}:def {case}(caplog):\n{line + 1}-    with caplog.at_level(logging.{rng.choice(['INFO', 'WARNING', 'DEBUG'])}):\n{line + 2}-        {ctx.func}({rng.choice(['None', '[]', repr('')])})\n{line + 3}-    assert {rng.choice(['caplog.messages', 'caplog.record_tuples', 'len(caplog.records)'])} == {rng.choice(['1', '[...]', '[]'])}\n"
            if not ctx.django
            else f"{line}:    def {case}(self):\n{line + 1}-        with self.assertLogs({ctx.logger!r}, {rng.choice(['WARNING', 'INFO', 'DEBUG'])!r}) as cm:\n{line + 2}-            {ctx.func}(None)\n{line + 3}-        self.assertEqual(cm.output, [...])\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -3 -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Use module loggers",
                        "Deprecate old argument",
                        "Tidy logging",
                        "Merge pull request",
                        "Fix warning stacklevel",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)
