"""Test runs as the three runners of these repositories print them: Django's runtests.py (unittest),
sympy's bin/test and pytest (with the header the repository's real runs printed)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

from . import drift
from .runs import runs


@dataclass(frozen=True)
class Failure:
    test: str  # the test function
    owner: str  # its TestCase class, or ""
    path: str  # the test file
    line: int
    code: str  # the failing line
    error: str  # the exception's last line, e.g. "AssertionError: 3 != 4"


def _rule(text: str, char: str = "=") -> str:
    if not text:
        return char * 80
    left = (78 - len(text)) // 2
    return f"{char * max(left, 1)} {text} {char * max(78 - len(text) - left, 1)}"


@cache
def pytest_header(repo: str) -> str:
    """The banner of a pytest session as this repository's real runs printed it (up to `collected`)."""
    for run in runs().values():
        if run.repo != repo:
            continue
        for message in run.messages[-1]:
            text = str(message["content"])
            found = re.search(r"(=+ test session starts =+\nplatform linux -- .*?)\ncollect", text, re.S)
            if found and "\x1b" not in found.group(1) and len(found.group(1)) < 900:
                return found.group(1)
    return "============================= test session starts ==============================\nplatform linux -- Python 3.9.20, pytest-7.4.0, pluggy-1.5.0\nrootdir: /testbed\nconfigfile: setup.cfg"


def _summary(failed: int, passed: int, elapsed: str) -> str:
    parts = ([f"{failed} failed"] if failed else []) + [f"{passed} passed"]
    return _rule(f"{', '.join(parts)} in {elapsed}")


def pytest_run(repo: str, path: str, total: int, failures: list[Failure], rng: random.Random) -> tuple[int, str]:
    header = re.sub(r"pytest-of-root/pytest-\d+", f"pytest-of-root/pytest-{rng.randint(0, 40)}", pytest_header(repo))
    header = re.sub(r"Date: \S+", f"Date: {drift.date(rng)}", header)
    marks = ["."] * total
    for at in rng.sample(range(total), len(failures)):
        marks[at] = "F"
    rows, line = [], f"{path} "
    for i, mark in enumerate(marks):
        line += mark
        if len(line) >= 72 or i == total - 1:
            rows.append(f"{line:<73}[{round(100 * (i + 1) / total):3d}%]")
            line = ""
    out = [header, f"collected {total} items", "", *rows, ""]
    if failures:
        out.append(_rule("FAILURES"))
        for f in failures:
            name = f"{f.owner}.{f.test}" if f.owner else f.test
            out += [_rule(name, "_"), ""]
            if f.owner:
                module = f.path[:-3].replace("/", ".")
                out += [f"self = <{module}.{f.owner} object at {drift.address(rng)}>", "", f"    def {f.test}(self):"]
            else:
                out.append(f"    def {f.test}():")
            out += [
                f">       {f.code.strip()}",
                f"E       {f.error}",
                "",
                f"{f.path}:{f.line}: {f.error.split(':')[0]}",
            ]
        out.append(_rule("short test summary info"))
        for f in failures:
            node = f"{f.path}::{f.owner + '::' if f.owner else ''}{f.test}"
            out.append(f"FAILED {node} - {f.error[:60]}{'...' if len(f.error) > 60 else ''}")
    out.append(_summary(len(failures), total - len(failures), drift.seconds(rng, 0.05, 3.5)))
    return (1 if failures else 0), "\n".join(out)


def django_run(label: str, python: str, total: int, failures: list[Failure], rng: random.Random) -> tuple[int, str]:
    out = ["Testing against Django installed in '/testbed/django' with up to 8 processes"]
    if python not in ("3.5", "3.6"):
        out.insert(0, "Creating test database for alias 'default'...")
        out.insert(2, f"Found {total} test(s).")
    else:
        out.append("Creating test database for alias 'default'...")
    out.append("System check identified no issues (0 silenced).")
    marks = ["."] * total
    for i, failure in enumerate(failures):
        marks[(i * 7 + rng.randrange(total)) % total] = "F" if failure.error.startswith("AssertionError") else "E"
    out.append("".join(marks))
    for f in failures:
        kind = "FAIL" if f.error.startswith("AssertionError") else "ERROR"
        module = f.path.removeprefix("tests/")[:-3].replace("/", ".")
        out += ["=" * 70, f"{kind}: {f.test} ({module}.{f.owner})", "-" * 70, "Traceback (most recent call last):"]
        out += [f'  File "/testbed/{f.path}", line {f.line}, in {f.test}', f"    {f.code.strip()}", f.error, ""]
    counts = ", ".join(
        f"{kind}={n}"
        for kind, n in (
            ("failures", sum(f.error.startswith("AssertionError") for f in failures)),
            ("errors", sum(not f.error.startswith("AssertionError") for f in failures)),
        )
        if n
    )
    out += ["-" * 70, f"Ran {total} tests in {drift.unittest_seconds(rng, 0.01, 2.5)}", ""]
    out += [f"FAILED ({counts})" if failures else "OK", "Destroying test database for alias 'default'..."]
    return (1 if failures else 0), "\n".join(out)


def sympy_run(path: str, python: str, total: int, failures: list[Failure], rng: random.Random) -> tuple[int, str]:
    seed, hashed = rng.randint(10**7, 10**8 - 1), rng.randint(10**8, 4 * 10**9)
    out = [
        _rule("test process starts"),
        f"executable:         /opt/miniconda3/envs/testbed/bin/python  ({python}.20-final-0) [CPython]",
        "architecture:       64-bit",
        "cache:              yes",
        "ground types:       python ",
        "numpy:              None",
        f"random seed:        {seed}",
        f"hash randomization: on (PYTHONHASHSEED={hashed})",
        "",
    ]
    marks = "".join("F" if i < len(failures) else "." for i in range(total))
    marks = "".join(rng.sample(marks, len(marks)))
    first = f"{path}[{total}] "
    out.append(first + marks[: 80 - len(first)])
    rest = marks[80 - len(first) :]
    while rest:
        out.append(rest[:80])
        rest = rest[80:]
    out[-1] = f"{out[-1]:<76}[{'FAIL' if failures else 'OK'}]"
    out.append("")
    for f in failures:
        out += [_rule("", "_"), _rule(f"{f.path}:{f.test}", "_"), "Traceback (most recent call last):"]
        out += [f'  File "/testbed/{f.path}", line {f.line}, in {f.test}', f"    {f.code.strip()}", f.error, ""]
    counts = f"{total - len(failures)} passed" + (f", {len(failures)} failed" if failures else "")
    out.append(_rule(f"tests finished: {counts}, in {rng.uniform(0.05, 9):.2f} seconds"))
    if failures:
        out.append("DO *NOT* COMMIT!")
    return (1 if failures else 0), "\n".join(out)


def traceback(frames: list[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback: frames (file, line, function, code) from the outermost."""
    out = ["Traceback (most recent call last):"]
    for file, line, function, code in frames:
        out += [f'  File "{file}", line {line}, in {function}', f"    {code.strip()}"]
    return "\n".join([*out, error])
