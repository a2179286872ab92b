"""A fake repository and what shell commands print in it, for the simulated coding agents.

Each simulated task gets a small made-up Python project (package, modules, a buggy function, its
tests) drawn from a seeded RNG; the functions here render what `ls`, `grep`, `nl | sed`, `python`
and `pytest` would print in it, with the noise real output has (timings, line numbers, seeds), so
the conversations the agents send look like the traces of real mini-SWE-agent runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Re-exported: the stuck-agent material used to live here and agents.py reaches it through this module.
from regulator.sim.stuck import AGAIN, STUCK_ROOTS, stuck_output

__all__ = [
    "AGAIN",
    "STUCK_ROOTS",
    "Repo",
    "big_blob",
    "code_listing",
    "diff_output",
    "find_output",
    "grep_output",
    "issue_text",
    "ls_output",
    "make_repo",
    "pytest_output",
    "stuck_output",
    "traceback",
]

_PACKAGES = (
    "invoicing",
    "geotools",
    "tinyorm",
    "hookrelay",
    "tabular",
    "schedkit",
    "imgpipe",
    "tokenauth",
    "metricsagg",
    "textnorm",
    "feedparse",
    "ratelimitd",
    "confload",
    "unitconv",
    "mailmerge",
    "pathspec2",
)
_MODULES = ("parser", "models", "utils", "cli", "core", "io", "validators", "formatting", "cache", "client")
_FUNCTIONS = (
    "parse_amount",
    "normalize_path",
    "merge_intervals",
    "to_utc",
    "render_table",
    "retry_backoff",
    "split_chunks",
    "load_config",
    "apply_discount",
    "dedupe_records",
    "coerce_bool",
    "format_duration",
)
_BUGS = (
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'NoneType'", "total = total + item.value"),
    ("KeyError", "'timezone'", "tz = options['timezone']"),
    ("AttributeError", "'NoneType' object has no attribute 'strip'", "text = raw.strip()"),
    ("IndexError", "list index out of range", "last = parts[-1][0]"),
    ("ValueError", "invalid literal for int() with base 10: ''", "count = int(fields[2])"),
    ("UnboundLocalError", "local variable 'result' referenced before assignment", "return result"),
    ("ZeroDivisionError", "division by zero", "ratio = done / total"),
)
_CODE = (
    "    if not {arg}:",
    "        return {default}",
    "    {var} = []",
    "    for item in {arg}:",
    "        {var}.append(item)",
    '    logger.debug("{fn}: %r", {arg})',
    "    options = dict(options or {{}})",
    "    {var} = _prepare({arg}, strict=strict)",
    "    if isinstance({arg}, str):",
    '        {arg} = {arg}.split(",")',
    "    try:",
    "        value = next(iter({arg}))",
    "    except StopIteration:",
    '        raise ValueError("empty input")',
    "    return {var}",
    "    # keep the original order for stable output",
    "    seen = set()",
)


@dataclass(frozen=True, slots=True)
class Repo:
    package: str
    module: str  # path of the module with the bug, e.g. "invoicing/parser.py"
    function: str
    line: int  # where the bug is
    exc: str
    message: str
    statement: str
    test_file: str
    tests: tuple[str, ...]
    modules: tuple[str, ...]

    @property
    def error(self) -> str:
        return f"{self.exc}: {self.message}"


def make_repo(rng: random.Random) -> Repo:
    package = rng.choice(_PACKAGES)
    mods = rng.sample(_MODULES, 6)
    function = rng.choice(_FUNCTIONS)
    exc, message, statement = rng.choice(_BUGS)
    stem = function.split("_")[-1]
    tests = tuple(
        f"test_{function}_{s}" for s in rng.sample(["empty", "none", "basic", "unicode", stem, "large", "order"], 5)
    )
    return Repo(
        package=package,
        module=f"{package}/{mods[0]}.py",
        function=function,
        line=rng.randint(40, 380),
        exc=exc,
        message=message,
        statement=statement,
        test_file=f"tests/test_{mods[0]}.py",
        tests=tests,
        modules=tuple(f"{package}/{m}.py" for m in mods),
    )


def issue_text(repo: Repo, rng: random.Random) -> str:
    arg = rng.choice(["[]", "None", "''", "{}", "[1, None, 3]"])
    call = f"{repo.function}({arg})"
    return (
        f"{repo.function}() crashes on edge-case input\n"
        f"Calling `{call}` raises instead of returning an empty result:\n\n"
        f"```\n>>> from {repo.module[:-3].replace('/', '.')} import {repo.function}\n>>> {call}\n"
        f"{traceback(repo, rng, '<stdin>')}```\n\n"
        f"This started after the refactoring of `{repo.modules[1]}`. Expected: no exception, "
        f"and the same behaviour as before for non-empty input.\n"
    )


def traceback(repo: Repo, rng: random.Random, entry: str = "reproduce.py") -> str:
    caller = rng.choice(repo.modules[1:])
    return (
        "Traceback (most recent call last):\n"
        f'  File "{entry}", line {rng.randint(3, 12)}, in <module>\n'
        f'  File "/testbed/{caller}", line {rng.randint(20, 300)}, in {rng.choice(_FUNCTIONS)}\n'
        f'  File "/testbed/{repo.module}", line {repo.line}, in {repo.function}\n'
        f"    {repo.statement}\n{repo.error}\n"
    )


def ls_output(repo: Repo) -> str:
    top = [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "docs",
        repo.package,
        "pyproject.toml",
        "setup.cfg",
        "tests",
        "tox.ini",
    ]
    return "\n".join(top) + "\n"


def find_output(repo: Repo, rng: random.Random, count: int = 0) -> str:
    files = [*repo.modules, f"{repo.package}/__init__.py", repo.test_file, "tests/conftest.py"]
    extra = [f"{repo.package}/{m}_{rng.randint(1, 9)}.py" for m in rng.sample(_MODULES, 4)]
    lines = [f"./{f}" for f in sorted(files + extra)]
    for i in range(count):  # a deep `find` prints the whole tree
        lines.append(f"./{repo.package}/_vendor/{rng.choice(_MODULES)}/{rng.choice(_FUNCTIONS)}_{i}.py")
    return "\n".join(lines) + "\n"


def grep_output(repo: Repo, rng: random.Random, pattern: str) -> str:
    hits = [f"{repo.module}:{repo.line - rng.randint(5, 30)}:def {repo.function}(data, *, strict=False):"]
    for mod in rng.sample(repo.modules[1:], 3):
        hits.append(f"{mod}:{rng.randint(10, 400)}:    result = {pattern}(payload)")
    hits.append(
        f"{repo.test_file}:{rng.randint(5, 90)}:from {repo.package}.{repo.module.split('/')[1][:-3]} import {pattern}"
    )
    return "\n".join(hits) + "\n"


def code_listing(repo: Repo, rng: random.Random, start: int, count: int) -> str:
    names = {
        "arg": "data",
        "var": rng.choice(["out", "rows", "items", "parts"]),
        "default": "None",
        "fn": repo.function,
    }
    lines = []
    for n in range(start, start + count):
        if n == repo.line - 12:
            text = f"def {repo.function}(data, *, strict=False):"
        elif n == repo.line:
            text = "    " + repo.statement
        else:
            text = rng.choice(_CODE).format(**names)
        lines.append(f"{n:6d}\t{text}")
    return "\n".join(lines) + "\n"


def pytest_output(repo: Repo, rng: random.Random, failing: tuple[str, ...], detail: str | None = None) -> str:
    total = rng.randint(18, 60)
    passed = total - len(failing)
    marks = "".join("F" if i < len(failing) else "." for i in range(total))
    marks = "".join(rng.sample(marks, len(marks)))
    head = (
        "============================= test session starts ==============================\n"
        "platform linux -- Python 3.11.9, pytest-8.2.1, pluggy-1.5.0\n"
        f"rootdir: /testbed\nconfigfile: pyproject.toml\ncollected {total} items\n\n"
        f"{repo.test_file} {marks}{' ' * max(1, 40 - len(marks))}[100%]\n\n"
    )
    took = f"{rng.uniform(0.2, 3.5):.2f}s"
    if not failing:
        return head + f"============================== {total} passed in {took} ==============================\n"
    body = "=================================== FAILURES ===================================\n"
    for name in failing:
        body += (
            f"_{'_' * 20} {name} {'_' * 20}\n\n    def {name}():\n>       assert {repo.function}(SAMPLE) == "
            "EXPECTED\n"
            f"E       {detail or repo.error}\n\n{repo.test_file}:{rng.randint(10, 200)}: "
            f"{detail or repo.exc}\n"
        )
    summary = "".join(f"FAILED {repo.test_file}::{n} - {detail or repo.error}\n" for n in failing)
    return (
        head
        + body
        + "=========================== short test summary info ============================\n"
        + summary
        + f"========================= {len(failing)} failed, {passed} passed in {took} "
        "=========================\n"
    )


def diff_output(repo: Repo, before: str, after: str, rng: random.Random) -> str:
    at = repo.line - rng.randint(1, 4)
    return (
        f"diff --git a/{repo.module} b/{repo.module}\nindex "
        f"{rng.getrandbits(28):07x}..{rng.getrandbits(28):07x} 100644\n"
        f"--- a/{repo.module}\n+++ b/{repo.module}\n@@ -{at},7 +{at},8 @@ def {repo.function}(data, *, "
        "strict=False):\n"
        + "".join(f"-{line}\n" for line in before.split("\n"))
        + "".join(f"+{line}\n" for line in after.split("\n"))
    )


def big_blob(repo: Repo, rng: random.Random, kilobytes: int) -> str:
    """A long dump (a whole module, a verbose log) of about `kilobytes` KB."""
    names = {"arg": "data", "var": "rows", "default": "None", "fn": repo.function}
    out: list[str] = []
    size = 0
    n = 1
    while size < kilobytes * 1024:
        if rng.random() < 0.3:
            h, m, sec, ms = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999)
            clock = f"{h:02d}:{m:02d}:{sec:02d},{ms:03d}"
            where = f"{repo.package}.{rng.choice(_MODULES)}: {rng.choice(_FUNCTIONS)}"
            line = f"{clock} DEBUG {where} took {rng.uniform(0.1, 90):.1f}ms (batch={rng.randint(1, 512)})"
        else:
            line = f"{n:6d}\t" + rng.choice(_CODE).format(**names)
        out.append(line)
        size += len(line) + 1
        n += 1
    return "\n".join(out) + "\n"
