"""The removed APIs the removed-api-shims and api-shimmed families meet, by the stack a repository's tests import."""

from __future__ import annotations

from dataclasses import dataclass

from heldout23.text import NUMERIC, Ctx

_ALIAS_NOTE = "The aliases was originally deprecated in NumPy 1.20; for more details and guidance see the original release note at:\n    https://numpy.org/devdocs/release/1.20.0-notes.html#deprecations"


def _alias(name: str) -> str:
    scalar = {"float": "`np.float64`", "bool": "`np.bool_`", "int": "e.g. `np.int64` or `np.int32`", "object": ""}[name]
    advice = (
        f"If you specifically wanted the numpy scalar type, use {scalar} here." if name in ("float", "bool") else ""
    )
    if name == "int":
        advice = f"When replacing `np.int`, you may wish to use {scalar} to specify the precision. If you wish to review your current use, check the release note link for additional information."
    return (
        f"AttributeError: module 'numpy' has no attribute '{name}'.\n`np.{name}` was a deprecated alias for the builtin `{name}`. "
        f"To avoid this error in existing code, use `{name}` by itself. Doing this will not modify any behavior and is safe. {advice}\n{_ALIAS_NOTE}"
    )


def _cannot(name: str, module: str, where: str) -> str:
    return f"ImportError: cannot import name '{name}' from '{module}' ({where})"


@dataclass(frozen=True)
class Removed:
    """A call of a removed API in installed (or checked-out) code, and how the agent mends it."""

    path: str  # under site-packages, or /testbed/...
    line: int
    code: str
    fixed: str
    error: str  # with {site} and {py} for the environment's paths
    package: str  # the distribution that ships the file, and its installed version
    version: str
    shim: str | None  # what a sitecustomize alias covers (None: nothing can)
    pin: str  # the requirement the agent reaches for, and what it installs ("": the resolver refuses)
    pinned: str
    top: str  # the import that reaches the file, and the line of top/__init__.py on the way (0: none)
    via: int = 0
    rooted: bool = True  # reached through the stack's root package (else a conftest import of its own)

    def where(self, site: str) -> str:
        return self.path if self.path.startswith("/") else f"{site}/{self.path}"

    @property
    def needle(self) -> str:
        for token in (
            "np.int,",
            "np.bool",
            "numpy.object",
            "np.float(",
            "soft_unicode",
            "getargspec",
            "coroutine",
            ".get(",
            "pkg_resources",
            "Mapping",
            "Callable",
        ):
            if token in self.code:
                return token.rstrip("(,")
        return self.code.split(" import ")[-1].split(",")[-1].strip() if " import " in self.code else self.code[:20]

    @property
    def submodule(self) -> str:
        return self.path.removeprefix("/testbed/").removesuffix(".py").removesuffix("/__init__").replace("/", ".")


R = Removed
NUMERIC_CALLS = [
    R(
        "skimage/util/dtype.py",
        21,
        "np.bool: (False, True),",
        "np.bool_: (False, True),",
        _alias("bool"),
        "scikit-image",
        "0.18.3",
        "numpy",
        "scikit-image<0.19",
        "",
        "skimage",
        7,
    ),
    R(
        "imageio/plugins/_tifffile.py",
        4432,
        "'O': numpy.object,",
        "'O': object,",
        _alias("object"),
        "imageio",
        "2.9.0",
        "numpy",
        "imageio<2.10",
        "2.9.0",
        "imageio",
        19,
    ),
    R(
        "networkx/readwrite/graphml.py",
        346,
        '(np.int, "int"), (np.int8, "int"),',
        '(int, "int"), (np.int8, "int"),',
        _alias("int"),
        "networkx",
        "2.5.1",
        "numpy",
        "networkx<2.6",
        "",
        "networkx",
        115,
    ),
    R(
        "pytest_arraydiff/plugin.py",
        212,
        "atol = np.float(atol)",
        "atol = float(atol)",
        _alias("float"),
        "pytest-arraydiff",
        "0.3",
        "numpy",
        "pytest-arraydiff<0.4",
        "",
        "pytest_arraydiff",
        0,
        False,
    ),
    R(
        "statsmodels/compat/pandas.py",
        4,
        "from pandas.util.testing import assert_frame_equal",
        "from pandas.testing import assert_frame_equal",
        "ModuleNotFoundError: No module named 'pandas.util.testing'",
        "statsmodels",
        "0.12.2",
        None,
        "pandas<2.0",
        "1.5.3",
        "statsmodels",
        2,
        False,
    ),
    R(
        "pyamg/gallery/random_sparse.py",
        7,
        "from scipy import rand",
        "from numpy.random import rand",
        _cannot("rand", "scipy", "{site}/scipy/__init__.py"),
        "pyamg",
        "4.1.0",
        "scipy",
        "scipy<1.12",
        "",
        "pyamg",
        12,
        False,
    ),
]
DOCS_CALLS = [
    R(
        "/testbed/sphinx/util/rst.py",
        21,
        "from jinja2 import environmentfilter",
        "from jinja2 import pass_environment as environmentfilter",
        _cannot("environmentfilter", "jinja2", "{site}/jinja2/__init__.py"),
        "Jinja2",
        "3.1.4",
        "jinja2",
        "jinja2<3.1",
        "3.0.3",
        "sphinx.util.rst",
    ),
    R(
        "/testbed/sphinx/jinja2glue.py",
        16,
        "from jinja2 import FileSystemLoader, BaseLoader, TemplateNotFound, contextfunction",
        "from jinja2 import FileSystemLoader, BaseLoader, TemplateNotFound, pass_context as contextfunction",
        _cannot("contextfunction", "jinja2", "{site}/jinja2/__init__.py"),
        "Jinja2",
        "3.1.4",
        "jinja2",
        "jinja2<3.1",
        "3.0.3",
        "sphinx.jinja2glue",
    ),
    R(
        "sphinxcontrib/__init__.py",
        1,
        "__import__('pkg_resources').declare_namespace(__name__)",
        "__path__ = __import__('pkgutil').extend_path(__path__, __name__)",
        "ModuleNotFoundError: No module named 'pkg_resources'",
        "sphinxcontrib-applehelp",
        "1.0.2",
        None,
        "setuptools",
        "69.0.3",
        "sphinxcontrib.applehelp",
    ),
    R(
        "recommonmark/parser.py",
        9,
        "from docutils.utils.error_reporting import SafeString",
        "from docutils.utils import SafeString",
        "ModuleNotFoundError: No module named 'docutils.utils.error_reporting'",
        "recommonmark",
        "0.6.0",
        None,
        "docutils<0.21",
        "",
        "recommonmark",
        5,
    ),
]
WEB_CALLS = [
    R(
        "httpbin/core.py",
        19,
        "from werkzeug.wrappers import BaseResponse",
        "from werkzeug.wrappers import Response as BaseResponse",
        _cannot("BaseResponse", "werkzeug.wrappers", "{site}/werkzeug/wrappers/__init__.py"),
        "httpbin",
        "0.7.0",
        "werkzeug",
        "werkzeug<2.1",
        "",
        "httpbin",
        3,
    ),
    R(
        "flask/__init__.py",
        14,
        "from jinja2 import Markup, escape",
        "from markupsafe import Markup, escape",
        _cannot("Markup", "jinja2", "{site}/jinja2/__init__.py"),
        "Flask",
        "1.1.4",
        "jinja2",
        "jinja2<3.1",
        "3.0.3",
        "flask",
    ),
    R(
        "flask/json/__init__.py",
        21,
        "from itsdangerous import json as _json",
        "import json as _json",
        _cannot("json", "itsdangerous", "{site}/itsdangerous/__init__.py"),
        "Flask",
        "1.1.4",
        "itsdangerous",
        "itsdangerous<2.1",
        "2.0.1",
        "flask",
        21,
    ),
    R(
        "httpbin/helpers.py",
        16,
        "from werkzeug.http import parse_authorization_header",
        "from werkzeug.datastructures import Authorization",
        _cannot("parse_authorization_header", "werkzeug.http", "{site}/werkzeug/http.py"),
        "httpbin",
        "0.7.0",
        "werkzeug",
        "werkzeug<3",
        "2.3.8",
        "httpbin",
        3,
    ),
]
GENERAL_CALLS = [
    R(
        "jinja2/filters.py",
        13,
        "from markupsafe import soft_unicode",
        "from markupsafe import soft_str as soft_unicode",
        _cannot("soft_unicode", "markupsafe", "{site}/markupsafe/__init__.py"),
        "Jinja2",
        "2.11.3",
        "markupsafe",
        "markupsafe<2.1",
        "2.0.1",
        "jinja2",
        12,
        False,
    ),
    R(
        "flake8/plugins/manager.py",
        253,
        "entry_points = importlib_metadata.entry_points().get(self.namespace, ())",
        "entry_points = importlib_metadata.entry_points(group=self.namespace)",
        "AttributeError: 'EntryPoints' object has no attribute 'get'",
        "flake8",
        "3.9.2",
        None,
        "importlib-metadata<5",
        "",
        "flake8",
        21,
        False,
    ),
    R(
        "pytest_forked/__init__.py",
        6,
        "from pkg_resources import parse_version",
        "from packaging.version import parse as parse_version",
        "ModuleNotFoundError: No module named 'pkg_resources'",
        "pytest-forked",
        "1.3.0",
        None,
        "setuptools",
        "69.0.3",
        "pytest_forked",
        0,
        False,
    ),
]
PY310_CALLS = [
    R(
        "html5lib/_trie/_base.py",
        3,
        "from collections import Mapping",
        "from collections.abc import Mapping",
        "ImportError: cannot import name 'Mapping' from 'collections' (/opt/miniconda3/envs/testbed/lib/python{py}/collections/__init__.py)",
        "html5lib",
        "1.0.1",
        "collections",
        "html5lib>=1.1",
        "1.1",
        "html5lib",
        23,
        False,
    ),
    R(
        "nose/suite.py",
        106,
        "if isinstance(tests, collections.Callable) and not is_suite:",
        "if isinstance(tests, collections.abc.Callable) and not is_suite:",
        "AttributeError: module 'collections' has no attribute 'Callable'",
        "nose",
        "1.3.7",
        "collections",
        "nose",
        "",
        "nose",
        4,
        False,
    ),
]
PY311_CALLS = [
    R(
        "asynctest/case.py",
        338,
        "@asyncio.coroutine",
        "@types.coroutine",
        "AttributeError: module 'asyncio' has no attribute 'coroutine'. Did you mean: 'coroutines'?",
        "asynctest",
        "0.13.0",
        None,
        "asynctest",
        "",
        "asynctest",
        22,
        False,
    ),
    R(
        "parsimonious/expressions.py",
        9,
        "from inspect import getargspec",
        "from inspect import getfullargspec as getargspec",
        "ImportError: cannot import name 'getargspec' from 'inspect' (/opt/miniconda3/envs/testbed/lib/python{py}/inspect.py)",
        "parsimonious",
        "0.8.1",
        None,
        "parsimonious>=0.10",
        "0.10.0",
        "parsimonious",
        8,
        False,
    ),
]
WEB = {"psf", "pallets"}


def fits(owner: str) -> bool:
    return owner in NUMERIC or owner in WEB or owner == "sphinx-doc"


def stack(ctx: Ctx) -> str:
    return "numeric" if ctx.run.owner in NUMERIC else "web" if ctx.run.owner in WEB else "docs"
