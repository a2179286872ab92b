# ruff: noqa: E501
"""Loop family on namespace packages: two portions of one package, each __init__.py or listing fix hiding the other half."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, test_step, traceback
from heldout61.text import Attempt, Ctx, Fail, py_edit

_NAMESPACES = {"matplotlib": "mpl_toolkits", "sphinx-doc": "sphinxcontrib"}


def namespace(ctx: Ctx) -> tuple[str, str]:
    """The namespace package the family splits in two, and where the test keeps its two portions."""
    ns = _NAMESPACES.get(ctx.run.owner, f"{ctx.run.module.lstrip('_')}_ext")
    root = f"tests/{ctx.stem}_tests/nsdata" if ctx.django else f"{ctx.tests_dir}/nsdata"
    return ns, root


def namespace_portion_hidden(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Submodules found across a namespace package's portions: __file__ is None, then one portion hides the other, whatever the agent adds or removes."""
    a = ctx.source
    ns, root = namespace(ctx)
    pa, pb = f"{root}/a/{ns}", f"{root}/b/{ns}"
    func = f"_{ctx.stem}_submodules"
    body = f"def {func}(package):\n    module = importlib.import_module(package)\n    directory = os.path.dirname(module.__file__)\n    return sorted(\n        name[:-3] for name in os.listdir(directory)\n        if name.endswith('.py') and not name.startswith('_')\n    )\n"
    cases = ("namespace_package", "namespace_two_portions", "regular_package", "submodules_sorted", "portion_order")
    state = {"init_a": False, "init_b": False, "listing": "file"}

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, cases)
        missing = (
            "beta"
            if state["init_a"] and not state["init_b"]
            else "alpha"
            if state["init_b"] and not state["init_a"]
            else rng.choice(["alpha", "beta"])
        )
        return {
            "none": Fail(
                case,
                "TypeError: expected str, bytes or os.PathLike object, not NoneType",
                f"assert {func}({ns!r}) == ['alpha', 'beta']",
                [
                    (func, "directory = os.path.dirname(module.__file__)"),
                    (f"{ctx.lib}/posixpath.py", "dirname", "p = os.fspath(p)"),
                ],
            ),
            "one": Fail(
                case,
                f"AssertionError: assert [{'alpha' if missing == 'beta' else 'beta'!r}] == ['alpha', 'beta']",
                f"assert {func}({ns!r}) == ['alpha', 'beta']",
            ),
            "hidden": Fail(
                case,
                f"ModuleNotFoundError: No module named '{ns}.{missing}'",
                f"importlib.import_module('{ns}.{missing}')",
            ),
            "extra": Fail(
                case,
                f"AssertionError: assert {['__init__', 'alpha', 'beta'] if state['init_a'] else rng.choice([['alpha', 'alpha', 'beta'], ['alpha', 'beta', 'beta']])!r} == ['alpha', 'beta']",
                f"assert {func}({ns!r}) == ['alpha', 'beta']",
            ),
            "nospec": Fail(
                case,
                "TypeError: listdir: path should be string, bytes, os.PathLike, integer or None, not _NamespacePath",
                f"assert {func}({ns!r}) == ['alpha', 'beta']",
                [(func, "name[:-3] for name in os.listdir(directories)")],
            ),
            "django": Fail(
                case,
                f"django.core.exceptions.ImproperlyConfigured: The app module <module '{ns}' (namespace)> has multiple filesystem locations (['/testbed/{pa}', '/testbed/{pb}']); you must configure this app with an AppConfig subclass with a 'path' class attribute.",
                f"with self.settings(INSTALLED_APPS=['{ns}']):",
            ),
        }[kind]

    def outcome() -> list[str]:
        if state["init_a"] != state["init_b"]:
            return ["hidden", rng.choice(["one", "hidden"])]
        if state["init_a"]:
            return ["one" if state["listing"] == "file" else "extra"]
        kinds = {"file": ["none"], "first": ["one"], "all": ["extra"], "spec": ["nospec"]}[state["listing"]]
        return kinds + (["django"] if ctx.django and rng.random() < 0.5 else [])

    def run(thought: str) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in outcome())}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", ctx.test_file, f"{ctx.test_file}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q"]),
        )

    def listing(k: int) -> list[Step]:
        new, code, why = rng.choice(
            [
                (
                    "first",
                    "directory = list(module.__path__)[0]",
                    "A namespace package has no __file__; take its directory from __path__ instead.",
                ),
                ("all", "directories = list(module.__path__)", "Walk every entry of __path__, not just one directory."),
                (
                    "spec",
                    f"directories = importlib.util.find_spec({ns!r}).submodule_search_locations",
                    "Use the spec's submodule_search_locations, which lists all portions.",
                ),
                (
                    "file",
                    "directory = os.path.dirname(module.__file__)",
                    "Go back to __file__; the portions should be regular packages anyway.",
                ),
            ]
        )
        state["listing"] = new
        return [
            Step(why, py_edit(a, "directory = os.path.dirname(module.__file__)", code), "patched"),
            run("Rerun the namespace tests."),
        ]

    def add_init(k: int) -> list[Step]:
        which = rng.choice(["a", "b", "both"])
        paths = {"a": [pa], "b": [pb], "both": [pa, pb]}[which]
        extend = rng.random() < 0.4
        content = "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n" if extend else ""
        if which in ("a", "both"):
            state["init_a"] = True
        if which in ("b", "both"):
            state["init_b"] = True
        return [
            Step(
                f"Give {'both portions' if which == 'both' else 'the ' + which + ' portion'} an __init__.py{' that extends __path__ with pkgutil' if extend else ' so it is a proper package'}.",
                " && ".join(
                    f"printf '{content.strip()}\\n' > {p}/__init__.py" if extend else f"touch {p}/__init__.py"
                    for p in paths
                ),
                "",
            ),
            run("Rerun the tests."),
        ]

    def remove_init(k: int) -> list[Step]:
        which = rng.choice(["a", "b"])
        state["init_" + which] = False
        return [
            Step(
                f"An __init__.py turns a portion into a regular package that hides the rest. Remove the one in {which}.",
                f"rm -f {pa if which == 'a' else pb}/__init__.py && find {root} -name '__init__.py'",
                "\n".join(f"{p}/__init__.py" for p, on in ((pa, state["init_a"]), (pb, state["init_b"])) if on),
            ),
            run("Run the tests again."),
        ]

    def probe(k: int) -> Step:
        if state["init_a"] != state["init_b"]:
            shown = f"['/testbed/{pa if state['init_a'] else pb}']"
        else:
            shown = (
                f"_NamespacePath(['/testbed/{pa}', '/testbed/{pb}'])"
                if not state["init_a"]
                else f"['/testbed/{pa}', '/testbed/{pb}']"
            )
        file = (
            "None"
            if not (state["init_a"] or state["init_b"])
            else f"/testbed/{pa if state['init_a'] else pb}/__init__.py"
        )
        return Step(
            "Let me look at what the package resolves to with both portions on the path.",
            f'PYTHONPATH={root}/a:{root}/b python -c "import {ns}; print({ns}.__path__); print({ns}.__file__)"',
            f"{shown}\n{file}",
        )

    def order(k: int) -> Step:
        first = rng.choice(["b", "a"])
        hidden = state["init_a"] != state["init_b"]
        code = f"import {ns}.alpha, {ns}.beta; print('both')"
        return Step(
            f"Does the order of the portions on sys.path matter? Put {first} first.",
            f'PYTHONPATH={root}/{first}:{root}/{"a" if first == "b" else "b"} python -c "{code}"',
            traceback(rng, [], f"ModuleNotFoundError: No module named '{ns}.{'beta' if state['init_a'] else 'alpha'}'")
            if hidden
            else "both",
            rc=1 if hidden else 0,
        )

    def caches(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the path finder caches stale directory listings between the test's sys.path changes. Invalidate the import caches first.",
                py_edit(
                    a,
                    "    module = importlib.import_module(package)",
                    "    importlib.invalidate_caches()\n    module = importlib.import_module(package)",
                ),
                "patched",
            ),
            run("Rerun."),
        ]

    first = [
        run("Let me run the tests with the namespace package fixtures."),
        Step("Let me look at how the submodules are listed.", f"grep -n 'def {func}' -A7 {a}", body),
        Step("And the layout of the two portions.", f"find {root} -type f | sort", f"{pa}/alpha.py\n{pb}/beta.py"),
    ]
    attempts: list[Attempt] = [
        listing,
        listing,
        add_init,
        remove_init,
        caches,
        lambda k: [probe(k)],
        lambda k: [order(k)],
        lambda k: [probe(k), run("Run the tests.")],
    ]
    return churn(ctx, rng, n, first, attempts, f"listing the submodules of the {ns} namespace package", [a], body)
