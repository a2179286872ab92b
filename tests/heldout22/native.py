"""The compiled code each repository's runs reach: a C library a crash happens in, an extension built in place.

Only repositories where such code is real are listed; the families using them are spliced into those runs only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Native:
    """A compiled library the repository calls into, and the repro script that crashes in it."""

    module: str  # what the agent calls the library
    lib: str  # the shared object ({site} and {so} filled in)
    frames: tuple[tuple[str, str, int], ...]  # the repository's Python frames, innermost first
    var: str  # the argument the wrapper hands to the library
    script: tuple[str, ...]  # the repro script, {arg} where the bad argument goes
    bad: str
    good: str
    why: str  # what the faulthandler stack shows the agent
    ok: str  # the repro's output once the argument is right
    test: str  # the repository test that crashes too
    abort: str = ""  # the library's own message when it aborts rather than segfaults

    @property
    def wrapper(self) -> str:
        return self.frames[0][0]

    @property
    def func(self) -> str:
        return self.frames[0][1]


NATIVE = {
    "astropy": Native(
        "astropy.wcs._wcs",
        "/testbed/astropy/wcs/_wcs{so}",
        (
            ("astropy/wcs/wcs.py", "_return_list_of_arrays", 1282),
            ("astropy/wcs/wcs.py", "_array_converter", 1351),
            ("astropy/wcs/wcs.py", "all_pix2world", 1512),
        ),
        "xy",
        (
            "import numpy as np",
            "from numpy.lib.stride_tricks import as_strided",
            "from astropy.wcs import WCS",
            "",
            "w = WCS(naxis=2)",
            'w.wcs.ctype = ["RA---TAN", "DEC--TAN"]',
            "w.wcs.crval = [10.0, 20.0]",
            "w.wcs.cdelt = [-0.0002, 0.0002]",
            "base = np.linspace(0, 100, 16)",
            "pix = {arg}",
            "print(w.all_pix2world(pix, 0)[:3])",
        ),
        "as_strided(base, shape=(4000, 2), strides=(16, 8 * 10**6))",
        "np.column_stack([base, base[::-1]]).repeat(250, axis=0)",
        "the `as_strided` view the script builds over a 16-element buffer with an 8 MB stride",
        "[[10.         20.        ]\n [ 9.99957428 20.02666667]\n [ 9.99914857 20.05333333]]",
        "astropy/wcs/tests/test_wcs.py::test_all_pix2world_noncontiguous",
    ),
    "matplotlib": Native(
        "matplotlib._path",
        "/testbed/lib/matplotlib/_path{so}",
        (
            ("lib/matplotlib/path.py", "contains_points", 522),
            ("lib/matplotlib/patches.py", "contains_points", 163),
        ),
        "points",
        (
            "import numpy as np",
            "from numpy.lib.stride_tricks import as_strided",
            "from matplotlib.patches import Rectangle",
            "",
            "rect = Rectangle((0, 0), 1, 1)",
            "grid = np.random.default_rng(0).random(32)",
            "points = {arg}",
            "print(rect.contains_points(points).sum())",
        ),
        "as_strided(grid, shape=(50000, 2), strides=(8, 10**7))",
        "grid.reshape(16, 2)",
        "the `as_strided` view over a 32-element buffer with a 10 MB stride that the script passes as points",
        "16",
        "lib/matplotlib/tests/test_path.py::test_contains_points_strided",
    ),
    "scikit-learn": Native(
        "sklearn.tree._tree",
        "/testbed/sklearn/tree/_tree{so}",
        (
            ("sklearn/tree/_classes.py", "predict", 426),
            ("sklearn/tree/_classes.py", "predict_proba", 858),
        ),
        "X",
        (
            "import numpy as np",
            "from sklearn.datasets import load_iris",
            "from sklearn.tree import DecisionTreeClassifier",
            "",
            "X, y = load_iris(return_X_y=True)",
            "clf = DecisionTreeClassifier(random_state=0).fit(X, y)",
            "left = {arg}",
            "left[1] = 10**6",
            "print(clf.predict(X[:5]))",
        ),
        "clf.tree_.children_left",
        "clf.tree_.children_left.copy()",
        "`clf.tree_.children_left` is a view into the fitted tree's node array, so `left[1] = 10**6` wrote a node id far past `node_count` into the live tree",
        "[0 0 0 0 0]",
        "sklearn/tree/tests/test_tree.py::test_predict_after_pruning",
    ),
    "pydata": Native(
        "netCDF4._netCDF4",
        "{site}/netCDF4/_netCDF4{so}",
        (
            ("xarray/backends/netCDF4_.py", "_getitem", 103),
            ("xarray/core/indexing.py", "explicit_indexing_adapter", 818),
            ("xarray/backends/netCDF4_.py", "__getitem__", 90),
            ("xarray/core/indexing.py", "__array__", 553),
        ),
        "key",
        (
            "import numpy as np",
            "import xarray as xr",
            "",
            'xr.Dataset({"t": (("x", "y"), np.arange(12.0).reshape(3, 4))}).to_netcdf("/tmp/sample.nc")',
            'with xr.open_dataset("/tmp/sample.nc") as ds:',
            '    t = ds["t"]{arg}',
            "print(t[0:2].values)",
        ),
        "",
        ".load()",
        "the `t[0:2].values` read after the `with` block: `t` is still lazily backed by the netCDF4 file the block already closed",
        "[[0. 1. 2. 3.]\n [4. 5. 6. 7.]]",
        "xarray/tests/test_backends.py::TestNetCDF4Data::test_read_after_close",
    ),
    "django": Native(
        "libgeos_c (through django.contrib.gis.geos)",
        "/usr/lib/x86_64-linux-gnu/libgeos_c.so.1",
        (
            ("django/contrib/gis/geos/prototypes/threadsafe.py", "__call__", 47),
            ("django/contrib/gis/geos/libgeos.py", "__call__", 154),
            ("django/contrib/gis/geos/geometry.py", "_topology", 592),
            ("django/contrib/gis/geos/geometry.py", "intersection", 617),
        ),
        "args",
        (
            "from django.conf import settings",
            "settings.configure()",
            "from django.contrib.gis.geos import GEOSGeometry, Polygon",
            "",
            "poly = Polygon(((0, 0), (0, 1), (1, 1), (0, 0)))",
            "other = {arg}",
            "del poly",
            "print(other.intersection(Polygon(((0, 0), (0, 2), (2, 2), (0, 0)))).area)",
        ),
        "GEOSGeometry(poly.ptr)",
        "poly.clone()",
        "`GEOSGeometry(poly.ptr)`: it makes a second owner of the same GEOS pointer, `del poly` frees it and `other` goes on using the freed geometry",
        "0.5",
        "gis_tests.geos_tests.test_geos.GEOSTest.test_intersection_shared_ptr",
    ),
    "sympy": Native(
        "gmpy2",
        "{site}/gmpy2/gmpy2{so}",
        (
            ("sympy/core/numbers.py", "_eval_power", 2311),
            ("sympy/core/power.py", "__new__", 336),
            ("sympy/core/expr.py", "__pow__", 227),
            ("sympy/core/decorators.py", "binary_op_wrapper", 136),
        ),
        "expt",
        (
            "from sympy import Integer, Mod, Pow",
            "",
            "base = Integer(3)",
            "x = {arg}",
            "print(Mod(x, 7))",
        ),
        "base ** (2**40)",
        "Pow(base, 2**40, evaluate=False)",
        "`base ** (2**40)` in the script: it asks GMP for an integer of about 1.7e12 bits, which aborts inside gmpy2 before Python can raise anything",
        "4",
        "sympy/core/tests/test_numbers.py::test_pow_mod_huge_exponent",
        abort="gmp: overflow in mpz type",
    ),
}


@dataclass(frozen=True)
class Compiled:
    """An extension of the repository built in place, and the name the agent adds to it."""

    source: str  # the .pyx or C++ file the agent edits
    module: str
    importer: str  # the Python module importing the new name
    names: tuple[str, ...]  # names the agent may add
    cython: bool
    c_file: str  # what the build compiles
    build_s: tuple[int, int]  # how long an in-place build takes


COMPILED = {
    "astropy": Compiled(
        "astropy/io/ascii/cparser.pyx",
        "astropy.io.ascii.cparser",
        "astropy/io/ascii/fastbasic.py",
        ("_strip_fill_values", "_count_header_lines", "_normalize_delimiter"),
        True,
        "astropy/io/ascii/cparser.c",
        (40, 150),
    ),
    "matplotlib": Compiled(
        "src/_path_wrapper.cpp",
        "matplotlib._path",
        "lib/matplotlib/path.py",
        ("clip_path_closed", "count_bboxes_overlapping", "path_extents_finite"),
        False,
        "src/_path_wrapper.cpp",
        (60, 240),
    ),
    "scikit-learn": Compiled(
        "sklearn/tree/_utils.pyx",
        "sklearn.tree._utils",
        "sklearn/tree/_classes.py",
        ("_any_nonfinite", "_check_sample_weight_nonneg", "_node_depths"),
        True,
        "sklearn/tree/_utils.c",
        (90, 400),
    ),
}
