"""Loop tail: port-in-use. A check needs a local server; every port the agent picks is already bound."""

from __future__ import annotations

import random

from heldout16.context import Ctx
from heldout16.replies import hexaddr, pick, pid, run
from heldout16.tails import weave
from heldout16.wire import Step


def port_in_use(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A check that needs a local server; every port the agent picks is already bound."""
    port = rng.choice([8000, 8080, 8765, 5000, 8001])
    ports = [port, *rng.sample([p for p in (8001, 8002, 8081, 8888, 9000, 5001, 8090) if p != port], 6)]
    django = ctx.name == "django"
    server = "serve_check.py"
    body = (
        "import sys\nfrom django.conf import settings\nsettings.configure(DEBUG=True, ROOT_URLCONF=__name__, "
        "ALLOWED_HOSTS=['*'], SECRET_KEY='x')\nfrom django.http import HttpResponse\nfrom django.urls import path\n"
        "urlpatterns = [path('', lambda request: HttpResponse('ok'))]\nfrom django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['serve_check.py', 'runserver', '--noreload', sys.argv[1]])\n"
        if django
        else "import sys\nfrom http.server import HTTPServer, SimpleHTTPRequestHandler\nport = int(sys.argv[1])\n"
        "HTTPServer(('', port), SimpleHTTPRequestHandler).serve_forever()\n"
    )
    check = "check_server.py"
    check_body = (
        f"import sys, urllib.request\nport = int(sys.argv[1]) if len(sys.argv) > 1 else {port}\n"
        "with urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=5) as r:\n"
        "    print(r.status, r.read()[:40])\n"
    )

    stamp = f"November 18, 2025 - {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}"
    version = {"3.5": "2.0", "3.6": "3.1", "3.8": "4.0", "3.9": "4.1", "3.11": "5.0"}.get(ctx.python, "4.1")

    def bind_error(p: int) -> str:
        if django:
            return (
                f"Performing system checks...\n\nSystem check identified no issues (0 silenced).\n{stamp}\n"
                f"Django version {version}, using settings None\nStarting development server at http://127.0.0.1:{p}/\n"
                "Quit the server with CONTROL-C.\nError: That port is already in use.\n"
            )
        return (
            f'Traceback (most recent call last):\n  File "/testbed/{server}", line 4, in <module>\n'
            "    HTTPServer(('', port), SimpleHTTPRequestHandler).serve_forever()\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line 452, in __init__\n'
            "    self.server_bind()\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/http/server.py", line 137, in server_bind\n'
            "    socketserver.TCPServer.server_bind(self)\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line 466, in server_bind\n'
            "    self.socket.bind(self.server_address)\nOSError: [Errno 98] Address already in use\n"
        )

    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    chain = "".join(
        f'  File "{lib}/{where}", line {line}, in {func}\n    {code}\n'
        for where, line, func, code in [
            ("urllib/request.py", 1346, "do_open", "h.request(req.get_method(), req.selector, req.data, headers,"),
            ("http/client.py", 1285, "request", "self._send_request(method, url, body, headers, encode_chunked)"),
            ("http/client.py", 1331, "_send_request", "self.endheaders(body, encode_chunked=encode_chunked)"),
            ("http/client.py", 1280, "endheaders", "self._send_output(message_body, encode_chunked=encode_chunked)"),
            ("http/client.py", 1040, "_send_output", "self.send(msg)"),
            ("http/client.py", 980, "send", "self.connect()"),
            ("http/client.py", 946, "connect", "self.sock = socket.create_connection("),
            ("socket.py", 844, "create_connection", "raise err"),
            ("socket.py", 832, "create_connection", "sock.connect(sa)"),
        ]
    )
    opener = "".join(
        f'  File "{lib}/urllib/request.py", line {line}, in {func}\n    {code}\n'
        for line, func, code in [
            (214, "urlopen", "return opener.open(url, data, timeout)"),
            (517, "open", "response = self._open(req, data)"),
            (534, "_open", "result = self._call_chain(self.handle_open, protocol, protocol +"),
            (494, "_call_chain", "result = func(*args)"),
            (1375, "http_open", "return self.do_open(http.client.HTTPConnection, req)"),
            (1349, "do_open", "raise URLError(err)"),
        ]
    )

    def refused(p: int) -> str:
        return (
            f"Traceback (most recent call last):\n{chain}ConnectionRefusedError: [Errno 111] Connection refused\n\n"
            "During handling of the above exception, another exception occurred:\n\n"
            f'Traceback (most recent call last):\n  File "/testbed/{check}", line 3, in <module>\n'
            "    with urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=5) as r:\n"
            f"{opener}urllib.error.URLError: <urlopen error [Errno 111] Connection refused>\n"
        )

    setup = f"cat <<'EOF' > {server}\n{body}EOF\ncat <<'EOF' > {check}\n{check_body}EOF"
    start = [
        run(
            pick(
                rng,
                "I want to see the behaviour end to end through a running server, not only in unit tests. I'll write a tiny server script and a client check.",
                "To exercise this over HTTP I'll set up a minimal server plus a small client script that requests a page from it.",
            ),
            setup,
            "",
        ),
        run(
            "Start the server in the background and hit it with the check script.",
            f"python {server} {port} > /tmp/server.log 2>&1 &\nsleep 2; python {check} {port}",
            refused(port),
            1,
            2.5,
        ),
        run(
            pick(
                rng,
                "The server doesn't answer. Let me look at its log.",
                "Connection refused, so the server probably didn't start. Checking its log.",
            ),
            "cat /tmp/server.log",
            bind_error(port),
        ),
    ]
    state = {"port": port}

    def attempt(k: int) -> Step:
        p = state["port"]
        tool = rng.choice(["lsof", "fuser", "netstat"])
        guess = pid(rng)
        options = [
            ("Let me look at the server log to see whether it started.", "cat /tmp/server.log", bind_error(p), 0),
            (
                f"Something holds port {p}. I'll kill the previous background server.",
                "kill %1",
                "bash: line 1: kill: %1: no such job\n",
                1,
            ),
            (
                f"Let me find the process listening on {p}.",
                {"lsof": f"lsof -i :{p}", "fuser": f"fuser {p}/tcp", "netstat": "netstat -tlnp"}[tool],
                f"bash: line 1: {tool}: command not found\n",
                127,
            ),
            ("ss should show the listener.", f"ss -ltnp | grep {p}", "bash: line 1: ss: command not found\n", 1),
            (
                "I'll kill the old server by pid; it was probably the one I started first.",
                f"kill {guess}",
                f"bash: line 1: kill: ({guess}) - No such process\n",
                1,
            ),
            (
                "Let me look for python processes.",
                "ps aux | grep -v grep | grep python",
                "bash: line 1: ps: command not found\n",
                1,
            ),
            ("Let me kill anything that looks like my server.", f"pkill -f {server}; sleep 1; echo done", "done\n", 0),
            (
                f"Let me see whether port {p} can be bound at all.",
                f"python -c \"import socket; s = socket.socket(); s.bind(('', {p})); print('free')\"",
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nOSError: [Errno 98] Address already in use\n',
                1,
            ),
        ]
        if rng.random() < 0.3:
            p = state["port"] = ports[(ports.index(p) + 1) % len(ports)]
            thought = pick(
                rng,
                f"I'll just use another port, {p}, for both the server and the check.",
                f"Port {p} then.",
                f"Switching to {p}.",
            )
            command = f"python {server} {p} > /tmp/server.log 2>&1 &\nsleep 2; cat /tmp/server.log; python {check} {p}"
            return run(thought, command, bind_error(p) + refused(p), 1, 2.5)
        thought, command, text, code = options[k % len(options)] if rng.random() < 0.45 else rng.choice(options)
        return run(thought, command, text, code, 1.5)

    def look(k: int) -> Step:
        hexport = f"{state['port']:04X}"
        options = [
            (
                "cat /proc/net/tcp | head -n 6",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "".join(
                    f"   {i}: 0500A8C0:{hexport if i == 0 else f'{rng.randrange(0x1F40, 0x2400):04X}'} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 {rng.randint(10**6, 10**7)} 1 {hexaddr(rng)[:18]} 100 0 0 10 0\n"
                    for i in range(4)
                ),
            ),
            (
                "jobs -l; echo '---'; cat /tmp/server.log | tail -n 3",
                "---\n" + bind_error(state["port"]).splitlines()[-1] + "\n",
            ),
            (
                f"curl -sI http://127.0.0.1:{state['port']}/ | head -n 1",
                f"curl: (7) Failed to connect to 127.0.0.1 port {state['port']} after 0 ms: Couldn't connect to server\n",
            ),
        ]
        command, text = rng.choice(options)
        return run(
            pick(rng, "Let me look at what is listening.", "Checking the state of the server.", "Let me inspect."),
            command,
            text,
        )

    def check_again(k: int) -> Step:
        p = state["port"]
        return run(
            pick(
                rng, "Running the client check again.", f"Let me retry the request on {p}.", "Trying the check again."
            ),
            *(
                (f"python {check} {p} 2>&1 | tail -n 2", "".join(refused(p).splitlines(keepends=True)[-2:]), 0)
                if rng.random() < 0.3
                else (pick(rng, f"python {check} {p}", f"sleep 3; python {check} {p}"), refused(p), 1)
            ),
            3.0,
        )

    why = "I could not get a server to bind any port here, so the end-to-end check can't run."
    musings = [
        "Something else must be bound to these ports.",
        "The server never seems to come up.",
        "I need a working server for the end-to-end check.",
    ]
    return weave(rng, n, start, [attempt] * 6, [look], check_again, why, musings)
