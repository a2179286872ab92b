# ruff: noqa: E501
"""Names the families' steps use (the security module the agent changes, its tests) and the test runs they print.

A session's test file holds the same tests on every run: a full run collects them all, `-k` deselects the
rest, a node id runs one, `-x` stops at the first failure, `-q` drops the header.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step

Attempt = text.Attempt

# Where each area's code and tests live in Django (its own modules); other projects keep it in the module changed.
_DJANGO = {
    "jwt": ("django/contrib/auth/tokens.py", "tests/auth_tests/test_tokens.py", "TokenGeneratorTest"),
    "sign": ("django/core/signing.py", "tests/signing/tests.py", "TestSigner"),
    "hash": ("django/contrib/auth/hashers.py", "tests/auth_tests/test_hashers.py", "TestUtilsHashPass"),
    "csrf": ("django/middleware/csrf.py", "tests/csrf_tests/tests.py", "CsrfViewMiddlewareTests"),
    "compare": ("django/utils/crypto.py", "tests/utils_tests/test_crypto.py", "TestUtilsCryptoMisc"),
    "tls": ("django/core/mail/backends/smtp.py", "tests/mail/tests.py", "SMTPBackendTests"),
}
_OWN = {
    ("psf", "tls"): ("requests/adapters.py", "tests/test_requests.py", ""),
    ("psf", "compare"): ("requests/auth.py", "tests/test_requests.py", ""),
    ("pallets", "sign"): ("src/flask/sessions.py", "tests/test_basic.py", ""),
}
_SSL_LINE = {"3.8": 1131, "3.9": 1129, "3.10": 1007, "3.11": 1006, "3.12": 1000}


@dataclass
class Area:
    """Where the code of one security area lives in a run's project, and its tests."""

    src: str
    test_file: str
    dotted: str
    klass: str


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the places its security code and tests live."""

    def area(self, kind: str) -> Area:
        src, tf, klass = _DJANGO[kind] if self.django else _OWN.get((self.run.owner, kind), ("", "", ""))
        src, tf = src or self.source, tf or self.test_file
        dotted = src[:-3].replace("src/", "", 1).replace("lib/", "", 1).replace("/", ".").removesuffix(".__init__")
        return Area(src, tf, dotted, klass or f"{self.cls}Tests")

    def pick(self, rng: random.Random, names: Sequence[str], area: Area) -> str:
        """One of a family's names for its function: those naming the module only where it is the run's own."""
        own = area.src == self.source
        return rng.choice([name for name in names if own or "STEM" not in name]).replace("STEM", self.stem)

    @property
    def ssl_line(self) -> int:
        return _SSL_LINE.get(self.python, 1129)


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    if code.startswith("assert ") and " == " in code:
        left, right = code[7:].split(" == ", 1)
        return f"self.assertEqual({left}, {right})"
    if code.startswith("assert ") and code.endswith(" is True"):
        return f"self.assertIs({code[7:-8]}, True)"
    if code.startswith("assert ") and code.endswith(" is False"):
        return f"self.assertIs({code[7:-9]}, False)"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    if error.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {error.split(chr(39))[1].rsplit('.', 1)[-1]} not raised"
    if error.startswith("AssertionError: assert "):
        body = error.split("\n")[0].removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" is ", " is not ")):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return error


class Suite:
    """One test file of a session: how many tests it holds, the names of those a family fails, how it runs."""

    def __init__(self, ctx: Ctx, rng: random.Random, area: Area, cases: Sequence[str]) -> None:
        self.ctx, self.rng, self.area = ctx, rng, area
        self.cases = list(cases)
        self.total = rng.randint(len(self.cases) + 6, len(self.cases) + 34)
        self.selected: dict[str, int] = {}
        self.lines: dict[str, int] = {}  # a test's or a source line's number, the same on every run

    def at(self, key: str, low: int, high: int) -> int:
        return self.lines.setdefault(key, self.rng.randint(low, high))

    def fail(self, case: str, error: str, code: str = "", frames: Sequence[tuple[str, str]] = ()) -> Fail:
        return Fail(case, error, code, frames)

    def command(self, mode: str, name: str = "") -> str:
        """The agent's command: mode is `file`, `x`, `q`, `k:<expr>` or `node`."""
        tf = self.area.test_file
        if self.ctx.django:
            label = tf.removeprefix("tests/").removesuffix(".py").replace("/", ".")
            if mode == "node":
                label += f".{self.area.klass}.{name}"
            elif mode.startswith("k:"):
                return f"cd tests && python runtests.py {label} -k {mode[2:]}"
            flag = {"x": " --failfast", "q": " -v 1"}.get(mode, self.rng.choice(["", "", " --parallel 1"]))
            return f"cd tests && python runtests.py {label}{'' if mode == 'node' else flag}"
        if mode == "node":
            return f"python -m pytest {tf}::{name}" + self.rng.choice(["", "", " -p no:cacheprovider"])
        extra = {"x": " -x", "q": " -q", "file": self.rng.choice(["", "", " -p no:cacheprovider"])}
        if mode.startswith("k:"):
            return f"python -m pytest {tf} -k {mode[2:]}"
        return f"python -m pytest {tf}{extra[mode]}"

    def run(self, thought: str, fails: Sequence[Fail], mode: str = "", seconds: float | None = None) -> Step:
        """A run of the file (mode drawn when not given) with `fails` failing."""
        fails = list({f.name: f for f in fails}.values())
        if not mode:
            mode = self.rng.choice(["file", "file", "x", "q", "node" if len(fails) == 1 else "file"])
        if mode == "node" and len(fails) > 1:
            fails = fails[:1]
        if mode == "x":
            fails = fails[:1]
        name = fails[0].name if fails else self.rng.choice(self.cases)
        if mode.startswith("k:"):
            selected = self.selected.setdefault(mode, min(self.total, len(fails) + self.rng.randint(1, 6)))
        else:
            selected = 1 if mode == "node" else self.total
        selected = max(selected, len(fails))
        command = self.command(mode, name)
        out = self._django(mode, selected, fails) if self.ctx.django else self._pytest(mode, selected, fails, name)
        return Step(thought, command, out, rc=1 if fails else 0, seconds=seconds or self.rng.uniform(0.6, 9.0))

    def _pytest(self, mode: str, selected: int, fails: list[Fail], name: str) -> str:
        rng, tf = self.rng, self.area.test_file
        marks = ["."] * (selected - len(fails)) + ["F"] * len(fails)
        rng.shuffle(marks)
        if mode == "x" and fails:
            marks = marks[: marks.index("F") + 1]
        passed = marks.count(".")
        percent = f"[{round(100 * len(marks) / selected):>3}%]"
        lines = []
        if mode != "q":
            collected = f"collected {self.total if mode != 'node' else 1} item{'s' if mode != 'node' else ''}"
            if mode.startswith("k:"):
                collected = f"collected {self.total} items / {self.total - selected} deselected / {selected} selected"
            lines += [
                " test session starts ".center(80, "="),
                self.ctx.run.pytest_header,
                "rootdir: /testbed",
                collected,
                "",
            ]
            head = f"{tf} {''.join(marks)}"
        else:
            head = "".join(marks)
        lines += [head + " " * max(1, 80 - len(head) - len(percent)) + percent, ""]
        if fails:
            lines.append(" FAILURES ".center(80, "="))
            for fail in fails:
                lines += [f" {fail.name} ".center(80, "_"), "", f"    def {fail.name}():"]
                lines.append(f">       {fail.code or 'assert result'}")
                where = f"{tf}:{self.at(fail.name + fail.code, 20, 600)}"
                if fail.frames:
                    lines += ["", f"{where}: ", "_ " * 39 + "_"]
                    for func, code in fail.frames:
                        where = f"{self.area.src}:{self.at(func + code, 20, 700)}"
                        lines += [f"{where}: in {func}", f"    {code}"]
                lines += [f"E       {line}" for line in fail.error.split("\n")]
                lines += ["", f"{where}: {fail.error.split(':')[0].rsplit('.', 1)[-1]}"]
            lines.append(" short test summary info ".center(80, "="))
            lines += [f"FAILED {tf}::{f.name} - {f.error.split(chr(10))[0]}" for f in fails]
            if mode == "x":
                lines.append(" stopping after 1 failures ".center(80, "!"))
        parts = [f"{len(fails)} failed" if fails else "", f"{passed} passed" if passed else ""]
        if mode.startswith("k:"):
            parts.append(f"{self.total - selected} deselected")
        summary = f"{', '.join(p for p in parts if p)} in {rng.uniform(0.08, 4.5):.2f}s"
        lines.append(summary if mode == "q" else f" {summary} ".center(80, "="))
        return "\n".join(lines)

    def _django(self, mode: str, selected: int, fails: list[Fail]) -> str:
        rng = self.rng
        label = self.area.test_file.removeprefix("tests/").removesuffix(".py").replace("/", ".")
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        if mode == "node":
            lines[0] = "Testing against Django installed in '/testbed/django' with up to 1 processes"
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        kinds = ["F" if f.error.startswith(("AssertionError", "Failed")) else "E" for f in fails]
        marks = ["."] * (selected - len(fails)) + kinds
        rng.shuffle(marks)
        if mode == "x" and fails:
            marks = marks[: next(i for i, m in enumerate(marks) if m != ".") + 1]
        lines.append("".join(marks))
        for fail, kind in zip(fails, kinds, strict=True):
            lines += [
                "=" * 70,
                f"{'FAIL' if kind == 'F' else 'ERROR'}: {fail.name} ({label}.{self.area.klass}.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/{self.area.test_file}", line {self.at(fail.name + fail.code, 30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or 'self.assertTrue(result)')}",
            ]
            for func, code in fail.frames:
                lines += [
                    f'  File "/testbed/{self.area.src}", line {self.at(func + code, 20, 800)}, in {func}',
                    f"    {code}",
                ]
            lines += [unittest_error(fail.error), ""]
        lines += [
            "-" * 70,
            f"Ran {len(marks)} test{'s' if len(marks) != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s",
            "",
        ]
        f_count, e_count = kinds.count("F"), kinds.count("E")
        parts = ([f"failures={f_count}"] if f_count else []) + ([f"errors={e_count}"] if e_count else [])
        lines.append(f"FAILED ({', '.join(parts)})" if fails else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
