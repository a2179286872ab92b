# ruff: noqa: E501
"""Loops on state fixed at import: a flag read from the environment once, and reloads that split classes.

The agent sets the variable every way it knows, or reloads the module to pick it up, and each time
another test breaks instead.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout49.text import Attempt, Ctx, addr, churn, one_test, py_edit, rerun, run_output, stale, test_step


def _edit(thought: str, command: str) -> Step:
    return Step(thought, command, "patched")


def import_time_env_capture(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`FLAG = os.environ.get(...)` runs at import; setting the variable in a test never reaches it."""
    names = ctx.cases(rng, 4)
    on = f"test_{ctx.stem}_with_{ctx.flag.strip('_').lower()}"
    code = f"assert {ctx.func}(value) == expected"

    def flag_fail() -> tuple[str, str]:
        return (
            on,
            rng.choice(
                [stale(rng), "AssertionError: assert False is True", "Failed: DID NOT RAISE <class 'ValueError'>"]
            ),
        )

    def default_fail() -> list[tuple[str, str]]:
        return [(name, stale(rng)) for name in rng.sample(names, rng.randint(1, 3))]

    first = [
        test_step(
            ctx, rng, f"I added a test that sets {ctx.env}. Let me run the module.", "", [flag_fail()], code=code
        ),
        Step(
            "Let me check the test really sets the variable.",
            f"grep -n '{ctx.env}' {ctx.test_file}",
            f"{rng.randint(20, 400)}:    monkeypatch.setenv('{ctx.env}', '1')",
        ),
    ]

    def export(k: int) -> list[Step]:
        value = rng.choice(["1", "true", "yes", "on"])
        return [
            Step(
                "Let me set the variable for the whole run instead.",
                f"{ctx.env}={value} " + ctx.tests("", rng.choice(["", " -q"]) if not ctx.django else ""),
                _out(ctx, rng, default_fail()),
                rc=1,
                seconds=rng.uniform(1, 8),
            ),
        ]

    def conftest(k: int) -> list[Step]:
        return [
            _edit(
                "Let me set it in conftest.py so it's there for the tests that need it.",
                py_edit(
                    ctx.conftest,
                    "import pytest\n",
                    f"import os\n\nimport pytest\n\nos.environ.setdefault('{ctx.env}', '{rng.choice(['1', 'true'])}')\n",
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", default_fail() if rng.random() < 0.6 else [flag_fail()], code=code),
            Step(
                "Now the default tests see the flag. Reverting conftest.",
                f"git checkout -- {ctx.conftest} && echo ok",
                "ok",
            ),
        ]

    def patch_dict(k: int) -> list[Step]:
        why, setting = rng.choice(
            [
                (
                    "Maybe monkeypatch.setenv is too late. Let me use mock.patch.dict around the call.",
                    f"    with mock.patch.dict(os.environ, {{'{ctx.env}': '1'}}):\n        result = {ctx.func}(value)\n",
                ),
                ("Let me set os.environ directly in the test.", f"    os.environ['{ctx.env}'] = '1'\n"),
                (
                    "Let me try monkeypatch.setitem on os.environ instead of setenv.",
                    f"    monkeypatch.setitem(os.environ, '{ctx.env}', '1')\n",
                ),
                (
                    "Maybe the value needs to be 'true' rather than '1'.",
                    f"    monkeypatch.setenv('{ctx.env}', 'true')\n",
                ),
            ]
        )
        return [
            _edit(why, py_edit(ctx.test_file, f"    monkeypatch.setenv('{ctx.env}', '1')\n", setting)),
            test_step(ctx, rng, rerun(rng), one_test(ctx, on), [flag_fail()], code=code, passed=0),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "Let me check what the process sees.",
                f"{ctx.env}=1 python -c \"import os; print(os.environ.get('{ctx.env}'))\"",
                "1",
            ),
            Step(
                "The variable is there. Does the function see it?",
                f'{ctx.env}=1 python -c "from {ctx.dotted} import {ctx.func}; print({ctx.func}({rng.choice(["None", repr("a,,b"), "()"])}))"',
                rng.choice(["['a', 'b']", "[]", "None"]),
            ),
            test_step(
                ctx,
                rng,
                "That looks right from the command line. Running the flag test again.",
                one_test(ctx, on),
                [flag_fail()],
                code=code,
                passed=0,
            ),
        ]

    def reload(k: int) -> list[Step]:
        target = rng.choice([ctx.run.module, f"sys.modules['{ctx.dotted}']", ctx.stem])
        return [
            _edit(
                "Let me reload the module inside the test after setting the variable.",
                py_edit(
                    ctx.test_file,
                    f"    monkeypatch.setenv('{ctx.env}', '1')\n",
                    f"    monkeypatch.setenv('{ctx.env}', '1')\n    importlib.reload({target})\n",
                ),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(on, f"AttributeError: module '{ctx.run.module}' has no attribute '{ctx.stem}'")]
                if rng.random() < 0.5
                else [flag_fail(), *default_fail()[:1]],
                code=code,
            ),
        ]

    def rewrite(k: int) -> list[Step]:
        test = rng.choice(["in ('1', 'true', 'yes')", "not in ('', '0', 'false')", "== '1'"])
        return [
            _edit(
                "Perhaps the value parsing is wrong. Let me accept more spellings.",
                py_edit(
                    ctx.source,
                    f"os.environ.get('{ctx.env}', '').lower() == '1'",
                    f"os.environ.get('{ctx.env}', '').lower() {test}",
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", [flag_fail()], code=code),
        ]

    attempts: list[Attempt] = [export, conftest, patch_dict, probe, reload, rewrite]
    return churn(ctx, rng, n, first, attempts, f"getting {ctx.env} to take effect in the tests")


def _out(ctx: Ctx, rng: random.Random, failing: list[tuple[str, str]]) -> str:
    return run_output(ctx, rng, ctx.test_file, rng.randint(6, 60), failing)


def reload_class_identity_split(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`importlib.reload` makes new class objects; old instances and imported names stop matching."""
    names = ctx.cases(rng, 4)
    mod = ctx.dotted

    def split(name: str = "") -> tuple[str, str]:
        name = name or rng.choice(names)
        where = addr(rng)
        return (
            name,
            rng.choice(
                [
                    f"AssertionError: assert False\n +  where False = isinstance(<{mod}.{ctx.cls} object at {where}>, {ctx.cls})",
                    "TypeError: super(type, obj): obj must be an instance or subtype of type",
                    f"_pickle.PicklingError: Can't pickle <class '{mod}.{ctx.cls}'>: it's not the same object as {mod}.{ctx.cls}",
                    f"{mod}.{ctx.cls}Error: invalid {ctx.stem} value {rng.randint(0, 99)!r}",
                    f"AssertionError: assert <class '{mod}.{ctx.cls}'> is <class '{mod}.{ctx.cls}'>",
                ]
            ),
        )

    def fails() -> list[tuple[str, str]]:
        return [split(name) for name in rng.sample(names, rng.randint(1, 3))]

    first = [
        test_step(
            ctx,
            rng,
            "The new test reloads the module to pick up the setting. Let me run the whole module.",
            "",
            fails(),
            code=f"assert isinstance(result, {ctx.cls})",
        ),
        test_step(ctx, rng, "Let me run the first failing test alone.", one_test(ctx, names[0]), [], passed=1),
    ]

    def reload_more(k: int) -> list[Step]:
        target = rng.choice([ctx.run.module, mod, f"{mod}, {ctx.run.module}"])
        return [
            _edit(
                rng.choice(
                    [
                        "Maybe the parent package still holds the old names. Let me reload it too.",
                        "Let me reload the dependent modules as well so everything agrees.",
                    ]
                ),
                py_edit(
                    ctx.test_file,
                    f"    importlib.reload({ctx.stem})\n",
                    f"    importlib.reload({ctx.stem})\n    for m in ({target},):\n        importlib.reload(m)\n",
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), code=f"assert isinstance(result, {ctx.cls})"),
        ]

    def by_name(k: int) -> list[Step]:
        return [
            _edit(
                "Let me compare the class by name so the identity doesn't matter.",
                py_edit(
                    ctx.test_file,
                    f"isinstance(result, {ctx.cls})",
                    rng.choice(
                        [
                            f"type(result).__name__ == '{ctx.cls}'",
                            f"type(result).__qualname__ == '{ctx.cls}'",
                            f"result.__class__.__name__ == '{ctx.cls}'",
                        ]
                    ),
                    None,
                ),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [split(name) for name in rng.sample(names, rng.randint(1, 2))],
                code=f"with pytest.raises({ctx.cls}Error):",
            ),
        ]

    def pop_modules(k: int) -> list[Step]:
        return [
            _edit(
                "Instead of reload, let me drop the module from sys.modules and import it fresh.",
                py_edit(
                    ctx.test_file,
                    f"    importlib.reload({ctx.stem})\n",
                    rng.choice(
                        [
                            f"    sys.modules.pop('{mod}', None)\n    {ctx.stem} = importlib.import_module('{mod}')\n",
                            f"    del sys.modules['{mod}']\n    import {mod} as {ctx.stem}\n",
                            f"    monkeypatch.delitem(sys.modules, '{mod}')\n    {ctx.stem} = importlib.import_module('{mod}')\n",
                        ]
                    ),
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), code=f"assert isinstance(result, {ctx.cls})"),
        ]

    def order(k: int) -> list[Step]:
        extra = (
            rng.choice([" -p no:randomly", " -x", f" -k 'not {names[-1]}'", " --lf"])
            if not ctx.django
            else rng.choice([" --reverse", " --parallel 1"])
        )
        return [
            test_step(
                ctx,
                rng,
                "Which tests fail seems to depend on when the reload happens. Let me change the order.",
                "",
                fails(),
                extra=extra,
                code=f"assert isinstance(result, {ctx.cls})",
            )
        ]

    def ids(k: int) -> list[Step]:
        a, b = addr(rng), addr(rng)
        return [
            Step(
                "Let me see whether reload really makes a different class object.",
                f'python -c "import importlib, {mod} as m; c = m.{ctx.cls}; importlib.reload(m); print(hex(id(c)), hex(id(m.{ctx.cls})), c is m.{ctx.cls})"',
                f"{a} {b} False",
            ),
            test_step(
                ctx,
                rng,
                "It does. Let me re-run to see where that bites.",
                "",
                fails(),
                extra=" -q" if not ctx.django else "",
                code=f"assert isinstance(result, {ctx.cls})",
            ),
        ]

    def reimport(k: int) -> list[Step]:
        return [
            _edit(
                f"Let me import {ctx.cls} inside the test after the reload rather than at the top.",
                py_edit(ctx.test_file, f"from {mod} import {ctx.cls}\n", ""),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(rng.choice(names), f"NameError: name '{ctx.cls}' is not defined")] if rng.random() < 0.5 else fails(),
                code=f"assert isinstance(result, {ctx.cls})",
            ),
        ]

    attempts: list[Attempt] = [reload_more, by_name, pop_modules, order, ids, reimport]
    return churn(ctx, rng, n, first, attempts, "the reload breaking other tests")
