# ruff: noqa: E501
"""Names the families' steps use (the code that holds files, sockets and temp dirs, its tests), and the looks between attempts."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_OPENERS = ("_read_{}", "load_{}", "_open_{}_file", "iter_{}_rows", "{}_from_path", "_{}_stream")
_HOLDERS = ("Store", "Reader", "Cache", "Handle", "Archive", "Writer")
# Files each project's code reads and writes: its own kinds of data, config and output.
_FILES = {
    "django": ["db.sqlite3", "fixture.json", "upload.txt", "messages.po", "static/app.css", "media/photo.jpg"],
    "sympy": ["expr.pkl", "cache.json", "output.tex", "session.log", "code.c", "matrix.txt"],
    "sphinx-doc": ["index.rst", "conf.py", "_build/searchindex.js", "objects.inv", "output.txt", "_static/basic.css"],
    "matplotlib": ["figure.png", "matplotlibrc", "fontlist.json", "figure.svg", "style.mplstyle", "data.csv"],
    "scikit-learn": ["model.joblib", "data.csv", "svmlight.txt", "cache.pkl", "arff/iris.arff", "openml.json.gz"],
    "astropy": ["table.fits", "data.ecsv", "votable.xml", "header.txt", "cache/urlmap.db", "image.fits.gz"],
    "pydata": ["data.nc", "store.zarr/.zattrs", "dataset.h5", "grid.grib", "array.npy", "data.csv"],
}
_DEFAULT_FILES = ["data.json", "config.ini", "output.log", "cache.db", "report.txt", "plugins.cfg"]
_CASES = ("reads_file", "roundtrip", "close", "context_manager", "reload", "partial", "empty", "large", "repr", "twice")
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {
    "-x": "--failfast",
    "-q": "",
    "-vv": "-v 2",
    "-v": "-v 2",
    "-s": "",
    "-p": "",
    "no:cacheprovider": "",
    "no:randomly": "",
    "--lf": "",
    "-rf": "",
    "-ra": "",
    "--tb=short": "",
    "--tb=line": "",
}
WERROR = "-W error::ResourceWarning"

Attempt = text.Attempt


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass
class Leak:
    """An object collected with its resource still open: where the interpreter says it was, and the warning."""

    test: str  # the test running when it was collected
    obj: str  # what `Exception ignored in:` names
    warning: str  # the last line: `ResourceWarning: unclosed file <…>`
    frames: Sequence[tuple[str, int, str, str]] = field(default_factory=tuple)  # (file, line, function, code)

    def lines(self) -> list[str]:
        out = [f"Exception ignored in: {self.obj}"]
        if self.frames:
            out.append("Traceback (most recent call last):")
            for path, line, func, code in self.frames:
                out += [f'  File "{path}", line {line}, in {func}', f"    {code}"]
        return [*out, *self.warning.split("\n")]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function that opens things and the class that holds them."""

    runs: int = 0  # test runs so far: pytest numbers its basetemp per run

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def opener(self) -> str:
        return _OPENERS[self._pick % len(_OPENERS)].format(self.stem)

    @property
    def holder(self) -> str:
        return self.cls + _HOLDERS[self._pick % len(_HOLDERS)]

    @property
    def file_names(self) -> list[str]:
        return _FILES.get(self.run.owner, _DEFAULT_FILES)

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def module_tests(self) -> int:
        """How many tests the changed module's test file holds."""
        return 9 + self._pick % 47

    @property
    def old_python(self) -> bool:
        """Whether the environment's Python predates 3.10 (no `ignore_cleanup_errors`, no `aclosing`)."""
        return self.python in ("3.8", "3.9")

    def case(self, rng: random.Random, cases: Sequence[str] = _CASES) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    def tmp(self, rng: random.Random, case: str = "") -> str:
        """A temporary file a test made: under pytest's basetemp, or a `tempfile` dir for Django's tests."""
        name = rng.choice(self.file_names)
        if self.django:
            return f"/tmp/{rng.choice(['tmp', 'django_'])}{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789_', k=8))}/{name}"
        return f"/tmp/pytest-of-root/pytest-{self._pick % 37 + self.runs}/{case or self.case(rng)}0/{name}"

    def tests(self, target: str = "", extra: str = "", werror: bool = False) -> str:
        """The agent's command to run the tests (of `target`, or the module it changed), resource warnings as errors or not."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(" ".join(_DJANGO_FLAGS.get(flag, flag) for flag in flags.split()).split())
            python = f"python {WERROR}" if werror else "python"
            return f"cd tests && {python} runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{' ' + WERROR if werror else ''}{extra}"

    @property
    def pytest_pkg(self) -> str:
        return "/testbed/src/_pytest" if self.run.owner == "pytest-dev" else f"{self.site}/_pytest"


def with_env(command: str, env: str) -> str:
    """`command` with an environment assignment in front of the interpreter (after a Django run's `cd`)."""
    cd = "cd tests && "
    return f"{cd}{env} {command.removeprefix(cd)}" if command.startswith(cd) else f"{env} {command}"


def addr(rng: random.Random) -> str:
    return text.addr(rng)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def fd(rng: random.Random) -> int:
    return rng.randint(9, 40)


def port(rng: random.Random) -> int:
    return rng.randint(32768, 60999)


def look(ctx: Ctx, rng: random.Random, func: str, body: str, extra: Sequence[Callable[[], Step]] = ()) -> Step:
    """A look between attempts: the tree, the diff, the changed function's source, its callers, the history, or the family's own."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {t}" for t in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {t}" for t in lines[k + 1 : k + 3])
    )
    choices: list[Callable[[], Step]] = [
        lambda: Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? leak_check.py\n", " M setup.cfg\n"]),
        ),
        lambda: Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        lambda: Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        lambda: Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {ctx.source}",
            body,
        ),
        lambda: Step(
            f"Let me see who calls {func}.",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'io', 'loader', 'storage', 'core'])}.py:{rng.randint(10, 900)}:    {rng.choice(['data', 'handle', 'out', 'result'])} = {func}({rng.choice(['path', 'self.path', 'filename', 'name', 'url'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        lambda: Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Close files explicitly",
                        "Refactor helpers",
                        "Merge pull request",
                        "Use context managers for IO",
                        "Tidy imports",
                        "Cache opened handles",
                        "Clean up temporary files",
                    ],
                    3,
                )
            ),
        ),
        lambda: Step(
            "Let me check how the warning filters are configured for the test run.",
            "grep -n 'ResourceWarning\\|RuntimeWarning' tests/runtests.py"
            if ctx.django
            else rng.choice(
                [
                    "grep -n -A6 'filterwarnings' setup.cfg tox.ini pytest.ini pyproject.toml 2>/dev/null",
                    "grep -rn -A4 'filterwarnings' setup.cfg tox.ini pyproject.toml 2>/dev/null | head",
                ]
            ),
            f'{rng.randint(30, 60)}:warnings.simplefilter("error", ResourceWarning)\n{rng.randint(61, 64)}:warnings.simplefilter("error", RuntimeWarning)'
            if ctx.django
            else rng.choice(
                [
                    f"setup.cfg:{rng.randint(20, 60)}:filterwarnings =\nsetup.cfg-    error\nsetup.cfg-    ignore::DeprecationWarning:distutils\nsetup.cfg-    ignore:.*unclosed.*:ResourceWarning:ssl",
                    f'pyproject.toml:{rng.randint(40, 120)}:filterwarnings = [\npyproject.toml-    "error",\npyproject.toml-    "ignore::pytest.PytestUnraisableExceptionWarning:_pytest",\npyproject.toml-]',
                    f"setup.cfg:{rng.randint(20, 60)}:filterwarnings =\nsetup.cfg-    ignore::DeprecationWarning\nsetup.cfg-    ignore::PendingDeprecationWarning",
                ]
            ),
        ),
        *extra,
    ]
    return rng.choice(choices)()


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str,
    body: str,
    extra: Sequence[Callable[[], Step]] = (),
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body, extra)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)
