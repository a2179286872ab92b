# ruff: noqa: E501
"""Loop family on sockets: a client and a test server that leave sockets to the collector, closed in every place but the right one."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import WERROR, Attempt, Ctx, Fail, Leak, churn, fd, port, py_edit, with_env

_FETCHERS = ("fetch_{}", "_download_{}", "{}_request", "_probe_{}_url")


def fetcher(ctx: Ctx) -> str:
    return _FETCHERS[sum(map(ord, ctx.run.session)) % len(_FETCHERS)].format(ctx.stem)


def sock(rng: random.Random, server: int, client: bool) -> str:
    """A socket's repr as its ResourceWarning prints it: a listening one, or a client's connection."""
    if client:
        return f"<socket.socket fd={fd(rng)}, family=AddressFamily.AF_INET, type=SocketKind.SOCK_STREAM, proto=6, laddr=('127.0.0.1', {port(rng)}), raddr=('127.0.0.1', {server})>"
    return f"<socket.socket fd={fd(rng)}, family=AddressFamily.AF_INET, type=SocketKind.SOCK_STREAM, proto=0, laddr=('127.0.0.1', {server})>"


def unclosed_socket_close_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Socket ResourceWarnings from a fetch helper and the tests' local HTTP server; close() added here and there, the warnings move."""
    src, tf, fn = ctx.source, ctx.test_file, fetcher(ctx)
    body = f"def {fn}(url, timeout=10):\n    resp = urllib.request.urlopen(url, timeout=timeout)\n    data = resp.read()\n    if resp.headers.get('Content-Encoding') == 'gzip':\n        data = gzip.decompress(data)\n    return data\n"
    dj = ctx.django
    ind, h, t = ("        ", "self.httpd", "self.thread") if dj else ("    ", "httpd", "thread")
    fixture = (
        "    def setUp(self):\n        self.httpd = HTTPServer(('127.0.0.1', 0), Handler)\n        self.thread = threading.Thread(target=self.httpd.serve_forever)\n        self.thread.start()\n        self.url = 'http://127.0.0.1:%d' % self.httpd.server_port\n\n    def tearDown(self):\n        self.httpd.shutdown()\n"
        if dj
        else "@pytest.fixture\ndef server():\n    httpd = HTTPServer(('127.0.0.1', 0), Handler)\n    thread = threading.Thread(target=httpd.serve_forever)\n    thread.start()\n    yield 'http://127.0.0.1:%d' % httpd.server_port\n    httpd.shutdown()\n"
    )
    cases = ("fetch", "fetch_gzip", "not_found", "timeout", "redirect", "retry", "headers", "large_body", "head")

    def leaks(sides: list[str]) -> list[Leak]:
        server = port(rng)
        out = []
        for side in sides:
            test = ctx.case(rng, cases)
            frames = (
                [
                    (
                        f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py",
                        rng.choice([232, 238]),
                        "serve_forever",
                        "ready = selector.select(poll_interval)",
                    )
                ]
                if side == "server" and rng.random() < 0.3
                else []
            )
            shown = sock(rng, server, side == "client")
            out.append(Leak(test, shown, f"ResourceWarning: unclosed {shown}", frames))
        return out

    def outcome(thought: str, sides: list[str] | None = None, fails: list[Fail] | None = None, extra: str = "") -> Step:
        sides = (
            sides
            if sides is not None
            else rng.sample(["client", "server", rng.choice(["client", "server"])], rng.randint(1, 2))
        )
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf]),
            fails or [],
            extra or rng.choice(["", " -q", " -x"]),
            leaks(sides),
            werror=True,
        )

    def close_resp(k: int) -> list[Step]:
        return [
            Step(
                "The response is never closed, so its socket is left to the garbage collector. Close it after reading.",
                py_edit(src, "    data = resp.read()\n", "    data = resp.read()\n    resp.close()\n"),
                "patched",
            ),
            outcome("Rerun with resource warnings as errors.", ["client", rng.choice(["client", "server"])]),
        ]

    def with_urlopen(k: int) -> list[Step]:
        return [
            Step(
                "close() is skipped when read() or decompress raises. Use the response as a context manager instead.",
                py_edit(
                    src,
                    "    resp = urllib.request.urlopen(url, timeout=timeout)\n    data = resp.read()\n",
                    "    with urllib.request.urlopen(url, timeout=timeout) as resp:\n        data = resp.read()\n",
                ),
                "patched",
            ),
            outcome("Rerun.", ["server"] if rng.random() < 0.6 else ["client", "server"]),
        ]

    def server_close(k: int) -> list[Step]:
        before = rng.random() < 0.5
        fails = (
            [
                Fail(
                    ctx.case(rng, cases),
                    f'pytest.PytestUnhandledThreadExceptionWarning: Exception in thread Thread-{rng.randint(1, 30)}\n\nTraceback (most recent call last):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line {rng.choice([232, 238])}, in serve_forever\n    ready = selector.select(poll_interval)\n{rng.choice(["OSError: [Errno 9] Bad file descriptor", "ValueError: I/O operation on closed file", "ValueError: Invalid file descriptor: -1"])}',
                    "warnings.warn(pytest.PytestUnhandledThreadExceptionWarning(msg))",
                )
            ]
            if before
            else []
        )
        return [
            Step(
                "The test server's listening socket is never closed either: shutdown() only stops serve_forever. Add server_close() to the fixture's teardown.",
                py_edit(
                    tf,
                    f"{ind}{h}.shutdown()\n",
                    f"{ind}{h}.server_close()\n{ind}{h}.shutdown()\n"
                    if before
                    else f"{ind}{h}.shutdown()\n{ind}{h}.server_close()\n",
                ),
                "patched",
            ),
            outcome("Rerun the module.", ["client"] if not before else [], fails),
        ]

    def daemon(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the server thread outlives the test and holds the socket. Make it a daemon thread and join it in teardown.",
                py_edit(
                    tf,
                    f"{ind}{t} = threading.Thread(target={h}.serve_forever)\n",
                    f"{ind}{t} = threading.Thread(target={h}.serve_forever, daemon=True)\n",
                )
                + "\n"
                + py_edit(tf, f"{ind}{h}.shutdown()\n", f"{ind}{h}.shutdown()\n{ind}{t}.join(timeout=5)\n"),
                "patched\npatched",
            ),
            outcome("Rerun.", rng.sample(["client", "server"], rng.randint(1, 2))),
        ]

    def keepalive(k: int) -> list[Step]:
        return [
            Step(
                "The handler speaks HTTP/1.1, so the connection is kept alive after the response. Send Connection: close so the server side drops it.",
                py_edit(
                    src,
                    "urllib.request.urlopen(url, timeout=timeout)",
                    "urllib.request.urlopen(urllib.request.Request(url, headers={'Connection': 'close'}), timeout=timeout)",
                ),
                "patched",
            ),
            outcome("Run it again.", [rng.choice(["client", "server"])]),
        ]

    def hang(k: int) -> list[Step]:
        secs = rng.choice([30, 60, 90])
        case = ctx.case(rng, cases)
        return [
            Step(
                f"Some tests fail before the server is used and skip the cleanup. Make the teardown always call shutdown() and then server_close(), even when {case} never served anything.",
                py_edit(
                    tf,
                    "        self.httpd.shutdown()\n",
                    "        try:\n            self.httpd.shutdown()\n        finally:\n            self.httpd.server_close()\n",
                )
                if dj
                else py_edit(
                    tf,
                    "    yield 'http://127.0.0.1:%d' % httpd.server_port\n",
                    "    try:\n        yield 'http://127.0.0.1:%d' % httpd.server_port\n    finally:\n        httpd.shutdown()\n        httpd.server_close()\n",
                ),
                "patched",
            ),
            Step(
                "Rerun.",
                f"{with_env(ctx.tests(tf, ' -x', True), f'timeout {secs}')}; echo rc=$?",
                f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {ctx.module_tests} items\n\n{tf} {'.' * rng.randint(0, 8)}rc=124"
                if not ctx.django
                else f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nSystem check identified no issues (0 silenced).\n{'.' * rng.randint(0, 8)}rc=124",
                seconds=secs,
            ),
            Step(
                f"It hangs: shutdown() waits for a serve_forever() that never ran. Let me see where, with faulthandler, on {case}.",
                f"timeout -s ABRT 20 python -X faulthandler -m pytest {tf}::{case} -x -q 2>&1 | tail -12"
                if not ctx.django
                else f"cd tests && timeout -s ABRT 20 python -X faulthandler runtests.py {ctx.stem}_tests 2>&1 | tail -12",
                f'Fatal Python error: Aborted\n\nThread 0x00007f{rng.randrange(16**10):010x} (most recent call first):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/threading.py", line {rng.choice([312, 316])} in wait\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/threading.py", line {rng.choice([574, 581])} in wait\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/socketserver.py", line {rng.choice([252, 254])} in shutdown\n  File "/testbed/{tf}", line {rng.randint(20, 90)} in server\n  ...\nAborted (core dumped)',
                rc=134,
                seconds=20.5,
            ),
        ]

    def count_fds(k: int) -> list[Step]:
        srv = rng.choice([8000, 8765, 8888, 9000])
        before = rng.randint(4, 7)
        return [
            Step(
                f"Let me count open fds around one call of {fn} against a throwaway server.",
                f"(python -m http.server {srv} --bind 127.0.0.1 >/dev/null 2>&1 &) ; sleep 1; python {WERROR} - <<'EOF'\nimport gc, os\nimport {ctx.dotted} as m\nbefore = len(os.listdir('/proc/self/fd'))\nfor _ in range(5):\n    m.{fn}('http://127.0.0.1:{srv}/')\ngc.collect()\nprint('before', before, 'after', len(os.listdir('/proc/self/fd')))\nEOF",
                rng.choice(
                    [
                        f"before {before} after {before}",
                        f"before {before} after {before + rng.randint(1, 5)}",
                        "Exception ignored in: {0}\nResourceWarning: unclosed {0}\nbefore {1} after {1}".format(
                            sock(rng, srv, True), before
                        ),
                        f'Traceback (most recent call last):\n  File "<stdin>", line 5, in <module>\n  File "/testbed/{src}", line {rng.randint(40, 700)}, in {fn}\nurllib.error.URLError: <urlopen error [Errno 111] Connection refused>',
                    ]
                ),
                seconds=rng.uniform(1.5, 4),
            )
        ]

    def lsof(k: int) -> list[Step]:
        return [
            Step(
                "Let me see which sockets the test process holds while it runs.",
                f"{ctx.tests(tf, ' -q')} & sleep 3; ls -l /proc/$!/fd | grep socket; lsof -p $! -a -i 2>&1 | head",
                "\n".join(
                    f"lrwx------ 1 root root 64 {rng.choice(['Jan', 'Mar', 'Oct'])} {rng.randint(1, 28)} 10:{rng.randint(10, 59)} {fd(rng)} -> socket:[{rng.randint(100000, 999999)}]"
                    for _ in range(rng.randint(0, 4))
                )
                + "\nbash: lsof: command not found",
                seconds=3.5,
            )
        ]

    first = [
        outcome("Let me run the fetch tests with resource warnings as errors.", ["client", "server"]),
        Step(f"Let me look at {fn}.", f"grep -n 'def {fn}' -A8 {src}", f"{rng.randint(40, 600)}:" + body),
        Step(
            "And the test server the tests start.",
            f"grep -n -A9 'def setUp' {tf}" if dj else f"grep -n -B1 -A7 'def server' {tf}",
            f"{rng.randint(10, 60)}:" + fixture,
        ),
    ]
    attempts: list[Attempt] = [
        close_resp,
        with_urlopen,
        server_close,
        daemon,
        keepalive,
        hang,
        count_fds,
        lsof,
        close_resp,
        server_close,
    ]
    return churn(ctx, rng, n, first, attempts, "the unclosed socket ResourceWarnings", fn, body)
