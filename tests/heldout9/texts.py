"""Outputs of the project's own tools for one instance: file views, test runs, tracebacks.

Real outputs of the run are reused (with drift) wherever the run has them; otherwise they are
written in the shape the project's runner prints (pytest, Django's runtests.py, sympy's bin/test).
"""

from __future__ import annotations

import random

from .drift import drifted, hexaddr, secs
from .instance import Instance

RULE = "=" * 70
DASH = "-" * 70


def view(inst: Instance, path: str, first: int, last: int) -> str:
    """`nl -ba path | sed -n 'first,lastp'` as far as the dev runs saw the file."""
    lines = inst.lines(path)
    return "".join(f"{n:6d}\t{lines[n]}\n" for n in range(first, last + 1) if n in lines)


def plain(inst: Instance, path: str, first: int, last: int) -> str:
    lines = inst.lines(path)
    return "".join(lines[n] + "\n" for n in range(first, last + 1) if n in lines)


def span(inst: Instance, path: str) -> tuple[int, int]:
    lines = inst.lines(path)
    return (min(lines), max(lines)) if lines else (1, 1)


def grep(inst: Instance, path: str, word: str, context: int = 0) -> str:
    """`grep -n [-C context] word path` over the lines the runs saw."""
    lines = inst.lines(path)
    hits = [n for n in sorted(lines) if word in lines[n]]
    shown: list[int] = []
    for n in hits:
        shown += [m for m in range(n - context, n + context + 1) if m in lines and m not in shown]
    return "".join(f"{n}{':' if n in hits else '-'}{lines[n]}\n" for n in shown)


def failing_test(inst: Instance, rng: random.Random, name: str, message: str) -> tuple[int, str]:
    """The targeted test failing with `message` in `name`, as the project's runner prints it."""
    if inst.run.repo == "django":
        label = inst.test_command.split("runtests.py ")[-1].split()[0]
        count = rng.randint(8, 60)
        return 1, (
            f"Testing against Django installed in '/testbed/django' with up to 8 processes\n"
            f"Importing application {label.split('.')[0]}\nFound {count} test(s).\n"
            "Skipping setup of unused database(s): other.\nSystem check identified no issues (0 silenced).\n"
            + "." * (count - 1)
            + "F\n"
            + f"{RULE}\nFAIL: {name} ({label}.tests.{name.title().replace('_', '')}Tests)\n{DASH}\n"
            f'Traceback (most recent call last):\n  File "/testbed/tests/{label.split(".")[0]}/tests.py", line {rng.randint(40, 900)}, in {name}\n'
            f"    self.assertEqual(result, expected)\nAssertionError: {message}\n\n{DASH}\n"
            f"Ran {count} tests in {secs(rng, 0.05, 2.5)}s\n\nFAILED (failures=1)\n"
        )
    path = inst.test_command.split()[-1] if inst.test_command.split()[-1].endswith(".py") else "tests/test_issue.py"
    count = rng.randint(5, 120)
    return 1, (
        pytest_header(inst, count)
        + f"\n{path} "
        + "." * (count - 1)
        + "F"
        + " " * max(1, 71 - len(path) - count)
        + "[100%]\n\n"
        + "=" * 31
        + " FAILURES "
        + "=" * 31
        + f"\n{'_' * 20} {name} {'_' * 20}\n\n"
        f"    def {name}():\n>       assert result == expected\nE       AssertionError: {message}\n\n"
        f"{path}:{rng.randint(20, 700)}: AssertionError\n" + "=" * 25 + " short test summary info " + "=" * 25 + "\n"
        f"FAILED {path}::{name} - AssertionError: {message[:30]}...\n"
        + "=" * 18
        + f" 1 failed, {count - 1} passed in {secs(rng, 0.3, 9.0)}s "
        + "=" * 18
        + "\n"
    )


def passing_test(inst: Instance, rng: random.Random, count: int) -> str:
    if inst.run.repo == "django":
        return (
            "Testing against Django installed in '/testbed/django' with up to 8 processes\n"
            f"Found {count} test(s).\nSystem check identified no issues (0 silenced).\n"
            + "." * count
            + f"\n{DASH}\nRan {count} tests in {secs(rng, 0.05, 2.5)}s\n\nOK\n"
        )
    path = inst.test_command.split()[-1]
    return (
        pytest_header(inst, count)
        + f"\n{path} "
        + "." * count
        + " [100%]\n\n"
        + "=" * 28
        + f" {count} passed in {secs(rng, 0.3, 9.0)}s "
        + "=" * 28
        + "\n"
    )


def pytest_header(inst: Instance, count: int) -> str:
    return (
        "============================= test session starts ==============================\n"
        f"platform linux -- Python {inst.python}.{20 if inst.python == '3.9' else 15}, pytest-7.4.0, pluggy-1.3.0\n"
        f"rootdir: /testbed\nconfigfile: setup.cfg\ncollected {count} items\n"
    )


def script_failure(inst: Instance, rng: random.Random) -> tuple[int, str]:
    """The reproduction script failing: the run's own failure when it had one, drifted."""
    if inst.script_failure:
        code, output = inst.script_failure
        return code, drifted(output, rng)
    function = inst.functions()[0]
    return 1, (
        f'Traceback (most recent call last):\n  File "/testbed/{inst.script}", line {rng.randint(8, 40)}, in <module>\n'
        f'    check()\n  File "/testbed/{inst.script}", line {rng.randint(5, 7)}, in check\n    result = run_case()\n'
        f'  File "/testbed/{inst.source}", line {rng.randint(50, 600)}, in {function}\n    raise ValueError(msg)\n'
        f"ValueError: unexpected result for {function}: <object at {hexaddr(rng)}>\n"
    )


def test_run(inst: Instance, rng: random.Random) -> tuple[int, str]:
    """The targeted test run as the run saw it (drifted), or a failure in its shape."""
    if inst.test_output and inst.test_output[0] != 0:
        return inst.test_output[0], drifted(inst.test_output[1], rng)
    return failing_test(inst, rng, f"test_{inst.functions()[0].strip('_')}", "Lists differ")
