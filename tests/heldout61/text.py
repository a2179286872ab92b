# ruff: noqa: E501
"""Names the families' steps use: the package around the changed module, its siblings, plugins, optional imports and stdlib look-alikes."""

from __future__ import annotations

import posixpath
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt
Frame = tuple[str, str, str]  # (path under /testbed, function, code): one frame of a traceback

# Modules beside the changed one, as each project names its own.
_SIBLINGS = {
    "django": ["base", "utils", "constants", "mixins", "exceptions", "signals", "expressions", "options"],
    "sympy": ["basic", "singleton", "numbers", "expr", "decorators", "cache", "containers", "relational"],
    "sphinx-doc": ["util", "addnodes", "errors", "events", "registry", "deprecation", "nodes", "typing"],
    "matplotlib": ["_api", "cbook", "_docstring", "artist", "transforms", "rcsetup", "colors", "_enums"],
    "scikit-learn": ["_base", "base", "validation", "_param_validation", "fixes", "_config", "_mask", "extmath"],
    "pydata": ["common", "utils", "options", "pycompat", "duck_array_ops", "indexing", "dtypes", "formatting"],
    "astropy": ["core", "utils", "decorators", "exceptions", "misc", "state", "data", "compat"],
}
_DEFAULT_SIBLINGS = ["base", "utils", "compat", "core", "exceptions", "helpers", "structures", "nodes"]
# What each project would register by name: its kind and the names.
_PLUGINS = {
    "django": ("serializer", ["json", "xml", "yaml", "jsonl", "python"]),
    "sympy": ("printer", ["latex", "mathml", "pretty", "ccode", "julia", "octave"]),
    "sphinx-doc": ("builder", ["html", "latex", "text", "man", "epub", "texinfo"]),
    "matplotlib": ("backend", ["agg", "svg", "pdf", "ps", "cairo", "template"]),
    "scikit-learn": ("solver", ["lbfgs", "liblinear", "saga", "newton_cg", "sag"]),
    "pydata": ("engine", ["netcdf4", "h5netcdf", "scipy", "zarr", "pydap"]),
    "astropy": ("reader", ["fits", "votable", "ecsv", "hdf5", "ascii"]),
    "pytest-dev": ("reporter", ["junitxml", "terminal", "pastebin", "resultlog"]),
    "pylint-dev": ("checker", ["format", "imports", "typecheck", "refactoring", "spelling"]),
    "psf": ("adapter", ["http", "socks", "file", "ftp"]),
    "mwaskom": ("mark", ["dot", "line", "bar", "area", "band"]),
}
_DEFAULT_PLUGINS = ("handler", ["json", "toml", "ini", "csv", "xml"])
# Optional dependencies each project imports only if present: (import name, what pip installs, a function of it).
_OPTIONAL = {
    "django": [
        ("yaml", "PyYAML", "safe_load"),
        ("argon2", "argon2-cffi", "PasswordHasher"),
        ("jinja2", "Jinja2", "Environment"),
        ("bcrypt", "bcrypt", "hashpw"),
    ],
    "sympy": [
        ("gmpy2", "gmpy2", "mpz"),
        ("numexpr", "numexpr", "evaluate"),
        ("antlr4", "antlr4-python3-runtime", "InputStream"),
    ],
    "sphinx-doc": [
        ("imagesize", "imagesize", "get"),
        ("sphinxcontrib.websupport", "sphinxcontrib-websupport", "WebSupport"),
        ("babel", "Babel", "Locale"),
    ],
    "matplotlib": [
        ("cairo", "pycairo", "ImageSurface"),
        ("tornado", "tornado", "ioloop"),
        ("pandas", "pandas", "Timestamp"),
    ],
    "scikit-learn": [
        ("pandas", "pandas", "DataFrame"),
        ("matplotlib", "matplotlib", "pyplot"),
        ("polars", "polars", "DataFrame"),
    ],
    "pydata": [
        ("dask", "dask", "array"),
        ("cftime", "cftime", "num2date"),
        ("bottleneck", "Bottleneck", "nanmean"),
        ("zarr", "zarr", "open_group"),
    ],
    "astropy": [("h5py", "h5py", "File"), ("yaml", "PyYAML", "safe_load"), ("bs4", "beautifulsoup4", "BeautifulSoup")],
}
_DEFAULT_OPTIONAL = [
    ("simplejson", "simplejson", "loads"),
    ("chardet", "chardet", "detect"),
    ("yaml", "PyYAML", "safe_load"),
]
# A scratch file named like a stdlib module, and an attribute the project's code takes from that module.
SHADOWS = [
    ("inspect", "signature"),
    ("copy", "deepcopy"),
    ("textwrap", "dedent"),
    ("numbers", "Number"),
    ("dataclasses", "dataclass"),
    ("difflib", "SequenceMatcher"),
    ("decimal", "Decimal"),
    ("tokenize", "generate_tokens"),
    ("ast", "literal_eval"),
    ("string", "Formatter"),
    ("calendar", "timegm"),
    ("fractions", "Fraction"),
]
_DJANGO_FLAGS = {
    "-x": "--failfast",
    "-q": "",
    "-vv": "-v 2",
    "-v": "-v 2",
    "-s": "",
    "-p": "",
    "no:cacheprovider": "",
    "-rs": "",
}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IN = re.compile(r"^assert (.+?) in (.+)$")


def _pick(ctx: text.Ctx, options: Sequence[str], salt: int = 0) -> str:
    return options[(sum(map(ord, ctx.run.session)) + salt) % len(options)]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the package around its module and what that package would import."""

    @property
    def modname(self) -> str:
        """The changed module's own name, as imports spell it (`_base`, not `base`)."""
        return posixpath.basename(self.source)[:-3]

    @property
    def pkgdir(self) -> str:
        return posixpath.dirname(self.source)

    @property
    def pkg(self) -> str:
        return self.dotted if self.source.endswith("__init__.py") else self.dotted.rpartition(".")[0] or self.dotted

    @property
    def siblings(self) -> list[str]:
        return [s for s in _SIBLINGS.get(self.run.owner, _DEFAULT_SIBLINGS) if s != self.stem]

    @property
    def sib(self) -> str:
        return _pick(self, self.siblings)

    @property
    def third(self) -> str:
        return _pick(self, [s for s in self.siblings if s != self.sib], 3)

    @property
    def kind(self) -> str:
        return _PLUGINS.get(self.run.owner, _DEFAULT_PLUGINS)[0]

    @property
    def plugin_names(self) -> list[str]:
        return _PLUGINS.get(self.run.owner, _DEFAULT_PLUGINS)[1]

    @property
    def optional(self) -> tuple[str, str, str]:
        options = _OPTIONAL.get(self.run.owner, _DEFAULT_OPTIONAL)
        return options[sum(map(ord, self.run.session)) % len(options)]

    @property
    def helper(self) -> str:
        return (
            _pick(self, ["normalize_%s", "_%s_key", "resolve_%s", "get_%s_class", "_coerce_%s", "make_%s"], 5)
            % self.stem
        )

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split()).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"

    @property
    def lib(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}"


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, ...]] = field(
        default_factory=tuple
    )  # (function, code) in the changed module, or (path, function, code)

    def located(self, source: str) -> list[tuple[str, str, str]]:
        return [(source, *frame) if len(frame) == 2 else (frame[0], frame[1], frame[2]) for frame in self.frames]


def unittest_code(code: str) -> str:
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in ((_ASSERT_EQ, "assertEqual"), (_ASSERT_IN, "assertIn")):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    return code


def unittest_error(error: str) -> str:
    first = error.split("\n")[0]
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split(chr(39))[1]} not raised"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" in ", " not found in ")):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return first


def py_edits(path: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Several snippets of one file changed in one script, as the agent writes it."""
    replaces = "\n".join(f"s = s.replace({old!r}, {new!r}, 1)" for old, new in pairs)
    return (
        f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\n{replaces}\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )


def partial(module: str, name: str, path: str) -> str:
    """Python's error for a name taken from a module still being imported."""
    return f"ImportError: cannot import name '{name}' from partially initialized module '{module}' (most likely due to a circular import) (/testbed/{path})"


def partial_attr(module: str, name: str) -> str:
    return f"AttributeError: partially initialized module '{module}' has no attribute '{name}' (most likely due to a circular import)"
