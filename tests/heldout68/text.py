# ruff: noqa: E501
"""Names the families' steps use (the model class, its loss and fit helpers, its tests), and the test runs they print."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_SUFFIXES = ("Model", "Estimator", "Regressor", "Learner", "Net")
_LOSSES = ("_{}_loss", "_log_loss", "_objective", "_{}_nll", "_cross_entropy")
_FITS = ("_fit_{}", "_train_{}", "_{}_sgd", "_run_epochs", "_optimize")
# numpy as each environment's Python had it installed.
_NUMPY = {"3.6": "1.19.2", "3.7": "1.21.6", "3.8": "1.24.4", "3.9": "1.25.2", "3.10": "1.26.4", "3.11": "1.26.4"}
_ASSERT = re.compile(r"^assert (.+?) (>=|<=|==|<|>|is) (.+)$")
_UNITTEST = {
    ">=": ("assertGreaterEqual", " not greater than or equal to "),
    "<=": ("assertLessEqual", " not less than or equal to "),
    "==": ("assertEqual", " != "),
    "<": ("assertLess", " not less than "),
    ">": ("assertGreater", " not greater than "),
    "is": ("assertIs", " is not "),
}
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-vv": "-v 2", "-v": "-v 2", "-s": "", "--tb=short": ""}

Attempt = text.Attempt


def h(ctx: text.Ctx) -> int:
    return sum(map(ord, ctx.run.session))


@dataclass
class Fail:
    """One failing test: its name, the error (lines), the test's line that failed, frames below it, pytest's `where` lines."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)
    where: Sequence[str] = field(default_factory=tuple)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the model code the agent changes and the tests it runs."""

    @property
    def model(self) -> str:
        return f"{self.cls}{_SUFFIXES[h(self) % len(_SUFFIXES)]}"

    @property
    def loss(self) -> str:
        return _LOSSES[h(self) // 3 % len(_LOSSES)].format(self.stem)

    @property
    def fit(self) -> str:
        return _FITS[h(self) // 7 % len(_FITS)].format(self.stem)

    @property
    def n_tests(self) -> int:
        """How many tests the module's test file holds (the same on every run)."""
        return 14 + h(self) % 27

    @property
    def numpy(self) -> str:
        return _NUMPY.get(self.python, "1.25.2")

    @property
    def divide(self) -> str:
        return "divide" if self.numpy >= "1.24" else "true_divide"

    def data(self, n: int = 200, features: int = 4, seed: int = 0) -> str:
        if self.run.owner == "scikit-learn":
            return f"X, y = make_classification(n_samples={n}, n_features={features}, random_state={seed})"
        return f"X, y = _toy_problem(n_samples={n}, n_features={features}, seed={seed})"

    @property
    def data_import(self) -> str:
        if self.run.owner == "scikit-learn":
            return "from sklearn.datasets import make_classification"
        return f"from {self.dotted} import _toy_problem"

    def case(self, name: str) -> str:
        return f"test_{self.stem}_{name}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name}" if name else ""
            flags, pipe = extra.split(" 2>&1")[0], ""
            pipe = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(f, "") for f in flags.split() if not f.startswith("-k")).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{pipe}"
        return f"python -m pytest {target or self.test_file}{extra}"


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    found = _ASSERT.match(code)
    if found:
        return f"self.{_UNITTEST[found.group(2)][0]}({found.group(1)}, {found.group(3)})"
    if code.startswith("assert "):
        return f"self.assertTrue({code.removeprefix('assert ')})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    if error.startswith("AssertionError: assert "):
        found = _ASSERT.match(error.removeprefix("AssertionError: "))
        if found:
            return f"AssertionError: {found.group(1)}{_UNITTEST[found.group(2)][1]}{found.group(3)}"
        return "AssertionError: False is not true"
    return error


def _counts(failed: int, passed: int, warned: int, deselected: int, secs: float) -> str:
    parts = [f"{failed} failed"] if failed else []
    parts += [f"{passed} passed"] if passed else []
    parts += [f"{warned} warning{'s' if warned > 1 else ''}"] if warned else []
    parts += [f"{deselected} deselected"] if deselected else []
    return f"{', '.join(parts)} in {secs:.2f}s"


def _django_output(ctx: Ctx, rng: random.Random, target: str, extra: str, failing: Sequence[Fail], total: int) -> str:
    lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
    lines += ["Creating test database for alias 'default'...", "System check identified no issues (0 silenced).", ""]
    if " -x" in extra and failing:
        failing = failing[:1]
        total = rng.randint(1, total)
    marks = ["."] * (total - len(failing)) + ["F" if f.error.startswith("AssertionError") else "E" for f in failing]
    if " -x" in extra and failing:
        marks = [*marks[:-1], marks[-1]]
    else:
        rng.shuffle(marks)
    lines.append("".join(marks))
    for fail in failing:
        kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
        lines += [
            "=" * 70,
            f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
            "-" * 70,
            "Traceback (most recent call last):",
            f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
            f"    {unittest_code(fail.code or f'{ctx.model}().fit(X, y)')}",
        ]
        for func, code in fail.frames:
            lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
        lines += [unittest_error(fail.error), ""]
    lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.05, 9.0):.3f}s", ""]
    fails = sum(f.error.startswith("AssertionError") for f in failing)
    parts = [f"failures={fails}"] if fails else []
    parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
    lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
    lines.append("Destroying test database for alias 'default'...")
    return "\n".join(lines)


def _failure(ctx: Ctx, rng: random.Random, path: str, fail: Fail, short: bool) -> list[str]:
    """One failure's traceback as pytest prints it (long, or `--tb=short`)."""
    code = fail.code or f"{ctx.model}().fit(X, y)"
    err = [f"E       {line}" for line in fail.error.split("\n")]
    for where in fail.where:
        first, *rest = where.split("\n")
        err += [f"E        +  {first}", *(f"E           {more}" for more in rest)]
    kind = fail.error.split(":")[0].split("\n")[0]
    if short:
        out = [f"{path}:{rng.randint(20, 700)}: in {fail.name}", f"    {code}"]
        for func, line in fail.frames:
            out += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {line}"]
        return [*out, *(e.replace("E       ", "E   ", 1) for e in err)]
    out = [f"    def {fail.name}():", f">       {code}"]
    if not fail.frames:
        return [*out, *err, "", f"{path}:{rng.randint(20, 700)}: {kind}"]
    out += ["", f"{path}:{rng.randint(20, 700)}: ", "_ " * 39 + "_"]
    for func, line in fail.frames[:-1]:
        out += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {line}", "_ " * 39 + "_"]
    return [*out, "", f">       {fail.frames[-1][1]}", *err, "", f"{ctx.source}:{rng.randint(20, 800)}: {kind}"]


def progress(prefix: str, marks: Sequence[str], selected: int) -> list[str]:
    """pytest's progress lines: marks after the prefix, wrapped at 80 columns, each line ending on its percentage."""
    lines, done, line = [], 0, prefix
    for mark in marks:
        if len(line) >= 73:
            lines.append(f"{line:<73} [{round(100 * done / selected):>3}%]")
            line = ""
        line += mark
        done += 1
    lines.append(f"{line:<73} [{round(100 * done / selected):>3}%]")
    return lines


def run_output(
    ctx: Ctx,
    rng: random.Random,
    target: str,
    extra: str,
    failing: Sequence[Fail],
    warnings: Sequence[str] = (),
) -> str:
    """A test run of `target` with `failing` failing, as pytest or Django's runner prints it for these flags."""
    failing = list({f.name: f for f in failing}.values())
    path, _, node = target.partition("::")
    total = 1 if node else ctx.n_tests
    if ctx.django:
        return _django_output(ctx, rng, target, extra, failing, total)
    selected, deselected = total, 0
    if " -k " in f" {extra}":
        selected = max(len(failing), rng.randint(1, 4))
        deselected = total - selected
    quiet = " -q" in extra
    if " -x" in extra and failing:
        failing = failing[:1]
        marks = ["."] * rng.randint(0, selected - 1) + ["F"]
    else:
        marks = ["."] * (selected - len(failing)) + ["F"] * len(failing)
        rng.shuffle(marks)
    lines = []
    if not quiet:
        collected = f"collected {total} item{'s' if total != 1 else ''}"
        if deselected:
            collected += f" / {deselected} deselected / {selected} selected"
        lines += [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            collected,
            "",
        ]
        lines += progress(f"{path} ", marks, selected)
    else:
        lines += progress("", marks, selected)
    if failing:
        lines += ["", "=" * 35 + " FAILURES " + "=" * 35]
        for fail in failing:
            lines += [f" {fail.name} ".center(80, "_"), ""]
            lines += _failure(ctx, rng, path, fail, "--tb=short" in extra)
    if warnings:
        lines += [
            "=" * 31 + " warnings summary " + "=" * 31,
            f"{path}::{failing[0].name if failing else node or ctx.case('fit')}",
        ]
        for warning in warnings:
            kind, _, code = warning.partition("|")
            lines += [f"  /testbed/{ctx.source}:{rng.randint(20, 800)}: {kind}", f"    {code}", ""]
        lines.append("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html")
    if failing:
        lines += ["=" * 27 + " short test summary info " + "=" * 28]
        for f in failing:
            line = f"FAILED {path}::{f.name} - {f.error.split(chr(10))[0]}".rstrip()
            lines.append(line if len(line) <= 80 else line[:77] + "...")
        if " -x" in extra:
            lines.append("!" * 26 + " stopping after 1 failures " + "!" * 26)
    counts = _counts(len(failing), len(marks) - len(failing), len(warnings), deselected, rng.uniform(0.3, 12.0))
    lines.append(counts if quiet else f" {counts} ".center(80, "="))
    return "\n".join(lines)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: Sequence[Fail],
    extra: str = "",
    warnings: Sequence[str] = (),
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, extra, failing, warnings),
        rc=1 if failing else 0,
        seconds=rng.uniform(1.0, 14.0),
    )


def flags(rng: random.Random) -> str:
    return rng.choice(["", " -x", " -q", " -x -q", " --tb=short", " -q --tb=short", " -p no:cacheprovider"])


def arr(rng: random.Random, k: int, lo: float = -2.0, hi: float = 2.0, digits: int = 8) -> str:
    """A 1-d array of `k` values as numpy prints it."""
    return show([rng.uniform(lo, hi) for _ in range(k)], digits)


def show(values: Sequence[float], digits: int = 8) -> str:
    """Values as numpy prints an array: signs aligned, wrapped at 75 characters."""
    items = [f"{v: .{digits}f}" for v in values]
    if all(item.startswith(" ") for item in items):
        items = [item[1:] for item in items]
    lines, line = [], "array(["
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else "])")
        if len(line) + len(piece.rstrip()) > 75 and line.strip() != "array([":
            lines.append(line.rstrip())
            line = "       "
        line += piece
    return "\n".join([*lines, line])


def allclose(rng: random.Random, k: int, rtol: str = "1e-07", atol: str = "0", big: bool = True) -> str:
    """`assert_allclose`'s failure, its differences large (or a rounding's worth), the arrays agreeing elsewhere."""
    bad = rng.randint(1, k)
    x = [rng.uniform(-2, 2) for _ in range(k)]
    y = list(x)
    for i in rng.sample(range(k), bad):
        y[i] = x[i] + rng.choice([-1, 1]) * (
            rng.uniform(0.05, 1.5) if big else abs(x[i]) * rng.uniform(2e-5, 4e-4) + 2e-6
        )
    diffs = [abs(a - b) for a, b in zip(x, y, strict=True)]
    rel = max(d / abs(b) for d, b in zip(diffs, y, strict=True) if b)
    return (
        f"AssertionError: \nNot equal to tolerance rtol={rtol}, atol={atol}\n\nMismatched elements: {bad} / {k} ({100 * bad / k:.3g}%)\n"
        f"Max absolute difference: {max(diffs):.8g}\nMax relative difference: {rel:.8g}\n x: {show(x)}\n y: {show(y)}"
    )
