# ruff: noqa: E501
"""Names the families' steps use (the binary codec the agent changes, its magic numbers, its fixture) and the test runs they print."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

# The writer and the reader of each run's binary record, in pairs.
_PACKERS = ("_pack_{}_header", "encode_{}", "{}_to_bytes", "_write_{}_record", "serialize_{}", "_dump_{}_block")
_UNPACKERS = ("_unpack_{}_header", "decode_{}", "{}_from_bytes", "_read_{}_record", "deserialize_{}", "_load_{}_block")
# File signatures each project meets: what its sniffing code compares the first bytes with.
_MAGIC: dict[str, list[tuple[str, bytes]]] = {
    "astropy": [("fits", b"SIMPLE  ="), ("gzip", b"\x1f\x8b"), ("bzip2", b"BZh"), ("hdf5", b"\x89HDF\r\n\x1a\n")],
    "matplotlib": [
        ("png", b"\x89PNG\r\n\x1a\n"),
        ("truetype", b"\x00\x01\x00\x00"),
        ("opentype", b"OTTO"),
        ("pdf", b"%PDF-"),
    ],
    "pydata": [
        ("netcdf3", b"CDF\x01"),
        ("netcdf3-64bit", b"CDF\x02"),
        ("hdf5", b"\x89HDF\r\n\x1a\n"),
        ("zarr-zip", b"PK\x03\x04"),
    ],
    "sphinx-doc": [("zlib", b"x\x9c"), ("gzip", b"\x1f\x8b"), ("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<?xml")],
    "scikit-learn": [("pickle", b"\x80\x04"), ("zip", b"PK\x03\x04"), ("gzip", b"\x1f\x8b"), ("npy", b"\x93NUMPY")],
    "pytest-dev": [("pyc-3.9", b"a\r\r\n"), ("pyc-3.11", b"\xa7\r\r\n"), ("zip", b"PK\x03\x04"), ("gzip", b"\x1f\x8b")],
}
_DEFAULT_MAGIC = [("gzip", b"\x1f\x8b"), ("zip", b"PK\x03\x04"), ("png", b"\x89PNG\r\n\x1a\n"), ("bzip2", b"BZh")]
# Text the records carry, as each project's data spells it.
_WORDS = {
    "django": ["sessionid", "csrftoken", "café", "naïve", "Ünïcode", "user:42", "résumé", "token"],
    "astropy": ["BITPIX", "NAXIS1", "OBJECT", "Ångström", "TELESCOP", "DATE-OBS", "µJy", "EXPTIME"],
    "matplotlib": ["IHDR", "tEXt", "DejaVuSans", "Software", "π", "Title", "°C", "Author"],
    "sympy": ["x**2", "α", "β_1", "Symbol", "sqrt(2)", "∫", "pi", "oo"],
    "sphinx-doc": ["index", "py:function", "Überblick", "std:label", "é", "api", "glossary", "toctree"],
    "pydata": ["time", "lat", "température", "units", "_FillValue", "µm", "long_name", "station"],
    "psf": ["Authorization", "Basic", "user:pässword", "Set-Cookie", "chunk", "gzip", "ümlaut", "Content-Type"],
}
_DEFAULT_WORDS = ["payload", "name", "café", "naïve", "key", "value", "résumé", "über"]

Attempt = text.Attempt
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-vv": "-v 2", "-v": "-v 2", "-s": "", "-p": "", "no:cacheprovider": ""}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in ((_ASSERT_EQ, "assertEqual"), (_ASSERT_IS, "assertIs")):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first = error.split("\n")[0]
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" is ", " is not ")):
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
    """The run a family is spliced into, with its record's writer and reader, its signatures and its words."""

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session)) % len(_PACKERS)

    @property
    def packer(self) -> str:
        return _PACKERS[self._pick].format(self.stem)

    @property
    def unpacker(self) -> str:
        return _UNPACKERS[self._pick].format(self.stem)

    @property
    def magics(self) -> list[tuple[str, bytes]]:
        return _MAGIC.get(self.run.owner, _DEFAULT_MAGIC)

    def words(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(_WORDS.get(self.run.owner, _DEFAULT_WORDS), k)

    @property
    def fixture(self) -> str:
        """The binary sample the tests read."""
        if self.django:
            return f"tests/{self.stem}_tests/data/sample.bin"
        return f"{self.tests_dir}/data/{self.stem}_sample.bin"

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

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
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
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
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or f'{ctx.unpacker}(data)')}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
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
        body = [f"    def {fail.name}():", f">       {fail.code or f'{ctx.unpacker}(data)'}", ""]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {code}"]
        head = fail.error.split(":")[0]
        body += [f"E       {fail.error}", "", f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {head}"]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    passed = rng.randint(5, 60)
    failing = list({fail.name: fail for fail in failing}.values())
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def noise(rng: random.Random, k: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(k))


def xxd(data: bytes, start: int = 0) -> str:
    """`data` as xxd prints it: offset, sixteen bytes in pairs, their printable characters."""
    rows = []
    for at in range(0, len(data), 16):
        chunk = data[at : at + 16]
        pairs = " ".join(chunk[i : i + 2].hex() for i in range(0, len(chunk), 2))
        shown = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        rows.append(f"{start + at:08x}: {pairs:<39}  {shown}")
    return "\n".join(rows)


def swapped(value: int, width: int) -> int:
    """`value` read back with its bytes in the other order."""
    return int.from_bytes(value.to_bytes(width, "little"), "big")


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed function, its callers, a test, the fixture, the history."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {text}" for text in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {text}" for text in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['roundtrip', 'header', 'known_bytes', 'empty', 'unicode', 'truncated', 'large'])}"
    magic = rng.choice(ctx.magics)[1]
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? dump_bytes.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Let me see who calls {func}.",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'io', 'storage', 'files', 'core'])}.py:{rng.randint(10, 900)}:    {rng.choice(['data', 'raw', 'blob', 'header'])} = {func}({rng.choice(['fh.read()', 'buf', 'self._raw', 'payload', 'chunk'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at a test of it again.",
            f"grep -n -A5 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        data = self.read_sample()\n{line + 2}-        result = {func}(data)\n{line + 3}-        self.assertEqual(result, self.expected)\n"
            if ctx.django
            else f"{line}:def {case}():\n{line + 1}-    data = SAMPLE.read_bytes()\n{line + 2}-    result = {func}(data)\n{line + 3}-    assert result == expected\n",
        ),
        Step(
            "Let me look at the first bytes of the sample the tests read.",
            rng.choice([f"xxd -l 32 {ctx.fixture}", f"xxd {ctx.fixture} | head -2"]),
            xxd(magic + noise(rng, 32 - len(magic))),
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Read headers with struct",
                        "Support big-endian files",
                        "Merge pull request",
                        "Refactor binary helpers",
                        "Tidy imports",
                        "Validate checksums on read",
                        "Drop Python 2 bytes shims",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str,
    body: str,
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)
