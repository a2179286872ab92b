# ruff: noqa: E501
"""Names the families' steps use (the network code the agent changes, its hosts and ports), and the test runs they print."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt

_CLIENTS = ("_open_{}_connection", "fetch_{}", "_{}_request", "_connect_{}", "{}_transport", "_send_{}")
# Hosts each project's code or tests reach out to.
_HOSTS = {
    "django": ["www.djangoproject.com", "docs.djangoproject.com", "example.com", "media.example.org"],
    "psf": ["httpbin.org", "pypi.org", "example.com", "github.com"],
    "sphinx-doc": ["docs.python.org", "www.sphinx-doc.org", "example.com", "readthedocs.org"],
    "astropy": ["data.astropy.org", "www.astropy.org", "hpiers.obspm.fr", "maia.usno.navy.mil"],
    "scikit-learn": ["www.openml.org", "api.openml.org", "archive.ics.uci.edu", "ndownloader.figshare.com"],
    "mwaskom": ["raw.githubusercontent.com", "github.com", "seaborn.pydata.org", "example.com"],
    "matplotlib": ["matplotlib.org", "github.com", "cdn.jsdelivr.net", "example.com"],
    "pydata": ["opendap.example.org", "s3.amazonaws.com", "github.com", "example.com"],
    "pallets": ["flask.palletsprojects.com", "example.com", "pypi.org", "github.com"],
    "pytest-dev": ["bpaste.net", "pypi.org", "docs.pytest.org", "example.com"],
    "pylint-dev": ["pypi.org", "github.com", "pylint.readthedocs.io", "example.com"],
    "sympy": ["www.sympy.org", "live.sympy.org", "github.com", "example.com"],
}
# The fixed port a project's test server was written with.
_PORTS = {"django": 8081, "pallets": 5000, "matplotlib": 8988, "sphinx-doc": 7777}
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-vv": "-v 2", "-v": "-v 2", "-s": "", "-p": "", "no:cacheprovider": ""}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")
_ASSERT_GE = re.compile(r"^assert (.+?) >= (.+)$")
_ASSERT_LT = re.compile(r"^assert (.+?) < (.+)$")
_ASSERT_IN = re.compile(r"^assert (.+?) in (.+)$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in (
        (_ASSERT_EQ, "assertEqual"),
        (_ASSERT_IS, "assertIs"),
        (_ASSERT_GE, "assertGreaterEqual"),
        (_ASSERT_LT, "assertLess"),
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
        return f"AssertionError: {first.split(chr(39))[1].rsplit('.', 1)[-1]} not raised"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in (
            (" == ", " != "),
            (" is ", " is not "),
            (" >= ", " not greater than or equal to "),
            (" < ", " not less than "),
            (" in ", " not found in "),
        ):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return first


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line, the frames below it; `setup`: its fixture erred (the first frame).

    A frame is (function, line) in the changed source, or (function, line, file): a repository path, `@` and a
    standard-library module's path, or `+` and a path under site-packages.
    """

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, ...]] = field(default_factory=tuple)
    setup: bool = False


def where(ctx: Ctx, frame: tuple[str, ...]) -> str:
    """The file a frame is in, as a traceback names it (repository paths relative to /testbed)."""
    file = frame[2] if len(frame) > 2 else ctx.source
    if file.startswith("@"):
        return f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/{file[1:]}"
    if file.startswith("+"):
        return f"{ctx.site}/{file[1:]}"
    return file


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its client function, its test server and the hosts it reaches."""

    def _pick(self, salt: str, n: int) -> int:
        return sum(map(ord, self.run.session + salt)) % n

    @property
    def client(self) -> str:
        return _CLIENTS[self._pick("client", len(_CLIENTS))].format(self.stem)

    @property
    def host_names(self) -> list[str]:
        return _HOSTS.get(self.run.owner, _HOSTS["psf"])

    def host(self, rng: random.Random) -> str:
        return rng.choice(self.host_names)

    @property
    def port(self) -> int:
        return _PORTS.get(self.run.owner, (8000, 8080, 8765, 8888, 9000)[self._pick("port", 5)])

    @property
    def helpers(self) -> str:
        """Where the tests' local server lives."""
        return f"tests/{self.stem}_tests/utils.py" if self.django else f"{self.tests_dir}/conftest.py"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def modern(self) -> bool:
        """Whether the environment's Python is 3.10 or later (socket.timeout is TimeoutError there)."""
        return tuple(map(int, self.python.split("."))) >= (3, 10)

    @property
    def timed_out(self) -> str:
        return "TimeoutError: timed out" if self.modern else "socket.timeout: timed out"

    def line(self, *parts: str) -> int:
        """The line a traceback shows for this code: the same on every run of the session."""
        return 20 + self._pick("/".join(parts), 780)

    def count(self, path: str) -> int:
        """How many tests the file holds: the same on every run of the session."""
        return 9 + self._pick(path, 24)

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split() if not flag.startswith("-k")).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"


def _django_output(ctx: Ctx, rng: random.Random, total: int, failing: list[Fail], stop: bool) -> str:
    lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
    lines += ["Creating test database for alias 'default'...", "System check identified no issues (0 silenced).", ""]
    if stop and failing:
        failing = failing[:1]
        passed = rng.randint(0, total - 1)
        marks = ["."] * passed
    else:
        passed = total - len(failing)
        marks = ["."] * passed
    kinds = [
        "FAIL" if f.error.startswith("AssertionError") or f.error.startswith("Failed: DID NOT") else "ERROR"
        for f in failing
    ]
    if stop and failing:
        lines.append("".join(marks) + kinds[0][0])
    else:
        marks += [k[0] for k in kinds]
        rng.shuffle(marks)
        lines.append("".join(marks))
    where_test = f"{ctx.stem}_tests.tests.{ctx.cls}Tests"
    for fail, kind in zip(failing, kinds, strict=True):
        base, _, param = fail.name.partition("[")
        sub = f" (case={param.rstrip(']')!r})" if param else ""
        lines += [
            "=" * 70,
            f"{kind}: {base} ({where_test}.{base}){sub}" if ctx.modern else f"{kind}: {base} ({where_test}){sub}",
            "-" * 70,
            "Traceback (most recent call last):",
        ]
        if not (fail.setup and fail.frames):
            lines += [
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {ctx.line(base)}, in {base}',
                f"    {unittest_code(fail.code or f'{ctx.client}(url)')}",
            ]
        for frame in fail.frames:
            file = where(ctx, frame)
            lines += [
                f'  File "{file if file.startswith("/") else "/testbed/" + file}", line {ctx.line(*frame)}, in {frame[0]}',
                f"    {frame[1]}",
            ]
        lines += [unittest_error(fail.error), ""]
    ran = passed + len(failing)
    lines += ["-" * 70, f"Ran {ran} test{'s' if ran != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s", ""]
    fails = kinds.count("FAIL")
    parts = [f"failures={fails}"] if fails else []
    parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
    lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
    lines.append("Destroying test database for alias 'default'...")
    return "\n".join(lines)


def run_output(ctx: Ctx, rng: random.Random, target: str, failing: Sequence[Fail], extra: str = "") -> str:
    """A run of `target` (a file, or one test of it) with `failing` failing, as pytest or Django's runner prints it."""
    flags = extra.split(" 2>&1")[0].split()
    path, _, name = target.partition("::")
    path = path or ctx.test_file
    total = 1 if name else ctx.count(path)
    failing = list({f.name: f for f in failing}.values())[:total]
    stop = "-x" in flags or "--failfast" in flags
    if ctx.django:
        return _django_output(ctx, rng, total, failing, stop)
    selected = total
    head = f"collected {total} item{'s' if total != 1 else ''}"
    if "-k" in flags and not name:
        expr = flags[flags.index("-k") + 1] if flags.index("-k") + 1 < len(flags) else ""
        selected = max(len(failing), min(total, 5 + ctx._pick(path + expr, 4)))
        head += f" / {total - selected} deselected / {selected} selected"
    if stop and failing:
        failing = failing[:1]
        passed = rng.randint(0, selected - 1)
        marks = "." * passed + ("E" if failing[0].setup else "F")
    else:
        passed = selected - len(failing)
        shuffled = ["."] * passed + ["E" if f.setup else "F" for f in failing]
        rng.shuffle(shuffled)
        marks = "".join(shuffled)
    quiet = "-q" in flags
    lines = (
        []
        if quiet
        else ["=" * 29 + " test session starts " + "=" * 30, ctx.run.pytest_header, "rootdir: /testbed", head, ""]
    )
    shown = "" if quiet else f"{path} "
    lines += [f"{shown}{marks}" if stop and failing else f"{shown}{marks.ljust(73 - len(shown))}[100%]", ""]
    for title, group in (
        ("ERRORS", [f for f in failing if f.setup]),
        ("FAILURES", [f for f in failing if not f.setup]),
    ):
        if not group:
            continue
        lines.append(f" {title} ".center(80, "="))
        for fail in group:
            label = f"ERROR at setup of {fail.name}" if fail.setup else fail.name
            lines += [f" {label} ".center(80, "_"), ""]
            frames = list(fail.frames)
            if fail.setup and not frames:
                lines += [*fail.error.split("\n"), ""]
                continue
            if fail.setup:
                top = frames.pop(0)
                lines += [
                    f"    def {top[0]}():",
                    f">       {top[1]}",
                    "",
                    f"{where(ctx, top)}:{ctx.line(*top)}: ",
                ]
            else:
                params = "url, entry, expected" if "[" in fail.name else ""
                lines += [
                    f"    def {fail.name.split('[')[0]}({params}):",
                    f">       {fail.code or f'{ctx.client}(url)'}",
                    "",
                ]
                lines += [f"{path}:{ctx.line(fail.name, fail.code)}: "] if frames else []
            if frames:
                lines.append("_ " * 39 + "_")
            for frame in frames:
                lines += [f"{where(ctx, frame)}:{ctx.line(*frame)}: in {frame[0]}", f"    {frame[1]}"]
            lines += [f"E       {row}" for row in fail.error.split("\n")]
            last = (
                f"{where(ctx, fail.frames[-1])}:{ctx.line(*fail.frames[-1])}"
                if fail.frames
                else f"{path}:{ctx.line(fail.name, fail.code)}"
            )
            lines += ["", f"{last}: {fail.error.split(':')[0]}"]
    if failing:
        lines.append(" short test summary info ".center(80, "="))
        lines += [f"{'ERROR' if f.setup else 'FAILED'} {path}::{f.name} - {f.error.split(chr(10))[0]}" for f in failing]
    if stop and failing:
        lines.append(" stopping after 1 failures ".center(80, "!"))
    failed = sum(not f.setup for f in failing)
    errors = len(failing) - failed
    parts = [f"{failed} failed"] if failed else []
    parts += [f"{passed} passed"] if passed else []
    parts += [f"{total - selected} deselected"] if selected < total else []
    parts += [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    summary = f"{', '.join(parts)} in {rng.uniform(0.05, 6.5):.2f}s"
    lines.append(summary if quiet else f" {summary} ".center(80, "="))
    return "\n".join(lines)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target, failing, extra),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )
