# ruff: noqa: E501
"""Loop family on entry points: plugins looked up through an importlib.metadata API that moves between Pythons."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step, traceback
from heldout61.text import Attempt, Ctx, Fail, py_edit


def entry_points_api_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Plugins looked up by entry point: each importlib.metadata spelling fails on this Python, and the one that runs finds nothing."""
    a, kind = ctx.source, ctx.kind
    top = ctx.run.module.lstrip("_")
    group, wrong = f"{top}.{kind}s", f"{top}.{kind}"
    demo = f"demo_{kind}"
    dist = f"{top}-demo-{kind}"
    minor = int(ctx.python.split(".")[1])
    loader = f"load_{kind}_plugins"
    body = f"from importlib.metadata import entry_points\n\n\ndef {loader}():\n    found = {{}}\n    for ep in entry_points().select(group='{group}'):\n        found[ep.name] = ep.load()\n    return found\n"
    frame = (loader, f"for ep in entry_points().select(group={group!r}):")

    state = {"api": "select", "backport": False}  # what the loader calls now; whether the backport got installed

    def outcome(api: str) -> Fail:
        case = ctx.case(rng, ("plugin_discovered", "entry_point_loaded", "third_party", "plugin_order"))
        empty = rng.choice(
            [
                Fail(case, "AssertionError: assert 'demo' in {}", f"assert 'demo' in {loader}()"),
                Fail(case, "KeyError: 'demo'", f"plugin = {loader}()['demo']"),
                Fail(
                    case,
                    f"ValueError: Unknown {kind} 'demo'. Available {kind}s: {sorted(ctx.plugin_names[:3])}",
                    f"get_{kind}('demo')",
                ),
            ]
        )
        if api == "select" and minor < 10:
            return Fail(
                case, "AttributeError: 'dict' object has no attribute 'select'", f"plugins = {loader}()", [frame]
            )
        if api == "group" and minor < 10:
            return Fail(
                case,
                "TypeError: entry_points() got an unexpected keyword argument 'group'",
                f"plugins = {loader}()",
                [(loader, f"for ep in entry_points(group={group!r}):")],
            )
        if api == "get" and minor in (10, 11):
            return Fail(
                case,
                "DeprecationWarning: SelectableGroups dict interface is deprecated. Use select.",
                f"plugins = {loader}()",
                [(loader, f"for ep in entry_points().get({group!r}, []):")],
            )
        if api == "get" and minor >= 12:
            return Fail(
                case,
                "AttributeError: 'EntryPoints' object has no attribute 'get'",
                f"plugins = {loader}()",
                [(loader, f"for ep in entry_points().get({group!r}, []):")],
            )
        if api == "pkg_resources" and rng.random() < 0.5:
            return Fail(
                case,
                "DeprecationWarning: pkg_resources is deprecated as an API. See https://setuptools.pypa.io/en/latest/pkg_resources.html",
                f"plugins = {loader}()",
                [(loader, "import pkg_resources")],
            )
        return empty

    def run(thought: str, api: str) -> Step:
        if api == "backport" and not state["backport"]:
            frames = [(a, "<module>", "from importlib_metadata import entry_points")]
            return import_fail(ctx, rng, thought, frames, "ModuleNotFoundError: No module named 'importlib_metadata'")
        fails = list({f.name: f for f in (outcome(api) for _ in range(rng.randint(1, 2)))}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", ctx.test_file]),
            fails,
            rng.choice(["", " -x", " -q", " -W error::DeprecationWarning"]),
        )

    def switch(k: int) -> list[Step]:
        api, old, new, why = rng.choice(
            [
                (
                    "select",
                    f"entry_points().get({group!r}, [])",
                    f"entry_points().select(group={group!r})",
                    "use the selectable API, `entry_points().select(group=...)`",
                ),
                (
                    "group",
                    f"entry_points().get({group!r}, [])",
                    f"entry_points(group={group!r})",
                    "pass the group as a keyword to entry_points()",
                ),
                (
                    "get",
                    f"entry_points().select(group={group!r})",
                    f"entry_points().get({group!r}, [])",
                    "go back to the dict interface, which this Python has",
                ),
                (
                    "backport",
                    "from importlib.metadata import entry_points",
                    "from importlib_metadata import entry_points",
                    "use the importlib_metadata backport, which has select() on every Python",
                ),
                (
                    "pkg_resources",
                    "from importlib.metadata import entry_points",
                    "import pkg_resources",
                    "use pkg_resources.iter_entry_points, which works the same everywhere",
                ),
            ]
        )
        state["api"] = api
        steps = [Step(f"Let me {why}.", py_edit(a, old, new), "patched")]
        if api == "backport" and not state["backport"]:
            steps.append(
                import_fail(
                    ctx,
                    rng,
                    "Run the tests.",
                    [(a, "<module>", "from importlib_metadata import entry_points")],
                    "ModuleNotFoundError: No module named 'importlib_metadata'",
                )
            )
        else:
            steps.append(run("Run the tests.", api))
        return steps

    def reinstall(k: int) -> list[Step]:
        command, out = rng.choice(
            [
                (
                    f"pip install -e /tmp/{demo} 2>&1 | tail -3",
                    f"Installing collected packages: {dist}\n  Running setup.py develop for {dist}\nSuccessfully installed {dist}-0.1",
                ),
                (
                    f"pip uninstall -y {dist} && pip install /tmp/{demo} 2>&1 | tail -2",
                    f"Found existing installation: {dist} 0.1\nUninstalling {dist}-0.1:\n  Successfully uninstalled {dist}-0.1\nSuccessfully installed {dist}-0.1",
                ),
                (
                    f"rm -rf /tmp/{demo}/*.egg-info /tmp/{demo}/build && pip install --no-build-isolation -e /tmp/{demo} 2>&1 | tail -2",
                    f"  Building editable for {dist} (pyproject.toml) ... done\nSuccessfully installed {dist}-0.1",
                ),
            ]
        )
        if state["api"] == "backport" and not state["backport"]:
            state["backport"] = True
            command = "pip install importlib_metadata 2>&1 | tail -1"
            out = f"Successfully installed importlib_metadata-{rng.choice(['6.8.0', '7.0.1', '8.5.0'])} zipp-{rng.choice(['3.17.0', '3.20.2'])}"
            return [
                Step("The backport isn't installed. Install it.", command, out, seconds=rng.uniform(3, 20)),
                run("Rerun.", state["api"]),
            ]
        return [
            Step(
                rng.choice(
                    [
                        "Maybe the demo plugin's metadata is stale. Reinstall it.",
                        "Reinstall the demo plugin and try again.",
                        "The metadata may not be picked up; reinstall.",
                    ]
                ),
                command,
                out,
                seconds=rng.uniform(3, 20),
            ),
            run("Rerun.", state["api"]),
        ]

    def check(k: int) -> Step:
        command, out = rng.choice(
            [
                (
                    f"pip show {dist} | head -3",
                    f"Name: {dist}\nVersion: 0.1\nSummary: Demo {kind} for the plugin tests",
                ),
                (f"python -c \"import importlib.metadata as m; print(m.version('{dist}'))\"", "0.1"),
                (
                    f"python -c \"from importlib.metadata import entry_points; print(len(entry_points()), '{group}' in entry_points())\"",
                    f"{rng.randint(12, 60)} False",
                ),
                ("pip list 2>/dev/null | grep -i demo", f"{dist:<30}0.1     /tmp/{demo}"),
                (
                    f"cat /tmp/{demo}/pyproject.toml",
                    f'[project]\nname = "{dist}"\nversion = "0.1"\n\n[project.entry-points."{wrong}"]\ndemo = "{demo}:Demo{kind.title()}"\n',
                ),
            ]
        )
        return Step(
            rng.choice(
                [
                    "Let me check that the demo plugin is installed.",
                    "Is the distribution visible at all?",
                    "Let me check the metadata by hand.",
                ]
            ),
            command,
            out,
        )

    def invalidate(k: int) -> list[Step]:
        return [
            Step(
                "Maybe importlib has cached the path entries from before the install. Invalidate the caches before reading entry points.",
                py_edit(a, f"def {loader}():\n", f"def {loader}():\n    importlib.invalidate_caches()\n"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                ctx.test_file,
                [
                    Fail(
                        ctx.case(rng, ("plugin_discovered", "third_party")),
                        "NameError: name 'importlib' is not defined",
                        f"plugins = {loader}()",
                        [(loader, "importlib.invalidate_caches()")],
                    )
                ],
            )
            if rng.random() < 0.3
            else run("Rerun.", state["api"]),
        ]

    def probe(k: int) -> Step:
        api = rng.choice(["select", "get"])
        code = f"from importlib.metadata import entry_points; print(entry_points().{'select(group=' + repr(group) + ')' if api == 'select' else 'get(' + repr(group) + ', [])'})"
        if api == "select" and minor < 10:
            out, rc = traceback(rng, [], "AttributeError: 'dict' object has no attribute 'select'"), 1
        else:
            out, rc = ("[]" if api == "get" else "()"), 0
        return Step("Let me query the group directly.", f'python -c "{code}"', out, rc=rc)

    first = [
        run(f"Let me run the tests for {kind} plugins loaded from entry points.", "select"),
        Step("Let me look at how the plugins are loaded.", f"grep -n 'entry_points' -B2 -A6 {a}", body),
    ]
    attempts: list[Attempt] = [
        switch,
        switch,
        reinstall,
        invalidate,
        lambda k: [check(k)],
        lambda k: [probe(k)],
        lambda k: [check(k), run("Run the tests once more.", state["api"])],
    ]
    return churn(ctx, rng, n, first, attempts, f"loading the {group} entry points", [a], body)
