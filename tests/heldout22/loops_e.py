"""Plugin conflict: pytest refuses to start, and each way around one refusal meets another."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from heldout20.calls import Step
from heldout22.text import Ctx, Maker, vary, weave

# Where each repository keeps its pytest settings, the options its addopts pass, and the conftest option it adds.
CONFIG = {
    "astropy": ("setup.cfg", "[tool:pytest]", "--color=yes --doctest-rst", "--remote-data"),
    "matplotlib": ("pytest.ini", "[pytest]", "--timeout=300 -p no:legacypath", "--run-slow"),
    "scikit-learn": (
        "setup.cfg",
        "[tool:pytest]",
        "--doctest-modules --disable-pytest-warnings -n 2",
        "--skip-network",
    ),
    "pydata": ("setup.cfg", "[tool:pytest]", "--strict-markers -n 2", "--run-network-tests"),
    "sympy": ("pytest.ini", "[pytest]", "--timeout=600", "--slow"),
    "sphinx-doc": ("setup.cfg", "[tool:pytest]", "--cov=sphinx --cov-report=", "--sphinx-srcdir"),
    "pytest-dev": ("tox.ini", "[pytest]", "-rfEX -p pytester --strict-markers", "--runpytest"),
    "psf": ("pytest.ini", "[pytest]", "-p no:warnings --doctest-modules", "--run-httpbin"),
    "pallets": ("setup.cfg", "[tool:pytest]", "--cov=flask --cov-branch", "--run-slow"),
    "pylint-dev": ("setup.cfg", "[tool:pytest]", "--benchmark-disable", "--primer-stdlib"),
    "mwaskom": ("pytest.ini", "[pytest]", "-n auto --cov=seaborn", "--run-slow"),
}
_MODULES = {
    "xdist": "xdist.plugin",
    "hypothesis": "hypothesis.extra.pytestplugin",
    "cov": "pytest_cov.plugin",
    "timeout": "pytest_timeout",
}
_HOOKS = [
    ("pytest_warning_captured", "warning_message, when, item, location"),
    ("pytest_collection_modifyitems", "session, config, items, legacy"),
    ("pytest_runtest_logreport", "report, node"),
    ("pytest_configure_node", "node"),
    ("pytest_report_header", "config, startdir, startpath"),
]


def plugin_versions(ctx: Ctx) -> dict[str, str]:
    """The plugins pytest listed in this run's environment, with their versions."""
    found = dict(
        part.strip().rsplit("-", 1) for part in ctx.run.plugins.removeprefix("plugins: ").split(",") if "-" in part
    )
    return found or {"cov": "5.0.0"}


def distribution(plugin: str) -> str:
    return plugin if plugin == "hypothesis" else f"pytest-{plugin}"


def plugin_module(name: str) -> str:
    return _MODULES.get(name, f"pytest_{name.replace('-', '_')}.plugin")


def startup_traceback(ctx: Ctx, rng: random.Random, tail: list[str]) -> str:
    site = ctx.site
    return "\n".join(
        [
            "Traceback (most recent call last):",
            '  File "/opt/miniconda3/envs/testbed/bin/pytest", line 8, in <module>',
            "    sys.exit(console_main())",
            f'  File "{site}/_pytest/config/__init__.py", line {rng.choice([185, 189, 192])}, in console_main',
            "    code = main()",
            f'  File "{site}/_pytest/config/__init__.py", line {rng.choice([143, 147, 165])}, in main',
            "    config = _prepareconfig(args, plugins)",
            *tail,
        ]
    )


@dataclass
class _State:
    kind: str = "unrecognized"
    pending: bool = False  # an edit since the last run, so the next run shows what it changed
    flags: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # addopts the agent dropped


def plugin_conflict(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    cfg, section, addopts, option = CONFIG[ctx.owner]
    versions = plugin_versions(ctx)
    plugins = list(versions)
    culprit = rng.choice([p for p in plugins if p != "cov"] or plugins)
    cov = f"--cov={ctx.run.module} --cov-report=term-missing"
    target = f"{ctx.tests_dir}/test_{ctx.stem}.py"
    site = ctx.site
    state = _State(kind=rng.choice(["unrecognized", "hook", "duplicate"]))
    kinds = [
        "unrecognized",
        "hook",
        "hookargs",
        "duplicate",
        "conflict",
        "conftest",
        "internal",
        "minversion",
        "import",
    ]

    def error(kind: str) -> tuple[str, int]:
        plugin = rng.choice(plugins)
        if kind == "unrecognized":
            args = rng.choice([cov, addopts.split()[-1] if addopts.split()[-1] != "2" else "-n 2", f"{option}"])
            return (
                f"ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]\npytest: error: unrecognized arguments: {args}\n  inifile: /testbed/{cfg}\n  rootdir: /testbed\n",
                4,
            )
        if kind == "hook":
            hook = rng.choice(_HOOKS)[0]
            return startup_traceback(
                ctx,
                rng,
                [
                    f'  File "{site}/pluggy/_manager.py", line {rng.choice([316, 342, 354])}, in check_pending',
                    "    raise PluginValidationError(",
                    f"pluggy._manager.PluginValidationError: unknown hook '{hook}' in plugin <module '{plugin_module(culprit)}' from '{site}/{plugin_module(culprit).replace('.', '/')}.py'>",
                ],
            ), 1
        if kind == "hookargs":
            hook, args = rng.choice(_HOOKS)
            extra = args.split(", ")[-1]
            return startup_traceback(
                ctx,
                rng,
                [
                    f'  File "{site}/pluggy/_manager.py", line {rng.choice([246, 262])}, in _verify_hook',
                    "    raise PluginValidationError(",
                    f"pluggy._manager.PluginValidationError: Plugin '{culprit}' for hook '{hook}'\nhookimpl definition: {hook}({args})\nArgument(s) {{'{extra}'}} are declared in the hookimpl but can not be found in the hookspec",
                ],
            ), 1
        if kind == "duplicate":
            return startup_traceback(
                ctx,
                rng,
                [
                    f'  File "/testbed/conftest.py", line {rng.randint(12, 60)}, in pytest_addoption',
                    "    parser.addoption(",
                    f'  File "{site}/_pytest/config/argparsing.py", line {rng.choice([103, 386, 392])}, in addoption',
                    '    raise ValueError("option names %s already added" % conflict)',
                    f"ValueError: option names {{'{option}'}} already added",
                ],
            ), 1
        if kind == "conflict":
            return startup_traceback(
                ctx,
                rng,
                [
                    f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/argparse.py", line 1508, in _check_conflict',
                    "    conflict_handler(action, confl_optionals)",
                    f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/argparse.py", line 1517, in _handle_conflict_error',
                    "    raise ArgumentError(action, message % conflict_string)",
                    f"argparse.ArgumentError: argument {option}: conflicting option string: {option}",
                ],
            ), 1
        if kind == "conftest":
            return (
                f"ImportError while loading conftest '/testbed/conftest.py'.\nconftest.py:{rng.randint(3, 20)}: in <module>\n    from {plugin_module(culprit).split('.')[0]} import {rng.choice(['plugin', 'fixtures', 'hooks'])}\nE   ModuleNotFoundError: No module named '{plugin_module(culprit).split('.')[0]}'",
                4,
            )
        if kind == "internal":
            attr = rng.choice(["_store", "_inicache", "known_args_namespace", "invocation_dir", "rootdir"])
            return "\n".join(
                [
                    "INTERNALERROR> Traceback (most recent call last):",
                    f'INTERNALERROR>   File "{site}/_pytest/main.py", line {rng.choice([264, 266, 268])}, in wrap_session',
                    "INTERNALERROR>     config._do_configure()",
                    f'INTERNALERROR>   File "{site}/{plugin_module(plugin).replace(".", "/")}.py", line {rng.randint(40, 400)}, in pytest_configure',
                    f"INTERNALERROR>     config.{attr}",
                    f"INTERNALERROR> AttributeError: 'Config' object has no attribute '{attr}'",
                ]
            ), 3
        if kind == "minversion":
            have = ctx.run.pytest_header.split("pytest-")[1].split(",")[0]
            return (
                f"ERROR: /testbed/{cfg}: 'minversion' requires pytest-{int(have.split('.')[0]) + 1}.0, actual pytest-{have}'\n",
                4,
            )
        return startup_traceback(
            ctx,
            rng,
            [
                f'  File "{site}/_pytest/config/__init__.py", line {rng.choice([756, 782])}, in import_plugin',
                "    raise ImportError(",
                f"ImportError: Error importing plugin \"{culprit}\": No module named '{culprit}'",
            ],
        ), 1

    def advance() -> None:
        state.kind = rng.choice([k for k in kinds if k != state.kind])

    def run(thought: str, flags: str = "") -> Step:
        state.pending = False
        base = vary(
            rng,
            [
                "python -m pytest {t} -x",
                "python -m pytest {t} -x -q",
                "pytest {t} --tb=short",
                "python -m pytest -rA {t}",
                "python -m pytest {t} -k {k}",
            ],
        )
        command = f"{base.format(t=target, k=ctx.func.strip('_'))} {' '.join(state.flags)} {flags}".replace(
            "  ", " "
        ).strip()
        return Step(thought, command, *error(state.kind), rng.uniform(1, 4))

    def check(k: int) -> Step:
        return run(
            vary(
                rng,
                [
                    "Let me try running the tests again.",
                    "Running pytest again.",
                    "Let me see whether pytest starts now.",
                ],
            )
        )

    def react(k: int) -> Step:
        if state.pending:
            return check(k)
        kind = state.kind
        advance()
        state.pending = True
        if kind == "unrecognized" and rng.random() < 0.5:
            opt = rng.choice(["--cov", option, "-n"])
            state.removed.append(opt)
            return Step(
                f"The ini file's addopts pass an option no loaded plugin defines. I'll take it out of {cfg}.",
                f"sed -i 's/ *{opt}[=0-9a-z_ -]*//' {cfg} && sed -n '/{section.strip('[]')}/,/^$/p' {cfg}",
                f"{section}\naddopts = {' '.join(o for o in addopts.split() if not any(o.startswith(r) for r in state.removed))}\ntestpaths = {ctx.tests_dir}",
                0,
                0.3,
            )
        if kind == "unrecognized":
            return run("Let me override addopts on the command line so the ini's options don't apply.", '-o addopts=""')
        if kind in ("hook", "hookargs", "internal"):
            choice = rng.random()
            if choice < 0.45:
                state.flags.append(f"-p no:{culprit}")
                return run(
                    f"The `{culprit}` plugin is incompatible with this pytest. Let me disable it with -p no:{culprit}."
                )
            if choice < 0.75:
                return Step(
                    f"I'll uninstall the `{culprit}` plugin; these tests don't need it.",
                    f"pip uninstall -y {distribution(culprit)} 2>&1 | tail -2",
                    f"Found existing installation: {distribution(culprit)} {versions.get(culprit, '1.0.0')}\nSuccessfully uninstalled {distribution(culprit)}-{versions.get(culprit, '1.0.0')}",
                    0,
                    2.5,
                )
            state.pending = False
            return Step(
                "Let me stop pytest from autoloading installed plugins altogether.",
                f"PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest {target} -x",
                *error(state.kind),
                rng.uniform(1, 4),
            )
        if kind in ("duplicate", "conflict"):
            new = option + "-local"
            return Step(
                f"`{option}` is registered twice, once by the root conftest and once by a plugin. I'll rename the conftest's option.",
                f"sed -i 's/\"{option}\"/\"{new}\"/' conftest.py && grep -n 'addoption' conftest.py",
                f'{rng.randint(12, 40)}:    parser.addoption("{new}", action="store_true", default=False)',
                0,
                0.3,
            )
        if kind in ("conftest", "import"):
            return Step(
                f"pytest can't import `{culprit}`. Let me reinstall the plugin.",
                f"pip install {distribution(culprit)} 2>&1 | tail -3",
                f"Successfully installed {distribution(culprit)}-{versions.get(culprit, '1.0.0')}\nERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.\n{distribution(culprit)} requires pytest>=7.0.0, but you have pytest {ctx.run.pytest_header.split('pytest-')[1].split(',')[0]} which is incompatible.",
                0,
                rng.uniform(4, 15),
            )
        return Step(
            f"The minversion in {cfg} doesn't match this pytest. Let me lower it.",
            f"sed -i 's/^minversion = .*/minversion = 4.6/' {cfg}",
            "",
            0,
            0.2,
        )

    looks: list[Maker] = [
        lambda k: Step(
            "Which pluggy does this environment have?",
            'python -c "import pluggy, _pytest; print(pluggy.__version__, _pytest.__file__)"',
            f"1.{rng.choice([0, 3, 5])}.0 {site}/_pytest/__init__.py",
            0,
            0.6,
        ),
        lambda k: Step(
            "Let me see how pytest loads its plugins.",
            f"python -m pytest --trace-config --co -q {target} 2>&1 | grep -i -E 'registered|active plugins|error' | head -8",
            f"PLUGIN registered: <module '{plugin_module(culprit)}' from '{site}/{plugin_module(culprit).replace('.', '/')}.py'>\n"
            + error(state.kind)[0].splitlines()[-1],
            0,
            1.5,
        ),
        lambda k: Step(
            "Does pip see broken requirements?",
            "pip check",
            f"{distribution(culprit)} {versions.get(culprit, '1.0.0')} has requirement pytest>=7.0.0, but you have pytest {ctx.run.pytest_header.split('pytest-')[1].split(',')[0]}.",
            1,
            1.2,
        ),
        lambda k: Step(
            "Which pytest plugins are installed?",
            "pip list 2>/dev/null | grep -i pytest",
            "\n".join(f"{distribution(p):<27}{versions[p]}" for p in sorted(plugins)),
            0,
            1.0,
        ),
        lambda k: Step(
            f"Let me look at the pytest section of {cfg}.",
            f"sed -n '/{section.strip('[]')}/,/^$/p' {cfg}",
            f"{section}\naddopts = {addopts}\ntestpaths = {ctx.tests_dir}\nfilterwarnings =\n    error",
            0,
            0.1,
        ),
        lambda k: Step(
            "Where is that option registered?",
            f"grep -rn -- '{option}' --include=conftest.py --include=*.cfg --include=*.ini . {site}/pytest_* 2>/dev/null | head",
            f'./conftest.py:{rng.randint(12, 40)}:    parser.addoption("{option}", action="store_true", default=False,\n{site}/{plugin_module(culprit).replace(".", "/")}.py:{rng.randint(20, 90)}:        "{option}",',
            0,
            1.5,
        ),
        lambda k: Step(
            "What does pytest itself report?",
            "python -m pytest --version 2>&1 | head -4",
            f"pytest {ctx.run.pytest_header.split('pytest-')[1].split(',')[0]}",
            0,
            0.8,
        ),
        lambda k: Step(
            f"Which pytest does the `{culprit}` plugin require?",
            f"pip show {distribution(culprit)} 2>/dev/null | grep -E 'Version|Requires'",
            f"Version: {versions.get(culprit, '1.0.0')}\nRequires: pytest",
            0,
            0.8,
        ),
    ]
    first = [run(f"Now let me run the tests for {ctx.stem} to check my change.")]
    return weave(rng, n, first, [react], check, looks, "getting pytest to start", look_rate=0.3, check_rate=0.6)
