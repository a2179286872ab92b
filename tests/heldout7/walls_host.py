"""The walls of the host for env-blocked sessions: a database server that is not there, a read-only
site-packages, a locale that is not installed."""

from __future__ import annotations

from .walls import Attack

DATABASE: list[Attack] = [
    (
        (
            "These tests need PostgreSQL. Let me run them with a postgres settings module.",
            "The bug is backend specific; I'll run the test against postgres.",
        ),
        (
            "./tests/runtests.py {label} --settings=test_postgres",
            "python tests/runtests.py --settings=test_postgres {label} -v 2",
        ),
        1,
        "{pg_refused}",
    ),
    (
        ("The server is not running. Let me start it.", "I'll start the postgres service."),
        (
            "service postgresql start",
            "pg_ctlcluster 14 main start",
            "sudo -u postgres pg_ctl -D /var/lib/postgresql/data start",
        ),
        127,
        (
            "postgresql: unrecognized service",
            "bash: line 1: pg_ctlcluster: command not found",
            "bash: line 1: sudo: command not found",
        ),
    ),
    (
        ("Let me check if postgres is installed at all.", "Where are the postgres binaries?"),
        ("which postgres psql pg_ctl", "ls /usr/lib/postgresql/ 2>&1", "dpkg -l | grep -i postgres"),
        1,
        ("", "ls: cannot access '/usr/lib/postgresql/': No such file or directory", ""),
    ),
    (
        (
            "Maybe the socket connection works if I use 127.0.0.1 and another port.",
            "Let me point the settings at the unix socket instead of TCP.",
        ),
        (
            "sed -i \"s/'HOST': '.*'/'HOST': '{pghost}'/\" tests/test_postgres.py && ./tests/runtests.py {label} --settings=test_postgres",
            "PGHOST={pghost} PGPORT={pgport} ./tests/runtests.py {label} --settings=test_postgres",
        ),
        1,
        "{pg_refused}",
    ),
    (
        ("I'll install postgres with apt.", "Install the server package."),
        ("apt-get install -y postgresql", "apt-get update && apt-get install -y postgresql-14"),
        100,
        "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nReading package lists...\nE: Unable to locate package postgresql",
    ),
    (
        ("Maybe MySQL is available instead.", "Let me try the MySQL backend."),
        (
            "./tests/runtests.py {label} --settings=test_mysql",
            "python tests/runtests.py {label} --settings=test_mysql --parallel 1",
        ),
        1,
        "django.db.utils.OperationalError: (2002, \"Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\")",
    ),
    (
        ("Let me try a throwaway server with docker.", "A container would provide a database."),
        ("docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=postgres postgres:14", "podman run -d -p 5432:5432 postgres"),
        127,
        ("bash: line 1: docker: command not found", "bash: line 1: podman: command not found"),
    ),
    (
        ("Let me test the connection directly with psycopg2.", "Is psycopg2 even able to connect?"),
        ("python -c \"import psycopg2; psycopg2.connect(host='{pghost}', user='postgres', dbname='postgres')\"",),
        1,
        'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/opt/miniconda3/envs/testbed/lib/python{py}/site-packages/psycopg2/__init__.py", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\npsycopg2.OperationalError: {pg_short}',
    ),
]
READONLY: list[Attack] = [
    (
        ("The fix needs a newer `{pkg}`. Let me upgrade it.", "I'll upgrade `{pkg}` in the environment."),
        ("pip install -U {pkg}", "pip install --upgrade --no-deps {pkg}"),
        1,
        "Requirement already satisfied: {pkg} in /opt/miniconda3/envs/testbed/lib/python{py}/site-packages\nInstalling collected packages: {pkg}\n  Attempting uninstall: {pkg}\nERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: '/opt/miniconda3/envs/testbed/lib/python{py}/site-packages/{pkg}/__init__.py'\n",
    ),
    (
        ("A user install avoids touching the env.", "Let me install into the user site instead."),
        ("pip install --user -U {pkg}", "PYTHONUSERBASE={tmp} pip install --user {pkg}"),
        1,
        "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.",
    ),
    (
        ("Maybe it is just permissions.", "Let me make site-packages writable."),
        (
            "chmod -R u+w /opt/miniconda3/envs/testbed/lib/python{py}/site-packages/{pkg}",
            "chown -R $(id -u) /opt/miniconda3/envs/testbed/lib/python{py}/site-packages",
        ),
        1,
        "chmod: changing permissions of '/opt/miniconda3/envs/testbed/lib/python{py}/site-packages/{pkg}': Read-only file system",
    ),
    (
        ("How is that directory mounted?", "Let me look at the mounts."),
        (
            "mount | grep -E 'opt|overlay' | head",
            "df -h /opt/miniconda3/envs/testbed",
            "touch /opt/miniconda3/envs/testbed/lib/python{py}/site-packages/x && echo ok",
        ),
        1,
        "touch: cannot touch '/opt/miniconda3/envs/testbed/lib/python{py}/site-packages/x': Read-only file system",
    ),
    (
        (
            "Let me install into a separate directory and put it on PYTHONPATH.",
            "A --target install next to the repo could work.",
        ),
        ("pip install --target {tmp} {pkg}", "pip install --prefix {tmp} --no-deps {pkg}"),
        1,
        "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device: '{tmp}/{pkg}'\n",
    ),
    (
        ("Maybe a virtualenv with system site packages works.", "I'll make a fresh venv."),
        (
            "python -m venv {tmp} --system-site-packages && {tmp}/bin/pip install {pkg}",
            "python -m venv /testbed/.venv && /testbed/.venv/bin/pip install -e .",
        ),
        1,
        "Error: Command '['{tmp}/bin/python', '-Im', 'ensurepip', '--upgrade', '--default-pip']' returned non-zero exit status 1.",
    ),
]
LOCALE: list[Attack] = [
    (
        (
            "The failing case needs a non-English locale. Let me run it under one.",
            "I'll reproduce with the locale from the report.",
        ),
        ("LC_ALL={loc} python {script}", "LANG={loc} LC_ALL={loc} python {script}"),
        1,
        'Traceback (most recent call last):\n  File "/testbed/{script}", line 3, in <module>\n    locale.setlocale(locale.LC_ALL, \'{loc}\')\n  File "/opt/miniconda3/envs/testbed/lib/python{py}/locale.py", line 610, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting',
    ),
    (
        ("Which locales exist?", "Let me list the installed locales."),
        ("locale -a", "ls /usr/lib/locale/ 2>&1", "localectl list-locales 2>&1 | head"),
        0,
        "C\nC.UTF-8\nPOSIX",
    ),
    (
        ("I'll generate the locale.", "Let me compile the locale definition."),
        ("locale-gen {loc}", "localedef -i {lang} -f UTF-8 {loc}"),
        1,
        (
            "bash: line 1: locale-gen: command not found",
            "[error] cannot open locale definition file `{lang}': No such file or directory",
        ),
    ),
    (
        ("The locales package must be missing; apt it is.", "Install the locales package."),
        ("apt-get install -y locales", "apt-get update && apt-get install -y locales-all"),
        100,
        "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nE: Unable to locate package locales",
    ),
    (
        ("Maybe another spelling of the locale name works.", "Perhaps the locale is installed under a different name."),
        (
            "LC_NUMERIC={loc2} python {script}",
            "python -c \"import locale; print(locale.setlocale(locale.LC_ALL, '{loc2}'))\"",
        ),
        1,
        "locale.Error: unsupported locale setting",
    ),
    (
        ("Are any fonts or locale data files on this machine at all?", "Let me search for locale archives."),
        ("find / -name 'locale-archive' -o -name '{lang}*' -path '*locale*' 2>/dev/null | head", "fc-list | head"),
        0,
        "",
    ),
]
