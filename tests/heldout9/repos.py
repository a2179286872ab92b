"""What each SWE-bench project's testbed is like: its runner, package, compiled parts and extras."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Repo:
    package: str  # the importable package (its directory under /testbed, maybe under lib/)
    runner: str  # how its tests are run on a test file or label
    python: str  # the testbed's interpreter when the run shows none
    extension: str  # a compiled module of the package (.so); "" when it is pure Python
    source: str  # the C or Cython source of that module
    extra: str  # an optional dependency some tests need, not installable here
    system_lib: str  # the system library that extra needs
    needs: str  # something a part of its tests expects from the machine (service, display, locale)


REPOS: dict[str, Repo] = {
    "django": Repo(
        "django", "python tests/runtests.py {label} --verbosity 2", "3.9", "", "", "psycopg2", "libpq-dev", "postgres"
    ),
    "sympy": Repo("sympy", "bin/test {path}", "3.9", "", "", "gmpy2", "libgmp-dev", "locale"),
    "astropy": Repo(
        "astropy",
        "python -m pytest {path}",
        "3.9",
        "astropy/wcs/_wcs",
        "cextern/wcslib/C/wcs.c",
        "h5py",
        "libhdf5-dev",
        "network",
    ),
    "scikit-learn": Repo(
        "sklearn",
        "python -m pytest {path}",
        "3.6",
        "sklearn/utils/_cython_blas",
        "sklearn/utils/_cython_blas.pyx",
        "pyamg",
        "libsuitesparse-dev",
        "network",
    ),
    "matplotlib": Repo(
        "matplotlib",
        "python -m pytest {path}",
        "3.11",
        "lib/matplotlib/_path",
        "src/_path_wrapper.cpp",
        "cairocffi",
        "libcairo2-dev",
        "display",
    ),
    "xarray": Repo("xarray", "python -m pytest {path}", "3.10", "", "", "netCDF4", "libnetcdf-dev", "network"),
    "requests": Repo("requests", "python -m pytest {path}", "3.9", "", "", "pyOpenSSL", "libssl-dev", "network"),
    "sphinx": Repo(
        "sphinx", "python -m pytest {path}", "3.9", "", "", "sphinxcontrib-websupport", "libxslt1-dev", "latex"
    ),
    "pytest": Repo("_pytest", "python -m pytest {path}", "3.9", "", "", "pexpect", "libtinfo-dev", "tty"),
    "pylint": Repo("pylint", "python -m pytest {path}", "3.9", "", "", "enchant", "libenchant-2-dev", "locale"),
    "seaborn": Repo("seaborn", "python -m pytest {path}", "3.9", "", "", "statsmodels", "libopenblas-dev", "display"),
    "flask": Repo("flask", "python -m pytest {path}", "3.11", "", "", "asgiref", "libffi-dev", "network"),
}
