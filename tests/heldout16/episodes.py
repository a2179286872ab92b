"""Productive episodes with one hiccup, overcome: port-freed, user-install, collection-fixed.

Each is spliced into a real resolved run after a command that returned plainly; the run then goes on
as recorded, so the episode must leave nothing behind that the rest of the run would notice.
"""

from __future__ import annotations

import random

from heldout16.context import Ctx
from heldout16.outputs import passed, quiet, test_command, uncollected
from heldout16.replies import pick, pid, run
from heldout16.walls import DEPS, SIZES, wheel
from heldout16.wire import Step


def port_freed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A local server check: the restart hits its own first instance, which is found, killed, and all passes."""
    port = rng.choice([8000, 8080, 8765, 8001, 5000])
    django = ctx.name == "django"
    server, check = pick(rng, "serve_check.py", "dev_server.py"), pick(rng, "check_server.py", "http_check.py")
    if django:
        body = (
            "import sys\nfrom django.conf import settings\nsettings.configure(DEBUG=True, ROOT_URLCONF=__name__, "
            "ALLOWED_HOSTS=['*'], SECRET_KEY='check')\nfrom django.http import HttpResponse\nfrom django.urls import path\n"
            "urlpatterns = [path('', lambda request: HttpResponse('ok'))]\nfrom django.core.management import execute_from_command_line\n"
            f"execute_from_command_line(['{server}', 'runserver', '--noreload', sys.argv[1]])\n"
        )
        tweak = (
            f"sed -i \"s/HttpResponse('ok')/HttpResponse('ok', content_type='text\\/plain')/\" {server}",
            "text/plain",
        )
        in_use = "Performing system checks...\n\nSystem check identified no issues (0 silenced).\nError: That port is already in use.\n"
    else:
        body = (
            "import sys\nfrom http.server import HTTPServer, SimpleHTTPRequestHandler\n\n\nclass Handler(SimpleHTTPRequestHandler):\n"
            "    pass\n\n\nHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()\n"
        )
        tweak = (
            f'sed -i \'s/^    pass$/    extensions_map = dict(SimpleHTTPRequestHandler.extensions_map, **{{".py": "text\\/plain"}})/\' {server}',
            "text/plain",
        )
        in_use = (
            f'Traceback (most recent call last):\n  File "/testbed/{server}", line 9, in <module>\n'
            "    HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line 452, in __init__\n    self.server_bind()\n'
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/http/server.py", line 137, in server_bind\n'
            "    socketserver.TCPServer.server_bind(self)\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line 466, in server_bind\n'
            "    self.socket.bind(self.server_address)\nOSError: [Errno 98] Address already in use\n"
        )
    resource = "/" if django else "/setup.py"
    check_body = (
        "import sys, urllib.request\n"
        f"with urllib.request.urlopen('http://127.0.0.1:%s{resource}' % sys.argv[1], timeout=5) as r:\n"
        "    print(r.status, r.headers.get_content_type())\n"
    )
    first_type = "text/html" if django else "text/x-python"
    old = pid(rng)
    when = f"{rng.randint(10, 23)}:{rng.randint(10, 59)}"
    return [
        run(
            pick(
                rng,
                "I'd like to check the behaviour through a real HTTP round trip too. A tiny server script and a client check will do.",
                "Let me verify this end to end with a small local server and a client request.",
            ),
            f"cat <<'EOF' > {server}\n{body}EOF\ncat <<'EOF' > {check}\n{check_body}EOF",
            "",
        ),
        run(
            "Start the server in the background and request a page.",
            f"python {server} {port} > /tmp/server.log 2>&1 &\nsleep 2; python {check} {port}",
            f"200 {first_type}\n",
            0,
            2.5,
        ),
        run("It serves. I want the response as plain text for the check, so I'll adjust the server.", tweak[0], ""),
        run(
            "Restart the server with the change.",
            f"python {server} {port} > /tmp/server.log 2>&1 &\nsleep 2; cat /tmp/server.log",
            in_use,
            0,
            2.5,
        ),
        run(
            f"Port {port} is still held: the first server I started is still running in the background. Let me find it.",
            pick(rng, f"ps aux | grep -v grep | grep {server}", f"pgrep -af {server}"),
            f"root      {old:>6}  0.{rng.randint(1, 9)}  1.{rng.randint(0, 9)} {rng.randint(90000, 200000)} {rng.randint(30000, 60000)} ?        S    {when}   0:00 python {server} {port}\n",
            0,
        ),
        run(
            "Kill the stale server and confirm it is gone.",
            f"kill {old} && sleep 1 && (pgrep -af {server} || echo 'no server running')",
            "no server running\n",
        ),
        run(
            "Start the updated server, keep its pid, and check again.",
            f"python {server} {port} > /tmp/server.log 2>&1 &\necho $! > /tmp/server.pid; sleep 2; python {check} {port}",
            f"200 {tweak[1]}\n",
            0,
            2.5,
        ),
        run(
            "The round trip works. Let me also run the related tests while I'm at it.",
            test_command(ctx),
            passed(ctx, rng, ctx.tests, rng.randint(8, 60)),
            0,
            8,
        ),
        run(
            "All good. Stop the server and remove the scratch scripts.",
            f"kill $(cat /tmp/server.pid) && rm -f {server} {check} /tmp/server.pid && echo cleaned",
            "cleaned\n",
        ),
    ]


def user_install(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The system site-packages refuses an install; a --user install (or a venv) works and the tests run."""
    dep = DEPS.get(ctx.name, DEPS["django"])
    name, mod, version, _ = dep
    found = wheel(ctx.python, dep)
    size = SIZES[name]
    download = (
        f"Collecting {name}\n  Downloading {found}.whl.metadata ({rng.uniform(1, 9):.1f} kB)\nDownloading {found}.whl ({size})\n"
        f"   {'━' * 40} {size.split()[0]}/{size} {rng.uniform(8, 60):.1f} MB/s eta 0:00:00\nInstalling collected packages: {name}\n"
    )
    steps = [
        run(
            pick(
                rng,
                f"The tests around this code use `{name}` when it's available; it isn't installed here. Let me install it so those tests run too.",
                f"Some relevant tests are skipped without `{name}`. I'll install it.",
            ),
            f"pip install {name}",
            download
            + f"ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '{ctx.site}/{mod}'\n"
            "Consider using the `--user` option or check the permissions.\n\n",
            1,
            6,
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            run(
                "The environment's site-packages isn't writable. A user install will do.",
                f"pip install --user {name}",
                download + f"Successfully installed {name}-{version}\n",
                0,
                6,
            ),
            run("Check that it imports.", f'python -c "import {mod}; print({mod}.__version__)"', f"{version}\n"),
        ]
        python = "python"
    else:
        steps += [
            run(
                "The environment's site-packages isn't writable. I'll make a virtualenv on top of it instead.",
                f'python -m venv --system-site-packages /tmp/venv && /tmp/venv/bin/pip install -q {name} && /tmp/venv/bin/python -c "import {mod}; print({mod}.__version__)"',
                f"{version}\n",
                0,
                14,
            ),
        ]
        python = "/tmp/venv/bin/python"
    if python == "python":
        command = test_command(ctx)
    elif ctx.name == "django":
        command = f"{python} tests/runtests.py {ctx.tests}"
    else:
        command = f"{python} {'bin/test' if ctx.runner == 'bin/test' else '-m pytest'} {ctx.tests}"
    steps.append(
        run(f"Now the tests with `{name}` available.", command, passed(ctx, rng, ctx.tests, rng.randint(10, 80)), 0, 9)
    )
    return steps


def collection_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A smoke test named like an existing test module: pytest refuses to collect it until it is renamed."""
    stem = ctx.tests.rsplit("/", 1)[-1].removesuffix(".py")
    where = ctx.tests.rsplit("/", 1)[0]
    dotted = (
        ctx.source.removeprefix("lib/")
        .removeprefix("src/")
        .removesuffix(".py")
        .removesuffix("/__init__")
        .replace("/", ".")
    )
    renamed = f"test_smoke_{stem.removeprefix('test_')}.py"
    body = f"import importlib\n\n\ndef test_module_imports():\n    module = importlib.import_module('{dotted}')\n    assert module.__name__ == '{dotted}'\n"
    count = rng.randint(12, 90)
    mismatch = uncollected(
        ctx,
        rng,
        f"{stem}.py",
        f"import file mismatch:\nimported module '{stem}' has this __file__ attribute:\n  /testbed/{where}/{stem}.py\n"
        f"which is not the same as the test file we want to collect:\n  /testbed/{stem}.py\n"
        "HINT: remove __pycache__ / .pyc files and/or use a unique basename for your test modules\n",
        quiet=True,
    )
    fix = pick(
        rng,
        f"mv {stem}.py {renamed} && find . -name __pycache__ -path '*tests*' -prune -exec rm -rf {{}} +",
        f"mv {stem}.py {renamed} && rm -rf __pycache__ {where}/__pycache__",
    )
    return [
        run(
            pick(
                rng,
                "I'll add a quick smoke test next to the module's tests and run both together.",
                "Let me write a small smoke test for the module and run it with the existing tests.",
            ),
            f"cat <<'EOF' > {stem}.py\n{body}EOF",
            "",
        ),
        run("Run it with the module's tests.", f"python -m pytest -q {ctx.tests} {stem}.py", mismatch, 2, 3),
        run(
            "My file has the same basename as the existing test module, so pytest can't import both. Rename mine and drop the stale bytecode.",
            fix,
            "",
        ),
        run("Run again.", f"python -m pytest -q {ctx.tests} {renamed}", quiet(rng, count + 1), 0, 5),
        run("Both pass. Remove the smoke test again, it was only a check.", f"rm {renamed}", ""),
    ]
