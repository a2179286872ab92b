# ruff: noqa: E501
"""Loops after a red herring: a warning printed beside the failure, a dependency blamed for it, a log line
from the report, each chased through grep, source reading and small experiments while the failure stays.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout34.loops_repro import _DEPS, weave
from heldout34.text import Ctx, passing

_WARNINGS = [
    (
        "DeprecationWarning",
        "distutils Version classes are deprecated. Use packaging.version instead.",
        "distutils",
        "setuptools/_distutils/version.py",
    ),
    ("DeprecationWarning", "pkg_resources is deprecated as an API", "pkg_resources", "pkg_resources/__init__.py"),
    ("DeprecationWarning", "the imp module is deprecated in favour of importlib", "imp", "_distutils_hack/__init__.py"),
    (
        "ResourceWarning",
        "unclosed file <_io.TextIOWrapper name='setup.cfg' mode='r' encoding='UTF-8'>",
        "open(",
        "setuptools/config/setupcfg.py",
    ),
    ("RuntimeWarning", "invalid value encountered in divide", "np.divide", "numpy/core/_methods.py"),
]


def _failing(ctx: Ctx, rng: random.Random, warning: tuple[str, str, str, str], line: int) -> str:
    kind, message, _, where = warning
    got, want = rng.randint(0, 9), rng.randint(10, 30)
    return (
        f"{ctx.site}/{where}:{line}: {kind}: {message}\n"
        f'  warnings.warn(\nTraceback (most recent call last):\n  File "/testbed/{ctx.repro}", line {rng.randint(5, 25)}, in <module>\n'
        f"    assert len(out) == {want}, len(out)\nAssertionError: {got}"
    )


def deprecation_warning_herring(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The warning printed above the failure taken for its cause: grepped, silenced, turned into an error, still failing."""
    warning = rng.choice(_WARNINGS)
    kind, message, needle, where = warning

    def attempt(i: int) -> list[Step]:
        line = rng.randint(20, 400)
        forms = [
            (
                f"The {kind} right before the assertion looks suspicious. Let me find where {needle} is used.",
                f"grep -rn '{needle}' {ctx.run.package} | head -{rng.choice([5, 10, 20])}",
                f"{ctx.run.package}/{rng.choice(['compat', 'utils', '_compat', 'testing'])}.py:{line}:    # {needle} is not used here any more\n"
                if rng.random() < 0.4
                else "",
            ),
            (
                f"Turn the {kind} into an error to see where it comes from.",
                f"python -W error::{kind} {ctx.repro} 2>&1 | tail -{rng.choice([5, 8, 12])}",
                f'Traceback (most recent call last):\n  File "{ctx.site}/{where}", line {line}, in <module>\n    warnings.warn(\n{kind}: {message}',
            ),
            (
                f"Silence the {kind} and check whether the failure goes away with it.",
                f"python -W ignore::{kind} {ctx.repro}",
                _failing(ctx, rng, warning, line).split("\n", 2)[2],
            ),
            (
                "Maybe the warning filter state matters. Ignore all warnings up front and run the repro.",
                f"python -c \"import warnings; warnings.simplefilter('ignore'); exec(open('{ctx.repro}').read())\"",
                _failing(ctx, rng, warning, line).split("\n", 2)[2],
            ),
            (
                "Run the repro again to see the warning and the failure together.",
                f"python {ctx.repro}",
                _failing(ctx, rng, warning, line),
            ),
            (
                "Let me read where the warning is emitted in site-packages.",
                f"sed -n '{line - 5},{line + 8}p' {ctx.site}/{where}",
                f'        warnings.warn(\n            "{message}",\n            {kind},\n            stacklevel=2,\n        )',
            ),
            (
                "Add a filterwarnings entry to the test config so the warning cannot interfere.",
                f"sed -i 's/^filterwarnings =.*/filterwarnings =\\n    ignore::{kind}/' setup.cfg && {ctx.tests(' -x')} 2>&1 | tail -{rng.choice([4, 6, 10])}",
                f"E       AssertionError: {rng.randint(0, 9)}\nFAILED {ctx.test_file}::{ctx.test_name} - AssertionError\n1 failed, {rng.randint(5, 60)} passed, {rng.randint(1, 4)} warnings in {rng.uniform(0.3, 6):.2f}s",
            ),
        ]
        thought, command, output = forms[(i * 3 + rng.randint(0, 6)) % len(forms)]
        return [Step(thought, command, output, rc=1 if "Error" in output else 0, seconds=rng.uniform(0.5, 6))]

    return weave(ctx, rng, n, attempt, f"the {kind}")


def innocent_dependency_blamed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A dependency blamed for the project's own bug: its version checked, its source read, it pinned, patched around."""
    dep = _DEPS.get(ctx.run.owner, "packaging")
    mod = dep.lower()
    error = rng.choice(
        [
            f"TypeError: {ctx.func}() got an unexpected keyword argument 'strict'",
            f"AttributeError: 'NoneType' object has no attribute '{rng.choice(['items', 'copy', 'keys'])}'",
        ]
    )

    def attempt(i: int) -> list[Step]:
        line = rng.randint(30, 1500)
        version = f"{rng.randint(1, 3)}.{rng.randint(0, 24)}.{rng.randint(0, 5)}"
        forms = [
            (
                f"The traceback passes through {dep}. Let me read its code around line {line}.",
                f"sed -n '{line},{line + rng.choice([15, 20, 30])}p' {ctx.site}/{mod}/{rng.choice(['core.py', '_compat.py', 'utils.py', '__init__.py'])}",
                "    def __call__(self, *args, **kwargs):\n        return self._hook(*args, **kwargs)\n",
            ),
            (
                f"Which {dep} do we have? A recent release may have changed behaviour.",
                f"pip show {dep} | head -{rng.choice([2, 3, 4])}",
                f"Name: {dep}\nVersion: {version}",
            ),
            (
                f"Pin {dep} to {version} and retry.",
                f"pip install -q '{dep}=={version}' && python {ctx.repro}",
                f"{error}",
            ),
            (
                f"Let me check {dep}'s changelog for anything about this.",
                f"pip download --no-deps '{dep}=={version}' -d /tmp/{mod}_{version.replace('.', '')} 2>&1 | tail -2",
                f"WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError'\nERROR: Could not find a version that satisfies the requirement {dep}=={version}",
            ),
            (
                f"Search {dep} for the call that breaks.",
                f"grep -rn '{rng.choice(['strict', 'kwargs', '_hook', 'items()'])}' {ctx.site}/{mod}/ | head -{rng.choice([5, 10])}",
                f"{ctx.site}/{mod}/core.py:{line}:        return self._hook(*args, **kwargs)\n",
            ),
            (
                f"Import {dep} before anything else and run the repro through runpy, in case import order matters.",
                f"python -c \"import {mod}, runpy; runpy.run_path('{ctx.repro}')\" 2>&1 | tail -{rng.choice([1, 2, 3])}",
                error,
            ),
            (
                f"Run the reproduction with {dep} {version}.",
                f"python {ctx.repro} 2>&1 | tail -{rng.choice([2, 3, 4])}",
                f'  File "/testbed/{ctx.source}", line {rng.randint(80, 900)}, in {ctx.func}\n{error}',
            ),
        ]
        thought, command, output = forms[(i * 2 + rng.randint(0, 6)) % len(forms)]
        rc = 1 if "Error" in output else 0
        return [Step(thought, command, output, rc=rc, seconds=rng.uniform(0.5, 20))]

    return weave(ctx, rng, n, attempt, f"the {dep} problem")


_LOG_LINES = [
    "WARNING cache miss for key",
    "retrying in 0.5s",
    "connection pool is full, discarding connection",
    "falling back to slow path",
    "DEBUG: lazy import failed",
    "skipping invalid entry",
]


def log_line_herring(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A line from the reporter's log searched for in the code, logging turned up to find it, never seen locally."""
    needle = rng.choice(_LOG_LINES)

    def attempt(i: int) -> list[Step]:
        word = rng.choice([w.strip(",:.") for w in needle.split() if len(w.strip(",:.")) >= 5])
        forms = [
            (
                f"The report's log shows '{needle}' just before the failure. Where is that logged?",
                f"grep -rn '{needle}' {ctx.run.package} {rng.choice(['', 'tests ', 'docs '])}| head",
                "",
            ),
            (
                f"Maybe the message is built. Search for '{word}' alone.",
                f"grep -rni '{word}' {ctx.run.package} | head -{rng.choice([5, 10, 15])}",
                f"{ctx.source}:{rng.randint(40, 900)}:    # {word} handled by caller\n"
                if rng.random() < 0.5
                else f"{ctx.run.package}/utils/{rng.choice(['log', 'functional', 'module_loading', 'datastructures'])}.py:{rng.randint(20, 400)}:    # see {word} above\n",
            ),
            (
                "Perhaps it comes from a dependency. Search site-packages.",
                f"grep -rln '{rng.choice([needle, word])}' {ctx.site} 2>/dev/null | head -{rng.choice([5, 10])}",
                ""
                if rng.random() < 0.6
                else f"{ctx.site}/{rng.choice(['urllib3/connectionpool.py', 'pip/_internal/network/cache.py'])}",
            ),
            (
                "Run with logging at DEBUG to see if the line appears here.",
                f"python -c \"import logging, runpy; logging.basicConfig(level=logging.DEBUG); runpy.run_path('{ctx.repro}')\"",
                repro_ok_with_debug(ctx, rng),
            ),
            (
                "Run the tests with live logging.",
                ctx.tests(f" -o log_cli=true --log-cli-level={rng.choice(['DEBUG', 'INFO', 'WARNING'])}")
                if not ctx.django
                else ctx.tests(" --debug-sql"),
                passing(ctx, rng),
            ),
            (
                "Check git history for when the log message was removed.",
                f"git log -S '{rng.choice([needle, word])}' --oneline | head -{rng.choice([5, 10])}",
                "",
            ),
        ]
        thought, command, output = forms[(i + rng.randint(0, 5)) % len(forms)]
        return [Step(thought, command, output, seconds=rng.uniform(0.3, 9))]

    return weave(ctx, rng, n, attempt, f"the '{needle}' log line")


def repro_ok_with_debug(ctx: Ctx, rng: random.Random) -> str:
    return f"DEBUG:{ctx.dotted}:loading {rng.randint(2, 60)} values\nDEBUG:{ctx.dotted}:done in {rng.uniform(0.001, 0.3):.3f}s\nok"
