# ruff: noqa: E501
"""Loop family on shadowed modules: a scratch file named like a stdlib module, blamed on pytest, caches and the environment."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step, traceback
from heldout61.text import SHADOWS, Attempt, Ctx, Fail, py_edit

# The stdlib modules pytest itself imports on start-up (shadowing one breaks `python -m pytest` before any test):
# where pytest imports it, the line of pytest/__init__.py that gets there, and the import.
PYTEST_IMPORTERS = {
    "inspect": ("_pytest/compat.py", "from _pytest._code import ExceptionInfo", "from inspect import signature"),
    "copy": ("_pytest/monkeypatch.py", "from _pytest.monkeypatch import MonkeyPatch", "from copy import deepcopy"),
    "textwrap": ("_pytest/_code/source.py", "from _pytest._code import ExceptionInfo", "from textwrap import dedent"),
    "numbers": ("_pytest/python_api.py", "from _pytest.python_api import approx", "from numbers import Complex"),
    "dataclasses": ("_pytest/fixtures.py", "from _pytest.fixtures import fixture", "from dataclasses import dataclass"),
    "decimal": ("_pytest/python_api.py", "from _pytest.python_api import approx", "from decimal import Decimal"),
    "tokenize": (
        "_pytest/_code/source.py",
        "from _pytest._code import ExceptionInfo",
        "from tokenize import generate_tokens",
    ),
    "ast": (
        "_pytest/assertion/rewrite.py",
        "from _pytest.assertion import register_assert_rewrite",
        "from ast import literal_eval",
    ),
    "string": ("_pytest/terminal.py", "from _pytest.terminal import TerminalReporter", "from string import Formatter"),
    "difflib": (
        "_pytest/assertion/util.py",
        "from _pytest.assertion import register_assert_rewrite",
        "from difflib import SequenceMatcher",
    ),
}


def shadow(ctx: Ctx) -> tuple[str, str, str]:
    """The stdlib module the agent's scratch file is named after, an attribute of it, and the file's path."""
    name, attr = SHADOWS[sum(map(ord, ctx.run.session)) % len(SHADOWS)]
    return name, attr, (f"tests/{name}.py" if ctx.django else f"{name}.py")


def stdlib_shadow_rename_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Every test run dies importing a stdlib module that is really the agent's own scratch file; it reinstalls, clears caches, edits imports."""
    a, adot, cls = ctx.source, ctx.dotted, ctx.cls
    name, attr, scratch = shadow(ctx)
    site = "/testbed/src" if ctx.run.owner == "pytest-dev" else ctx.site
    in_pytest = not ctx.django and name in PYTEST_IMPORTERS
    prints = [
        f"{cls} {rng.choice(['->', ':', '='])} {rng.choice(['<ok>', 'None', '0', repr(ctx.stem)])}",
        f"checking {name}.{attr} ...",
    ]
    body = f"import {name}\n\n\ndef {ctx.helper}(value):\n    return {name}.{attr}(value)\n"

    def crash(thought: str, kind: str = "", command: str = "") -> Step:
        side = "\n".join(rng.sample(prints, rng.randint(0, 2)))
        lead = side + "\n" if side else ""
        via = (f"/testbed/{scratch}", "<module>", f"from {adot} import {cls}")
        if in_pytest:
            path, init, line = PYTEST_IMPORTERS[name]
            frames = [
                (
                    f"{ctx.lib}/runpy.py",
                    "_run_module_as_main",
                    "mod_name, mod_spec, code = _get_module_details(mod_name, _Error)",
                ),
                (f"{ctx.lib}/runpy.py", "_get_module_details", "__import__(pkg_name)"),
                (f"{site}/pytest/__init__.py", "<module>", init),
                (f"{site}/{path}", "<module>", line),
            ]
            if rng.random() < 0.5:
                frames += [via, (a, "<module>", f"from {name} import {attr}")]
                error = f"ImportError: cannot import name '{attr}' from partially initialized module '{name}' (most likely due to a circular import) (/testbed/{scratch})"
            else:
                error = f"ImportError: cannot import name '{line.split()[-1]}' from '{name}' (/testbed/{scratch})"
            command = command or f"python -m pytest {ctx.test_file}{rng.choice(['', ' -x', ' -q'])}"
            return Step(
                thought, command, lead + traceback(rng, frames, error, where=""), rc=1, seconds=rng.uniform(0.4, 3)
            )
        kind = kind or rng.choice(["from", "cycle", "attr"])
        if kind == "attr":
            fail = Fail(
                ctx.case(rng, ("basic", "value", "roundtrip", "default")),
                f"AttributeError: module '{name}' has no attribute '{attr}'",
                f"result = {ctx.helper}(value)",
                [(ctx.helper, f"return {name}.{attr}(value)")],
            )
            step = test_step(ctx, rng, thought, ctx.test_file, [fail], rng.choice(["", " -x"]))
        elif kind == "from":
            frames = [(a, "<module>", f"from {name} import {attr}")]
            error = f"ImportError: cannot import name '{attr}' from '{name}' (/testbed/{scratch})"
        else:
            frames = [(a, "<module>", f"import {name}"), via]
            error = f"ImportError: cannot import name '{cls}' from partially initialized module '{adot}' (most likely due to a circular import) (/testbed/{a})"
        if kind != "attr" and ctx.django:
            runner = (
                "/testbed/tests/runtests.py",
                "<module>",
                rng.choice(
                    [
                        "from django.test import TestCase, TransactionTestCase",
                        "from django.test.runner import get_max_test_processes",
                        "import django",
                    ]
                ),
            )
            step = Step(
                thought,
                ctx.tests(ctx.test_file, rng.choice(["", " -x"])),
                traceback(rng, [runner, *frames], error, where=""),
                rc=1,
            )
        elif kind != "attr":
            step = import_fail(ctx, rng, thought, frames, error)
        step.command = command or step.command
        step.output = lead + str(step.output)
        return step

    def reinstall(k: int) -> list[Step]:
        what = "pytest" if in_pytest else ctx.dist
        cmd = f"pip install --force-reinstall --no-deps {'pytest' if in_pytest else '-e .'} 2>&1 | tail -2"
        return [
            Step(
                f"The failure is inside the import of {name}, which shouldn't fail. Maybe the {what} install is broken; reinstall it.",
                cmd,
                f"Successfully installed {what}-{rng.choice(['7.4.0', '7.2.1', '8.0.2']) if in_pytest else '0.0.0.dev0'}",
                seconds=rng.uniform(4, 25),
            ),
            crash("Rerun the tests."),
        ]

    def caches(k: int) -> list[Step]:
        return [
            Step(
                "Perhaps stale bytecode. Clear every __pycache__ and the pytest cache.",
                rng.choice(
                    [
                        "find . -name '__pycache__' -prune -exec rm -rf {} + && rm -rf .pytest_cache && echo cleared",
                        "find . -name '*.pyc' -delete && echo cleared",
                    ]
                ),
                "cleared",
            ),
            crash("Rerun the tests after clearing caches."),
        ]

    def stdlib_ok(k: int) -> Step:
        return Step(
            f"Let me check the {name} module itself.",
            f"cd /tmp && python -c \"import {name}; print({name}.__file__, hasattr({name}, '{attr}'))\"",
            f"{ctx.lib}/{name}.py True",
        )

    def isolated(k: int) -> Step:
        return Step(
            "What if I import the package in isolated mode, without the environment's settings?",
            f"python -I -c \"import {adot}; print('ok')\"",
            "ok",
        )

    def env(k: int) -> Step:
        command, out = rng.choice(
            [
                ("env | grep -i python", "PYTHONIOENCODING=utf-8"),
                (
                    'python -c "import sys; print(sys.path[:4])"',
                    f"['', '{ctx.lib[: -len('/python' + ctx.python)]}/python{ctx.python.replace('.', '')}.zip', '{ctx.lib}', '{ctx.lib}/lib-dynload']",
                ),
                (f"ls {ctx.site}/*.pth", f"{ctx.site}/distutils-precedence.pth\n{ctx.site}/easy-install.pth"),
                (f"cat {ctx.site}/easy-install.pth", "/testbed"),
            ]
        )
        return Step(
            rng.choice(
                [
                    "Let me look at the environment's import path.",
                    "Something in the environment must put a different module first. Let me check.",
                ]
            ),
            command,
            out,
        )

    def edit_import(k: int) -> list[Step]:
        old, new, kind = rng.choice(
            [
                (f"import {name}\n", f"import {name} as _{name}\n", rng.choice(["attr", "cycle"])),
                (f"import {name}\n", f"from {name} import {attr}\n", "from"),
                (
                    f"import {name}\n",
                    f"import importlib\n\n{name} = importlib.import_module({name!r})\n",
                    rng.choice(["attr", "cycle"]),
                ),
            ]
        )
        return [
            Step(f"Import {attr} from {name} differently in {ctx.modname}.py.", py_edit(a, old, new), "patched"),
            crash("Rerun.", kind if not in_pytest else ""),
        ]

    def import_mode(k: int) -> list[Step]:
        steps = []
        if ctx.django:
            steps.append(
                crash(
                    "Run the test module directly with the settings module, not through runtests.py.",
                    command=f"cd tests && DJANGO_SETTINGS_MODULE=test_sqlite python -m django test {ctx.stem}_tests",
                )
            )
        elif int(ctx.python.split(".")[1]) < 11 and rng.random() < 0.5:
            steps.append(
                Step(
                    "Run pytest with -P so the current directory isn't put on sys.path.",
                    f"python -P -m pytest {ctx.test_file}",
                    "Unknown option: -P\nusage: python [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.",
                    rc=2,
                )
            )
        else:
            steps.append(
                crash(
                    "Try pytest's importlib import mode, which doesn't touch sys.path.",
                    command=f"python -m pytest --import-mode=importlib {ctx.test_file}",
                )
            )
        return steps

    def pth(k: int) -> list[Step]:
        return [
            Step(
                "The easy-install.pth puts /testbed on the path; maybe that's what brings in the wrong module. Move it aside.",
                f"mv {ctx.site}/easy-install.pth /tmp/ && echo moved",
                "moved",
            ),
            crash("Rerun.")
            if not ctx.django
            else Step(
                "Rerun.",
                ctx.tests(ctx.test_file),
                traceback(
                    rng,
                    [("/testbed/tests/runtests.py", "<module>", "import django")],
                    f"ModuleNotFoundError: No module named '{ctx.run.module}'",
                    where="",
                ),
                rc=1,
            ),
            Step(
                "That only made it worse. Put it back.",
                f"mv /tmp/easy-install.pth {ctx.site}/ && echo restored",
                "restored",
            ),
        ]

    first = [
        crash(f"Let me run the tests for {ctx.stem}."),
        Step(
            f"The error comes from importing {name}. Let me look at how {ctx.modname}.py uses it.",
            f"grep -n '{name}' {a} | head",
            f"{rng.randint(1, 30)}:import {name}\n{rng.randint(40, 600)}:    return {name}.{attr}(value)",
        ),
    ]
    attempts: list[Attempt] = [
        reinstall,
        caches,
        edit_import,
        import_mode,
        pth,
        lambda k: [stdlib_ok(k)],
        lambda k: [isolated(k), crash("But the tests still fail.")],
        lambda k: [env(k)],
    ]
    return churn(ctx, rng, n, first, attempts, f"the broken import of {name}", [a], body)
