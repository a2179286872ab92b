"""Blockers of the machine: a test needing an absent service, display or locale, and a read-only
install the agent cannot replace."""

from __future__ import annotations

import random

from .drift import secs, tmpdir
from .env_install import Attack
from .instance import Instance

MISSING_TOOLS = {
    "service",
    "pg_ctlcluster",
    "docker",
    "Xvfb",
    "xvfb-run",
    "locale-gen",
    "localedef",
    "tlmgr",
    "nslookup",
    "ping",
    "script",
}


def absent_service(inst: Instance, rng: random.Random) -> list[Attack]:
    need = inst.repo.needs
    path = inst.test_command.split()[-1]
    errors = {
        "postgres": [
            'django.db.utils.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host "localhost" (127.0.0.1) and accepting\n\tTCP/IP connections on port 5432?',
            'psycopg2.OperationalError: connection to server at "localhost" (::1), port 5432 failed: Connection refused',
            'django.db.utils.OperationalError: could not translate host name "db" to address: Name or service not known',
        ],
        "display": [
            "_tkinter.TclError: no display name and no $DISPLAY environment variable",
            "qt.qpa.xcb: could not connect to display :99",
            "RuntimeError: Invalid DISPLAY variable",
        ],
        "locale": [
            "locale.Error: unsupported locale setting",
            "OSError: [Errno 2] No such file or directory: '/usr/share/i18n/locales/de_DE'",
            "ValueError: unknown locale: de_DE.UTF-8",
        ],
        "network": [
            "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>",
            "socket.gaierror: [Errno -2] Name or service not known",
            "TimeoutError: [Errno 110] Connection timed out",
        ],
        "latex": [
            "sphinx.errors.ExtensionError: LaTeX command 'latex' cannot be run (needed for math display)",
            "FileNotFoundError: [Errno 2] No such file or directory: 'latexmk'",
            "RuntimeError: dvipng command 'dvipng' cannot be run",
        ],
        "tty": [
            "OSError: out of pty devices",
            "pexpect.exceptions.ExceptionPexpect: The command was not found or was not executable: script.",
            "termios.error: (25, 'Inappropriate ioctl for device')",
        ],
    }[need]
    starts = {
        "postgres": [
            "service postgresql start",
            "pg_ctlcluster 14 main start",
            "su postgres -c 'pg_ctl -D /var/lib/postgresql/data start'",
            "docker run -d -p 5432:5432 postgres:14",
        ],
        "display": [
            "Xvfb :99 -screen 0 1024x768x24 &",
            "xvfb-run -a true",
            "export DISPLAY=:0 && xdpyinfo",
            "MPLBACKEND=TkAgg python -c 'import tkinter; tkinter.Tk()'",
        ],
        "locale": [
            "locale-gen de_DE.UTF-8",
            "localedef -i de_DE -f UTF-8 de_DE.UTF-8",
            "locale -a",
            "LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 python -c 'import locale; locale.setlocale(locale.LC_ALL, \"\")'",
        ],
        "network": [
            "curl -sS https://www.example.com -o /dev/null -w '%{http_code}'",
            "ping -c 1 8.8.8.8",
            "python -c \"import socket; print(socket.gethostbyname('pypi.org'))\"",
            "nslookup github.com",
        ],
        "latex": [
            "which latex dvipng latexmk",
            "apt-get install -y texlive-latex-base dvipng",
            "tlmgr install dvipng",
            "find / -name 'latex*' -type f 2>/dev/null | head",
        ],
        "tty": [
            "ls -la /dev/pts /dev/ptmx",
            "script -qc 'echo hi' /dev/null",
            "python -c 'import pty, os; print(pty.openpty())'",
            "mount | grep devpts",
        ],
    }[need]
    found: list[Attack] = []
    for i, start in enumerate(starts):
        tool = start.split()[0]
        missing = tool in MISSING_TOOLS and i % 2 == 0
        said = (
            f"bash: line 1: {tool}: command not found\n" if missing else f"{errors[i % len(errors)].splitlines()[-1]}\n"
        )
        found.append(
            (
                f"The failing test needs a working {need}. Trying to provide it.",
                start,
                127 if missing else rng.choice([1, 2]),
                said,
            )
        )
        found.append(
            (
                f"Run the test again with the {need} attempt in place.",
                f"{inst.test_command} 2>&1 | tail -{rng.randint(4, 12)}",
                1,
                f"E   {errors[(i + 1) % len(errors)]}\n{path}:{rng.randint(30, 400)}: {errors[(i + 1) % len(errors)].split(':')[0].split('.')[-1]}\n"
                + "=" * 20
                + f" 1 failed, {rng.randint(3, 90)} passed in {secs(rng, 0.5, 12)}s "
                + "=" * 20
                + "\n",
            )
        )
    found.append(
        (
            "Maybe skipping the dependency via an env var helps.",
            f"SKIP_{need.upper()}=1 {inst.test_command} -x -q 2>&1 | tail -3",
            1,
            f"E   {errors[0].splitlines()[0]}\n1 failed, {rng.randint(3, 90)} passed in {secs(rng, 0.5, 9)}s\n",
        )
    )
    return found


def read_only(inst: Instance, rng: random.Random) -> list[Attack]:
    site = inst.site
    return [
        (
            "The installed copy shadows my edit. Reinstall the package in development mode.",
            "pip install -e . --no-deps",
            1,
            f"ERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: '{site}/__editable__.{inst.repo.package.strip('_')}-0.0.pth'\n",
        ),
        (
            "Check where the module is imported from.",
            f'python -c "import {inst.repo.package.strip("_")} as m; print(m.__file__)"',
            0,
            f"{site}/{inst.repo.package.strip('_')}/__init__.py\n",
        ),
        (
            "Try removing the installed copy.",
            f"pip uninstall -y {inst.repo.package.strip('_')}",
            1,
            f"Found existing installation: {inst.repo.package.strip('_')}\nUninstalling...\nERROR: Exception:\nPermissionError: [Errno 13] Permission denied: '{site}/{inst.repo.package.strip('_')}'\n",
        ),
        (
            "Use a .pth file to put /testbed first.",
            f"echo /testbed > {site}/00-testbed.pth",
            1,
            f"bash: line 1: {site}/00-testbed.pth: Read-only file system\n",
        ),
        (
            "Try PYTHONPATH instead.",
            f'PYTHONPATH=/testbed python -c "import {inst.repo.package.strip("_")} as m; print(m.__file__)"',
            0,
            f"{site}/{inst.repo.package.strip('_')}/__init__.py\n",
        ),
        (
            "Check mount flags.",
            f"mount | grep -E 'site-packages|envs' ; touch {site}/x",
            1,
            f"overlay on {site} type overlay (ro,relatime)\ntouch: cannot touch '{site}/x': Read-only file system\n",
        ),
        (
            "Try a user install.",
            "pip install --user -e . --no-deps 2>&1 | tail -2",
            1,
            "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.\n",
        ),
        (
            "Try python -I -S to skip site.",
            f"cd /testbed && python -S -c \"import sys; sys.path.insert(0, '/testbed'); import {inst.repo.package.strip('_')} as m; print(m.__file__)\"",
            1,
            f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{rng.choice(['numpy', 'packaging', 'pyparsing'])}'\n",
        ),
        (
            "Copy the package to a writable temp location and import from there.",
            f"cp -r /testbed/{inst.repo.package} {tmpdir(rng)}/ 2>&1 | tail -1",
            1,
            f"cp: cannot create directory '{tmpdir(rng)}': No space left on device\n",
        ),
        (
            "Try setting PYTHONNOUSERSITE and a fresh venv.",
            "python -m venv /tmp/venv && /tmp/venv/bin/pip install -e /testbed --no-deps",
            1,
            "Error: [Errno 28] No space left on device: '/tmp/venv'\n",
        ),
    ]
