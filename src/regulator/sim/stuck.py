"""What a simulated agent stuck on its environment sees: the root errors and the output of each retry.

A stuck agent keeps trying commands (rebuild, reinstall, set a path) that cannot fix an error
outside the code (a missing C extension, system library or service); `stuck_output` renders what
each kind of attempt prints, so the detectors see the near-identical loop a real stuck run makes.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regulator.sim.workspace import Repo

# (root error line, import chain shown above it, attempts: (thought, command, output kind))
STUCK_ROOTS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "ModuleNotFoundError: No module named '{pkg}._speedups'",
        "{pkg}/__init__.py:12: in <module>\n    from ._speedups import fast_path",
        (
            (
                "The C extension is not built. Let me build it in place.",
                "python setup.py build_ext --inplace",
                "build",
            ),
            (
                "Installing the package in editable mode should compile the extension.",
                "pip install -e .",
                "build",
            ),
            (
                "Maybe the wrong copy of the package is imported. Setting PYTHONPATH explicitly.",
                "PYTHONPATH=/testbed python -m pytest {test} -q",
                "collect",
            ),
            (
                "Let me check whether the extension file exists.",
                "ls -la {pkg}/ | grep -i speedups",
                "listing",
            ),
            (
                "Perhaps cython is missing.",
                "pip install cython && python setup.py build_ext --inplace",
                "network",
            ),
            (
                "Let me import the package directly to see the full error.",
                'python -c "import {pkg}"',
                "trace",
            ),
            (
                "Let me rule out stale bytecode.",
                "find . -name '*.pyc' -delete && python -m pytest {test} -q",
                "collect",
            ),
        ),
    ),
    (
        "ImportError: libpq.so.5: cannot open shared object file: No such file or directory",
        "{pkg}/db.py:7: in <module>\n    import "
        "psycopg2\n/usr/lib/python3/dist-packages/psycopg2/__init__.py:51: in <module>\n"
        "    from psycopg2._psycopg import (",
        (
            ("The PostgreSQL client library is missing. Installing it.", "apt-get install -y libpq5", "apt"),
            ("Let me try the binary wheel instead.", "pip install psycopg2-binary", "network"),
            (
                "Let me look for the library somewhere else on the system.",
                "ldconfig -p | grep libpq",
                "empty",
            ),
            (
                "Maybe the library path is not set.",
                "LD_LIBRARY_PATH=/usr/local/lib python -m pytest {test} -q",
                "collect",
            ),
            (
                "Let me check which psycopg2 is imported.",
                'python -c "import psycopg2; print(psycopg2.__file__)"',
                "trace",
            ),
            (
                "Running only the tests of the module, skipping the database ones.",
                "python -m pytest {test} -q -k 'not db'",
                "collect",
            ),
        ),
    ),
    (
        "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.",
        "tests/conftest.py:18: in cache\n    "
        "client.ping()\n/usr/local/lib/python3.11/site-packages/redis/connection.py:"
        "{n}: in connect\n    raise ConnectionError(self._error_message(e))",
        (
            ("The tests need a Redis server. Let me start one.", "redis-server --daemonize yes", "missing"),
            ("Trying the service manager.", "service redis-server start", "missing"),
            (
                "Let me point the tests at another port.",
                "REDIS_URL=redis://127.0.0.1:6380/0 python -m pytest {test} -q",
                "collect",
            ),
            ("Let me check if anything listens on 6379.", "ss -ltnp | grep 6379", "empty"),
            ("Maybe a fake Redis works.", "pip install fakeredis && python -m pytest {test} -q", "network"),
            (
                "Running the tests with more output.",
                "python -m pytest {test} -x -vv 2>&1 | tail -n 40",
                "collect",
            ),
        ),
    ),
)
SHARED_OUTAGE = 2  # the root a whole fleet can share: a service (Redis) that is down for everyone
AGAIN = (
    "The same error again.",
    "Still failing with the same error.",
    "That didn't change anything.",
    "Hmm, no luck.",
    "Same result.",
    "This did not help either.",
    "The error persists.",
)


def stuck_output(kind: str, root: str, chain: str, repo: Repo, rng: random.Random) -> tuple[str, int]:
    took = f"{rng.uniform(0.1, 2.5):.2f}s"
    if kind == "collect":
        return (
            f"==================================== ERRORS ====================================\n"
            f"_{'_' * 18} ERROR collecting {repo.test_file} {'_' * 18}\nImportError while importing test "
            "module "
            f"'/testbed/{repo.test_file}'.\nTraceback:\n{repo.test_file}:{rng.randint(2, 9)}: in <module>\n"
            f"    from {repo.package} import {repo.function}\n{chain}\nE   {root}\n"
            "=========================== short test summary info ============================\n"
            f"ERROR {repo.test_file}\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection "
            "!!!!!!!!!!!!!!!!!!!!\n"
            f"=============================== 1 error in {took} ===============================\n",
            2,
        )
    if kind == "trace":
        frames = chain.replace("\n    ", "\n        ").replace(": in ", '", in ')
        return (
            'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
            f'  File "/testbed/{frames}\n{root}\n',
            1,
        )
    if kind == "build":
        return (
            f"running build_ext\nbuilding '{repo.package}._speedups' extension\ncreating "
            "build/temp.linux-x86_64-cpython-311/"
            f"{repo.package}\ngcc -pthread -fno-strict-overflow -O2 -fPIC -I/usr/include/python3.11 -c "
            f"{repo.package}/_speedups.c\n"
            "error: command 'gcc' failed: No such file or directory\n",
            1,
        )
    if kind == "network":
        return (
            "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after "
            "connection broken "
            "by 'NewConnectionError(\"<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f"
            f"{rng.getrandbits(36):09x}>: Failed to establish a new connection: [Errno -3] Temporary "
            "failure in name resolution\")'\n"
            "ERROR: Could not find a version that satisfies the requirement (from versions: none)\n",
            1,
        )
    if kind == "apt":
        return "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n", 100
    if kind == "missing":
        return f"bash: {rng.choice(['redis-server', 'service'])}: command not found\n", 127
    if kind == "listing":
        return (
            f"-rw-r--r-- 1 root root {rng.randint(9000, 40000)} Jan 12 10:{rng.randint(10, 59)} _speedups.pyx\n",
            0,
        )
    return "", 1
