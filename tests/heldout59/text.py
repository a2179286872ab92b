# ruff: noqa: E501
"""Names the families' steps use (the classes the agent changes, their mixins and attributes), and the runs they print."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here
from heldout59.names import ATTRS, DEFAULT_ATTRS, DEFAULT_MIXINS, KINDS, MIXINS

Attempt = text.Attempt
T = TypeVar("T")
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {
    "-x": "--failfast",
    "-q": "",
    "-vv": "-v 2",
    "-v": "-v 2",
    "-s": "",
    "-p": "",
    "no:cacheprovider": "",
    "no:randomly": "",
    "--lf": "",
    "-rA": "",
    "--reverse": "--reverse",
}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")
_ASSERT_NOT = re.compile(r"^assert not (.+)$")
_ASSERT_LESS = re.compile(r"^assert (.+?) < (.+)$")
_ASSERT_IN = re.compile(r"^assert (.+?) in (.+)$")


def stable(ctx: Ctx, *parts: str, lo: int = 20, hi: int = 800) -> int:
    """A line number (or count) that stays put within a session for the same `parts`, as a file's lines do."""
    return lo + zlib.crc32("/".join((ctx.run.session, *parts)).encode()) % (hi - lo)


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    found = _ASSERT_NOT.match(code)
    if found:
        return f"self.assertFalse({found.group(1)})"
    for pattern, method in (
        (_ASSERT_EQ, "assertEqual"),
        (_ASSERT_IS, "assertIs"),
        (_ASSERT_LESS, "assertLess"),
        (_ASSERT_IN, "assertIn"),
    ):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first = error.split("\n")[0]
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split(chr(39))[1]} not raised"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        if body.startswith("not "):
            return f"AssertionError: {body.removeprefix('not ')} is not false"
        for sep, shown in (
            (" == ", " != "),
            (" is ", " is not "),
            (" < ", " not less than "),
            (" in ", " not found in "),
        ):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return first


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the class hierarchy its steps change."""

    @property
    def base(self) -> str:
        return f"Base{self.cls}"

    @property
    def mixin_names(self) -> list[str]:
        return MIXINS.get(self.run.owner, DEFAULT_MIXINS)

    @property
    def attr_names(self) -> list[str]:
        return ATTRS.get(self.run.owner, DEFAULT_ATTRS)

    def mixins(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(self.mixin_names, k)

    def attrs(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(self.attr_names, k)

    def subs(self, rng: random.Random, k: int) -> list[str]:
        """`k` subclasses of the class, as the project would name its variants."""
        return [f"{kind}{self.cls}" for kind in rng.sample(KINDS, k)]

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def module_size(self) -> int:
        """How many tests the changed module's test file holds."""
        return 9 + sum(map(ord, self.run.session)) % 43

    def init(self, cls: str) -> str:
        """`cls.__init__()` as this Python names it in a TypeError (with its class from 3.10 on)."""
        return f"{cls}.__init__()" if self.py_minor >= 10 else "__init__()"

    @property
    def py_minor(self) -> int:
        return int(self.python.split(".")[1])

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split()).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: Sequence[Fail]) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [
            f"Testing against Django installed in '/testbed/django' with up to {stable(ctx, 'processes', lo=4, hi=17)} processes"
        ]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + [("F" if f.error.startswith("AssertionError") else "E") for f in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests{'.' + fail.name if ctx.py_minor >= 11 else ''})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {stable(ctx, fail.name, lo=30, hi=900) + 2}, in {fail.name}',
                f"    {unittest_code(fail.code or f'obj = {ctx.cls}()')}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {stable(ctx, func, code)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s", ""]
        fails = sum(f.error.startswith("AssertionError") for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [f"    def {fail.name}():", f">       {fail.code or f'obj = {ctx.cls}()'}", ""]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{stable(ctx, func, code)}: in {func}", f"    {code}"]
        head = fail.error.split(":")[0]
        body += [
            f"E       {fail.error}",
            "",
            f"{shown.split('::')[0]}:{stable(ctx, fail.name, lo=30, hi=900) + 2}: {head}",
        ]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def deck(rng: random.Random) -> Callable[[Sequence[T]], T]:
    """Picks among a family's changes as a shuffled deck does: each once before any comes round again."""
    order: list[int] = []

    def pick(options: Sequence[T]) -> T:
        if not order:
            order.extend(rng.sample(range(len(options)), len(options)))
        return options[order.pop()]

    return pick


def quiet(output: str) -> str:
    """A pytest run's output as `-q` prints it: no header, the bare progress line, the summary without its rule."""
    lines = output.split("\n")
    if not lines[0].startswith("=" * 29 + " test session starts"):
        return output
    lines = lines[4:]  # header, platform, rootdir, collected
    for i, line in enumerate(lines):
        if line.endswith("[100%]"):
            marks = line[: -len("[100%]")].rstrip().rsplit(" ", 1)[-1]
            lines[i] = f"{marks:<74}[100%]"
            if i + 1 < len(lines) and not lines[i + 1]:
                del lines[i + 1]
            break
    lines[-1] = lines[-1].strip("= ")
    return "\n".join(lines[1:] if lines and not lines[0] else lines)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    # The module holds the same tests on every run; the package around it several times as many.
    size = ctx.module_size if target in ("", ctx.test_file) else ctx.module_size * 7 + 3
    passed = size - len(failing)
    if "::" in target:  # one test selected: only it runs
        name = target.split("::")[1].split(" ")[0]
        failing = [fail for fail in failing if fail.name == name][:1]
        passed = 0 if failing else 1
    output = run_output(ctx, rng, target or ctx.test_file, passed, failing)
    return Step(
        thought,
        ctx.tests(target, extra),
        quiet(output) if " -q" in extra and not ctx.django else output,
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def collect_error(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    error: str,
    code: str,
    deeper: Sequence[tuple[str, int, str, str]] = (),
    extra: str = "",
) -> Step:
    """A test run that never starts: importing the changed module raises at `code`, (file, line, function, code) `deeper` below it."""
    where = stable(ctx, code)
    imports = stable(ctx, "import", lo=3, hi=20)
    tf = ctx.test_file
    imported = f"from {ctx.dotted} import {ctx.cls}"
    if ctx.django:
        label = f"{ctx.stem}_tests.tests"
        lines = [
            f"Testing against Django installed in '/testbed/django' with up to {stable(ctx, 'processes', lo=4, hi=17)} processes",
            "System check identified no issues (0 silenced).",
            "E",
            "=" * 70,
            f"ERROR: {label} (unittest.loader._FailedTest)",
            "-" * 70,
            f"ImportError: Failed to import test module: {label}",
            "Traceback (most recent call last):",
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/unittest/loader.py", line 436, in _find_test_path',
            "    module = self._get_module_from_name(name)",
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/unittest/loader.py", line 377, in _get_module_from_name',
            "    __import__(name)",
            f'  File "/testbed/{tf}", line {imports}, in <module>',
            f"    {imported}",
            f'  File "/testbed/{ctx.source}", line {where}, in <module>',
            f"    {code}",
        ]
        for path, number, func, below in deeper:
            lines += [f'  File "{path}", line {number}, in {func}', f"    {below}"]
        lines += [
            error,
            "",
            "",
            "-" * 70,
            "Ran 1 test in 0.000s",
            "",
            "FAILED (errors=1)",
        ]
        return Step(thought, ctx.tests(target, extra), "\n".join(lines), rc=1, seconds=rng.uniform(0.5, 4.0))
    shown = (target or tf).split("::")[0]
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        "collected 0 items / 1 error",
        "",
        "=" * 36 + " ERRORS " + "=" * 36,
        f"{'_' * 15} ERROR collecting {shown} {'_' * 15}",
        f"{shown}:{imports}: in <module>",
        f"    {imported}",
        f"{ctx.source}:{where}: in <module>",
        f"    {code}",
    ]
    for path, number, func, below in deeper:
        lines += [f"{path}:{number}: in {func}", f"    {below}"]
    lines += [
        f"E   {error}",
        "=" * 27 + " short test summary info " + "=" * 28,
        f"ERROR {shown} - {error}",
        "!" * 20 + " Interrupted: 1 error during collection " + "!" * 20,
        f" 1 error in {rng.uniform(0.2, 3.0):.2f}s ".center(80, "="),
    ]
    output = "\n".join(lines)
    return Step(
        thought,
        ctx.tests(target, extra),
        quiet(output) if " -q" in extra else output,
        rc=2,
        seconds=rng.uniform(0.5, 4.0),
    )


def traceback(ctx: Ctx, rng: random.Random, frames: Sequence[tuple[str, str]], error: str, repeated: int = 0) -> str:
    """What `python -c` prints when the snippet raises: its frames in the changed module, then the error."""
    lines = ["Traceback (most recent call last):", '  File "<string>", line 1, in <module>']
    for func, code in frames:
        lines += [f'  File "/testbed/{ctx.source}", line {stable(ctx, func, code)}, in {func}', f"    {code}"]
    if repeated:
        lines.append(f"  [Previous line repeated {repeated} more times]")
    lines.append(error)
    return "\n".join(lines)
