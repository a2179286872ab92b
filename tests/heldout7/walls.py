"""The walls of env-blocked sessions: for each kind (no compiler, no network, no database server, a
read-only site-packages, a missing locale) the attacks an agent makes on it and what each one prints."""

from __future__ import annotations

# (thoughts, commands, returncode, output, or one output for each command); {fields} are filled per attack.
Attack = tuple[tuple[str, ...], tuple[str, ...], int, str | tuple[str, ...]]
RETRY = "WARNING: Retrying (Retry(total={n}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {addr}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/{pkg}/\n"
PIP_NET = "{retries}ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}"
NETWORK: list[Attack] = [
    (
        (
            "I need `{pkg}` installed to run the relevant tests. Let me install it with pip.",
            "The test module imports `{pkg}`, which is not installed in this environment. I'll install it.",
        ),
        ("pip install {pkg}", "python -m pip install {pkg}", "pip install -q {pkg}"),
        1,
        PIP_NET,
    ),
    (
        (
            "pip cannot reach PyPI. Maybe a mirror works better here.",
            "The default index seems unreachable. Let me try another index URL.",
        ),
        (
            "pip install --index-url https://mirrors.aliyun.com/pypi/simple/ {pkg}",
            "pip install -i https://pypi.tuna.tsinghua.edu.cn/simple {pkg}",
            "pip install --extra-index-url https://pypi.python.org/simple {pkg}",
        ),
        1,
        "Looking in indexes: {url}\n{retries}ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}",
    ),
    (
        (
            "Maybe it is a certificate problem. I'll mark the host as trusted.",
            "Let me retry with trusted hosts and a longer timeout.",
        ),
        (
            "pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org {pkg}",
            "pip install --default-timeout=120 {pkg}",
            "PIP_DEFAULT_TIMEOUT=100 pip install --no-cache-dir {pkg}",
        ),
        1,
        "Could not fetch URL https://pypi.org/simple/{pkg}/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/{pkg}/ (Caused by NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {addr}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')) - skipping\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)",
    ),
    (
        ("Let me check whether the machine can resolve hosts at all.", "I'll check connectivity directly."),
        (
            "curl -sSI https://pypi.org/simple/{pkg}/ | head -5",
            "curl -m 10 -I https://files.pythonhosted.org",
            "wget -q -O- https://pypi.org/pypi/{pkg}/json | head -c 200",
        ),
        6,
        "curl: (6) Could not resolve host: {host}",
    ),
    (
        ("Maybe conda has the package cached or can reach its channel.", "conda might work where pip does not."),
        ("conda install -y {pkg}", "conda install -y -c conda-forge {pkg}", "conda install --offline -y {pkg}"),
        1,
        "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n'https//conda.anaconda.org/conda-forge/linux-64'",
    ),
    (
        ("Is there a proxy configured that pip should use?", "Let me look at the network configuration."),
        ("env | grep -i proxy", "cat /etc/resolv.conf", "pip config list"),
        0,
        ("", "{resolv}", ""),
    ),
    (
        (
            "Let me check if a wheel for it exists somewhere on disk already.",
            "Maybe the package is available locally in a cache.",
        ),
        (
            "find / -name '{pkg}*' -not -path '/proc/*' 2>/dev/null | head -20",
            "ls ~/.cache/pip 2>/dev/null | head; pip cache list 2>/dev/null | head",
            "pip download {pkg} -d {tmp} --no-deps",
        ),
        1,
        "",
    ),
    (
        (
            "I'll try getting the source from GitHub instead of PyPI.",
            "Installing directly from the git repository may work.",
        ),
        (
            "pip install git+https://github.com/{pkg}/{pkg}.git",
            "git clone --depth 1 https://github.com/{pkg}/{pkg}.git {tmp}",
        ),
        128,
        "fatal: unable to access 'https://github.com/{pkg}/{pkg}.git/': Could not resolve host: github.com",
    ),
    (
        ("Maybe the system package manager can provide it.", "Let me try apt."),
        (
            "apt-get update && apt-get install -y python3-{pkg}",
            "apt-get install -y --no-install-recommends python3-{pkg}",
        ),
        100,
        "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nErr:2 http://security.ubuntu.com/ubuntu jammy-security InRelease\n  Temporary failure resolving 'security.ubuntu.com'\nReading package lists...\nW: Some index files failed to download. They have been ignored, or old ones used instead.\nE: Unable to locate package python3-{pkg}",
    ),
]
COMPILER: list[Attack] = [
    (
        (
            "The extension modules are not built. I'll build them in place.",
            "I need to rebuild the C extensions after the change.",
        ),
        ("python setup.py build_ext --inplace", "python setup.py build_ext -i 2>&1 | tail -20"),
        1,
        "running build_ext\nbuilding '{ext}' extension\ncreating build/temp.linux-x86_64-cpython-{pyn}\ngcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -fwrapv -O2 -Wall -fPIC -I/opt/miniconda3/envs/testbed/include/python{py} -c {src} -o build/temp.linux-x86_64-cpython-{pyn}/{obj}\nerror: command 'gcc' failed: No such file or directory",
    ),
    (
        (
            "Let me try an editable install, which should build everything.",
            "Perhaps pip can build it without isolation.",
        ),
        (
            "pip install -e . --no-build-isolation",
            "pip install --no-build-isolation --no-deps -e .",
            "python -m pip install -v -e . 2>&1 | tail -15",
        ),
        1,
        "Obtaining file:///testbed\n  Preparing metadata (pyproject.toml) ... done\nInstalling collected packages: {name}\n  Running setup.py develop for {name}\n    error: subprocess-exited-with-error\n\n    × python setup.py develop did not run successfully.\n    │ exit code: 1\n    ╰─> [12 lines of output]\n        unable to execute 'gcc': No such file or directory\n        error: command 'gcc' failed with exit status 1\n        [end of output]\n\n    note: This error originates from a subprocess, and is likely not a problem with pip.",
    ),
    (
        ("Which compilers are available here?", "Let me see whether any C compiler exists."),
        ("which gcc cc clang g++", "ls /usr/bin/ | grep -E 'gcc|clang|cc$'", "command -v cc || echo no cc"),
        1,
        "",
    ),
    (
        ("Maybe conda can install a compiler into the env.", "I'll install the compiler package from conda-forge."),
        ("conda install -y -c conda-forge c-compiler", "conda install -y gcc_linux-64", "conda install -y compilers"),
        1,
        "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -",
    ),
    (
        ("Let me try to point the build at another compiler via CC.", "sysconfig says gcc; maybe I can override it."),
        (
            "CC=clang python setup.py build_ext --inplace 2>&1 | tail -5",
            "CC=cc LDSHARED='cc -shared' python setup.py build_ext -i 2>&1 | tail -5",
        ),
        1,
        "building '{ext}' extension\nerror: command '{cc}' failed: No such file or directory",
    ),
    (
        ("What does Python think the compiler is?", "Let me check the build configuration Python was compiled with."),
        (
            "python -c \"import sysconfig; print(sysconfig.get_config_var('CC'))\"",
            "python -c \"import sysconfig; print(sysconfig.get_config_vars('CC', 'LDSHARED'))\"",
        ),
        0,
        "gcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat",
    ),
    (
        ("Maybe the shared objects exist somewhere and only need linking.", "Let me look for a prebuilt library."),
        (
            "find / -name '*{stem}*.so' -not -path '/proc/*' 2>/dev/null | head",
            "ldconfig -p | grep -i -E 'gomp|stdc'",
            "ls build/lib.*/ 2>&1 | head",
        ),
        0,
        "{found}",
    ),
    (
        ("apt may have a compiler available.", "I'll install build-essential."),
        ("apt-get install -y build-essential", "apt-get update -qq && apt-get install -y gcc"),
        100,
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\nE: Unable to locate package {apt}",
    ),
    (
        (
            "Perhaps importing works if I skip the extension check.",
            "Let me try importing with the build check disabled.",
        ),
        ("{envvar}=1 python {script}", "python -c 'import {name}; print({name}.__file__)'"),
        1,
        "{import_error}",
    ),
]
IMPORT_ERROR = {
    "astropy": "ImportError: You appear to be trying to import astropy from within a source checkout or from an editable installation without building the extension modules first. Either run:\n\n  pip install -e .\n\nor\n\n  python setup.py build_ext --inplace\n\nto make sure the extension modules are built",
    "sklearn": "ImportError: No module named 'sklearn.__check_build._check_build'\n___________________________________________________________________________\nContents of /testbed/sklearn/__check_build:\n__init__.py               __pycache__               setup.py\n___________________________________________________________________________\nIt seems that scikit-learn has not been built correctly.",
    "matplotlib": "ImportError: cannot import name '_c_internal_utils' from partially initialized module 'matplotlib' (most likely due to a circular import) (/testbed/lib/matplotlib/__init__.py)",
}
EXT = {
    "astropy": ("astropy.convolution._convolve", "astropy/convolution/src/convolve.c", "_CONVOLVE"),
    "sklearn": ("sklearn.utils._cython_blas", "sklearn/utils/_cython_blas.c", "SKLEARN_SKIPNETWORK_TESTS"),
    "matplotlib": ("matplotlib._path", "src/_path_wrapper.cpp", "MPLSETUPCFG"),
}
from .walls_host import DATABASE, LOCALE, READONLY  # noqa: E402  (they use Attack, defined above)

CHECKS = {"network": "pip --version", "compiler": "gcc --version", "database": "psql --version", "locale": "locale"}
BLOCKERS = {
    "network": NETWORK,
    "compiler": COMPILER,
    "database": DATABASE,
    "readonly": READONLY,
    "locale": LOCALE,
}
PACKAGES = {
    "django": ("psycopg2-binary", "selenium", "tblib"),
    "sympy": ("pytest", "hypothesis", "mpmath"),
    "requests": ("pytest-httpbin", "trustme", "PySocks"),
    "xarray": ("cftime", "netCDF4", "dask"),
    "sphinx": ("sphinxcontrib-websupport", "docutils", "html5lib"),
    "matplotlib": ("pytest-xvfb", "pikepdf", "cairocffi"),
    "astropy": ("pytest-astropy", "asdf", "erfa"),
    "sklearn": ("threadpoolctl", "pandas", "joblib"),
    "pytest": ("hypothesis", "xmlschema", "argcomplete"),
    "pylint": ("astroid", "isort", "typing-extensions"),
}
