"""How a crash in compiled code shows in the shell: faulthandler's stack, the signal bash reports, its return code."""

from __future__ import annotations

import random

from heldout22.native import Native
from heldout22.text import Ctx, pid, thread, vary


def _pytest_frames(site: str, rng: random.Random) -> list[str]:
    hooks = [
        f'  File "{site}/pluggy/_callers.py", line {rng.choice([77, 80, 103])} in _multicall',
        f'  File "{site}/pluggy/_manager.py", line {rng.choice([115, 120])} in _hookexec',
        f'  File "{site}/pluggy/_hooks.py", line {rng.choice([493, 501, 513])} in __call__',
    ]
    return [
        f'  File "{site}/_pytest/python.py", line 194 in pytest_pyfunc_call',
        *hooks,
        f'  File "{site}/_pytest/python.py", line 1788 in runtest',
        f'  File "{site}/_pytest/runner.py", line 169 in pytest_runtest_call',
        *hooks,
        f'  File "{site}/_pytest/runner.py", line 262 in <lambda>',
        f'  File "{site}/_pytest/runner.py", line 341 in from_call',
        f'  File "{site}/_pytest/runner.py", line 261 in call_runtest_hook',
        f'  File "{site}/_pytest/runner.py", line 222 in call_and_report',
        f'  File "{site}/_pytest/runner.py", line 133 in runtestprotocol',
        f'  File "{site}/_pytest/runner.py", line 114 in pytest_runtest_protocol',
        *hooks,
        f'  File "{site}/_pytest/main.py", line 350 in pytest_runtestloop',
        *hooks,
        f'  File "{site}/_pytest/main.py", line 325 in _main',
        f'  File "{site}/_pytest/main.py", line 271 in wrap_session',
        f'  File "{site}/_pytest/main.py", line 318 in pytest_cmdline_main',
        *hooks,
        f'  File "{site}/_pytest/config/__init__.py", line 169 in main',
        f'  File "{site}/_pytest/config/__init__.py", line 192 in console_main',
        '  File "/opt/miniconda3/envs/testbed/bin/pytest", line 8 in <module>',
    ]


def _django_frames(ctx: Ctx) -> list[str]:
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/unittest"
    return [
        f'  File "{lib}/case.py", line 550 in _callTestMethod',
        f'  File "{lib}/case.py", line 592 in run',
        f'  File "{lib}/case.py", line 651 in __call__',
        '  File "/testbed/django/test/testcases.py", line 381 in _setup_and_call',
        '  File "/testbed/django/test/testcases.py", line 340 in __call__',
        f'  File "{lib}/suite.py", line 122 in run',
        f'  File "{lib}/suite.py", line 84 in __call__',
        f'  File "{lib}/runner.py", line 176 in run',
        '  File "/testbed/django/test/runner.py", line 980 in run_suite',
        '  File "/testbed/django/test/runner.py", line 1058 in run_tests',
        '  File "/testbed/tests/runtests.py", line 425 in django_tests',
        '  File "/testbed/tests/runtests.py", line 773 in <module>',
    ]


def crash_output(
    ctx: Ctx, rng: random.Random, nat: Native, how: str, shift: int, script: str, command: str, debug: str = ""
) -> tuple[str, int]:
    """What the shell shows when the library crashes under `command`: its stack, when faulthandler is on, and rc."""
    if how == "plain":
        # bash execs a lone command, so nothing reports the signal but the return code.
        return debug, -6 if nat.abort else -11
    depth = rng.choice([0, 0, 0, 1]) if len(nat.frames) > 2 else 0
    frames = [
        f'  File "/testbed/{path}", line {line + (shift if path == nat.wrapper and line >= nat.frames[0][2] else 0)} in {name}'
        for path, name, line in nat.frames[depth:]
    ]
    aborts = bool(nat.abort) or rng.random() < 0.12
    kind = "Aborted" if aborts else "Segmentation fault"
    head = [debug] if debug else []
    if aborts:
        head.append(
            nat.abort
            or vary(rng, ["free(): invalid pointer", "double free or corruption (out)", "corrupted size vs. prev_size"])
        )
    head += [f"Fatal Python error: {kind}", ""]
    if rng.random() < 0.2:
        head += [
            f"Thread {thread(rng)} (most recent call first):",
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/threading.py", line 316 in wait',
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/threading.py", line 581 in wait',
            "",
        ]
    head.append(f"Current thread {thread(rng)} (most recent call first):")
    if how == "pytest":
        test_file, _, test_name = nat.test.partition("::")
        frames.append(f'  File "/testbed/{test_file}", line {rng.randint(300, 1900)} in {test_name.split("::")[-1]}')
        frames += _pytest_frames(ctx.site, rng)
        top = [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            ctx.run.plugins,
            "collected 1 item",
            "",
            f"{test_file} ",
        ]
        head = top + head
    elif how == "django":
        frames.append(
            f'  File "/testbed/tests/gis_tests/geos_tests/test_geos.py", line {rng.randint(900, 1500)} in test_intersection_shared_ptr'
        )
        frames += _django_frames(ctx)
        head = ["Testing against Django installed in '/testbed/django' with up to 8 processes", *head]
    else:
        frames.append(f'  File "{script}", line {len(nat.script) - rng.choice([0, 0, 1])} in <module>')
    rc = 134 if aborts else 139
    if "PIPESTATUS" in command:
        return "\n".join([*head, *frames, f"exit={rc}"]), 0
    tail = f"bash: line 1: {pid(rng):>5} {kind:<24} (core dumped) {command.split('&& ')[-1]}"
    return "\n".join([*head, *frames, tail]), rc
