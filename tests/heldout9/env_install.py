"""Blockers of installing and building: a stale compiled extension with no compiler, no network, an
optional dependency needing a system library. Each is a list of attacks with their drifting errors."""

from __future__ import annotations

import random

from .drift import secs, tmpdir
from .instance import Instance

Attack = tuple[str, str, int, str]  # thought, command, returncode, output

INDEXES = [
    "https://pypi.org/simple",
    "https://pypi.tuna.tsinghua.edu.cn/simple",
    "https://mirrors.aliyun.com/pypi/simple/",
    "http://pypi.douban.com/simple",
    "https://pypi.python.org/simple/",
]
RESOLVE = [
    "Temporary failure in name resolution",
    "[Errno -3] Temporary failure in name resolution",
    "[Errno 101] Network is unreachable",
    "Failed to establish a new connection: [Errno -2] Name or service not known",
    "Read timed out. (read timeout=15)",
]


def compiled(inst: Instance, rng: random.Random) -> list[Attack]:
    module = inst.repo.extension or f"{inst.repo.package}/_speedups"
    dotted = module.replace("lib/", "").replace("/", ".")
    so = f"{module}.cpython-{inst.python.replace('.', '')}-x86_64-linux-gnu.so"
    undefined = f"ImportError: /testbed/{so}: undefined symbol: PyFPE_jbuf"
    gcc = "error: command 'gcc' failed: No such file or directory\n"
    header = f'{inst.repo.source}:12:10: fatal error: Python.h: No such file or directory\n   12 | #include "Python.h"\n      |          ^~~~~~~~~~\ncompilation terminated.\n'
    return [
        (
            "The compiled module looks stale. Rebuilding the extensions in place should fix it.",
            "python setup.py build_ext --inplace",
            1,
            f"running build_ext\nbuilding '{dotted}' extension\ncreating build/temp.linux-x86_64-cpython-{inst.python.replace('.', '')}\ngcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -fPIC -I/opt/miniconda3/envs/testbed/include/python{inst.python} -c {inst.repo.source} -o build/temp.o\n{gcc}",
        ),
        (
            "gcc is missing. Let me check which compilers exist.",
            "which gcc cc clang x86_64-linux-gnu-gcc; echo exit=$?",
            1,
            "exit=1\n",
        ),
        (
            "Maybe conda can provide a compiler.",
            "conda install -y -c conda-forge gcc_linux-64",
            1,
            "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n",
        ),
        (
            "Try apt to get build-essential.",
            "apt-get install -y build-essential python3-dev 2>&1 | tail -5",
            100,
            "Reading package lists...\nBuilding dependency tree...\nReading state information...\nE: Unable to locate package build-essential\nE: Unable to locate package python3-dev\n",
        ),
        (
            "Let me confirm the import error itself once more.",
            f'python -c "import {dotted}"',
            1,
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{undefined}\n',
        ),
        (
            "Maybe pip can rebuild it in editable mode without build isolation.",
            "pip install -e . --no-build-isolation -q 2>&1 | tail -8",
            1,
            f"  {header}  error: command '/usr/bin/gcc' failed with exit code 1\n  ERROR: Failed building editable for {inst.repo.package}\nERROR: Could not build wheels for {inst.repo.package}, which is required to install pyproject.toml-based projects\n",
        ),
        (
            "Look for any compiler binary anywhere on the system.",
            "find / -name 'gcc*' -type f -perm -u+x 2>/dev/null | head; ls /usr/lib/gcc 2>&1",
            2,
            "ls: cannot access '/usr/lib/gcc': No such file or directory\n",
        ),
        (
            "Check the header is present for the build at least.",
            f"ls /opt/miniconda3/envs/testbed/include/python{inst.python}/Python.h /usr/include/python3*/Python.h 2>&1",
            2,
            f"ls: cannot access '/usr/include/python3*/Python.h': No such file or directory\nls: cannot access '/opt/miniconda3/envs/testbed/include/python{inst.python}/Python.h': No such file or directory\n",
        ),
        (
            "Perhaps a prebuilt wheel of the same version works.",
            f"pip download {inst.repo.package} --no-deps --only-binary=:all: -d {tmpdir(rng)}",
            1,
            f"WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object>: {rng.choice(RESOLVE)}')': /simple/{inst.repo.package}/\nERROR: Could not find a version that satisfies the requirement {inst.repo.package} (from versions: none)\nERROR: No matching distribution found for {inst.repo.package}\n",
        ),
        (
            "Try CC pointing at cc explicitly.",
            "CC=cc python setup.py build_ext -i 2>&1 | tail -3",
            1,
            "unable to execute 'cc': No such file or directory\nerror: command 'cc' failed with exit status 1\n",
        ),
        (
            "Maybe the stale .so can be bypassed by importing the pure Python fallback.",
            f"python -c \"import os; os.environ['{inst.repo.package.upper().strip('_')}_NO_EXT']='1'; import {inst.repo.package.strip('_')}; print({inst.repo.package.strip('_')}.__file__)\"",
            1,
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{module.rsplit("/", 1)[0]}/__init__.py", line {rng.randint(10, 160)}, in <module>\n    from .{module.rsplit("/", 1)[1]} import *\n{undefined.replace("ImportError", "ImportError")}\n',
        ),
        (
            "Check which version the .so was built for.",
            f'ls -la {module.rsplit("/", 1)[0]}/*.so && python -c "import sys; print(sys.version)"',
            0,
            f"-rwxr-xr-x 1 root root {rng.randint(200000, 2900000)} Oct 24  2024 /testbed/{so}\n{inst.python}.20 (main, Oct  3 2024, 07:27:34) \n[GCC 11.2.0]\n",
        ),
    ]


def offline(inst: Instance, rng: random.Random) -> list[Attack]:
    pkg = inst.repo.extra
    found: list[Attack] = []
    for index in INDEXES:
        found.append(
            (
                f"The test needs `{pkg}`. Installing it from another index.",
                f"pip install {pkg} -i {index} --timeout 30",
                1,
                f"Looking in indexes: {index}\nWARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{rng.randint(10**9, 10**10 - 1):x}>: {rng.choice(RESOLVE)}')': /simple/{pkg.lower()}/\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}\n",
            )
        )
    found += [
        (
            "pip cannot reach the index. Try conda.",
            f"conda install -y {pkg}",
            1,
            f"Collecting package metadata (current_repodata.json): failed\n\nCondaError: {rng.choice(RESOLVE)}\n",
        ),
        (
            "Try cloning the source instead.",
            f"git clone --depth 1 https://github.com/{pkg.lower()}/{pkg.lower()}.git /tmp/{pkg.lower()}",
            128,
            f"Cloning into '/tmp/{pkg.lower()}'...\nfatal: unable to access 'https://github.com/{pkg.lower()}/{pkg.lower()}.git/': Could not resolve host: github.com\n",
        ),
        (
            "Check network directly.",
            "curl -sSI https://pypi.org/simple/ | head -3",
            6,
            "curl: (6) Could not resolve host: pypi.org\n",
        ),
        (
            "Maybe a proxy variable is needed.",
            "env | grep -i proxy; cat /etc/resolv.conf",
            0,
            "# Generated by Docker Engine.\n# This file can be edited; Docker Engine will not make further changes once it\n# has been modified.\n\nnameserver 127.0.0.11\noptions ndots:0\n",
        ),
        (
            "Check whether any wheel is cached locally.",
            f"find / -iname '{pkg.lower()}*.whl' -o -iname '{pkg.lower()}*.tar.gz' 2>/dev/null | head",
            0,
            "",
        ),
        (
            "Try with trusted host and plain http.",
            f"pip install --trusted-host pypi.org {pkg} --index-url http://pypi.org/simple --retries 1",
            1,
            f"WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(\"<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f{rng.randint(10**9, 10**10 - 1):x}>: Failed to establish a new connection: [Errno 101] Network is unreachable\")': /simple/{pkg.lower()}/\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\n",
        ),
        (
            "Is it importable at all now?",
            f'python -c "import {pkg.split("-")[0].lower()}"',
            1,
            f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{pkg.split('-')[0].lower()}'\n",
        ),
        (
            "Try pip download with a long timeout then install offline.",
            f"timeout 120 pip download {pkg} -d /tmp/wheels --timeout 60",
            1,
            f"ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/{pkg.lower()}/ (Caused by NewConnectionError('{rng.choice(RESOLVE)}'))\n",
        ),
    ]
    return found


def system_lib(inst: Instance, rng: random.Random) -> list[Attack]:
    pkg, lib = inst.repo.extra, inst.repo.system_lib
    base = lib.removesuffix("-dev").removeprefix("lib")
    return [
        (
            f"The test imports `{pkg}`, which is not installed. Install it.",
            f"pip install {pkg}",
            1,
            f"Collecting {pkg}\n  Using cached {pkg}-{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.tar.gz ({rng.randint(100, 900)} kB)\n  Preparing metadata (setup.py) ... error\n  error: subprocess-exited-with-error\n  \n  × python setup.py egg_info did not run successfully.\n  │ exit code: 1\n  ╰─> [6 lines of output]\n      Error: {base} not found. Please install the {lib} package.\n      [end of output]\n",
        ),
        (
            f"It needs {lib}. Install the system package.",
            f"apt-get install -y {lib}",
            100,
            f"Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\nE: Unable to locate package {lib}\n",
        ),
        (
            "The package lists may be empty; update first.",
            "apt-get update 2>&1 | tail -4",
            100,
            "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nW: Some index files failed to download. They have been ignored, or old ones used instead.\n",
        ),
        (
            "Maybe a binary wheel avoids the system library.",
            f"pip install --only-binary=:all: {pkg}",
            1,
            f"ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}\n",
        ),
        (
            "Look for the library files.",
            f"ldconfig -p | grep -i {base}; find / -name 'lib{base}*' 2>/dev/null | head -5",
            1,
            "",
        ),
        (
            "Try conda-forge, which bundles the library.",
            f"conda install -y -c conda-forge {pkg.lower()} 2>&1 | tail -4",
            1,
            "Collecting package metadata (repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/noarch/repodata.json>\n",
        ),
        (
            f"Check pkg-config for {base}.",
            f"pkg-config --cflags --libs {base}",
            1,
            f"Package {base} was not found in the pkg-config search path.\nPerhaps you should add the directory containing `{base}.pc'\nto the PKG_CONFIG_PATH environment variable\nNo package '{base}' found\n",
        ),
        (
            "Write a minimal shim so the import succeeds and the test can run.",
            f"mkdir -p /tmp/shim/{pkg.lower()} && echo 'raise ImportError(\"shim\")' > /tmp/shim/{pkg.lower()}/__init__.py && PYTHONPATH=/tmp/shim {inst.test_command} 2>&1 | tail -5",
            1,
            f"E   ImportError: shim\n=========================== short test summary info ============================\nERROR {inst.test_command.split()[-1]} - ImportError: shim\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n=============================== 1 error in {secs(rng, 0.4, 3)}s ===============================\n",
        ),
        (
            "Try an older release that may not need the library.",
            f"pip install '{pkg}<{rng.randint(1, 2)}' --no-cache-dir",
            1,
            f"Collecting {pkg}<2\n  Downloading {pkg}-0.{rng.randint(5, 9)}.tar.gz\n    ERROR: Command errored out with exit status 1:\n    {base}.h: No such file or directory\nERROR: Command errored out with exit status 1: python setup.py egg_info Check the logs for full command output.\n",
        ),
        (
            "Maybe the header is just not on the include path.",
            f"C_INCLUDE_PATH=/usr/local/include pip install {pkg} 2>&1 | grep -i error | head -3",
            0,
            f"      fatal error: {base}.h: No such file or directory\n      error: command '/usr/bin/gcc' failed with exit code 1\n  ERROR: Failed building wheel for {pkg}\n",
        ),
    ]
