# ruff: noqa: E501
"""Loop family on per-environment settings modules: `from .base import *` layers chosen by an environment variable."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step


def env_module_star_import_shadow(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """dev's `+=` mutates base's list, the chosen module is cached, `__all__` hides names, env aliases fall through: each fix exposes the next."""
    tf = ctx.test_file
    pkg = ctx.source.rsplit("/", 1)[0] + "/settings"
    dotted = ctx.dotted.rsplit(".", 1)[0] + ".settings"
    var = ctx.prefix + "ENV"
    flag, _, _, many = ctx.keys
    flag_u, many_u = flag.upper().replace(".", "_"), many.upper().replace(".", "_")
    extra = rng.choice(["debug_toolbar", "profiling", "dev_reload", "sql_echo"])
    alias = rng.choice(["testing", "ci", "tests"])
    tried = Tried()
    init = f"import os\n\nENV = os.environ.get({var!r}, 'dev')\n\nif ENV == 'prod':\n    from .prod import *  # noqa\nelif ENV == 'test':\n    from .test import *  # noqa\nelse:\n    from .dev import *  # noqa\n"
    cases = {
        "mutated": (
            "test_settings_have_no_dev_extras",
            f"assert {extra!r} not in settings.{many_u}",
            f"AssertionError: assert {extra!r} not in ['core', 'io', {extra!r}]",
        ),
        "base": (
            "base_is_unchanged",
            f"assert base.{many_u} == ['core', 'io']",
            f"AssertionError: assert ['core', 'io', {extra!r}] == ['core', 'io']",
        ),
        "cached": (
            "test_env_has_debug_off",
            f"assert settings.{flag_u} is False",
            "AssertionError: assert True is False",
        ),
        "alias": (
            "ci_alias_selects_test",
            "assert settings.ENV_NAME == 'test'",
            "AssertionError: assert 'dev' == 'test'",
        ),
        "unknown": (
            "unknown_env_rejected",
            "with pytest.raises(ImportError):",
            "Failed: DID NOT RAISE <class 'ImportError'>",
        ),
        "all": (
            "prod_reads_secret",
            "importlib.import_module(" + repr(dotted + ".prod") + ")",
            "NameError: name '_env_list' is not defined",
        ),
        "exports": (
            "settings_export_only_settings",
            "assert [n for n in dir(settings) if not n.isupper() and not n.startswith('_')] == []",
            "AssertionError: assert ['Path', 'os'] == []",
        ),
        "name": (
            "settings_module_name",
            f"assert settings.__name__ == {dotted!r}",
            f"AssertionError: assert '{dotted}.dev' == '{dotted}'",
        ),
    }

    def outcome(thought: str, kinds: list[str], target: str = "") -> Step:
        fails = []
        for kind in kinds:
            case, code, error = cases[kind]
            frames = [("<module>", f"{many_u} = _env_list({ctx.prefix + many_u!r})")] if kind == "all" else []
            fails.append(Fail(f"test_{ctx.stem}_{case}", error, code, frames))
        return test_step(
            ctx, rng, thought, target or rng.choice(["", tf]), fails, rng.choice(["", " -q", " -x", " -p no:randomly"])
        )

    def collection_error(thought: str) -> Step:
        if ctx.django:
            out = f'Traceback (most recent call last):\n  File "/testbed/tests/runtests.py", line {rng.randint(700, 780)}, in <module>\n    failures = django_tests(\n  File "/testbed/{pkg}/__init__.py", line {rng.randint(8, 16)}, in <module>\n    raise ImportError(f"unknown {var}: {{ENV!r}}")\nImportError: unknown {var}: {alias!r}'
        else:
            out = f"ImportError while loading conftest '/testbed/{ctx.tests_dir}/conftest.py'.\n{ctx.tests_dir}/conftest.py:{rng.randint(3, 12)}: in <module>\n    from {dotted} import *\n{pkg}/__init__.py:{rng.randint(8, 16)}: in <module>\n    raise ImportError(f\"unknown {var}: {{ENV!r}}\")\nE   ImportError: unknown {var}: {alias!r}"
        return Step(
            thought,
            f"{var}={alias} " + ctx.tests(tf, " -q"),
            out,
            rc=4 if not ctx.django else 1,
            seconds=rng.uniform(0.5, 3),
        )

    def concat(k: int) -> list[Step]:
        return [
            Step(
                f"dev.py does `{many_u} += [...]` on the list it star-imported from base, which is the very same list object: it mutates base for every environment. Build a new list instead.",
                py_edit(f"{pkg}/dev.py", f"{many_u} += [{extra!r}]", f"{many_u} = [*{many_u}, {extra!r}]"),
                "patched",
            ),
            outcome("Rerun the settings tests.", ["cached", rng.choice(["alias", "cached"])]),
        ]

    def reload_pkg(k: int) -> list[Step]:
        return [
            Step(
                f"The settings package was already imported (as dev) before the test set {var}=test; reload it inside the test.",
                py_edit(
                    tf,
                    f"settings = importlib.import_module({dotted!r})",
                    f"settings = importlib.reload(importlib.import_module({dotted!r}))",
                ),
                "patched",
            ),
            outcome("Run the tests again.", ["mutated", rng.choice(["base", "cached"])]),
        ]

    def raise_unknown(k: int) -> list[Step]:
        return [
            Step(
                "An unknown environment silently falls back to dev. Make the else branch only take 'dev' and raise for anything else.",
                py_edit(
                    f"{pkg}/__init__.py",
                    "else:\n    from .dev import *  # noqa\n",
                    f"elif ENV == 'dev':\n    from .dev import *  # noqa\nelse:\n    raise ImportError(f\"unknown {var}: {{ENV!r}}\")\n",
                ),
                "patched",
            ),
            collection_error("The CI job sets the variable its own way; let me run the tests as CI does."),
        ]

    def aliases(k: int) -> list[Step]:
        return [
            Step(
                f"CI uses {var}={alias}. Map the aliases onto the module names before choosing.",
                py_edit(
                    f"{pkg}/__init__.py",
                    f"ENV = os.environ.get({var!r}, 'dev')\n",
                    f"ENV = os.environ.get({var!r}, 'dev')\nENV = {{'testing': 'test', 'ci': 'test', 'tests': 'test', 'production': 'prod'}}.get(ENV, ENV)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", [rng.choice(["cached", "unknown"]), rng.choice(["name", "mutated"])]),
        ]

    def import_module(k: int) -> list[Step]:
        return [
            Step(
                "Replace the if/elif chain: import the chosen module by name and copy its names into the package namespace.",
                f"cat > {pkg}/__init__.py <<'EOF'\nimport importlib\nimport os\n\nENV = os.environ.get({var!r}, 'dev')\n_module = importlib.import_module(f'.{{ENV}}', __name__)\nglobals().update(vars(_module))\nEOF",
                "",
            ),
            outcome("Run the tests.", ["name", rng.choice(["exports", "unknown"])]),
        ]

    def upper_only(k: int) -> list[Step]:
        return [
            Step(
                "Copy only the UPPER_CASE settings, not the module's dunders and imports.",
                py_edit(
                    f"{pkg}/__init__.py",
                    "globals().update(vars(_module))",
                    "globals().update({k: v for k, v in vars(_module).items() if k.isupper()})",
                ),
                "patched",
            ),
            outcome("Rerun.", [rng.choice(["cached", "mutated"]), "all"]),
        ]

    def dunder_all(k: int) -> list[Step]:
        return [
            Step(
                "base.py defines __all__, so `from .base import *` doesn't bring _env_list into prod. Let me drop __all__ from base.",
                f"sed -i '/^__all__ = /,/^]/d' {pkg}/base.py && grep -c __all__ {pkg}/base.py",
                "0",
                rc=1,
            ),
            outcome("Run the settings tests.", ["exports", rng.choice(["all", "cached"])]),
        ]

    def add_all(k: int) -> list[Step]:
        return [
            Step(
                "Put __all__ back and list the helper in it explicitly instead.",
                f"git checkout {pkg}/base.py && "
                + py_edit(f"{pkg}/base.py", "__all__ = [", "__all__ = [\n    '_env_list',"),
                "patched",
            ),
            outcome("Rerun.", [rng.choice(["mutated", "base"]), rng.choice(["cached", "alias"])]),
        ]

    def probe(k: int) -> Step:
        env = rng.choice(["test", alias, "dev"])
        return Step(
            "Let me see what each environment ends up with in a fresh interpreter.",
            f"for e in dev test {alias}; do {var}=$e python -c \"import {dotted} as s; print('$e', s.{flag_u}, s.{many_u})\"; done",
            "\n".join(
                f"{e} {'True' if e != 'test' else 'False'} ['core', 'io'{', ' + repr(extra) if e != 'test' or env == 'test' else ''}]"
                for e in ("dev", "test", alias)
            ),
        )

    first = [
        outcome("Let me run the tests for the environment settings.", ["mutated", rng.choice(["base", "cached"])]),
        Step(
            "Let me look at how the environment module is chosen.",
            f"cat {pkg}/__init__.py; echo ---; cat {pkg}/dev.py",
            init + f"---\nfrom .base import *  # noqa\n\n{flag_u} = True\n{many_u} += [{extra!r}]\n",
        ),
    ]
    attempts: list[Attempt] = [
        concat,
        reload_pkg,
        raise_unknown,
        aliases,
        tried.mark(import_module),
        tried.after(import_module, upper_only),
        tried.mark(dunder_all),
        tried.after(dunder_all, add_all),
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, f"choosing the settings module from {var}", "settings", init)
