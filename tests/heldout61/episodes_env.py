# ruff: noqa: E501
"""Productive look-alikes around the import path: a stray __init__.py, a scratch file named like a stdlib module, an optional dependency."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.loops_namespace import namespace
from heldout61.loops_shadow import PYTEST_IMPORTERS, shadow
from heldout61.output import green, import_fail, test_step, traceback
from heldout61.text import Ctx, Fail, py_edit


def namespace_init_removed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A portion's submodule not found; __path__ printed shows one regular package; the stray empty __init__.py removed; maybe __file__ None fixed by walking __path__."""
    a = ctx.source
    ns, root = namespace(ctx)
    pa, pb = f"{root}/a/{ns}", f"{root}/b/{ns}"
    func = f"_{ctx.stem}_submodules"
    case = f"test_{ctx.stem}_namespace_package"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests with the namespace package fixtures.",
            ctx.test_file,
            [Fail(case, f"ModuleNotFoundError: No module named '{ns}.beta'", f"importlib.import_module('{ns}.beta')")],
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx,
                rng,
                "Run just that test again.",
                f"{ctx.test_file}::{case}",
                [
                    Fail(
                        case,
                        f"ModuleNotFoundError: No module named '{ns}.beta'",
                        f"importlib.import_module('{ns}.beta')",
                    )
                ],
            )
        )
    steps += [
        Step(
            "beta lives in the second portion. Let me see what the package resolves to with both portions on the path.",
            f'PYTHONPATH={root}/a:{root}/b python -c "import {ns}; print({ns}.__path__, {ns}.__file__)"',
            f"['/testbed/{pa}'] /testbed/{pa}/__init__.py",
        ),
        Step(
            "It's a regular package with a single directory: portion a has an __init__.py, and a regular package wins over namespace portions, so b is never searched.",
            f"find {root} -name '__init__.py' -exec ls -l {{}} +",
            f"-rw-r--r-- 1 root root 0 {rng.choice(['Jan', 'Mar', 'Oct'])} {rng.randint(1, 28):2d} {rng.randint(10, 23)}:{rng.randint(10, 59)} {pa}/__init__.py",
        ),
        Step(
            "It's empty, left over from when I created the fixture. Remove it.",
            f'rm {pa}/__init__.py && PYTHONPATH={root}/a:{root}/b python -c "import {ns}; print({ns}.__path__)"',
            f"_NamespacePath(['/testbed/{pa}', '/testbed/{pb}'])",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                ctx.test_file,
                [
                    Fail(
                        case,
                        "TypeError: expected str, bytes or os.PathLike object, not NoneType",
                        f"assert {func}({ns!r}) == ['alpha', 'beta']",
                        [
                            (func, "directory = os.path.dirname(module.__file__)"),
                            (f"{ctx.lib}/posixpath.py", "dirname", "p = os.fspath(p)"),
                        ],
                    )
                ],
            ),
            Step(
                "Now it is a real namespace package, which has no __file__. List every directory in __path__ instead.",
                py_edit(
                    a,
                    "    directory = os.path.dirname(module.__file__)\n    return sorted(\n        name[:-3] for name in os.listdir(directory)",
                    "    return sorted(\n        name[:-3] for directory in module.__path__ for name in os.listdir(directory)",
                ),
                "patched",
            ),
        ]
    steps.append(green(ctx, rng, "Run the tests."))
    return steps


def shadow_file_renamed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Tests die importing a stdlib module; maybe caches cleared once; the error's path read: the agent's own scratch file; renamed; green."""
    a, adot, cls = ctx.source, ctx.dotted, ctx.cls
    name, attr, scratch = shadow(ctx)
    error = f"ImportError: cannot import name '{attr}' from '{name}' (/testbed/{scratch})"

    def crash(thought: str) -> Step:
        if not ctx.django and name in PYTEST_IMPORTERS:
            path, init, line = PYTEST_IMPORTERS[name]
            site = "/testbed/src" if ctx.run.owner == "pytest-dev" else ctx.site
            frames = [
                (f"{ctx.lib}/runpy.py", "_get_module_details", "__import__(pkg_name)"),
                (f"{site}/pytest/__init__.py", "<module>", init),
                (f"{site}/{path}", "<module>", line),
            ]
            said = f"ImportError: cannot import name '{line.split()[-1]}' from '{name}' (/testbed/{scratch})"
            return Step(thought, ctx.tests(ctx.test_file), traceback(rng, frames, said, where=""), rc=1)
        if ctx.django:
            frames = [
                ("/testbed/tests/runtests.py", "<module>", "from django.test import TestCase, TransactionTestCase"),
                (a, "<module>", f"from {name} import {attr}"),
            ]
            return Step(thought, ctx.tests(ctx.test_file), traceback(rng, frames, error, where=""), rc=1)
        return import_fail(ctx, rng, thought, [(a, "<module>", f"from {name} import {attr}")], error)

    steps = [crash(f"Let me run the tests for {ctx.stem}.")]
    if rng.random() < 0.4:
        steps += [
            Step(
                "Maybe stale bytecode; clear the caches.",
                "find . -name '__pycache__' -prune -exec rm -rf {} + && echo cleared",
                "cleared",
            ),
            crash("Rerun."),
        ]
    cd = "cd tests && " if ctx.django else ""
    steps += [
        Step(
            f"The path in the error is /testbed/{scratch}, not the standard library. Which {name} does Python pick up from here?",
            f'{cd}python -c "import {name}; print({name}.__file__)"',
            f"/testbed/{scratch}",
        ),
        Step(
            "Is that file part of the repository?",
            f"git status --short {scratch}; git log --oneline -1 -- {scratch}",
            f"?? {scratch}",
        ),
        Step(
            "Untracked: it's the scratch script I wrote earlier to try things out, and its name shadows the stdlib module for everything run from this directory.",
            f"head -5 {scratch}",
            f"from {adot} import {cls}\n\nprint({cls})\nprint({cls}.__doc__)"
            if rng.random() < 0.5
            else f"import sys\nsys.path.insert(0, '/testbed')\nfrom {adot} import *\n",
        ),
        Step(
            "Move it out of the way under a name that shadows nothing, and drop its bytecode.",
            f'mv {scratch} /tmp/scratch_{name}.py && rm -f {scratch.rsplit("/", 1)[0] + "/" if "/" in scratch else ""}__pycache__/{name}.*.pyc && {cd}python -c "import {name}; print({name}.__file__)"',
            f"{ctx.lib}/{name}.py",
        ),
        green(ctx, rng, "Run the tests."),
    ]
    return steps


def optional_dep_skipped_cleanly(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Collection fails on a missing optional dependency; maybe a None fallback tried once; imported where used with a clear error; tests that need it skip."""
    a, adot = ctx.source, ctx.dotted
    opt, pip_name, fn = ctx.optional
    top = opt.split(".")[0]
    alias = opt.rsplit(".", 1)[-1]
    use = f"load_{ctx.stem}_{alias}" if alias != ctx.stem else f"load_{alias}_data"
    message = f"{use}() requires {pip_name}; install it with 'pip install {pip_name}'"
    steps = [
        import_fail(
            ctx,
            rng,
            f"Let me run the tests for {ctx.stem} now that it uses {pip_name}.",
            [(a, "<module>", f"import {opt}")],
            f"ModuleNotFoundError: No module named '{top}'",
        ),
        Step(
            f"{pip_name} isn't installed here. Let me see where it's used.",
            f"grep -n '{top}' {a}",
            f"{rng.randint(1, 30)}:import {opt}\n{rng.randint(40, 700)}:    return {opt}.{fn}(data)",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Fall back to None when it's missing.",
                py_edit(a, f"import {opt}\n", f"try:\n    import {opt}\nexcept ImportError:\n    {top} = None\n"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                ctx.test_file,
                [
                    Fail(
                        f"test_{ctx.stem}_{alias}",
                        f"AttributeError: 'NoneType' object has no attribute '{fn}'",
                        f"{use}(data)",
                        [(use, f"return {opt}.{fn}(data)")],
                    )
                ],
            ),
            Step(
                "That only moves the failure into a confusing AttributeError. Undo it; the import belongs in the one function that needs it.",
                py_edit(a, f"try:\n    import {opt}\nexcept ImportError:\n    {top} = None\n", f"import {opt}\n"),
                "patched",
            ),
        ]
    skip = (
        f"    {alias} = pytest.importorskip({opt!r})"
        if not ctx.django
        else f"@unittest.skipUnless(importlib.util.find_spec({top!r}), '{pip_name} not installed')"
    )
    steps += [
        Step(
            f"Import {opt} inside {use}, raising an ImportError that says what to install, so importing {ctx.stem} no longer needs it.",
            py_edit(a, f"import {opt}\n", "")
            + "\n"
            + py_edit(
                a,
                f"    return {opt}.{fn}(data)",
                f"    try:\n        import {opt}\n    except ImportError as exc:\n        raise ImportError({message!r}) from exc\n    return {opt}.{fn}(data)",
            ),
            "patched\npatched",
        ),
        Step(
            f"And the test that exercises {pip_name} should skip when it isn't installed.",
            py_edit(
                ctx.test_file,
                f"    def test_{ctx.stem}_{alias}(self):",
                f"    {skip}\n    def test_{ctx.stem}_{alias}(self):",
            )
            if ctx.django
            else py_edit(
                ctx.test_file, f"def test_{ctx.stem}_{alias}():\n", f"def test_{ctx.stem}_{alias}():\n{skip}\n"
            ),
            "patched",
        ),
        Step(
            "Check the message a user without it gets.",
            f"python -c \"from {adot} import {use}; {use}(b'')\"",
            traceback(rng, [(a, use, f"import {opt}")], f"ModuleNotFoundError: No module named '{top}'")
            + "\n\nThe above exception was the direct cause of the following exception:\n\n"
            + traceback(rng, [(a, use, f"raise ImportError({message!r}) from exc")], f"ImportError: {message}"),
            rc=1,
        ),
        green(ctx, rng, "Run the tests.", skipped=1),
    ]
    return steps
