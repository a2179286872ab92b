"""What a spliced exchange is made of: the run's own names, gemini-like thoughts, tool output that drifts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from heldout14.dev import Run

_DEFAULT_SOURCE = {
    "django": "django/db/models/query.py",
    "sympy": "sympy/core/expr.py",
    "astropy": "astropy/units/quantity.py",
    "scikit-learn": "sklearn/utils/validation.py",
    "pydata": "xarray/core/dataarray.py",
    "sphinx-doc": "sphinx/ext/autodoc/__init__.py",
    "matplotlib": "lib/matplotlib/axes/_base.py",
    "pytest-dev": "src/_pytest/python.py",
    "psf": "requests/models.py",
    "pylint-dev": "pylint/checkers/base.py",
    "mwaskom": "seaborn/axisgrid.py",
    "pallets": "src/flask/app.py",
}
_DEFAULT_SYMBOL = {
    "django": "as_sql",
    "sympy": "_eval_evalf",
    "astropy": "to_value",
    "scikit-learn": "check_array",
    "pydata": "reduce",
    "sphinx-doc": "format_signature",
    "matplotlib": "set_xlim",
    "pytest-dev": "collect",
    "psf": "prepare_body",
    "pylint-dev": "visit_functiondef",
    "mwaskom": "map_dataframe",
    "pallets": "register_blueprint",
}


@dataclass
class Ctx:
    """A run and a seeded random source: everything a family builder reads."""

    rng: random.Random
    run: Run
    steps: int
    python: str = ""
    pytest: str = ""
    configfile: str = ""
    cores: str = ""

    def __post_init__(self) -> None:
        # One sandbox per session: its interpreter, pytest and core count do not change between runs.
        self.python = self.pick(["9.20", "9.19", "11.5", "10.15"])
        self.pytest = self.pick(["7.4.0", "8.3.3", "7.2.2"])
        self.configfile = self.pick(["setup.cfg", "pyproject.toml", "tox.ini"])
        self.cores = self.pick(["8", "4", "16"])

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    @property
    def source(self) -> str:
        return self.run.source or _DEFAULT_SOURCE.get(self.run.repo, "setup.py")

    @property
    def module(self) -> str:
        path = self.source.removesuffix(".py").removesuffix("/__init__")
        for prefix in ("lib/", "src/"):
            path = path.removeprefix(prefix)
        return path.replace("/", ".")

    @property
    def symbol(self) -> str:
        return self.run.symbol or _DEFAULT_SYMBOL.get(self.run.repo, "main")

    @property
    def django(self) -> bool:
        return self.run.repo == "django"

    @property
    def app(self) -> str:
        """The Django test app the run worked in (tests/<app>/…), or one near its source."""
        parts = self.run.test_file.split("/")
        if self.django and len(parts) > 2 and parts[0] == "tests":
            return parts[1]
        return self.pick(["model_fields", "queries", "migrations", "admin_views", "forms_tests", "utils_tests"])

    @property
    def test_file(self) -> str:
        if self.run.test_file:
            return self.run.test_file
        package = (
            self.source.split("/")[0] if self.run.repo not in ("matplotlib", "pytest-dev", "pallets") else "testing"
        )
        stem = self.source.rsplit("/", 1)[-1].removesuffix(".py")
        return f"{package}/tests/test_{stem}.py"

    def sentences(self, *pools: Sequence[str], **names: object) -> str:
        """One sentence from each pool, in order, with {names} filled in; a quoted block stands alone."""
        text = ""
        for pool in pools:
            part = self.pick(pool).format(**names).strip() if pool else ""
            if part:
                alone = "\n" in part or "\n" in text or text.endswith(":")
                text = f"{text}\n\n{part}" if text and alone else f"{text} {part}" if text else part
        return text

    def hexid(self, n: int = 9) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def seconds(self, low: float, high: float) -> str:
        return f"{self.rng.uniform(low, high):.3f}"


def traceback(frames: Sequence[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback: frames of (file, line, function, code)."""
    lines = ["Traceback (most recent call last):"]
    for path, line, function, code in frames:
        lines.append(f'  File "{path}", line {line}, in {function}')
        lines.append(f"    {code}")
    lines.append(error)
    return "\n".join(lines)


def pytest_run(ctx: Ctx, target: str, failures: Sequence[tuple[str, str]], passed: int, collected: int) -> str:
    """`python -m pytest -q`-style output: failures as (test id, body after the `E` lines)."""
    head = [
        "============================= test session starts ==============================",
        f"platform linux -- Python 3.{ctx.python}, pytest-{ctx.pytest}, pluggy-1.5.0",
        "rootdir: /testbed",
        f"configfile: {ctx.configfile}",
        f"collected {collected} item{'s' if collected != 1 else ''}",
        "",
    ]
    dots = "." * passed + "F" * len(failures)
    head.append(f"{target} {dots}".ljust(73) + " [100%]")
    body: list[str] = []
    if failures:
        body += ["", "=================================== FAILURES ==================================="]
        for test, text in failures:
            name = test.rsplit("::", 1)[-1]
            body.append(f" {name} ".center(80, "_"))
            body.append("")
            body.append(text)
        body.append("=========================== short test summary info ============================")
        for test, text in failures:
            last = [line for line in text.splitlines() if line.startswith("E ")]
            summary = last[0][1:].strip() if last else "AssertionError"
            body.append(f"FAILED {target}::{test} - {summary[:60]}")
    took = ctx.seconds(0.05, 3.5)
    tally = ", ".join(
        part for part in (f"{len(failures)} failed" if failures else "", f"{passed} passed" if passed else "") if part
    )
    colour = "=" * 24
    body.append(f"{colour} {tally} in {took}s {colour}")
    return "\n".join(head + body)


def django_tests(ctx: Ctx, label: str, ran: int, failure: str | None) -> str:
    """tests/runtests.py output for one label, with an optional failure block."""
    cores = ctx.cores
    lines = [
        f"Testing against Django installed in '/testbed/django' with up to {cores} processes",
        f"Found {ran} test(s)." if ctx.chance(0.5) else "",
        "Creating test database for alias 'default'...",
        "System check identified no issues (0 silenced).",
    ]
    lines = [line for line in lines if line]
    if failure:
        lines.append("." * (ran - 1) + "F")
        lines += ["======================================================================", failure]
        lines += [
            "",
            "----------------------------------------------------------------------",
            f"Ran {ran} tests in {ctx.seconds(0.02, 2.0)}s",
            "",
            "FAILED (failures=1)",
        ]
    else:
        lines.append("." * ran)
        lines += [
            "----------------------------------------------------------------------",
            f"Ran {ran} tests in {ctx.seconds(0.02, 2.0)}s",
            "",
            "OK",
        ]
    lines.append("Destroying test database for alias 'default'...")
    return "\n".join(lines)
