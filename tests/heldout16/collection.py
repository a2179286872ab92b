"""Loop tail: collection-error. pytest can't collect the agent's scratch tests; each fix changes the error."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout16.context import Ctx
from heldout16.outputs import uncollected
from heldout16.replies import pick, run
from heldout16.tails import weave
from heldout16.wire import Step


@dataclass
class Scratch:
    """The agent's scratch test directory as it stands: what pytest will trip over next."""

    file: str  # the copied test module
    conftest: bool = True  # the copied conftest.py still under its own name
    init: bool = False  # an __init__.py in it
    mode: str = ""  # the pytest option last tried: "rootdir" or "importlib"
    line: int = 0  # where the copied module's relative import sits


def collection_error(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """pytest can't collect the agent's scratch tests; each fix changes the error, none removes it."""
    stem = ctx.tests.rsplit("/", 1)[-1].removesuffix(".py")
    where = ctx.tests.rsplit("/", 1)[0]
    state = Scratch(f"tests_issue/{stem}.py", line=rng.randint(5, 24))

    def error() -> tuple[str, int]:
        """The error's body and pytest's exit code in the scratch directory's current state."""
        if state.conftest and state.mode != "importlib":
            body = (
                "ImportError while loading conftest '/testbed/tests_issue/conftest.py'.\n"
                f"_pytest.pathlib.ImportPathMismatchError: ('conftest', '/testbed/{where}/conftest.py', "
                "PosixPath('/testbed/tests_issue/conftest.py'))\n"
            )
            return body, 4
        name = state.file.rsplit("/", 1)[-1].removesuffix(".py")
        if name == stem and state.mode != "importlib":
            body = (
                f"import file mismatch:\nimported module '{stem}' has this __file__ attribute:\n  /testbed/{ctx.tests}\n"
                f"which is not the same as the test file we want to collect:\n  /testbed/{state.file}\n"
                "HINT: remove __pycache__ / .pyc files and/or use a unique basename for your test modules\n"
            )
            return body, 2
        why = (
            "attempted relative import beyond top-level package"
            if state.init
            else "attempted relative import with no known parent package"
        )
        body = (
            f"ImportError while importing test module '/testbed/{state.file}'.\nHint: make sure your test modules/packages have valid Python names.\n"
            f"Traceback:\n/opt/miniconda3/envs/testbed/lib/python{ctx.python}/importlib/__init__.py:127: in import_module\n"
            f"    return _bootstrap._gcd_import(name[level:], package, level)\n{state.file}:{state.line}: in <module>\n"
            f"    from ..{'conftest' if state.init else ''} import *\nE   ImportError: {why}\n"
        )
        return body, 2

    def pytest(command: str) -> tuple[str, int]:
        body, code = error()
        if code == 4:
            return body, code
        return uncollected(ctx, rng, state.file, body, " -q" in command), code

    def ran(thought: str, command: str) -> Step:
        text, code = pytest(command)
        return run(thought, command, text, code, 3)

    copy = f"mkdir -p tests_issue && cp {where}/conftest.py {ctx.tests} tests_issue/ && cat <<'EOF' >> {state.file}\n\n\ndef test_issue_regression():\n    # the minimal case from the report\n    pass\nEOF"
    start = [
        run(
            pick(
                rng,
                "I'll put a regression test for the issue in a scratch test directory, next to a copy of the existing module and its conftest so the fixtures are available.",
                "Let me set up a scratch test directory with the module's tests and conftest, and add a focused test for this bug.",
            ),
            copy,
            "",
        ),
        ran("Run the scratch tests together with the existing module.", f"python -m pytest {ctx.tests} {state.file}"),
    ]

    def attempt(k: int) -> Step:
        options = [
            "pycache",
            "rename",
            "conftest",
            "rootdir",
            "importlib",
            "cache",
            "uninit" if state.init else "init",
        ]
        if state.mode:
            options.remove(state.mode)
        kind = options[k % len(options)] if rng.random() < 0.5 else rng.choice(options)
        if kind == "pycache":
            command = pick(
                rng,
                "find . -name __pycache__ -type d -prune -exec rm -rf {} +",
                "find . -name '*.pyc' -delete && find . -name __pycache__ -type d -empty -delete",
            )
            return run("Stale bytecode can cause this. Let me clear all __pycache__ directories.", command, "")
        if kind in ("init", "uninit"):
            state.init = kind == "init"
            if kind == "init":
                return run(
                    "Making the scratch directory a package should give its modules distinct names.",
                    "touch tests_issue/__init__.py",
                    "",
                )
            return run("The __init__.py didn't help; take it out again.", "rm -f tests_issue/__init__.py", "")
        if kind == "rename":
            old, state.file = (
                state.file,
                f"tests_issue/{stem}_{rng.choice(['issue', 'regression', 'local', 'bug'])}.py",
            )
            return run(
                "I'll rename my copy of the test module to a unique basename.",
                f"mv {old} {state.file}",
                "" if old != state.file else f"mv: '{old}' and '{old}' are the same file\n",
                0 if old != state.file else 1,
            )
        if kind == "conftest":
            if not state.conftest:
                return run(
                    "Is the copied conftest still there?",
                    "ls tests_issue",
                    "\n".join(
                        sorted(
                            ["conftest_local.py", state.file.rsplit("/", 1)[-1]]
                            + (["__init__.py"] if state.init else [])
                        )
                    )
                    + "\n",
                )
            state.conftest = False
            return run(
                "The copied conftest clashes with the original; rename it.",
                "mv tests_issue/conftest.py tests_issue/conftest_local.py",
                "",
            )
        if kind == "cache":
            return run("Let me also drop any cached pytest state.", "rm -rf .pytest_cache tests_issue/__pycache__", "")
        state.mode = kind
        flag = "--rootdir=/testbed/tests_issue" if kind == "rootdir" else "--import-mode=importlib"
        thought = (
            "Let me pin the rootdir to the scratch directory."
            if kind == "rootdir"
            else "Maybe the importlib import mode avoids the name clash."
        )
        return ran(thought, f"python -m pytest {flag} {ctx.tests} {state.file}")

    stamp = f"{rng.randint(10, 23)}:{rng.randint(10, 59)}"
    sizes = {"conftest.py": rng.randint(900, 9000), "__init__.py": 0}
    sizes["conftest_local.py"] = sizes["conftest.py"]

    def look(k: int) -> Step:
        sizes.setdefault(state.file.rsplit("/", 1)[-1], rng.randint(4000, 60000))
        files = ["conftest.py" if state.conftest else "conftest_local.py", state.file.rsplit("/", 1)[-1]] + (
            ["__init__.py"] if state.init else []
        )
        options = [
            (
                "ls -la tests_issue",
                f"total {4 * len(files) + 8}\n"
                + "".join(f"-rw-r--r-- 1 root root {sizes.get(f, 0):>5} Nov 18 {stamp} {f}\n" for f in sorted(files)),
            ),
            (f"find . -name '{stem}*.py' -not -path './.git/*'", f"./{ctx.tests}\n./{state.file}\n"),
            ("git status --short", f" M {ctx.source}\n?? tests_issue/\n"),
        ]
        command, text = rng.choice(options)
        return run(
            pick(
                rng,
                "Let me look at what pytest sees.",
                "Checking the test files on disk.",
                "Let me inspect the layout.",
            ),
            command,
            text,
        )

    def check(k: int) -> Step:
        flag = {"rootdir": "--rootdir=/testbed/tests_issue ", "importlib": "--import-mode=importlib "}.get(
            state.mode, ""
        )
        command = pick(
            rng,
            f"python -m pytest {flag}{ctx.tests} {state.file}",
            f"python -m pytest -q {flag}{state.file}",
            f"python -m pytest -x {flag}{state.file} {ctx.tests}",
        )
        return ran(pick(rng, "Running the tests again.", "Let me try collecting again.", "Rerun."), command)

    why = "pytest keeps failing to collect the scratch tests, so I couldn't run my regression test."
    musings = [
        "pytest's import machinery is getting in the way.",
        "The layout of my scratch tests must be the problem.",
        "This should be simple to collect.",
    ]
    return weave(rng, n, start, [attempt] * 6, [look], check, why, musings)
