# ruff: noqa: E501
"""A loop family on ports: the tests' local server binds a fixed port that is always taken."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.net import refused
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step

_SERVER_CASES = ("ping", "redirect", "headers", "post_body", "large_payload", "status", "keepalive", "query")


def _server_body(ctx: Ctx, port: int) -> str:
    if ctx.django:
        return f'PORT = {port}\n\n\nclass LocalServerMixin:\n    def setUp(self):\n        super().setUp()\n        self.httpd = HTTPServer(("127.0.0.1", PORT), _Handler)\n        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)\n        self.thread.start()\n        self.url = "http://127.0.0.1:%d" % PORT\n        self.addCleanup(self.httpd.shutdown)\n'
    return f'PORT = {port}\n\n\n@pytest.fixture(scope="module")\ndef {ctx.stem}_server():\n    server = HTTPServer(("127.0.0.1", PORT), _Handler)\n    thread = threading.Thread(target=server.serve_forever, daemon=True)\n    thread.start()\n    yield SimpleNamespace(url="http://127.0.0.1:%d" % PORT, server=server)\n    server.shutdown()\n'


def eaddrinuse_port_shuffle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The tests' local server binds a fixed port that is always taken; ports bumped, reuse flags, port 0, scopes, kills."""
    helpers, tf = ctx.helpers, ctx.test_file
    port = ctx.port
    state = {"port": port}
    body = _server_body(ctx, port)
    owner = "setUp" if ctx.django else f"{ctx.stem}_server"
    bound = (
        'self.httpd = HTTPServer(("127.0.0.1", PORT), _Handler)'
        if ctx.django
        else 'server = HTTPServer(("127.0.0.1", PORT), _Handler)'
    )
    tried: set[str] = set()

    def in_use(p: int) -> list[Fail]:
        frames = [
            (owner, bound, helpers),
            ("__init__", "self.server_bind()", "@socketserver.py"),
            ("server_bind", "socketserver.TCPServer.server_bind(self)", "@http/server.py"),
            ("server_bind", "self.socket.bind(self.server_address)", "@socketserver.py"),
        ]
        error = rng.choice(
            [
                "OSError: [Errno 98] Address already in use",
                "OSError: [Errno 98] Address already in use",
                f"OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', {p}): address already in use",
            ]
        )
        return [Fail(ctx.case(rng, _SERVER_CASES), error, "", frames, setup=True) for _ in range(rng.randint(1, 4))]

    def run(thought: str, fails: list[Fail], extra: str = "") -> Step:
        target = (
            rng.choice(["", tf, tf]) if len(fails) > 1 else rng.choice(["", f"{tf}::{fails[0].name}"]) if fails else ""
        )
        return test_step(
            ctx, rng, thought, target, fails, extra or rng.choice(["", " -x", " -q", " -p no:cacheprovider"])
        )

    def holder(k: int) -> list[Step]:
        p = state["port"]
        pid = rng.randint(300, 9000)
        stray = (
            f"python -m pytest {tf}{rng.choice(['', ' -x', ' -q'])}"
            if not ctx.django
            else f"python runtests.py {ctx.stem}_tests{rng.choice(['', ' --parallel 1'])}"
        )
        tool = rng.choice(["ss", "lsof", "fuser", "netstat", "ss"])
        if tool == "ss":
            steps = [
                Step(
                    again(
                        tried,
                        "ss",
                        f"Something must still be listening on {p}. Let me see which process holds it.",
                        rng,
                    ),
                    rng.choice([f"ss -ltnp 'sport = :{p}'", f"ss -ltnp | grep ':{p}'"]),
                    f'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0      5          127.0.0.1:{p}      0.0.0.0:*    users:(("python",pid={pid},fd={rng.randint(3, 9)}))',
                ),
                Step(
                    "Let me see what that process is.",
                    f"ps -o pid,etime,cmd -p {pid}",
                    f"    PID     ELAPSED CMD\n   {pid}       {rng.randint(0, 9):02d}:{rng.randint(0, 59):02d} {stray}",
                ),
            ]
        else:
            missing = {
                "lsof": f"lsof -i :{p}",
                "fuser": f"fuser -v -n tcp {p}",
                "netstat": f"netstat -tlnp | grep {p}",
            }[tool]
            aux = rng.random() < 0.5
            procs = [
                (pid, stray),
                *[
                    (rng.randint(300, 9000), c)
                    for c in rng.sample(
                        ["python reproduce.py", "/opt/miniconda3/envs/testbed/bin/python -m pytest -x"],
                        rng.randint(0, 1),
                    )
                ],
            ]
            listing = "\n".join(
                f"root      {q}  0.{rng.randint(0, 9)}  0.{rng.randint(1, 9)} {rng.randint(20000, 90000)} {rng.randint(9000, 40000)} ?        S    {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}   0:0{rng.randint(0, 9)} {cmd}"
                if aux
                else f"   {q}       {rng.randint(0, 9):02d}:{rng.randint(0, 59):02d} {cmd}"
                for q, cmd in procs
            )
            steps = [
                Step(
                    again(tried, tool, f"Let me find what holds port {p}.", rng),
                    missing,
                    f"/bin/sh: 1: {missing.split()[0]}: not found",
                    rc=127,
                ),
                Step(
                    "Not installed. Let me look for stray python processes instead.",
                    "ps aux | grep -v grep | grep -i python" if aux else "ps -eo pid,etime,cmd | grep [p]ython",
                    listing,
                ),
            ]
        killed = test_step(
            ctx,
            rng,
            "A test run left over from an earlier timeout, probably still holding the port. Kill the stray python processes and rerun.",
            tf,
            in_use(p),
            " -q",
        )
        killed.command = f"kill {pid} 2>/dev/null; sleep 1; {killed.command}"
        return [*steps, killed]

    def bump(k: int) -> list[Step]:
        old = state["port"]
        new = rng.choice([p for p in (8001, 8765, 18000, 5050, 9001, 8089, 28080, 7654) if p != old])
        state["port"] = new
        fails = in_use(new) if rng.random() < 0.5 else []
        if not fails or rng.random() < 0.6:
            fails.append(
                Fail(
                    ctx.case(rng, ("redirect", "absolute_url", "location_header", "client_base_url")),
                    refused(rng, "127.0.0.1", old),
                    f"resp = {ctx.client}('http://127.0.0.1:{old}/redirect')",
                )
            )
        return [
            Step(
                again(tried, f"bump{new}", f"Let me just move the test server to another port ({old} -> {new}).", rng),
                f"sed -i 's/^PORT = {old}$/PORT = {new}/' {helpers} && grep -n '^PORT' {helpers}",
                f"{rng.randint(8, 30)}:PORT = {new}",
            ),
            run("Rerun the tests with the new port.", fails),
        ]

    def server_class(extra: str) -> str:
        """The edit giving the helpers a server class with `extra` in it (or adding `extra` to the one there)."""
        if state.get("server"):
            return py_edit(helpers, "class _Server(HTTPServer):\n", "class _Server(HTTPServer):\n" + extra)
        state["server"] = 1
        return (
            py_edit(helpers, "class _Handler(", "class _Server(HTTPServer):\n" + extra + "\n\nclass _Handler(")
            + f"\nsed -i 's/= HTTPServer((/= _Server((/' {helpers}"
        )

    def reuse(k: int) -> list[Step]:
        if rng.random() < 0.6:
            return [
                Step(
                    again(
                        tried,
                        "reuseaddr",
                        "The port may be stuck in TIME_WAIT from the previous run. Let me set SO_REUSEADDR on the server class.",
                        rng,
                    ),
                    server_class("    allow_reuse_address = True\n"),
                    "patched",
                ),
                run("Rerun.", in_use(state["port"])),
            ]
        wrong = Fail(
            ctx.case(rng, _SERVER_CASES),
            rng.choice(
                [
                    "AssertionError: assert 404 == 200",
                    "AssertionError: assert b'' == b'pong'",
                    "http.client.RemoteDisconnected: Remote end closed connection without response",
                    "AssertionError: assert 501 == 200",
                ]
            ),
            "assert resp.status == 200",
        )
        return [
            Step(
                again(
                    tried,
                    "reuseport",
                    "HTTPServer already sets allow_reuse_address, so TIME_WAIT isn't it. Let me try SO_REUSEPORT so the bind succeeds regardless.",
                    rng,
                ),
                server_class(
                    "    def server_bind(self):\n        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)\n        super().server_bind()\n"
                ),
                "patched",
            ),
            run("Now the bind should go through.", [wrong, *([wrong] if rng.random() < 0.3 else [])]),
        ]

    def zero(k: int) -> list[Step]:
        p = state["port"]
        absolute = Fail(
            ctx.case(rng, ("redirect", "absolute_url", "location_header")),
            rng.choice(
                [
                    f"AssertionError: assert 'http://127.0.0.1:{p}/next' == 'http://127.0.0.1:{rng.randint(32768, 60999)}/next'",
                    refused(rng, "127.0.0.1", p),
                ]
            ),
            "assert resp.headers['Location'] == server.url + '/next'",
        )
        steps = [
            Step(
                again(
                    tried,
                    "zero",
                    "Let me stop using a fixed port at all: bind port 0 and take the URL from the bound address.",
                    rng,
                ),
                py_edit(helpers, 'HTTPServer(("127.0.0.1", PORT), _Handler)', 'HTTPServer(("127.0.0.1", 0), _Handler)')
                + "\n"
                + py_edit(
                    helpers,
                    '"http://127.0.0.1:%d" % PORT',
                    '"http://127.0.0.1:%d" % '
                    + ("self.httpd.server_address[1]" if ctx.django else "server.server_address[1]"),
                ),
                "patched\npatched",
            ),
            run("Rerun.", [absolute]),
        ]
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "Other places still build URLs from PORT. This made it worse; let me put the helpers back.",
                    f"git checkout -- {helpers} && git status --short",
                    f" M {ctx.source}\n",
                )
            )
            state.clear()
            state["port"] = port
        return steps

    def scope(k: int) -> list[Step]:
        if ctx.django:
            return [
                Step(
                    again(
                        tried,
                        "scope",
                        "Starting the server in setUp for every test may race the previous test's shutdown. Let me start it once per class.",
                        rng,
                    ),
                    py_edit(
                        helpers,
                        "    def setUp(self):\n        super().setUp()",
                        "    @classmethod\n    def setUpClass(cls):\n        super().setUpClass()",
                    ),
                    "patched",
                ),
                run(
                    "Rerun.",
                    [
                        Fail(
                            ctx.case(rng, _SERVER_CASES),
                            "AttributeError: type object 'LocalServerMixin' has no attribute 'addCleanup'",
                            "",
                            [("setUpClass", "self.addCleanup(self.httpd.shutdown)", helpers)],
                            setup=True,
                        )
                    ],
                ),
            ]
        new = rng.choice(["session", "function"])
        mismatch = Fail(
            ctx.case(rng, _SERVER_CASES),
            f"ScopeMismatch: You tried to access the function scoped fixture monkeypatch with a session scoped request object, involved factories:\n{helpers}:{rng.randint(40, 90)}:  def {ctx.stem}_server(monkeypatch)",
            "",
            (),
            setup=True,
        )
        errs = [mismatch] if new == "session" and rng.random() < 0.5 else in_use(state["port"])
        return [
            Step(
                again(
                    tried,
                    f"scope-{new}",
                    f"Maybe two modules create the server at once. Let me make the fixture {new}-scoped.",
                    rng,
                ),
                py_edit(helpers, '@pytest.fixture(scope="module")', f'@pytest.fixture(scope="{new}")'),
                "patched",
            ),
            run(f"Rerun with a {new}-scoped server.", errs),
        ]

    def probe(k: int) -> Step:
        p = state["port"]
        free = rng.random() < 0.5
        return Step(
            again(tried, "probe", f"Let me check whether {p} is actually taken outside of the test run.", rng),
            f"python -c \"import socket; s = socket.socket(); s.bind(('127.0.0.1', {p})); print('free'); s.close()\"",
            "free"
            if free
            else 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nOSError: [Errno 98] Address already in use',
            rc=0 if free else 1,
        )

    def retry_bind(k: int) -> list[Step]:
        attempts = rng.choice([3, 5, 10])
        call = f"_bind_with_retry(PORT, attempts={attempts})"
        raised = Fail(
            ctx.case(rng, _SERVER_CASES),
            f"RuntimeError: port {state['port']} still busy after {attempts} attempts",
            "",
            [
                (owner, f"self.httpd = {call}" if ctx.django else f"server = {call}", helpers),
                (
                    "_bind_with_retry",
                    'raise RuntimeError("port %d still busy after %d attempts" % (port, attempts))',
                    helpers,
                ),
            ],
            setup=True,
        )
        return [
            Step(
                again(
                    tried, "retry", f"Let me retry the bind a few times with a short sleep ({attempts} attempts).", rng
                ),
                py_edit(helpers, 'HTTPServer(("127.0.0.1", PORT), _Handler)', call)
                + f'\ncat >> {helpers} <<\'EOF\'\n\n\ndef _bind_with_retry(port, attempts):\n    for _ in range(attempts):\n        try:\n            return HTTPServer(("127.0.0.1", port), _Handler)\n        except OSError:\n            time.sleep(0.2)\n    raise RuntimeError("port %d still busy after %d attempts" % (port, attempts))\nEOF',
                "patched",
            ),
            run("Rerun.", [raised]),
        ]

    indent = "        " if ctx.django else "    "
    first = [
        run("Let me run the tests that use the local test server.", in_use(port)),
        Step(
            "Every setup fails binding the port. Let me look at how the server is started.",
            f"grep -n 'PORT\\|HTTPServer\\|def ' {helpers} | head -20",
            f"{rng.randint(5, 20)}:PORT = {port}\n{rng.randint(21, 40)}:class _Handler(BaseHTTPRequestHandler):\n{rng.randint(41, 60)}:    def do_GET(self):\n{rng.randint(61, 80)}:"
            + ("    def setUp(self):" if ctx.django else f"def {ctx.stem}_server():")
            + f"\n{rng.randint(81, 90)}:{indent}{bound}",
        ),
    ]
    attempts: list[Attempt] = [holder, bump, reuse, zero, scope, lambda k: [probe(k)], retry_bind, bump]
    return churn(
        ctx, rng, n, first, attempts, f"the test server's port ({port}) that is always in use", owner, body, helpers
    )
