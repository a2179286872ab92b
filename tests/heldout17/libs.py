"""Dependencies whose API moved between releases, per repository.

`Pin`: each version tried breaks the same call in its own way (`tries`), one version works
(`good`). `@SITE` in the texts is the run's site-packages, `@LIB` its standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


def fill(text: str, site: str) -> str:
    return text.replace("@SITE", site).replace("@LIB", site.removesuffix("/site-packages"))


@dataclass(frozen=True)
class Pin:
    package: str
    installed: str
    symbol: str  # what the check needs from the package
    check: str
    tries: tuple[tuple[str, str], ...]
    good: str
    works: str


TB = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'

PINS = {
    "django": Pin(
        "asgiref",
        "3.8.1",
        "markcoroutinefunction",
        "from asgiref.sync import async_to_sync, markcoroutinefunction; print('ok')",
        (
            (
                "3.4.1",
                TB
                + "ImportError: cannot import name 'markcoroutinefunction' from 'asgiref.sync' (@SITE/asgiref/sync.py)",
            ),
            (
                "3.2.10",
                TB
                + "ImportError: cannot import name 'markcoroutinefunction' from 'asgiref.sync' (@SITE/asgiref/sync.py)\n",
            ),
            (
                "3.3.4",
                TB
                + "ImportError: cannot import name 'markcoroutinefunction' from partially initialized module 'asgiref.sync' (most likely due to a circular import) (@SITE/asgiref/sync.py)",
            ),
            (
                "3.5.2",
                TB
                + "ImportError: cannot import name 'markcoroutinefunction' from 'asgiref.sync' (@SITE/asgiref/sync.py)",
            ),
            (
                "3.7.2",
                TB
                + "  File \"@SITE/asgiref/sync.py\", line 18, in <module>\n    from typing import ParamSpec\nImportError: cannot import name 'ParamSpec' from 'typing' (@LIB/typing.py)",
            ),
        ),
        "3.6.0",
        "ok",
    ),
    "sympy": Pin(
        "mpmath",
        "1.3.0",
        "mpf_sqrt",
        "import sympy; from mpmath.libmp import to_str, mpf_sqrt; print(sympy.sqrt(8).evalf(30))",
        (
            (
                "1.4.0a1",
                TB
                + "  File \"/testbed/sympy/__init__.py\", line 51, in <module>\n    from .core import (sympify, SympifyError, cacheit, Basic, Atom,\n  File \"/testbed/sympy/core/numbers.py\", line 24, in <module>\n    from mpmath.libmp.backend import MPZ\nImportError: cannot import name 'MPZ' from 'mpmath.libmp.backend' (@SITE/mpmath/libmp/backend.py)",
            ),
            (
                "0.19",
                TB
                + '  File "/testbed/sympy/__init__.py", line 22, in <module>\n    raise ImportError("SymPy now depends on mpmath as an external library. "\nImportError: SymPy now depends on mpmath as an external library. See https://docs.sympy.org/latest/install.html#mpmath for more information.',
            ),
            (
                "1.1.0",
                TB
                + "  File \"/testbed/sympy/core/evalf.py\", line 12, in <module>\n    from mpmath.libmp import (from_int, from_man_exp, from_rational, fhalf,\nImportError: cannot import name 'int_types' from 'mpmath.libmp' (@SITE/mpmath/libmp/__init__.py)",
            ),
            ("1.2.0", TB + "AttributeError: module 'mpmath.libmp' has no attribute 'mpf_sqrt'"),
        ),
        "1.2.1",
        "2.82842712474619009760337744842",
    ),
    "sphinx": Pin(
        "Jinja2",
        "3.1.4",
        "contextfunction",
        "import sphinx.jinja2glue; print('ok')",
        (
            (
                "3.1.2",
                TB
                + "  File \"/testbed/sphinx/jinja2glue.py\", line 16, in <module>\n    from jinja2 import FileSystemLoader, BaseLoader, TemplateNotFound, contextfunction\nImportError: cannot import name 'contextfunction' from 'jinja2' (@SITE/jinja2/__init__.py)",
            ),
            (
                "2.11.3",
                TB
                + "  File \"@SITE/jinja2/utils.py\", line 642, in <module>\n    from markupsafe import soft_unicode\nImportError: cannot import name 'soft_unicode' from 'markupsafe' (@SITE/markupsafe/__init__.py)",
            ),
            (
                "3.0.0",
                TB
                + "  File \"/testbed/sphinx/jinja2glue.py\", line 22, in <module>\n    from jinja2.utils import open_if_exists\n  File \"@SITE/jinja2/utils.py\", line 13, in <module>\n    from markupsafe import soft_str\nImportError: cannot import name 'soft_str' from 'markupsafe' (@SITE/markupsafe/__init__.py)",
            ),
            (
                "2.10.3",
                TB
                + "  File \"@SITE/jinja2/runtime.py\", line 21, in <module>\n    from markupsafe import Markup, escape, soft_unicode\nImportError: cannot import name 'soft_unicode' from 'markupsafe' (@SITE/markupsafe/__init__.py)",
            ),
        ),
        "3.0.3",
        "ok",
    ),
    "requests": Pin(
        "urllib3",
        "2.2.3",
        "method_whitelist",
        "from requests.adapters import HTTPAdapter; from urllib3.util.retry import Retry; HTTPAdapter(max_retries=Retry(total=3, method_whitelist=['GET'])); print('ok')",
        (
            ("2.0.7", TB + "TypeError: __init__() got an unexpected keyword argument 'method_whitelist'"),
            (
                "1.25.11",
                TB
                + "  File \"/testbed/requests/__init__.py\", line 58, in <module>\n    from urllib3.contrib import pyopenssl\nAttributeError: module 'urllib3.util.ssl_' has no attribute 'PROTOCOL_TLS_CLIENT'",
            ),
            (
                "1.24.3",
                TB
                + '  File "/testbed/requests/__init__.py", line 91, in <module>\n    check_compatibility(urllib3.__version__, chardet.__version__)\n  File "/testbed/requests/__init__.py", line 57, in check_compatibility\n    assert minor >= 25\nAssertionError',
            ),
            (
                "2.1.0",
                TB
                + "  File \"/testbed/requests/packages.py\", line 7, in <module>\n    locals()[package] = __import__(package)\nModuleNotFoundError: No module named 'urllib3.packages.six'",
            ),
        ),
        "1.26.20",
        "ok",
    ),
    "pytest": Pin(
        "attrs",
        "23.1.0",
        "eq",
        "import _pytest.mark.structures; print('ok')",
        (
            (
                "19.1.0",
                TB
                + "  File \"/testbed/src/_pytest/mark/structures.py\", line 197, in <module>\n    @attr.s(frozen=True, eq=False)\nTypeError: attrs() got an unexpected keyword argument 'eq'",
            ),
            (
                "17.2.0",
                TB
                + "  File \"/testbed/src/_pytest/compat.py\", line 19, in <module>\n    @attr.s(auto_attribs=True)\nTypeError: attrs() got an unexpected keyword argument 'auto_attribs'",
            ),
            (
                "22.2.0",
                TB
                + '  File "/testbed/src/_pytest/mark/structures.py", line 212, in <module>\n    class MarkDecorator:\n  File "@SITE/attr/_make.py", line 1561, in wrap\n    raise TypeError("Can\'t use cmp with eq or order.")\nTypeError: Can\'t use cmp with eq or order.',
            ),
            (
                "18.2.0",
                TB
                + "  File \"/testbed/src/_pytest/mark/structures.py\", line 197, in <module>\n    @attr.s(frozen=True, eq=False)\nTypeError: attrs() got an unexpected keyword argument 'eq'",
            ),
        ),
        "19.3.0",
        "ok",
    ),
    "pylint": Pin(
        "astroid",
        "3.0.1",
        "_base_nodes",
        "import pylint.lint; from astroid import nodes; print(nodes.Const, 'ok')",
        (
            (
                "2.15.8",
                TB
                + "  File \"/testbed/pylint/checkers/utils.py\", line 24, in <module>\n    from astroid.nodes._base_nodes import ImportNode, Statement\nModuleNotFoundError: No module named 'astroid.nodes._base_nodes'",
            ),
            (
                "3.1.0",
                TB
                + "  File \"/testbed/pylint/checkers/base_checker.py\", line 12, in <module>\n    from astroid import nodes\nImportError: cannot import name 'Const' from 'astroid.node_classes' (@SITE/astroid/node_classes.py)",
            ),
            (
                "2.12.14",
                TB
                + '  File "/testbed/pylint/__pkginfo__.py", line 37, in <module>\n    raise ImportError(f"pylint needs astroid>=2.14.2,<=2.16.0-dev0 (found {version})")\nImportError: pylint needs astroid>=2.14.2,<=2.16.0-dev0 (found 2.12.14)',
            ),
        ),
        "2.15.5",
        "<class 'astroid.nodes.node_classes.Const'> ok",
    ),
}

_NUMPY = Pin(
    "numpy",
    "1.26.4",
    "float",
    "import numpy as np; import @MODULE; print(np.float(1.5), np.__version__)",
    (
        (
            "1.24.4",
            TB
            + "  File \"@SITE/numpy/__init__.py\", line 305, in __getattr__\n    raise AttributeError(__former_attrs__[attr])\nAttributeError: module 'numpy' has no attribute 'float'.\n`np.float` was a deprecated alias for the builtin `float`. To avoid this error in existing code, use `float` by itself. Doing this will not modify any behavior and is safe. If you specifically wanted the numpy scalar type, use `np.float64` here.\nThe aliases was originally deprecated in NumPy 1.20; for more details and guidance see the original release note at:\n    https://numpy.org/devdocs/release/1.20.0-notes.html#deprecations",
        ),
        (
            "1.21.6",
            TB
            + '  File "/testbed/@PKG/__init__.py", line 41, in <module>\n    from . import _version\nValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject',
        ),
        (
            "2.0.2",
            "\nA module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.0.2 as it may crash. To support both 1.x and 2.x\nversions of NumPy, modules must be compiled with NumPy 2.0.\nSome module may need to rebuild instead e.g. with 'pybind11>=2.12'.\n\n"
            + TB
            + "AttributeError: _ARRAY_API not found",
        ),
        (
            "1.22.4",
            TB
            + '  File "/testbed/@PKG/__init__.py", line 41, in <module>\n    from . import _version\nImportError: numpy.core.multiarray failed to import',
        ),
    ),
    "1.23.5",
    "1.5 1.23.5",
)

PINS["flask"] = Pin(
    "Werkzeug",
    "3.0.4",
    "url_quote",
    "import flask; from werkzeug.urls import url_quote; print(flask.__version__, 'ok')",
    (
        ("3.0.1", TB + "ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (@SITE/werkzeug/urls.py)"),
        (
            "2.2.3",
            TB
            + "  File \"/testbed/src/flask/__init__.py\", line 2, in <module>\n    from .app import Flask as Flask\n  File \"/testbed/src/flask/app.py\", line 23, in <module>\n    from werkzeug.routing import Map, Rule, RequestRedirect, RoutingException\nImportError: cannot import name 'RoutingException' from 'werkzeug.routing' (@SITE/werkzeug/routing/__init__.py)",
        ),
        ("3.1.3", TB + "ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (@SITE/werkzeug/urls.py)\n"),
        (
            "2.0.3",
            TB
            + "  File \"/testbed/src/flask/sessions.py\", line 11, in <module>\n    from werkzeug.datastructures import CallbackDict\nImportError: cannot import name 'CallbackDict' from 'werkzeug.datastructures' (@SITE/werkzeug/datastructures.py)",
        ),
    ),
    "2.3.8",
    "2.3.0.dev ok",
)
PINS["scikit-learn"] = Pin(
    "numpy",
    "1.19.5",
    "_check_build",
    "import numpy as np; import sklearn.utils.validation; print(np.__version__)",
    (
        (
            "1.20.0",
            "ERROR: Could not find a version that satisfies the requirement numpy==1.20.0 (from versions: 1.3.0, 1.4.1, 1.5.0, 1.5.1, 1.6.0, 1.6.1, 1.6.2, 1.7.0, 1.7.1, 1.7.2, 1.8.0, 1.8.1, 1.8.2, 1.9.0, 1.9.1, 1.9.2, 1.9.3, 1.10.0.post2, 1.10.1, 1.10.2, 1.10.4, 1.11.0, 1.11.1, 1.11.2, 1.11.3, 1.12.0, 1.12.1, 1.13.0, 1.13.1, 1.13.3, 1.14.0, 1.14.1, 1.14.2, 1.14.3, 1.14.4, 1.14.5, 1.14.6, 1.15.0, 1.15.1, 1.15.2, 1.15.3, 1.15.4, 1.16.0, 1.16.1, 1.16.2, 1.16.3, 1.16.4, 1.16.5, 1.16.6, 1.17.0, 1.17.1, 1.17.2, 1.17.3, 1.17.4, 1.17.5, 1.18.0, 1.18.1, 1.18.2, 1.18.3, 1.18.4, 1.18.5, 1.19.0, 1.19.1, 1.19.2, 1.19.3, 1.19.4, 1.19.5)\nERROR: No matching distribution found for numpy==1.20.0",
        ),
        (
            "1.17.5",
            TB
            + '  File "/testbed/sklearn/__init__.py", line 80, in <module>\n    from .base import clone\n  File "/testbed/sklearn/base.py", line 21, in <module>\n    from .utils import _IS_32BIT\nImportError: numpy.core.multiarray failed to import',
        ),
        (
            "1.16.6",
            TB
            + '  File "/testbed/sklearn/__check_build/__init__.py", line 44, in <module>\n    from ._check_build import check_build  # noqa\n  File "__init__.pxd", line 918, in init sklearn.__check_build._check_build\nValueError: numpy.ndarray size changed, may indicate binary incompatibility. Expected 88 from C header, got 80 from PyObject',
        ),
        (
            "1.21.0",
            "ERROR: Ignored the following versions that require a different python version: 1.20.0rc1 Requires-Python >=3.7; 1.21.0 Requires-Python >=3.7\nERROR: Could not find a version that satisfies the requirement numpy==1.21.0\nERROR: No matching distribution found for numpy==1.21.0",
        ),
    ),
    "1.19.2",
    "1.19.2",
)
for _name, _package in (
    ("astropy", "astropy"),
    ("matplotlib", "matplotlib"),
    ("xarray", "xarray"),
    ("seaborn", "seaborn"),
):
    PINS[_name] = Pin(
        _NUMPY.package,
        _NUMPY.installed,
        _NUMPY.symbol,
        _NUMPY.check.replace("@MODULE", _package),
        tuple((version, error.replace("@PKG", _package)) for version, error in _NUMPY.tries),
        _NUMPY.good,
        _NUMPY.works,
    )
