"""What each repository's tests may need from the system, how its absence shows, and where a wheel carries it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    what: str  # in the agent's words
    probe: str  # the command that shows it missing
    symptom: str
    apt: str  # the Debian packages
    pip_try: str  # what the agent first installs with pip
    pip_fail: str  # how that goes without the system library ({site} filled in)
    conda: str
    source: str  # the upstream tarball
    wheel: str  # the pip command that brings a wheel carrying the library (None-like "" when there is none)
    wheel_out: str
    use: str  # the command that uses it once installed
    use_out: str
    symptom_rc: int = 1
    pip_rc: int = 1


_BUILD = "  error: subprocess-exited-with-error\n  \n  × Building wheel for {pkg} (pyproject.toml) did not run successfully.\n  │ exit code: 1\n  ╰─> [{n} lines of output]\n{body}\n      [end of output]\n  \n  note: This error originates from a subprocess, and is likely not a problem with pip.\n  ERROR: Failed building wheel for {pkg}\nFailed to build {pkg}\nERROR: Could not build wheels for {pkg}, which is required to install pyproject.toml-based projects"


def _build(pkg: str, n: int, body: str) -> str:
    return _BUILD.format(pkg=pkg, n=n, body="\n".join("      " + line for line in body.splitlines()))


_LXML = Need(
    "libxml2/libxslt (for lxml)",
    'python -c "import lxml.etree"',
    "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'lxml'",
    "libxml2-dev libxslt1-dev",
    "pip install 'lxml==4.6.3'",
    _build(
        "lxml",
        14,
        "Building lxml version 4.6.3.\nBuilding without Cython.\nError: Please make sure the libxml2 and libxslt development packages are installed.",
    ),
    "lxml",
    "https://download.gnome.org/sources/libxml2/2.9/libxml2-2.9.14.tar.xz",
    "pip install --only-binary=:all: lxml",
    "Collecting lxml\n  Downloading lxml-5.3.0-cp39-cp39-manylinux_2_28_x86_64.whl (5.0 MB)\nInstalling collected packages: lxml\nSuccessfully installed lxml-5.3.0",
    'python -c "import lxml.etree as e; print(e.LXML_VERSION, e.LIBXML_VERSION)"',
    "(5, 3, 0, 0) (2, 12, 9)",
)
_CRYPTO = Need(
    "OpenSSL headers and a Rust compiler (for cryptography)",
    'python -c "import OpenSSL.SSL"',
    "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'OpenSSL'",
    "libssl-dev rustc cargo",
    "pip install --no-binary cryptography 'cryptography<42' pyOpenSSL",
    _build(
        "cryptography",
        22,
        "running build_rust\n\n    =============================DEBUG ASSISTANCE=============================\n    If you are seeing a compilation error please try the following steps to\n    successfully install cryptography:\n    1) Upgrade to the latest pip and try again.\n    =============================DEBUG ASSISTANCE=============================\n\nerror: can't find Rust compiler",
    ),
    "cryptography",
    "https://www.openssl.org/source/openssl-1.1.1w.tar.gz",
    "pip install --only-binary=:all: 'cryptography<42' pyOpenSSL",
    "Installing collected packages: cryptography, pyOpenSSL\nSuccessfully installed cryptography-41.0.7 pyOpenSSL-23.3.0",
    'python -c "import OpenSSL.SSL as s; print(s.OPENSSL_VERSION_NUMBER > 0)"',
    "True",
)

NEEDS = {
    "django": Need(
        "the GEOS C library",
        'python -c "from django.conf import settings; settings.configure(); from django.contrib.gis.geos import Point; print(Point(1, 2).wkt)"',
        'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/django/contrib/gis/geos/__init__.py", line 5, in <module>\n    from .collections import (  # NOQA\n  File "/testbed/django/contrib/gis/geos/libgeos.py", line 62, in load_geos\n    raise ImportError(\ndjango.core.exceptions.ImproperlyConfigured: Could not find the GEOS library (tried "geos_c", "GEOS"). Try setting GEOS_LIBRARY_PATH in your settings.',
        "libgeos-dev",
        "pip install shapely",
        "Collecting shapely\n  Downloading shapely-2.0.6-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (2.5 MB)\nInstalling collected packages: shapely\nSuccessfully installed shapely-2.0.6",
        "geos",
        "https://download.osgeo.org/geos/geos-3.9.1.tar.bz2",
        "pip install shapely && ls {site}/shapely.libs/",
        "Successfully installed shapely-2.0.6\nlibgeos-e4f0e0c1.so.3.11.4\nlibgeos_c-a68605fd.so.1.17.4",
        "python -c \"from django.conf import settings; settings.configure(GEOS_LIBRARY_PATH='{site}/shapely.libs/libgeos_c-a68605fd.so.1.17.4'); from django.contrib.gis.geos import Point; print(Point(1, 2).wkt)\"",
        "POINT (1 2)",
        pip_rc=0,
    ),
    "sympy": Need(
        "the GMP library (for gmpy2)",
        'SYMPY_GROUND_TYPES=gmpy python -c "import gmpy2"',
        "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'gmpy2'",
        "libgmp-dev libmpfr-dev libmpc-dev",
        "pip install 'gmpy2==2.0.8'",
        _build(
            "gmpy2",
            9,
            "running build_ext\nbuilding 'gmpy2' extension\nsrc/gmpy.h:106:12: fatal error: gmp.h: No such file or directory\n  106 | #  include \"gmp.h\"\n      |            ^~~~~~~\ncompilation terminated.\nerror: command '/usr/bin/gcc' failed with exit code 1",
        ),
        "gmpy2",
        "https://gmplib.org/download/gmp/gmp-6.3.0.tar.xz",
        "pip install --only-binary=:all: gmpy2",
        "Collecting gmpy2\n  Downloading gmpy2-2.2.1-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (1.7 MB)\nSuccessfully installed gmpy2-2.2.1",
        'SYMPY_GROUND_TYPES=gmpy python -c "from sympy.external.gmpy import GROUND_TYPES; print(GROUND_TYPES)"',
        "gmpy",
    ),
    "sphinx-doc": _LXML,
    "pytest-dev": _LXML,
    "psf": _CRYPTO,
    "pallets": _CRYPTO,
    "astropy": Need(
        "the HDF5 library (for h5py)",
        "python -m pytest astropy/io/misc/tests/test_hdf5.py -rs 2>&1 | tail -3",
        "SKIPPED [78] astropy/io/misc/tests/test_hdf5.py:33: could not import 'h5py': No module named 'h5py'\n============================= 78 skipped in 0.91s ==============================",
        "libhdf5-dev",
        "pip install 'h5py==3.1.0'",
        _build(
            "h5py",
            11,
            "running build_ext\nLoading library to get build settings and version: libhdf5.so\nerror: Unable to load dependency HDF5, make sure HDF5 is installed properly\nerror: libhdf5.so: cannot open shared object file: No such file or directory",
        ),
        "h5py",
        "https://support.hdfgroup.org/ftp/HDF5/releases/hdf5-1.12/hdf5-1.12.2/src/hdf5-1.12.2.tar.gz",
        "pip install --only-binary=:all: h5py",
        "Collecting h5py\n  Downloading h5py-3.11.0-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (5.3 MB)\nSuccessfully installed h5py-3.11.0",
        "python -m pytest astropy/io/misc/tests/test_hdf5.py -q 2>&1 | tail -2",
        "........................................................................ [ 92%]\n......                                                                   [100%]\n78 passed in 3.12s",
        symptom_rc=0,
    ),
    "matplotlib": Need(
        "ffmpeg",
        "python -m pytest lib/matplotlib/tests/test_animation.py -k ffmpeg -rs 2>&1 | tail -3",
        "SKIPPED [12] lib/matplotlib/tests/test_animation.py:181: Requested MovieWriter (ffmpeg) not available\n====================== 12 skipped, 71 deselected in 1.04s ======================",
        "ffmpeg",
        "pip install ffmpeg",
        "Collecting ffmpeg\n  Downloading ffmpeg-1.4.tar.gz (5.1 kB)\nBuilding wheels for collected packages: ffmpeg\nSuccessfully built ffmpeg\nInstalling collected packages: ffmpeg\nSuccessfully installed ffmpeg-1.4",
        "ffmpeg",
        "https://ffmpeg.org/releases/ffmpeg-6.1.tar.xz",
        'pip install imageio-ffmpeg && python -c "import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())"',
        "Successfully installed imageio-ffmpeg-0.5.1\n{site}/imageio_ffmpeg/binaries/ffmpeg-linux64-v4.2.2",
        "python -c \"import matplotlib, imageio_ffmpeg; matplotlib.rcParams['animation.ffmpeg_path'] = imageio_ffmpeg.get_ffmpeg_exe(); from matplotlib import animation; print(animation.writers.is_available('ffmpeg'))\"",
        "True",
        symptom_rc=0,
        pip_rc=0,
    ),
    "scikit-learn": Need(
        "the Arrow C++ libraries (for pyarrow)",
        'python -c "import pyarrow"',
        "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'pyarrow'",
        "libarrow-dev",
        "pip install --no-binary pyarrow 'pyarrow==12.0.1'",
        _build(
            "pyarrow",
            17,
            '-- Running cmake for PyArrow\nCMake Error at CMakeLists.txt:265 (find_package):\n  By not providing "FindArrow.cmake" in CMAKE_MODULE_PATH this project has\n  asked CMake to find a package configuration file provided by "Arrow", but\n  CMake did not find one.\n\n  Could not find a package configuration file provided by "Arrow" with any\n  of the following names:\n\n    ArrowConfig.cmake\n    arrow-config.cmake\nerror: command \'/usr/bin/cmake\' failed with exit code 1',
        ),
        "arrow-cpp",
        "https://archive.apache.org/dist/arrow/arrow-12.0.1/apache-arrow-12.0.1.tar.gz",
        "pip install --only-binary=:all: pyarrow",
        "Collecting pyarrow\n  Downloading pyarrow-17.0.0-cp39-cp39-manylinux_2_28_x86_64.whl (39.9 MB)\nSuccessfully installed pyarrow-17.0.0",
        "python -c \"import pyarrow, pandas; print(pyarrow.__version__, pandas.DataFrame({'a': [1]}).convert_dtypes(dtype_backend='pyarrow').dtypes.iloc[0])\"",
        "17.0.0 int64[pyarrow]",
    ),
    "pydata": Need(
        "the netCDF C library (for netCDF4)",
        "python -m pytest xarray/tests/test_backends.py -k NetCDF4 -rs 2>&1 | tail -3",
        "SKIPPED [412] xarray/tests/__init__.py:118: requires netCDF4\n================ 412 skipped, 1731 deselected in 4.85s ================",
        "libnetcdf-dev libhdf5-dev",
        "pip install --no-binary netCDF4 netCDF4",
        _build(
            "netCDF4",
            8,
            "reading from setup.cfg...\nnc-config not found in PATH\nValueError: did not find netCDF version info",
        ),
        "libnetcdf",
        "https://downloads.unidata.ucar.edu/netcdf-c/4.9.2/netcdf-c-4.9.2.tar.gz",
        "pip install --only-binary=:all: netCDF4",
        "Collecting netCDF4\n  Downloading netCDF4-1.7.1.post2-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (9.0 MB)\nSuccessfully installed cftime-1.6.4 netCDF4-1.7.1.post2",
        "python -m pytest xarray/tests/test_backends.py -k 'NetCDF4Data and roundtrip_string' -q 2>&1 | tail -1",
        "6 passed, 2137 deselected in 3.41s",
        symptom_rc=0,
    ),
    "pylint-dev": Need(
        "Graphviz (the dot binary)",
        "pyreverse -o png -p demo pylint/pyreverse 2>&1 | tail -3",
        "Format png is not supported natively. Pyreverse will try to generate it using Graphviz...\nThe output format 'png' is currently not available.\nPlease install 'Graphviz' to have other output formats than 'dot' or 'vcg'.",
        "graphviz",
        "pip install graphviz",
        "Collecting graphviz\n  Downloading graphviz-0.20.3-py3-none-any.whl (47 kB)\nSuccessfully installed graphviz-0.20.3",
        "graphviz",
        "https://gitlab.com/api/v4/projects/4207231/packages/generic/graphviz-releases/9.0.0/graphviz-9.0.0.tar.gz",
        "",
        "",
        "",
        "",
        symptom_rc=0,
        pip_rc=0,
    ),
    "mwaskom": Need(
        "a C++ compiler (for fastcluster)",
        'python -c "import fastcluster"',
        "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'fastcluster'",
        "g++ build-essential",
        "pip install 'fastcluster==1.1.26'",
        _build(
            "fastcluster",
            6,
            "running build_ext\nbuilding '_fastcluster' extension\nerror: command 'g++' failed: No such file or directory",
        ),
        "fastcluster",
        "https://ftp.gnu.org/gnu/gcc/gcc-12.3.0/gcc-12.3.0.tar.xz",
        "pip install --only-binary=:all: fastcluster",
        "Collecting fastcluster\n  Downloading fastcluster-1.2.6-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (194 kB)\nSuccessfully installed fastcluster-1.2.6",
        'python -c "import fastcluster, seaborn as sns; print(fastcluster.__version__)"',
        "1.2.6",
    ),
}
