# ruff: noqa: E501
"""Names the families' steps use, and the test runs they print, string diffs as pytest and unittest render them."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here
from heldout72.assertions import Fail as Fail
from heldout72.assertions import pytest_error, saferepr, unittest_code, unittest_error

Attempt = text.Attempt
WIDTH = 80  # the terminal pytest assumes when its output is piped
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-vv": "-v 2", "-v": "-v 2", "-s": "", "-p": "", "no:cacheprovider": ""}


def tty(out: str) -> str:
    """What the agent sees: the harness reads output in text mode, so a carriage return reads as a newline."""
    return out.replace("\r\n", "\n").replace("\r", "\n")


# Per project: a file a diff is made of, its five lines, and a new version of the fourth.
_DOCS = {
    "django": (
        "blog/models.py",
        [
            "from django.db import models",
            "class Author(models.Model):",
            "    name = models.CharField(max_length=100)",
            "    email = models.EmailField(blank=True)",
            "    created = models.DateTimeField(auto_now_add=True)",
        ],
        "    email = models.EmailField(blank=True, null=True)",
    ),
    "sympy": (
        "examples/trig.py",
        [
            "from sympy import Symbol, sin, cos",
            "x = Symbol('x')",
            "expr = sin(x)**2 + cos(x)**2",
            "result = expr.simplify()",
            "print(result)",
        ],
        "result = expr.trigsimp()",
    ),
    "sphinx-doc": (
        "doc/index.rst",
        ["Welcome", "=======", ".. toctree::", "   :maxdepth: 2", "   usage"],
        "   :maxdepth: 3",
    ),
    "matplotlib": (
        "examples/demo.py",
        [
            "import matplotlib.pyplot as plt",
            "fig, ax = plt.subplots()",
            "ax.plot([1, 2, 3])",
            "ax.set_title('demo')",
            "fig.savefig('out.png')",
        ],
        "ax.set_title('demo', loc='left')",
    ),
    "scikit-learn": (
        "examples/pipe.py",
        [
            "from sklearn.pipeline import make_pipeline",
            "from sklearn.preprocessing import StandardScaler",
            "from sklearn.svm import SVC",
            "clf = make_pipeline(StandardScaler(), SVC())",
            "clf.fit(X, y)",
        ],
        "clf = make_pipeline(StandardScaler(), SVC(C=0.5))",
    ),
    "astropy": (
        "examples/speed.py",
        ["from astropy import units as u", "d = 10 * u.pc", "t = 3 * u.s", "v = (d / t).to(u.km / u.s)", "print(v)"],
        "v = (d / t).to(u.m / u.s)",
    ),
    "pydata": (
        "scripts/mean.py",
        [
            "import xarray as xr",
            "ds = xr.open_dataset('in.nc')",
            "ds = ds.sel(time='2000')",
            "out = ds.mean('time')",
            "out.to_netcdf('out.nc')",
        ],
        "out = ds.mean('time', keep_attrs=True)",
    ),
}
_DEFAULT_DOC = (
    "setup.cfg",
    ["[metadata]", "name = example", "version = 1.0", "description = An example", "license = MIT"],
    "description = An example package",
)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the names of the code its steps change and the tests they run."""

    @property
    def key(self) -> int:
        return zlib.crc32(self.run.session.encode())

    def named(self, options: Sequence[str]) -> str:
        return options[self.key % len(options)].format(self.stem)

    @property
    def doc(self) -> tuple[str, list[str], str]:
        """A file of the project's kind: its path, its lines, and a changed fourth line."""
        return _DOCS.get(self.run.owner, _DEFAULT_DOC)

    @property
    def django_found(self) -> bool:
        """Whether this Django's runner says how many tests it found (4.0 and on)."""
        number = re.search(r"django-(\d+)", self.run.session)
        return bool(number) and int(number.group(1)) >= 14500

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    def test_name(self, case: str) -> str:
        return f"test_{self.stem}_{case}"

    def layout(self, names: Sequence[str]) -> list[str]:
        """The test file's tests in order: the family's cases among others that always pass ("")."""
        others = 3 + self.key % 19
        at = (self.key >> 8) % (others + 1)
        return [""] * at + list(names) + [""] * (others - at)

    def test_line(self, name: str, names: Sequence[str]) -> int:
        return 24 + (self.key >> 4) % 300 + 11 * self.layout(names).index(name)

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split() if not flag.startswith("'")).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"


def sep(char: str, title: str = "") -> str:
    """A separator line as pytest's terminal writer draws it."""
    if title:
        fill = char * max((WIDTH - len(title) - 2) // (2 * len(char)), 1)
        line = f"{fill} {title} {fill}"
    else:
        line = char * (WIDTH // len(char))
    return line + char.rstrip() if len(line) + len(char.rstrip()) <= WIDTH else line


def _progress(prefix: str, marks: str, total: int) -> list[str]:
    lines, line, done = [], prefix, 0
    for mark in marks:
        line += mark
        done += 1
        if len(line) + 8 >= WIDTH:
            lines.append(line + f"[{done * 100 // total:3d}%]".rjust(WIDTH - 1 - len(line)))
            line = ""
    if line:
        lines.append(line + f"[{done * 100 // total:3d}%]".rjust(WIDTH - 1 - len(line)))
    return lines


def _summary_line(nodeid: str, message: str) -> str:
    line = f"FAILED {nodeid}"
    available = WIDTH - len(line)
    message = message.split("\n")[0]
    if available < 6:  # " - " and "..."
        return line
    if 3 + len(message) > available:
        message = message[: available - 3 - 3] + "..."
    return f"{line} - {message}"


def _counts(failed: int, passed: int, deselected: int) -> str:
    parts = [f"{failed} failed" if failed else "", f"{passed} passed" if passed else ""]
    return ", ".join(p for p in [*parts, f"{deselected} deselected" if deselected else ""] if p)


def run_output(
    ctx: Ctx, rng: random.Random, names: Sequence[str], failing: Sequence[Fail], target: str = "", extra: str = ""
) -> str:
    """A run of the family's test file (or one test of it, or a `-k` selection), as pytest or Django's runner prints it."""
    layout = ctx.layout(names)
    keyword = _KEYWORD.search(extra)
    selected = _ran(ctx, names, target, extra)
    by_name = {f.name: f for f in failing}
    shown = [by_name[n] for n in selected if n in by_name]
    stop = "-x" in extra.split()
    ran = selected
    if stop and shown:
        ran = selected[: selected.index(shown[0].name) + 1]
        shown = shown[:1]
    passed = len(ran) - len(shown)
    took = rng.uniform(0.05, 2.8)
    if ctx.django:
        return _django_output(ctx, rng, names, ran, shown, took)
    path = ctx.test_file
    pytest8 = "pytest-8" in ctx.run.pytest_header
    quiet = "-q" in extra.split()
    marks = "".join("F" if n in by_name and n in [f.name for f in shown] else "." for n in ran)
    lines = [] if quiet else [sep("=", "test session starts"), ctx.run.pytest_header, "rootdir: /testbed"]
    deselected = len(layout) - len(selected) if keyword else 0
    if not quiet:
        lines.append(
            f"collected {len(layout)} items / {deselected} deselected / {len(selected)} selected"
            if keyword
            else f"collected {len(selected)} item{'s' if len(selected) != 1 else ''}"
        )
        lines.append("")
    lines += _progress("" if quiet else f"{path} ", marks, len(selected))
    if shown:
        lines += ["", sep("=", "FAILURES")] if not quiet else [sep("=", "FAILURES")]
        for fail in shown:
            lines += [
                sep("_", fail.name),
                "",
                f"    def {fail.name}({fail.params}):",
                *(f"        {s}" for s in fail.setup),
            ]
            lines.append(f">       {fail.code}")
            where = f"{path}:{ctx.test_line(fail.name, names) + len(fail.setup) + 1}"
            for _, code, line in fail.frames:
                *before, last = code.split("\n")
                lines += ["", f"{where}: ", sep("_ "), "", *(f"    {b}" for b in before), f">   {last}"]
                where = f"{ctx.source}:{line}"
            lines += pytest_error(fail, pytest8)
            kind = "AssertionError" if fail.got is not None else fail.error.split(":")[0]
            lines += ["", f"{where}: {kind}"]
        lines.append(sep("=", "short test summary info"))
        for fail in shown:
            message = (
                f"AssertionError: assert {saferepr(fail.got)} == {saferepr(fail.want)}"
                if fail.got is not None and fail.want is not None
                else fail.error
            )
            lines.append(_summary_line(f"{path}::{fail.name}", message))
        if stop:
            lines.append(sep("!", "stopping after 1 failures"))
    elif not quiet:
        lines.append("")
    counts = f"{_counts(len(shown), passed, deselected)} in {took:.2f}s"
    lines.append(counts if quiet else sep("=", counts))
    return tty("\n".join(lines))


def _django_output(
    ctx: Ctx, rng: random.Random, names: Sequence[str], ran: Sequence[str], shown: Sequence[Fail], took: float
) -> str:
    processes = rng.choice([4, 8, 8, 16]) if len(ran) > 1 else 1
    lines = [
        f"Testing against Django installed in '/testbed/django' with up to {processes} processes",
        f"Found {len(ran)} test(s)." if ctx.django_found else "",
        "System check identified no issues (0 silenced).",
    ]
    lines = [line for line in lines if line]
    failed = {f.name for f in shown}
    lines.append("".join(("F" if f.got is not None else "E") if (f := _find(shown, n)) else "." for n in ran))
    label = f"{ctx.stem}_tests.tests.{ctx.cls}Tests"
    for fail in shown:
        kind = "FAIL" if fail.got is not None or fail.error.startswith("AssertionError") else "ERROR"
        title = f"{fail.name} ({label}.{fail.name})" if ctx.python != "3.9" else f"{fail.name} ({label})"
        line = ctx.test_line(fail.name, names) + len(fail.setup) + 1
        lines += ["=" * 70, f"{kind}: {title}", "-" * 70, "Traceback (most recent call last):"]
        lines += [f'  File "/testbed/{ctx.test_file}", line {line}, in {fail.name}', f"    {unittest_code(fail.code)}"]
        for func, code, number in fail.frames:
            lines += [
                f'  File "/testbed/{ctx.source}", line {number}, in {func}',
                f"    {code.split(chr(10))[-1].strip()}",
            ]
        lines += [unittest_error(fail), ""]
    lines += ["-" * 70, f"Ran {len(ran)} test{'s' if len(ran) != 1 else ''} in {took:.3f}s", ""]
    errors = len(shown) - sum(f.got is not None or f.error.startswith("AssertionError") for f in shown)
    parts = [f"failures={len(shown) - errors}"] if len(shown) - errors else []
    parts += [f"errors={errors}"] if errors else []
    lines.append(f"FAILED ({', '.join(parts)})" if failed else "OK")
    return tty("\n".join(lines))


def _find(fails: Sequence[Fail], name: str) -> Fail | None:
    return next((f for f in fails if f.name == name), None)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    names: Sequence[str],
    failing: Sequence[Fail],
    target: str = "",
    extra: str = "",
) -> Step:
    """The agent running the family's tests: the whole file, one test (`file::name`), or `-k` words in `extra`."""
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, names, failing, target, extra),
        rc=1 if any(f.name in _ran(ctx, names, target, extra) for f in failing) else 0,
        seconds=rng.uniform(0.6, 9.0),
    )


_KEYWORD = re.compile(r"-k (?:'([^']+)'|(\S+))")


def _ran(ctx: Ctx, names: Sequence[str], target: str, extra: str) -> list[str]:
    """The tests a run runs, in file order ("" for the file's other tests)."""
    node = target.partition("::")[2]
    keyword = _KEYWORD.search(extra)
    if node:
        return [node]
    if keyword:
        words = (keyword.group(1) or keyword.group(2)).split(" or ")
        return [n for n in ctx.layout(names) if n and any(w in n for w in words)]
    return ctx.layout(names)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"
