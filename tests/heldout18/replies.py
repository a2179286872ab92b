"""What the tools print in these testbeds: test runners, tracebacks, pip, compilers, listings.

Everything takes the run it is for, so versions, paths and headers are that run's own.
"""

from __future__ import annotations

import random
import re

from heldout18.runs import Run


def banner(text: str, fill: str = "=") -> str:
    """A pytest section line: the text centred in 80 columns of `fill`."""
    return f" {text} ".center(80, fill)


def pytest_version(run: Run) -> tuple[int, int]:
    found = re.search(r"pytest-(\d+)\.(\d+)", run.pytest_header)
    return (int(found.group(1)), int(found.group(2))) if found else (7, 4)


def seconds(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}s"


def progress(path: str, outcomes: str) -> str:
    """pytest's progress lines for one file: its outcome characters, wrapped, with percentages."""
    lines, done, total = [], 0, len(outcomes)
    first = path + " "
    room = 72 - len(first)
    chunks = [outcomes[:room]] + [outcomes[i : i + 72] for i in range(room, total, 72)] if total else [""]
    for i, chunk in enumerate(chunks):
        done += len(chunk)
        text = (first if i == 0 else "") + chunk
        lines.append(f"{text:<73}[{round(100 * done / max(total, 1)):>3}%]")
    return "\n".join(lines)


def pytest_passing(run: Run, rng: random.Random, files: dict[str, str], deselected: int = 0) -> tuple[int, str]:
    """A pytest session over `files` (path -> outcome characters, `.`, `s`, `x`, `F`) and its exit code."""
    every = "".join(files.values())
    collected = len(every) + deselected
    head = f"collected {collected} items" + (
        f" / {deselected} deselected / {len(every)} selected" if deselected else ""
    )
    body = "\n".join(progress(path, outcomes) for path, outcomes in files.items())
    counts = []
    failed = every.count("F")
    for char, word in (("F", "failed"), (".", "passed"), ("s", "skipped"), ("x", "xfailed")):
        if every.count(char):
            counts.append(f"{every.count(char)} {word}")
    if deselected:
        counts.append(f"{deselected} deselected")
    summary = banner(", ".join(counts) + f" in {seconds(rng, 0.3, 9.0)}")
    failures = ""
    if failed:
        path = next(p for p, o in files.items() if "F" in o)
        name = rng.choice(run.test_names)
        failures = (
            f"\n{banner('FAILURES')}\n{banner(name, '_')}\n\n    def {name}():\n>       assert result == expected\n"
            f"E       AssertionError\n\n{path}:{rng.randint(40, 900)}: AssertionError\n"
            f"{banner('short test summary info')}\nFAILED {path}::{name} - AssertionError"
        )
    return (1 if failed else 0), f"{run.pytest_header}{head}\n\n{body}\n{failures}\n{summary}\n"


def pytest_nothing(run: Run, rng: random.Random, target: str) -> tuple[int, str]:
    """pytest given a node id, path or -k expression that selects nothing."""
    header = run.pytest_header
    took = seconds(rng, 0.01, 0.6)
    if " -k " in f" {target} ":
        total = rng.randint(14, 260)
        return 5, (
            f"{header}collected {total} items / {total} deselected / 0 selected\n\n"
            f"{banner(f'{total} deselected in {took}')}\n"
        )
    if "::" in target:
        path = target.split("::")[0]
        name = path.rsplit("/", 1)[-1]
        if pytest_version(run) >= (7, 0):
            why = f"(no match in any of [<Module {name}>])"
        else:
            why = f"(no name '/testbed/{target}' in any of [<Module {path}>])"
        return 4, (
            f"{header}collected 0 items\n\n{banner(f'no tests ran in {took}')}\n"
            f"ERROR: not found: /testbed/{target}\n{why}\n\n"
        )
    return 4, (
        f"{header}collected 0 items\n\n{banner(f'no tests ran in {took}')}\n"
        f"ERROR: file or directory not found: {target}\n\n"
    )


def django_tests(
    rng: random.Random, found: int, failures: int = 0, skipped: int = 0, label: str = "timezones", took: float = 0.0
) -> tuple[int, str]:
    """Django's runtests.py: its banner, one character per test, and the unittest summary."""
    marks = [rng.choice(".....s") if skipped else "." for _ in range(found - failures)] + ["F"] * failures
    rng.shuffle(marks)
    dots = "".join(marks)
    top = "Testing against Django installed in '/testbed/django' with up to 8 processes\n"
    top += f"Found {found} test(s).\nSystem check identified no issues (0 silenced).\n"
    if found == 0:
        tail = "\n" + "-" * 70 + "\nRan 0 tests in 0.000s\n\nOK\n"
        return 0, tail + top.replace("Found 0 test(s).\n", "")
    skips = f"skipped={dots.count('s')}" if "s" in dots else ""
    if failures:
        verdict = "FAILED (" + ", ".join(filter(None, [f"failures={failures}", skips])) + ")"
    else:
        verdict = "OK" + (f" ({skips})" if skips else "")
    block = ""
    if failures:
        block = (
            "=" * 70
            + f"\nFAIL: test_aware_datetime_in_local_timezone ({label}.tests.LegacyDatabaseTests)\n"
            + "-" * 70
            + f'\nTraceback (most recent call last):\n  File "/testbed/tests/{label}/tests.py", line '
            + f"{rng.randint(90, 140)}, in test_aware_datetime_in_local_timezone\n"
            + "    self.assertEqual(event.dt.replace(tzinfo=EAT), dt)\nAssertionError: datetime.datetime(2011, 9, 1, 13, 20, 30)"
            + " != datetime.datetime(2011, 9, 1, 13, 20, 30, tzinfo=<UTC+03:00>)\n\n"
        )
    return (1 if failures else 0), (
        f"{top}{dots}\n{block}"
        + "-" * 70
        + f"\nRan {found} tests in {took or rng.uniform(0.02, 4.0):.3f}s\n\n{verdict}\n"
    )


def sympy_tests(run: Run, rng: random.Random, path: str, count: int) -> tuple[int, str]:
    dots = "." * count
    lines = [f"{path}[{count}] " + dots[: 80 - len(path) - 6]]
    rest = dots[80 - len(path) - 6 :]
    lines += [rest[i : i + 80] for i in range(0, len(rest), 80)]
    lines[-1] = f"{lines[-1]:<76}[OK]"
    return 0, (
        f"{banner('test process starts')}\n"
        f"executable:         /opt/miniconda3/envs/testbed/bin/python  ({run.python_full}-final-0) [CPython]\n"
        "architecture:       64-bit\ncache:              yes\nground types:       python \nnumpy:              None\n"
        f"random seed:        {rng.randint(10**7, 10**8)}\nhash randomization: on (PYTHONHASHSEED={rng.randint(10**8, 4 * 10**9)})\n\n"
        + "\n".join(lines)
        + f"\n\n{banner(f'tests finished: {count} passed, in {rng.uniform(0.2, 6):.2f} seconds')}\n"
    )


def run_tests(run: Run, rng: random.Random, target: str, count: int) -> tuple[str, int, str]:
    """The command that runs `target` the way this repository runs tests, and its passing output."""
    if run.owner == "django":
        label = target.removeprefix("tests/").removesuffix(".py").replace("/", ".")
        return f"./tests/runtests.py {label}", *django_tests(rng, count)
    if run.owner == "sympy":
        return f"bin/test {target}", *sympy_tests(run, rng, target, count)
    outcomes = "".join(rng.choice("........s") for _ in range(count))
    return f"python -m pytest {target}", *pytest_passing(run, rng, {target: outcomes})


def traceback(frames: list[tuple[str, int, str, str]], error: str) -> str:
    lines = ["Traceback (most recent call last):"]
    for path, line, where, code in frames:
        lines.append(f'  File "{path}", line {line}, in {where}')
        if code:
            lines.append(f"    {code}")
    return "\n".join([*lines, error]) + "\n"


REQUIREMENTS = {
    "_pytest": ["py (1.11.0)", "packaging (23.1)", "attrs (23.1.0)", "more-itertools (10.1.0)", "pluggy (0.13.1)"],
    "matplotlib": [
        "cycler (0.11.0)",
        "fonttools (4.42.1)",
        "kiwisolver (1.4.5)",
        "numpy (1.25.2)",
        "pyparsing (3.0.9)",
    ],
    "flask": ["Werkzeug (2.3.7)", "Jinja2 (3.1.2)", "itsdangerous (2.1.2)", "click (8.1.7)", "blinker (1.6.2)"],
}


def installed_version(run: Run) -> str:
    """The package's version as the run's own outputs show it, or a development version like the testbed's."""
    if run.package == "_pytest":
        found = re.search(r"pytest-(\d[\w.+]*), py", run.pytest_header)
        if found:
            return found.group(1)
    found = re.search(re.escape(run.top) + r"[ =-](\d+\.\d+[\w.+]*)", run.text, re.I)
    return (
        found.group(1).rstrip(".")
        if found
        else {"matplotlib": "3.5.0.dev1324+gb7d0591986", "flask": "2.3.0.dev"}.get(run.package, "0.1.dev0")
    )


def pip_editable(run: Run, rng: random.Random) -> str:
    """`pip install -e .` in the testbed: the legacy develop install these setups still use."""
    version = installed_version(run)
    name = {"django": "Django", "sphinx": "Sphinx", "_pytest": "pytest", "flask": "Flask"}.get(run.package, run.top)
    needs = rng.sample(REQUIREMENTS.get(run.package, ["packaging (23.1)", "setuptools (68.0.0)"]), 3)
    lines = [
        "Obtaining file:///testbed",
        "  Preparing metadata (setup.py): started",
        "  Preparing metadata (setup.py): finished with status 'done'",
    ]
    for need in needs:
        package, pinned = need.split(" ")
        lines.append(f"Requirement already satisfied: {package} in {run.site} (from {name}=={version}) {pinned}")
    lines += [
        f"Installing collected packages: {name}",
        f"  Attempting uninstall: {name}",
        f"    Found existing installation: {name} {version}",
        f"    Uninstalling {name}-{version}:",
        f"      Successfully uninstalled {name}-{version}",
        f"  Running setup.py develop for {name}",
        f"Successfully installed {name}-{version}",
        "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the "
        "system package manager, possibly rendering your system unusable.It is recommended to use a virtual environment "
        "instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing "
        "and want to suppress this warning.",
    ]
    return "\n".join(lines) + "\n"


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().strip("_")


def siblings(run: Run, rng: random.Random, count: int) -> list[str]:
    """Other modules of the package the run touched or that sit next to its source."""
    found = [path for path in run.sources if path != run.source]
    folder = run.source.rsplit("/", 1)[0]
    for name in ("utils", "base", "core", "compat", "_compat", "helpers", "exceptions", "constants"):
        if len(found) >= count + 2:
            break
        found.append(f"{folder}/{name}.py")
    rng.shuffle(found)
    return [p for p in dict.fromkeys(found) if p != run.source][:count]


def pytest_quiet(rng: random.Random, passed: int, skipped: int, failed: list[str], took: float) -> tuple[int, str]:
    """`pytest -q` over a directory: rows of progress characters, then the one-line summary."""
    marks = ["."] * passed + ["s"] * skipped + ["F"] * len(failed)
    rng.shuffle(marks)
    rows = []
    for i in range(0, len(marks), 72):
        chunk = "".join(marks[i : i + 72])
        rows.append(f"{chunk:<73}[{round(100 * (i + len(chunk)) / len(marks)):>3}%]")
    counts = [f"{len(failed)} failed"] if failed else []
    counts.append(f"{passed} passed")
    if skipped:
        counts.append(f"{skipped} skipped")
    summary = ", ".join(counts) + f" in {took:.2f}s"
    short = ""
    if failed:
        short = banner("FAILURES") + "\n"
        for name, reason in (f.split(" - ", 1) for f in failed):
            short += (
                banner(name.rsplit("::", 1)[-1], "_")
                + f"\n\nE   {reason}\n\n{name.split('::')[0]}:{rng.randint(30, 900)}: {reason.split(':')[0]}\n"
            )
        short += banner("short test summary info") + "\n"
        short += "".join(f"FAILED {f}\n" for f in failed)
    return (1 if failed else 0), "\n".join(rows) + "\n" + short + summary + "\n"
