# ruff: noqa: E501
"""Loops on the database the tests talk to: a locked SQLite file, a server that isn't there, a missing JSON1."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout43.text import Ctx, churn, edit, pid, runner, traceback

_LOCKED = "django.db.utils.OperationalError: database is locked"


def _run(ctx: Ctx, rng: random.Random, extra: str = "") -> str:
    base = rng.choice(["./tests/runtests.py", "python tests/runtests.py", "cd tests && python runtests.py"])
    return f"{base} {ctx.app} {extra}".strip()


def sqlite_database_locked(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`database is locked` from the test database however the run is parallelised, timed out or cleaned."""

    def locked(procs: int, test: str) -> str:
        frames = [
            ("django/db/backends/utils.py", "return self.cursor.execute(sql, params)"),
            ("django/db/backends/sqlite3/base.py", "return Database.Cursor.execute(self, query, params)"),
        ]
        body = traceback(
            rng,
            f"{test} ({ctx.app}.tests.{ctx.model}Tests.{test})",
            [(f"tests/{ctx.app}/tests.py", f"{ctx.model}.objects.create(name='x{rng.randint(1, 99)}')"), *frames],
            "sqlite3.OperationalError: database is locked\n\nThe above exception was the direct cause of the following exception:\n\n"
            + _LOCKED,
        )
        return runner(ctx, rng, ctx.app, body, failed=rng.randint(1, 3), processes=procs)

    first = Step(
        "Let me run the test app in parallel to check my change.",
        _run(ctx, rng, f"--parallel {rng.choice([2, 4, 8])}"),
        locked(4, f"test_{ctx.stem}_concurrent"),
        rc=1,
        seconds=rng.uniform(5, 30),
    )

    def rerun(k: int) -> list[Step]:
        flag = rng.choice(
            [
                "--parallel 1",
                "--parallel 2",
                "--noinput --parallel 1",
                f"--parallel 1 -k test_{ctx.stem}",
                "--keepdb --parallel 1",
                f"{ctx.app}.tests.{ctx.model}Tests --parallel 1",
            ]
        )
        return [
            Step(
                rng.choice(
                    [
                        "Maybe running serially avoids the lock.",
                        "Let me run it again with different options.",
                        "Running again after that change.",
                    ]
                ),
                _run(ctx, rng, flag) + f" -v {rng.choice([1, 2])}",
                locked(1, f"test_{ctx.stem}_{rng.choice(['update', 'select_for_update', 'bulk', 'save'])}"),
                rc=1,
                seconds=rng.uniform(4, 25),
            )
        ]

    def timeout(k: int) -> list[Step]:
        t = rng.choice([5, 20, 30, 60, 120])
        return [
            Step(
                f"I'll raise SQLite's busy timeout to {t} seconds in the test settings.",
                edit(
                    ctx.settings,
                    "'ENGINE': 'django.db.backends.sqlite3',",
                    f"'ENGINE': 'django.db.backends.sqlite3',\n        'OPTIONS': dict(timeout={t}),",
                ),
                "patched\n",
            )
        ]

    def holders(k: int) -> list[Step]:
        cmd = rng.choice(
            [
                "fuser -v tests/*.sqlite3* 2>&1",
                "lsof 2>/dev/null | grep -i sqlite | head",
                "ls -la /tmp/*.sqlite3* tests/*.sqlite3* 2>&1",
                "ls -la --time-style=full-iso *.sqlite3* 2>&1",
            ]
        )
        out = rng.choice(
            [
                "",
                "bash: fuser: command not found\n",
                f"python  {pid(rng)} root  {rng.randint(3, 9)}u   REG  0,{rng.randint(40, 90)}  {rng.randint(90000, 400000)} {rng.randint(1000, 9999)} /testbed/tests/test_db.sqlite3\n",
                "ls: cannot access '/tmp/*.sqlite3*': No such file or directory\n",
            ]
        )
        return [
            Step(
                "Something must be holding the database file. Let me see what.",
                cmd,
                out,
                rc=0 if out.startswith("python") else 1,
            )
        ]

    def cleanup(k: int) -> list[Step]:
        return [
            Step(
                "Let me remove any stale database and journal files and retry.",
                rng.choice(
                    [
                        "rm -f tests/*.sqlite3* db.sqlite3* /tmp/*.sqlite3*",
                        "rm -rf tests/__pycache__ && rm -f test_db.sqlite3*",
                        "find . -name '*.sqlite3-journal' -delete -print",
                    ]
                ),
                rng.choice(["", "./test_db.sqlite3-journal\n"]),
            )
        ]

    def wal(k: int) -> list[Step]:
        mode = rng.choice(["wal", "WAL", "truncate"])
        return [
            Step(
                f"Let me try switching the journal mode to {mode} when the connection is created.",
                edit(
                    "django/db/backends/sqlite3/base.py",
                    "conn.execute('PRAGMA foreign_keys = ON')",
                    f"conn.execute('PRAGMA foreign_keys = ON')\n        conn.execute('PRAGMA journal_mode={mode}')",
                ),
                "patched\n",
            )
        ]

    def direct(k: int) -> list[Step]:
        secs = rng.choice([0.5, 1, 2, 5])
        return [
            Step(
                "Let me see if two plain sqlite3 connections lock each other here.",
                f"python - <<'EOF'\nimport sqlite3\na = sqlite3.connect('/tmp/t.db', timeout={secs})\nb = sqlite3.connect('/tmp/t.db', timeout={secs})\na.execute('create table if not exists t (x)')\na.execute('begin immediate'); a.execute('insert into t values (1)')\ntry:\n    b.execute('insert into t values (2)')\nexcept Exception as e:\n    print(type(e).__name__, e)\nEOF",
                "OperationalError database is locked\n",
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [rerun, rerun, timeout, holders, cleanup, wal, direct],
        "the SQLite 'database is locked' errors",
    )


def db_server_refused(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Settings pointing at a PostgreSQL server that isn't there; started, installed, re-pointed, never reached."""
    port = rng.choice([5432, 5432, 5433])

    def refused(host: str, p: int) -> str:
        addr = "127.0.0.1" if host in ("localhost", "127.0.0.1") else host
        if host == "db":
            err = 'psycopg2.OperationalError: could not translate host name "db" to address: Name or service not known'
        elif host.startswith("/"):
            err = f'psycopg2.OperationalError: connection to server on socket "{host}/.s.PGSQL.{p}" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?'
        else:
            err = f'psycopg2.OperationalError: connection to server at "{host}" ({addr}), port {p} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?'
        return (
            f"Testing against Django installed in '/testbed/django' with up to 1 processes\nFound {rng.randint(4, 90)} test(s).\nCreating test database for alias 'default'...\nTraceback (most recent call last):\n  File \"/testbed/django/db/backends/base/base.py\", line {rng.randint(200, 290)}, in ensure_connection\n    self.connect()\n  File \"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/site-packages/psycopg2/__init__.py\", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\n{err}\n\nThe above exception was the direct cause of the following exception:\n\n"
            + err.replace("psycopg2.", "django.db.utils.", 1)
            + "\n"
        )

    first = Step(
        "The issue is PostgreSQL-specific, so let me run the tests against the postgres settings.",
        f"./tests/runtests.py {ctx.app} --settings=test_postgres",
        refused("localhost", port),
        rc=1,
        seconds=rng.uniform(2, 8),
    )

    def run(k: int) -> list[Step]:
        host = rng.choice(["localhost", "127.0.0.1", "db", "/var/run/postgresql", "/tmp"])
        env = rng.choice(
            ["", f"PGHOST={host} ", f"DATABASE_URL=postgres://postgres@{host}:{port}/django ", "PGPORT=5433 "]
        )
        return [
            Step(
                rng.choice(
                    [
                        "Let me try the postgres run again.",
                        "Trying the postgres settings once more with that change.",
                        "Let me see if the connection works now.",
                        "Let me rerun against postgres.",
                    ]
                ),
                f"{env}./tests/runtests.py {ctx.app} --settings=test_postgres {rng.choice(['', '--parallel 1', '-v 2', f'-k {ctx.stem}'])}".strip(),
                refused(host, 5433 if "5433" in env else port),
                rc=1,
                seconds=rng.uniform(1, 6),
            )
        ]

    def start(k: int) -> list[Step]:
        cmd, out = rng.choice(
            [
                ("service postgresql start", "postgresql: unrecognized service\n"),
                (
                    f"pg_ctl -D /var/lib/postgresql/{rng.randint(12, 16)}/main start",
                    "bash: pg_ctl: command not found\n",
                ),
                (
                    "systemctl start postgresql",
                    "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
                ),
                (
                    "docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=postgres postgres:15",
                    "bash: docker: command not found\n",
                ),
                (
                    "ls /usr/lib/postgresql/ /etc/postgresql 2>&1",
                    "ls: cannot access '/usr/lib/postgresql/': No such file or directory\nls: cannot access '/etc/postgresql': No such file or directory\n",
                ),
            ]
        )
        return [
            Step("The server is not running. Let me try to start one.", cmd, out, rc=127 if "not found" in out else 1)
        ]

    def install(k: int) -> list[Step]:
        cmd, out = rng.choice(
            [
                (
                    "apt-get install -y postgresql",
                    "Reading package lists...\nBuilding dependency tree...\nE: Unable to locate package postgresql\n",
                ),
                (
                    "apt-get update 2>&1 | tail -3",
                    "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nW: Some index files failed to download. They have been ignored, or old ones used instead.\n",
                ),
                (
                    "conda install -y -c conda-forge postgresql 2>&1 | tail -4",
                    "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\n",
                ),
                (
                    "pip install psycopg2-binary",
                    f"Requirement already satisfied: psycopg2-binary in {ctx.site} (2.9.{rng.randint(3, 9)})\n",
                ),
            ]
        )
        return [
            Step(
                "Let me see whether I can install a PostgreSQL server here.",
                cmd,
                out,
                rc=0 if "already" in out else 100,
            )
        ]

    def probe(k: int) -> list[Step]:
        cmd, out = rng.choice(
            [
                (f"pg_isready -h localhost -p {port}", "bash: pg_isready: command not found\n"),
                (
                    f"nc -zv 127.0.0.1 {port} 2>&1",
                    f"nc: connect to 127.0.0.1 port {port} (tcp) failed: Connection refused\n",
                ),
                ("env | grep -i -E 'pg|database|postgres'", ""),
                (
                    "cat tests/test_postgres.py 2>/dev/null || ls tests/*.py | head",
                    f"DATABASES = {{\n    'default': {{\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'django',\n        'USER': 'postgres',\n        'HOST': 'localhost',\n        'PORT': {port},\n    }},\n}}\nSECRET_KEY = 'django_tests_secret_key'\n".replace(
                        "{{", "{"
                    ).replace("}}", "}"),
                ),
                (
                    f"python -c \"import psycopg2; psycopg2.connect(host='localhost', port={port}, user='postgres')\"",
                    f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\npsycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port {port} failed: Connection refused\n',
                ),
            ]
        )
        return [
            Step("Let me check whether anything is listening.", cmd, out, rc=0 if out.startswith("DATABASES") else 1)
        ]

    def repoint(k: int) -> list[Step]:
        new = rng.choice(["'127.0.0.1'", "'db'", "'/var/run/postgresql'", "''"])
        return [
            Step(
                f"Let me point HOST at {new} in the postgres settings.",
                edit("tests/test_postgres.py", "'HOST': 'localhost',", f"'HOST': {new},"),
                rng.choice(
                    [
                        "patched\n",
                        "patched\n",
                        "FileNotFoundError: [Errno 2] No such file or directory: 'tests/test_postgres.py'\n",
                    ]
                ),
            )
        ]

    return churn(
        ctx, rng, n, first, [run, run, start, install, probe, repoint], "getting a PostgreSQL server for the tests"
    )


def sqlite_json1_missing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """JSONField lookups failing on the environment's SQLite, the agent chasing another SQLite build."""
    old = f"3.{rng.choice([7, 8, 9])}.{rng.randint(1, 17)}"

    def err(k: int) -> str:
        e = rng.choice(
            [
                "django.db.utils.OperationalError: no such function: JSON_EXTRACT",
                "django.db.utils.OperationalError: no such function: JSON_TYPE",
                "django.db.utils.NotSupportedError: contains lookup is not supported on this database backend.",
                "django.core.exceptions.FieldError: Unsupported lookup 'has_key' for JSONField or join on the field not permitted.",
            ]
        )
        body = traceback(
            rng,
            f"test_{ctx.stem}_json ({ctx.app}.tests.{ctx.model}JSONTests.test_{ctx.stem}_json)",
            [
                (
                    f"tests/{ctx.app}/tests.py",
                    f"list({ctx.model}.objects.filter(data__{rng.choice(['has_key', 'contains', 'key__exact', 'foo__bar'])}='x'))",
                ),
                ("django/db/models/query.py", "self._fetch_all()"),
                ("django/db/backends/sqlite3/base.py", "return Database.Cursor.execute(self, query, params)"),
            ],
            e,
        )
        return runner(ctx, rng, ctx.app, body, failed=rng.randint(1, 4))

    first = Step(
        "Let me run the JSONField test I added.",
        f"./tests/runtests.py {ctx.app} model_fields.test_jsonfield",
        err(0),
        rc=1,
        seconds=rng.uniform(3, 15),
    )

    def run(k: int) -> list[Step]:
        pre = rng.choice(
            [
                "",
                "LD_LIBRARY_PATH=/usr/local/lib ",
                "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libsqlite3.so.0 ",
                "PYTHONPATH=/tmp/pysqlite ",
            ]
        )
        return [
            Step(
                rng.choice(
                    [
                        "Let me run it again.",
                        "Let me rerun the JSONField tests.",
                        "Maybe that picks up a newer SQLite; running again.",
                        "Running the JSON tests once more.",
                    ]
                ),
                f"{pre}./tests/runtests.py {rng.choice([ctx.app, 'model_fields.test_jsonfield', f'{ctx.app}.tests.{ctx.model}JSONTests'])} {rng.choice(['', '-v 2', '--parallel 1'])}".strip(),
                err(k),
                rc=1,
                seconds=rng.uniform(3, 15),
            )
        ]

    def version(k: int) -> list[Step]:
        return [
            Step(
                "Which SQLite does Python link against?",
                rng.choice(
                    [
                        'python -c "import sqlite3; print(sqlite3.sqlite_version)"',
                        "python -c \"import sqlite3; c = sqlite3.connect(':memory:'); print(c.execute('select sqlite_version()').fetchone(), c.execute('pragma compile_options').fetchall()[:6])\"",
                        f"ldd /opt/miniconda3/envs/testbed/lib/python{ctx.python}/lib-dynload/_sqlite3*.so | grep sqlite",
                    ]
                ),
                rng.choice(
                    [
                        f"{old}\n",
                        f"('{old}',) [('COMPILER=gcc-{rng.randint(7, 11)}.{rng.randint(1, 4)}.0',), ('ENABLE_FTS3',), ('ENABLE_RTREE',), ('THREADSAFE=1',)]\n",
                        f"\tlibsqlite3.so.0 => /opt/miniconda3/envs/testbed/lib/libsqlite3.so.0 (0x00007f{rng.randrange(16**8):08x})\n",
                    ]
                ),
            )
        ]

    def pysqlite(k: int) -> list[Step]:
        cmd, out = rng.choice(
            [
                (
                    "pip install pysqlite3-binary",
                    "ERROR: Could not find a version that satisfies the requirement pysqlite3-binary (from versions: none)\nERROR: No matching distribution found for pysqlite3-binary\n",
                ),
                (
                    "conda install -y 'sqlite>=3.38' 2>&1 | tail -3",
                    "CondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://repo.anaconda.com/pkgs/main/linux-64/current_repodata.json>\n",
                ),
                ("ls /usr/lib/x86_64-linux-gnu/ | grep -i sqlite", "libsqlite3.so.0\nlibsqlite3.so.0.8.6\n"),
                ("apt-get install -y libsqlite3-dev", "E: Unable to locate package libsqlite3-dev\n"),
            ]
        )
        return [Step("Let me try to get a newer SQLite build.", cmd, out, rc=1)]

    def shim(k: int) -> list[Step]:
        return [
            Step(
                "Let me make the test settings use pysqlite3 in place of sqlite3 if it's importable.",
                edit(
                    ctx.settings,
                    "DATABASES = ",
                    f"try:\n    import pysqlite3, sys\n    sys.modules['sqlite3'] = pysqlite3\nexcept ImportError:\n    pass\n# {k}\nDATABASES = ",
                ),
                "patched\n",
            )
        ]

    def feature(k: int) -> list[Step]:
        return [
            Step(
                "What does Django think this backend supports?",
                "python -c \"import django; from django.conf import settings; settings.configure(DATABASES=dict(default=dict(ENGINE='django.db.backends.sqlite3', NAME=':memory:'))); django.setup(); from django.db import connection; print(connection.features.supports_json_field, connection.Database.sqlite_version)\"",
                f"False {old}\n",
            )
        ]

    return churn(
        ctx, rng, n, first, [run, run, version, pysqlite, shim, feature], "the JSON1 support of this SQLite build"
    )
