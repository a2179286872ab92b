"""Data files each repository's tests fetch on first use, where they are cached and how fetching them fails."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataNeed:
    what: str
    test: str  # the command running the test that needs it
    cache: str  # the cache directory, under ~ unless absolute
    file: str  # the file inside it
    url: str
    env: str  # the variable that moves the cache
    load: str  # the Python that fetches it
    missing: str  # how the loader reports the missing file ({path} filled in)
    corrupt: str  # how it reports a placeholder file
    skip: str = ""  # how the test reports itself skipped when it does not run


DATA = {
    "scikit-learn": DataNeed(
        "the California housing dataset",
        "SKLEARN_SKIP_NETWORK_TESTS=0 python -m pytest sklearn/datasets/tests/test_california_housing.py -x",
        "~/scikit_learn_data",
        "cal_housing_py3.pkz",
        "https://ndownloader.figshare.com/files/5976036",
        "SCIKIT_LEARN_DATA",
        "from sklearn.datasets import fetch_california_housing; print(fetch_california_housing(download_if_missing={dl}).data.shape)",
        "OSError: Data not found and `download_if_missing` is False",
        "EOFError: Compressed file ended before the end-of-stream marker was reached",
    ),
    "astropy": DataNeed(
        "the IERS-A Earth orientation table",
        "python -m pytest astropy/utils/iers/tests/test_iers.py --remote-data=any -x -k Auto",
        "~/.astropy/cache/download/url/2c4ba5e9a1d2a5e2a4c4b1a3b8a6f0d4",
        "contents",
        "https://datacenter.iers.org/data/9/finals2000A.all",
        "XDG_CACHE_HOME",
        "from astropy.utils import iers; iers.conf.auto_download = {dl}; print(len(iers.IERS_Auto.open()))",
        "FileNotFoundError: [Errno 2] No such file or directory: '{path}'",
        "ValueError: Input data is not an IERS table: could not parse 'contents' as a fixed-width table",
    ),
    "matplotlib": DataNeed(
        "the bivariate_normal sample data",
        "python -m pytest lib/mpl_toolkits/axes_grid1/tests/test_axes_grid1.py -x -k inset",
        "/testbed/lib/matplotlib/mpl-data/sample_data/axes_grid",
        "bivariate_normal.npy",
        "https://raw.githubusercontent.com/matplotlib/matplotlib/v3.5.0/lib/matplotlib/mpl-data/sample_data/axes_grid/bivariate_normal.npy",
        "MPLCONFIGDIR",
        "import matplotlib.cbook as cb; print(cb.get_sample_data('axes_grid/bivariate_normal.npy', np_load=True).shape)",
        "FileNotFoundError: [Errno 2] No such file or directory: '{path}'",
        "ValueError: Cannot load file containing pickled data when allow_pickle=False",
    ),
    "pydata": DataNeed(
        "the air_temperature tutorial dataset",
        "python -m pytest xarray/tests/test_tutorial.py -x --run-network-tests",
        "~/.cache/xarray_tutorial_data",
        "air_temperature.nc",
        "https://github.com/pydata/xarray-data/raw/master/air_temperature.nc",
        "XDG_CACHE_HOME",
        "import xarray as xr; print(xr.tutorial.open_dataset('air_temperature').air.shape)",
        "FileNotFoundError: [Errno 2] No such file or directory: b'{path}'",
        "OSError: [Errno -51] NetCDF: Unknown file format: b'{path}'",
    ),
    "mwaskom": DataNeed(
        "the penguins example dataset",
        "python -m pytest tests/test_distributions.py -x -k penguins",
        "~/seaborn-data",
        "penguins.csv",
        "https://raw.githubusercontent.com/mwaskom/seaborn-data/master/penguins.csv",
        "SEABORN_DATA",
        "import seaborn as sns; print(sns.load_dataset('penguins', cache=True).shape)",
        "FileNotFoundError: [Errno 2] No such file or directory: '{path}'",
        "pandas.errors.EmptyDataError: No columns to parse from file",
    ),
    "django": DataNeed(
        "the GeoLite2 City database",
        "GEOIP_PATH={dir} python tests/runtests.py gis_tests.test_geoip2 -v 2",
        "~/.cache/geoip",
        "GeoLite2-City.mmdb",
        "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&suffix=tar.gz",
        "GEOIP_PATH",
        "from django.conf import settings; settings.configure(GEOIP_PATH='{dir}'); from django.contrib.gis.geoip2 import GeoIP2; print(GeoIP2().city('8.8.8.8'))",
        "django.contrib.gis.geoip2.base.GeoIP2Exception: Could not load a database from {path}.",
        "maxminddb.errors.InvalidDatabaseError: Error opening database file ({path}). Is this a valid MaxMind DB file?",
    ),
    "sphinx-doc": DataNeed(
        "the Python objects.inv inventory for intersphinx",
        "python -m pytest tests/test_ext_intersphinx.py -x -k python_inventory",
        "~/.cache/sphinx-inventories/python",
        "objects.inv",
        "https://docs.python.org/3/objects.inv",
        "SPHINX_INVENTORY_CACHE",
        "from sphinx.ext.intersphinx import fetch_inventory; from types import SimpleNamespace as N; print(len(fetch_inventory(N(config=N(intersphinx_timeout=30, tls_verify=True, user_agent='x'), srcdir='.'), 'https://docs.python.org/3', '{path}')))",
        "FileNotFoundError: [Errno 2] No such file or directory: '{path}'",
        "ValueError: invalid inventory header: ",
    ),
}
