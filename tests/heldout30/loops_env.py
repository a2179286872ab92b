# ruff: noqa: E501
"""Loops on the environment: a server that never comes up, interpreters and locales that are not there."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout30.text import Ctx, give_up, look

_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "[::1]")


def _bind_error(rng: random.Random, host: str, port: int) -> str:
    errno = rng.choice(
        [
            "OSError: [Errno 99] Cannot assign requested address",
            "PermissionError: [Errno 1] Operation not permitted",
            "OSError: [Errno 97] Address family not supported by protocol",
        ]
    )
    return (
        "Traceback (most recent call last):\n"
        f'  File "/testbed/serve_check.py", line {rng.randint(18, 44)}, in <module>\n'
        f"    httpd = HTTPServer(('{host.strip('[]')}', {port}), Handler)\n"
        f'  File "/opt/miniconda3/envs/testbed/lib/python3.9/socketserver.py", line {rng.choice([452, 466])}, in __init__\n'
        "    self.server_bind()\n"
        f"{errno}\n"
    )


def server_never_ready(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A throwaway server that can never bind in the sandbox; the agent keeps waiting for it and restarting it."""
    steps: list[Step] = [
        Step(
            f"To check the fix end to end I'll serve the output of `{ctx.func}` from a tiny HTTP server and request it. Let me write the server script.",
            "cat > serve_check.py <<'EOF'\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\nimport sys\n"
            f"from {ctx.dotted} import *\n\nclass Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b'ok')\n\n"
            "httpd = HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)\nhttpd.serve_forever()\nEOF\necho written",
            "written\n",
        )
    ]
    port = rng.choice([8000, 8080, 8765, 5000])
    for attempt in range(40):
        host = rng.choice(_HOSTS)
        wait = rng.choice([2, 3, 5, 8, 10, 15, 20, 30])
        log = rng.choice(["/tmp/server.log", "/tmp/serve.out", "server.log", "/tmp/http.log"])
        start = rng.choice(
            [
                f"nohup python serve_check.py {host.strip('[]')} {port} > {log} 2>&1 &\necho started $!",
                f"(python serve_check.py {host.strip('[]')} {port} > {log} 2>&1 &) ; echo launched",
                f"python serve_check.py {host.strip('[]')} {port} >/dev/null 2>&1 &\necho pid $!",
            ]
        )
        pid = rng.randint(900, 9999)
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Let me start the server in the background on port {port}.",
                        f"I'll restart the server, this time on {host} port {port}.",
                        f"Maybe the earlier instance was still shutting down. Starting it again on port {port}.",
                    ]
                ),
                start,
                f"started {pid}\n"
                if "echo started" in start
                else ("launched\n" if "launched" in start else f"pid {pid}\n"),
                seconds=1.0,
            )
        )
        curl = rng.choice(
            [
                f"sleep {wait} && curl -s -m 5 http://{host}:{port}/ ; echo rc=$?",
                f"sleep {wait}; curl -sS http://{host}:{port}/",
                f"for i in 1 2 3; do curl -s http://{host}:{port}/ && break; sleep {wait}; done; echo done",
                f"sleep {wait} && python -c \"import urllib.request; print(urllib.request.urlopen('http://{host.strip('[]')}:{port}/').read())\"",
            ]
        )
        if "urllib" in curl:
            out = (
                "Traceback (most recent call last):\n"
                '  File "/opt/miniconda3/envs/testbed/lib/python3.9/urllib/request.py", line 1346, in do_open\n'
                "ConnectionRefusedError: [Errno 111] Connection refused\n\nDuring handling of the above exception, another exception occurred:\n"
                "urllib.error.URLError: <urlopen error [Errno 111] Connection refused>\n"
            )
            rc = 1
        elif "echo rc" in curl:
            out, rc = "rc=7\n", 0
        elif "for i" in curl:
            out, rc = "done\n", 0
        else:
            out = f"curl: (7) Failed to connect to {host.strip('[]')} port {port} after {rng.randint(0, 3)} ms: Connection refused\n"
            rc = 7
        steps.append(
            Step(
                rng.choice(
                    [
                        f"The server may need a moment to start. Let me wait {wait} seconds and request it.",
                        f"Let me give it {wait} seconds and try again.",
                        "Polling the server again.",
                    ]
                ),
                curl,
                out,
                rc=rc,
                seconds=float(wait + 1),
            )
        )
        kind = attempt % 4
        if kind == 0:
            steps.append(
                Step(
                    "Is the process still running?",
                    rng.choice(["ps aux | grep serve_check | grep -v grep", "pgrep -af serve_check", "jobs -l"]),
                    "",
                    rc=1,
                )
            )
        elif kind == 1:
            steps.append(Step(f"Let me look at the server's log in {log}.", f"cat {log}", _bind_error(rng, host, port)))
        elif kind == 2:
            steps.append(
                Step(
                    "Let me check which ports are listening.",
                    rng.choice(["ss -ltnp", "netstat -tlnp", "lsof -i -P -n | head"]),
                    rng.choice(
                        [
                            "bash: ss: command not found\n",
                            "bash: netstat: command not found\n",
                            "bash: lsof: command not found\n",
                        ]
                    ),
                    rc=127,
                )
            )
        else:
            steps.append(look(ctx, rng))
        port = rng.choice([port + 1, port + 10, rng.choice([8000, 8001, 8080, 8888, 9000, 5000, 3000])])
    return finish(steps, n, give_up(rng, "getting the check server to come up"))


_MISSING = ("py37", "py38", "py310", "py311", "py312")


def tox_interpreter_missing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Verifying the fix on other Pythons through tox, with only the environment's own interpreter installed."""
    steps: list[Step] = []
    ours = "py" + ctx.python.replace(".", "")
    others = [env for env in _MISSING if env != ours]
    for _ in range(48):
        env = rng.choice(others)
        version = env[2] + "." + env[3:]
        attempt = rng.randrange(9)
        if attempt == 0:
            steps.append(
                Step(
                    f"The issue was reported on Python {version}; I'd like to confirm the fix there too. Let me run tox for {env}.",
                    rng.choice(
                        [
                            f"tox -e {env} -- {ctx.test_file} -q",
                            f"tox -e {env},{ours} --develop",
                            f"python -m tox -e {env} -r",
                        ]
                    ),
                    f"{env}: skipped because could not find python interpreter with spec(s): {env}\n  {env}: SKIP ({rng.uniform(0.01, 0.09):.2f} seconds)\n  evaluation failed :( ({rng.uniform(0.1, 0.9):.2f} seconds)\n",
                    rc=rng.choice([1, 255]),
                    seconds=rng.uniform(1, 4),
                )
            )
        elif attempt == 1:
            steps.append(
                Step(
                    "Let me see which Pythons are installed on this machine.",
                    rng.choice(
                        [
                            "ls /usr/bin/python* /usr/local/bin/python* 2>/dev/null",
                            "ls /opt/miniconda3/envs/",
                            "compgen -c python | sort -u",
                        ]
                    ),
                    rng.choice(
                        [
                            "/usr/bin/python3\n/usr/bin/python3." + rng.choice(["8", "10"]) + "\n",
                            "testbed\n",
                            "python\npython3\npython3-config\npython" + ctx.python + "\n",
                        ]
                    ),
                )
            )
        elif attempt == 2:
            steps.append(
                Step(
                    f"I'll create a Python {version} environment with conda.",
                    rng.choice(
                        [
                            f"conda create -y -q -n {env} python={version}",
                            f"conda create -y -p /tmp/{env} python={version} --offline",
                        ]
                    ),
                    rng.choice(
                        [
                            "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://repo.anaconda.com/pkgs/main/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\n",
                            f"Collecting package metadata (current_repodata.json): done\nSolving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - python={version}\n",
                        ]
                    ),
                    rc=1,
                    seconds=rng.uniform(8, 40),
                )
            )
        elif attempt == 3:
            steps.append(
                Step(
                    f"Maybe uv or pyenv can fetch a {version} interpreter.",
                    rng.choice(
                        [
                            f"uv python install {version}",
                            f"pyenv install {version}",
                            f"pip install -q uv && uv python install {version}",
                        ]
                    ),
                    rng.choice(
                        [
                            "bash: uv: command not found\n",
                            "bash: pyenv: command not found\n",
                            f"error: Failed to download https://github.com/astral-sh/python-build-standalone/releases/download/20240814/cpython-{version}.{rng.randint(1, 19)}-x86_64-unknown-linux-gnu-install_only.tar.gz\n  Caused by: dns error: failed to lookup address information: Temporary failure in name resolution\n",
                        ]
                    ),
                    rc=rng.choice([1, 2, 127]),
                    seconds=rng.uniform(1, 12),
                )
            )
        elif attempt == 4:
            steps.append(
                Step(
                    f"Let me try the system package manager for python{version}.",
                    rng.choice(
                        [f"apt-get install -y python{version}", f"sudo apt-get install -y python{version}-venv"]
                    ),
                    rng.choice(
                        [
                            "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n",
                            "bash: sudo: command not found\n",
                            f"E: Unable to locate package python{version}\n",
                        ]
                    ),
                    rc=100,
                )
            )
        elif attempt == 5:
            steps.append(
                Step(
                    "Could a container give me the other version?",
                    f"docker run --rm -v $PWD:/src -w /src python:{version} python -m pytest {ctx.test_file} -q",
                    "bash: docker: command not found\n",
                    rc=127,
                )
            )
        elif attempt == 6:
            steps.append(
                Step(
                    "Let me check what tox thinks its environments are.",
                    rng.choice(["tox -l", "tox --listenvs-all", "grep -n 'envlist' -A3 tox.ini"]),
                    "\n".join(
                        rng.sample(["py37", "py38", "py39", "py310", "py311", "py312", "docs", "lint", "codestyle"], 6)
                    )
                    + "\n",
                )
            )
        elif attempt == 7:
            direct = rng.random() < 0.5
            steps.append(
                Step(
                    f"Let me just try calling python{version} directly.",
                    f"python{version} -c 'import sys; print(sys.version)'"
                    if direct
                    else f"/usr/bin/python{version} -m pytest {ctx.test_file} -q",
                    f"bash: python{version}: command not found\n"
                    if direct
                    else f"bash: /usr/bin/python{version}: No such file or directory\n",
                    rc=127,
                )
            )
        else:
            steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, "getting a second Python version to test on"))


_LOCALES = ("de_DE.UTF-8", "fr_FR.UTF-8", "tr_TR.UTF-8", "ja_JP.UTF-8", "en_US.UTF-8", "nl_NL.UTF-8")


def locale_unavailable(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A check of the fix under a non-C locale in a sandbox that has only C and POSIX."""
    steps: list[Step] = []
    for _ in range(48):
        loc = rng.choice(_LOCALES)
        attempt = rng.randrange(8)
        line = rng.randint(6, 30)
        if attempt == 0:
            steps.append(
                Step(
                    f"The bug is locale dependent, so let me run my script under {loc}.",
                    rng.choice([f"LC_ALL={loc} python {ctx.script}", f"LANG={loc} LC_ALL={loc} python {ctx.script}"]),
                    f'bash: warning: setlocale: LC_ALL: cannot change locale ({loc})\nTraceback (most recent call last):\n  File "/testbed/{ctx.script}", line {line}, in <module>\n    locale.setlocale(locale.LC_ALL, \'{loc}\')\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/locale.py", line {rng.choice([608, 610, 620])}, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting\n',
                    rc=1,
                )
            )
        elif attempt == 1:
            steps.append(
                Step(
                    "Which locales exist here?",
                    rng.choice(
                        [
                            "locale -a",
                            "locale -a | grep -i utf",
                            "ls /usr/lib/locale/ /usr/share/i18n/locales 2>&1 | head",
                        ]
                    ),
                    rng.choice(
                        [
                            "C\nC.UTF-8\nPOSIX\n",
                            "C.UTF-8\n",
                            "ls: cannot access '/usr/share/i18n/locales': No such file or directory\n/usr/lib/locale/:\nC.UTF-8\n",
                        ]
                    ),
                )
            )
        elif attempt == 2:
            steps.append(
                Step(
                    f"Let me generate the {loc} locale.",
                    rng.choice(
                        [
                            f"locale-gen {loc}",
                            f"localedef -i {loc.split('.')[0]} -f UTF-8 /tmp/locales/{loc}",
                            f"sed -i 's/^# {loc}/{loc}/' /etc/locale.gen && locale-gen",
                        ]
                    ),
                    rng.choice(
                        [
                            "bash: locale-gen: command not found\n",
                            f"[error] cannot open locale definition file `{loc.split('.')[0]}': No such file or directory\n",
                            "sed: couldn't open temporary file /etc/sedX2kQ9a: Permission denied\n",
                        ]
                    ),
                    rc=rng.choice([1, 4, 127]),
                )
            )
        elif attempt == 3:
            steps.append(
                Step(
                    "Maybe LOCPATH pointing at a private directory works.",
                    f"mkdir -p /tmp/loc && LOCPATH=/tmp/loc LC_ALL={loc} python -c \"import locale; print(locale.setlocale(locale.LC_ALL, ''))\"",
                    f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/locale.py", line {rng.choice([608, 610, 620])}, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting\n',
                    rc=1,
                )
            )
        elif attempt == 4:
            steps.append(
                Step(
                    "Let me install the locales package.",
                    rng.choice(
                        [
                            "apt-get install -y locales",
                            "apt-get update -qq && apt-get install -y -qq language-pack-de",
                            "conda install -y -q -c conda-forge glibc-langpack-de",
                        ]
                    ),
                    rng.choice(
                        [
                            "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n",
                            "E: List directory /var/lib/apt/lists/partial is missing. - Acquire (13: Permission denied)\n",
                            "PackagesNotFoundError: The following packages are not available from current channels:\n\n  - glibc-langpack-de\n",
                        ]
                    ),
                    rc=rng.choice([1, 100]),
                    seconds=rng.uniform(1, 15),
                )
            )
        elif attempt == 5:
            steps.append(
                Step(
                    "Perhaps a shorter locale name is accepted.",
                    f"python -c \"import locale; print(locale.setlocale(locale.LC_NUMERIC, '{rng.choice([loc.split('.')[0], loc.split('_')[0], loc.replace('UTF-8', 'utf8')])}'))\"",
                    'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nlocale.Error: unsupported locale setting\n',
                    rc=1,
                )
            )
        elif attempt == 6:
            steps.append(
                Step(
                    "Let me check what the environment's locale variables are.",
                    "locale" if line % 2 else "env | grep -E 'LANG|LC_'",
                    'LANG=\nLANGUAGE=\nLC_CTYPE="POSIX"\nLC_NUMERIC="POSIX"\nLC_ALL=\n'
                    if line % 2
                    else "LANG=C.UTF-8\n",
                )
            )
        else:
            steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, "getting a non-C locale to run the check under"))
