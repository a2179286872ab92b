"""The SWE-bench repositories of the dev runs: where their sources live, how their tests run.

A run's own commands usually say which file and which tests it works on (`runs.context`); these are
the fallbacks, and what no run says (the package layout, the test runner's banner).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Repo:
    name: str
    prefix: str  # where the package's sources start
    strip: str  # what the path has before the importable package
    src: str
    func: str
    style: str  # "django" (tests/runtests.py) or "pytest"
    target: str
    header: str
    pyver: str


def _pytest_header(python: str, pytest: str, config: str, plugins: str = "") -> str:
    lines = [f"platform linux -- Python {python}, {pytest}", "rootdir: /testbed", config]
    if plugins:
        lines.append(f"plugins: {plugins}")
    return "\n".join(lines) + "\n"


REPOS = {
    repo.name: repo
    for repo in (
        Repo(
            "django",
            "django/",
            "",
            "django/utils/text.py",
            "get_valid_filename",
            "django",
            "utils_tests.test_text",
            "",
            "3.9.20",
        ),
        Repo(
            "sympy",
            "sympy/",
            "",
            "sympy/core/expr.py",
            "as_coeff_Mul",
            "pytest",
            "sympy/core/tests/test_expr.py",
            _pytest_header("3.9.20", "pytest-8.3.3, pluggy-1.5.0", "configfile: pytest.ini"),
            "3.9.20",
        ),
        Repo(
            "astropy",
            "astropy/",
            "",
            "astropy/units/core.py",
            "to_string",
            "pytest",
            "astropy/units/tests/test_units.py",
            _pytest_header("3.9.20", "pytest-7.4.0, pluggy-1.3.0", "configfile: setup.cfg", "hypothesis-6.82.6"),
            "3.9.20",
        ),
        Repo(
            "matplotlib",
            "lib/matplotlib/",
            "lib/",
            "lib/matplotlib/axes/_base.py",
            "set_xlim",
            "pytest",
            "lib/matplotlib/tests/test_axes.py",
            _pytest_header(
                "3.11.11",
                "pytest-8.3.4, pluggy-1.5.0",
                "configfile: pytest.ini",
                "rerunfailures-15.0, xdist-3.6.1, cov-6.0.0, timeout-2.3.1",
            ),
            "3.11.11",
        ),
        Repo(
            "xarray",
            "xarray/",
            "",
            "xarray/core/dataarray.py",
            "reduce",
            "pytest",
            "xarray/tests/test_dataarray.py",
            _pytest_header(
                "3.10.15",
                "pytest-7.4.0, pluggy-1.5.0",
                "configfile: setup.cfg",
                "xdist-3.6.1, cov-5.0.0, env-1.1.5, hypothesis-6.114.0",
            ),
            "3.10.15",
        ),
        Repo(
            "pytest",
            "src/_pytest/",
            "src/",
            "src/_pytest/python.py",
            "getfixtureinfo",
            "pytest",
            "testing/python/collect.py",
            "platform linux -- Python 3.9.20, pytest-5.4.1.dev338+gc98bc4cd3, py-1.11.0, pluggy-0.13.1\nrootdir: /testbed, inifile: tox.ini\n",
            "3.9.20",
        ),
        Repo(
            "sphinx",
            "sphinx/",
            "",
            "sphinx/ext/autodoc/__init__.py",
            "format_signature",
            "pytest",
            "tests/test_ext_autodoc.py",
            "platform linux -- Python 3.9.20, pytest-8.3.3, pluggy-1.5.0\nlibraries: Sphinx-3.5.0+/07983a5a8, docutils-0.21.2\nbase tempdir: /tmp/pytest-of-root/pytest-0\nrootdir: /testbed\nconfigfile: setup.cfg\nplugins: cov-5.0.0\n",
            "3.9.20",
        ),
        Repo(
            "requests",
            "requests/",
            "",
            "requests/models.py",
            "prepare_body",
            "pytest",
            "test_requests.py",
            _pytest_header("3.9.20", "pytest-7.4.4, pluggy-1.0.0", "configfile: pytest.ini"),
            "3.9.20",
        ),
        Repo(
            "pylint",
            "pylint/",
            "",
            "pylint/lint/pylinter.py",
            "should_analyze_file",
            "pytest",
            "tests/test_self.py",
            _pytest_header(
                "3.9.20",
                "pytest-7.2.0, pluggy-1.5.0",
                "configfile: setup.cfg",
                "benchmark-4.0.0, cov-4.1.0, timeout-2.3.1",
            ),
            "3.9.20",
        ),
        Repo(
            "scikit-learn",
            "sklearn/",
            "",
            "sklearn/utils/validation.py",
            "check_array",
            "pytest",
            "sklearn/utils/tests/test_validation.py",
            "platform linux -- Python 3.6.13, pytest-6.2.4, py-1.11.0, pluggy-0.13.1\nrootdir: /testbed, configfile: setup.cfg\n",
            "3.6.13",
        ),
        Repo(
            "seaborn",
            "seaborn/",
            "",
            "seaborn/_core/scales.py",
            "_setup",
            "pytest",
            "tests/_core/test_scales.py",
            _pytest_header(
                "3.9.20", "pytest-8.3.3, pluggy-1.5.0", "configfile: pyproject.toml", "xdist-3.6.1, cov-5.0.0"
            ),
            "3.9.20",
        ),
        Repo(
            "flask",
            "src/flask/",
            "src/",
            "src/flask/blueprints.py",
            "register",
            "pytest",
            "tests/test_blueprints.py",
            _pytest_header("3.11.10", "pytest-7.3.0, pluggy-1.0.0", "configfile: pyproject.toml"),
            "3.11.10",
        ),
    )
}
