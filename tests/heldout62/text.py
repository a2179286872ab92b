# ruff: noqa: E501
"""Names the families' steps use (the annotated function, the project's classes), and the mypy and pyright runs they print."""

from __future__ import annotations

import posixpath
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_normalize_{}", "coerce_{}", "_iter_{}_items", "get_{}_entries", "_collect_{}", "resolve_{}")
# A base class of each project, a subclass of it, and something only the subclass has.
_CLASSES = {
    "django": ("Field", "CharField", "max_length"),
    "sympy": ("Basic", "Symbol", "name"),
    "sphinx-doc": ("Node", "Element", "attributes"),
    "matplotlib": ("Artist", "Line2D", "get_xdata"),
    "scikit-learn": ("BaseEstimator", "Pipeline", "steps"),
    "astropy": ("UnitBase", "CompositeUnit", "scale"),
    "pydata": ("AbstractArray", "DataArray", "coords"),
    "pytest-dev": ("Node", "Item", "runtest"),
    "pylint-dev": ("BaseChecker", "BaseTokenChecker", "process_tokens"),
    "psf": ("BaseAdapter", "HTTPAdapter", "poolmanager"),
    "pallets": ("Scaffold", "Blueprint", "deferred_functions"),
    "mwaskom": ("Mark", "Dot", "artist_kws"),
}
# Third-party modules each project imports: mypy's hint for their stubs, or None when there are none.
_STUBS: dict[str, list[tuple[str, str | None]]] = {
    "django": [("pytz", "types-pytz"), ("sqlparse", None), ("yaml", "types-PyYAML")],
    "sympy": [("mpmath", None), ("gmpy2", None)],
    "sphinx-doc": [("docutils", "types-docutils"), ("pygments", "types-Pygments"), ("babel", "types-babel")],
    "matplotlib": [("dateutil", "types-python-dateutil"), ("cycler", None), ("kiwisolver", None)],
    "scikit-learn": [("scipy", None), ("joblib", None), ("threadpoolctl", None)],
    "astropy": [("yaml", "types-PyYAML"), ("erfa", None), ("scipy", None)],
    "pydata": [("pandas", "pandas-stubs"), ("scipy", None), ("dask", None)],
    "pytest-dev": [("py", None), ("toml", "types-toml"), ("pygments", "types-Pygments")],
    "pylint-dev": [("toml", "types-toml"), ("isort", None), ("dill", None)],
    "psf": [("chardet", "types-chardet"), ("urllib3", "types-urllib3"), ("simplejson", "types-simplejson")],
    "pallets": [("blinker", None), ("dotenv", None)],
    "mwaskom": [("scipy", None), ("pandas", "pandas-stubs"), ("statsmodels", None)],
}
VARIANCE = (
    '"List" is invariant -- see https://mypy.readthedocs.io/en/stable/common_issues.html#variance',
    'Consider using "Sequence" instead, which is covariant',
)
_OTHERS = ("base", "utils", "core", "registry", "options", "handlers", "compat", "api", "helpers")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function the agent annotates and the project's classes."""

    @property
    def _hash(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def func(self) -> str:
        return _FUNCS[self._hash % len(_FUNCS)].format(self.stem)

    @property
    def func_line(self) -> int:
        """Where the changed function starts in its file."""
        return 40 + self._hash * 7 % 600

    @property
    def base(self) -> str:
        return _CLASSES.get(self.run.owner, ("Base", "Entry", "payload"))[0]

    @property
    def sub(self) -> str:
        return _CLASSES.get(self.run.owner, ("Base", "Entry", "payload"))[1]

    @property
    def attr(self) -> str:
        return _CLASSES.get(self.run.owner, ("Base", "Entry", "payload"))[2]

    @property
    def stubs(self) -> list[tuple[str, str | None]]:
        return _STUBS.get(self.run.owner, [("yaml", "types-PyYAML"), ("six", "types-six")])

    @property
    def new_syntax(self) -> bool:
        """Whether mypy prints `X | None` and `list[X]` for this Python (it follows the target version)."""
        return self.python not in ("3.6", "3.7", "3.8", "3.9")

    @property
    def lowercase(self) -> bool:
        return self.python not in ("3.6", "3.7", "3.8")

    def opt(self, name: str) -> str:
        return f"{name} | None" if self.new_syntax else f"Optional[{name}]"

    def lst(self, name: str) -> str:
        return f"list[{name}]" if self.lowercase else f"List[{name}]"

    def dct(self, key: str, value: str) -> str:
        return f"dict[{key}, {value}]" if self.lowercase else f"Dict[{key}, {value}]"

    @property
    def mypy_version(self) -> str:
        if self.python in ("3.6", "3.7", "3.8"):
            return "1.4.1" if self.python != "3.8" else "1.14.1"
        return ("1.11.2", "1.13.0", "1.15.0", "1.10.1")[self._hash % 4]

    @property
    def config(self) -> str:
        """The file the repository keeps its mypy settings in."""
        return "pyproject.toml" if self.run.owner == "matplotlib" else "setup.cfg"

    def other(self, rng: random.Random) -> str:
        """Another module beside the changed one, one that calls into it."""
        names = [n for n in _OTHERS if not self.source.endswith(f"/{n}.py")]
        return f"{posixpath.dirname(self.source)}/{rng.choice(names)}.py"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def has_mypy_config(self) -> bool:
        return self.run.owner not in ("django", "sympy", "astropy", "psf")

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else self.stem
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = {" -x": " --failfast", " -q": "", " -v": " -v 2"}.get(extra.split(" 2>&1")[0], "")
            return f"cd tests && python runtests.py {label}{flags}"
        return f"python -m pytest {target or self.test_file}{extra}"


@dataclass
class Diag:
    """One line mypy reports: where, what, its error code, the notes under it, and the file (the changed one if empty)."""

    line: int
    message: str
    code: str = ""
    notes: Sequence[str] = field(default_factory=tuple)
    path: str = ""


_NOISE = (
    ('Need type annotation for "_cache" (hint: "_cache: dict[<type>, <type>] = ...")', "var-annotated"),
    ('Incompatible types in assignment (expression has type "None", variable has type "str")', "assignment"),
    ('Module "{module}" has no attribute "{name}"', "attr-defined"),
    ('Incompatible default for argument "default" (default has type "None", argument has type "str")', "assignment"),
    ("Missing return statement", "return"),
    ('"object" has no attribute "__name__"', "attr-defined"),
    ('Name "_thread_local" already defined on line {line}', "no-redef"),
    ('Signature of "__eq__" incompatible with supertype "object"', "override"),
)


def noise(ctx: Ctx, rng: random.Random, k: int) -> list[Diag]:
    """Errors mypy reports in other modules the changed one imports."""
    out = []
    for _ in range(k):
        message, code = rng.choice(_NOISE)
        message = message.replace(
            "{name}", rng.choice([f"{ctx.cls}Error", f"_{ctx.stem}_cache", "DEFAULT_" + ctx.stem.upper()])
        )
        message = message.replace("{module}", ctx.dotted.rsplit(".", 1)[0] if "." in ctx.dotted else ctx.dotted)
        message = message.replace("{line}", str(rng.randint(10, 90)))
        out.append(Diag(rng.randint(12, 900), message, code, path=ctx.other(rng)))
    return out


def numbered(start: int, body: str, match: int = 0) -> str:
    """`body` as `grep -n -A`/`-B` prints it from line `start`: the matching line with a colon, the others with a dash."""
    return "\n".join(
        f"{start + i}{':' if i == match else '-'}{line}" for i, line in enumerate(body.rstrip("\n").split("\n"))
    )


def _placed(ctx: Ctx, d: Diag) -> int:
    """An error's line: those in the changed file's own function fall within it, imports stay at the top."""
    return placed(ctx, d.line) if not d.path else d.line


def placed(ctx: Ctx, line: int) -> int:
    """A line of the changed file: within its function, unless among the imports at the top."""
    if line <= 30 or ctx.func_line <= line < ctx.func_line + 15:
        return line
    return ctx.func_line + line % 15


def mypy_output(ctx: Ctx, diags: Sequence[Diag], checked: int = 1) -> str:
    """mypy's report: one line per error and note, then its summary."""
    lines = []
    for d in sorted(diags, key=lambda d: (d.path or ctx.source, _placed(ctx, d))):
        path, line = d.path or ctx.source, _placed(ctx, d)
        code = f"  [{d.code}]" if d.code else ""
        lines.append(f"{path}:{line}: error: {d.message}{code}")
        lines += [f"{path}:{line}: note: {note}" for note in d.notes]
    files = len({d.path or ctx.source for d in diags})
    plural = "s" if checked != 1 else ""
    if diags:
        lines.append(
            f"Found {len(diags)} error{'s' if len(diags) != 1 else ''} in {files} file{'s' if files != 1 else ''} (checked {checked} source file{plural})"
        )
    else:
        lines.append(f"Success: no issues found in {checked} source file{plural}")
    return "\n".join(lines)


def mypy_step(
    ctx: Ctx, rng: random.Random, thought: str, diags: Sequence[Diag], extra: int | None = None, how: str = ""
) -> Step:
    """The agent running mypy on the changed file, one of the ways it does, with `extra` errors from imported modules."""
    src = ctx.source
    extra = rng.choice([0, 0, 1, 2, 3, 5]) if extra is None else extra
    how = how or rng.choice(["plain", "plain", "module", "codes", "tail", "grep", "silent", "count"])
    found = [*diags, *noise(ctx, rng, extra)] if how not in ("silent", "grep") else list(diags)
    report = mypy_output(ctx, found)
    rc = 1 if found else 0
    seconds = rng.uniform(2.5, 28.0)
    if how == "module":
        return Step(thought, f"python -m mypy {src}", report, rc=rc, seconds=seconds)
    if how == "codes":
        return Step(
            thought,
            f"mypy --show-error-codes --no-error-summary {src}; echo exit=$?",
            report.rsplit("\n", 1)[0] + f"\nexit={rc}" if found else f"exit={rc}",
            seconds=seconds,
        )
    if how == "tail":
        k = rng.choice([15, 20, 30])
        return Step(thought, f"mypy {src} 2>&1 | tail -{k}", "\n".join(report.split("\n")[-k:]), seconds=seconds)
    if how == "grep":
        body = "\n".join(
            line for line in report.split("\n") if line.startswith(src) or line.startswith(("Found", "Success"))
        )
        return Step(thought, f"mypy {src} 2>&1 | grep -E '^({src}|Found|Success)'", body, seconds=seconds)
    if how == "silent":
        return Step(thought, f"mypy --follow-imports=silent {src}", report, rc=rc, seconds=seconds)
    if how == "count":
        errors = sum(1 for d in found)
        return Step(
            thought, f"mypy {src} 2>&1 | grep -c ': error:'", str(errors), rc=0 if errors else 1, seconds=seconds
        )
    return Step(thought, f"mypy {src}", report, rc=rc, seconds=seconds)


def pyright_step(ctx: Ctx, rng: random.Random, thought: str, items: Sequence[tuple[int, str, str]]) -> Step:
    """pyright on the changed file: (line, message, rule) each, an error unless the rule is a missing-stub one."""
    lines = [
        "No configuration file found.",
        "No pyproject.toml file found." if ctx.config != "pyproject.toml" else "pyproject.toml file found at /testbed.",
        "Assuming Python platform Linux",
        "Searching for source files",
        "Found 1 source file",
        f"pyright 1.1.{rng.randint(380, 395)}",
        f"/testbed/{ctx.source}",
    ]
    errors = warnings = 0
    for line, message, rule in sorted((placed(ctx, line), message, rule) for line, message, rule in items):
        kind = "warning" if rule in ("reportMissingModuleSource", "reportMissingTypeStubs") else "error"
        errors += kind == "error"
        warnings += kind == "warning"
        lines.append(f"  /testbed/{ctx.source}:{line}:{rng.randint(5, 40)} - {kind}: {message} ({rule})")
    lines.append(
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, 0 informations "
    )
    return Step(
        thought,
        rng.choice([f"pyright {ctx.source}", f"npx --yes pyright {ctx.source}"]),
        "\n".join(lines),
        rc=1 if errors else 0,
        seconds=rng.uniform(4, 20),
    )
