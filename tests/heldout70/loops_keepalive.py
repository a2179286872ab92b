# ruff: noqa: E501
"""A loop family on keep-alive: a connection pool that reuses sockets the server already closed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.net import hang
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step


def keepalive_stale_connection_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A keep-alive pool reuses a socket the server already closed; retries, Connection: close, staleness probes, longer idle timeouts."""
    src, tf, helpers = ctx.source, ctx.test_file, ctx.helpers
    pool = f"{ctx.cls}Pool"
    body = "    def request(self, method, path, body=None, headers=None):\n        if self._conn is None:\n            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)\n            self.opened += 1\n        self._conn.request(method, path, body=body, headers=headers or {})\n        resp = self._conn.getresponse()\n        return resp.status, resp.read()\n"
    tried: set[str] = set()
    code = [body]
    stale = (
        "http.client.RemoteDisconnected: Remote end closed connection without response",
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "BrokenPipeError: [Errno 32] Broken pipe",
        "http.client.RemoteDisconnected: Remote end closed connection without response",
    )

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.stem}_{kind}"
        if kind in ("reconnect_after_idle", "post_after_idle"):
            return Fail(
                name,
                rng.choice(stale),
                f"status, data = pool.request({'POST' if 'post' in kind else 'GET'!r}, '/ping')",
                [
                    (
                        "request",
                        "resp = self._conn.getresponse()"
                        if rng.random() < 0.6
                        else "self._conn.request(method, path, body=body, headers=headers or {})",
                    )
                ],
            )
        if kind == "reuse_connection":
            return Fail(name, f"AssertionError: assert {rng.randint(2, 4)} == 1", "assert pool.opened == 1")
        if kind == "post_not_retried":
            return Fail(
                name,
                rng.choice(
                    ["AssertionError: assert 2 == 1", "Failed: DID NOT RAISE <class 'http.client.RemoteDisconnected'>"]
                ),
                "assert server.posts == 1"
                if rng.random() < 0.5
                else "with pytest.raises(http.client.RemoteDisconnected):",
            )
        if kind == "server_closes":
            if rng.random() < 0.5:
                return Fail(name, "AssertionError: assert 1 == 2", "assert pool.opened == 2")
            return Fail(
                name,
                "http.client.RemoteDisconnected: Remote end closed connection without response",
                "status, data = pool.request('GET', '/ping')",
                [("request", "resp = self._conn.getresponse()")],
            )
        return Fail(
            name,
            rng.choice(["http.client.ResponseNotReady: Request-sent", "http.client.CannotSendRequest: Request-sent"]),
            "pool.request('GET', '/slow')",
            [("request", "self._conn.request(method, path, body=body, headers=headers or {})")],
        )

    def run(thought: str, kinds: list[str], extra: str = "") -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if len(fails) == 1 else tf])
        return test_step(ctx, rng, thought, target, fails, extra or rng.choice(["", " -q", " -x", " -p no:randomly"]))

    edits = [
        (
            "retry-all",
            "Retry once on a fresh connection when the reused one fails.",
            "        self._conn.request(method, path, body=body, headers=headers or {})\n        resp = self._conn.getresponse()",
            "        try:\n            self._conn.request(method, path, body=body, headers=headers or {})\n            resp = self._conn.getresponse()\n        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):\n            self._conn.close()\n            self._conn = None\n            return self.request(method, path, body, headers)",
            ["post_not_retried"],
        ),
        (
            "retry-get",
            "POSTs must not be replayed. Only retry GET and HEAD.",
            "        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):",
            "        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):\n            if method not in ('GET', 'HEAD'):\n                raise",
            ["post_after_idle"],
        ),
        (
            "close",
            "Simplest thing: ask the server to close after every response.",
            "headers=headers or {}",
            "headers={'Connection': 'close', **(headers or {})}",
            ["reuse_connection"],
        ),
        (
            "keepalive",
            "Enable TCP keepalive on the socket so dead peers are noticed.",
            "            self.opened += 1",
            "            self._conn.connect()\n            self._conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)\n            self.opened += 1",
            ["reconnect_after_idle", "post_after_idle"],
        ),
        (
            "drop-after",
            "Drop the connection after each response and reconnect next time.",
            "        return resp.status, resp.read()",
            "        data = resp.read()\n        self._conn.close()\n        self._conn = None\n        return resp.status, data",
            ["reuse_connection", "server_closes"],
        ),
        (
            "will-close",
            "Honour the response's Connection: close by dropping the connection when will_close is set.",
            "        return resp.status, resp.read()",
            "        data = resp.read()\n        if resp.will_close:\n            self._conn = None\n        return resp.status, data",
            ["reconnect_after_idle", "read_before_reuse"],
        ),
    ]

    def edit(k: int) -> list[Step]:
        # Only a change whose text is still there: the method as the earlier edits left it.
        fits = [e for e in edits if e[2] in code[0] and e[3] not in code[0]]
        if not fits:
            return [trace(k)]
        key, thought, old, new, breaks = rng.choice(fits)
        code[0] = code[0].replace(old, new, 1)
        return [
            Step(again(tried, key, thought, rng), py_edit(src, old, new), "patched"),
            run("Rerun the pool tests.", rng.sample(breaks, len(breaks))),
        ]

    def probe(k: int) -> list[Step]:
        steps = [
            Step(
                again(
                    tried,
                    "probe",
                    "Before reusing, let me check whether the socket is readable (EOF waiting) and reconnect if so.",
                    rng,
                ),
                py_edit(
                    src,
                    "        if self._conn is None:",
                    "        if self._conn is not None and self._conn.sock is not None:\n            readable, _, _ = select.select([self._conn.sock], [], [], 0)\n            if readable:\n                self._conn.close()\n                self._conn = None\n        if self._conn is None:",
                ),
                "patched",
            ),
            run(
                "Run the pool tests.",
                [] if rng.random() < 0.5 else [rng.choice(["reconnect_after_idle", "post_after_idle"])],
            ),
        ]
        steps.append(
            Step(
                "Let me run it a few times in a row to see whether it holds.",
                f"for i in 1 2 3 4 5; do {ctx.tests(tf, ' -q 2>&1 | tail -1').replace('cd tests && ', '')}; done"
                if not ctx.django
                else f"cd tests && for i in 1 2 3 4 5; do python runtests.py {ctx.stem}_tests 2>&1 | tail -1; done",
                "\n".join(
                    (
                        f"{rng.randint(1, 2)} failed, {ctx.count(tf) - 2} passed in {rng.uniform(1.0, 4.0):.2f}s"
                        if not ctx.django
                        else "FAILED (errors=1)"
                    )
                    if rng.random() < 0.5
                    else (f"{ctx.count(tf)} passed in {rng.uniform(1.0, 4.0):.2f}s" if not ctx.django else "OK")
                    for _ in range(5)
                ),
                rc=0,
                seconds=rng.uniform(8, 25),
            )
        )
        return steps

    def server(k: int) -> list[Step]:
        secs = rng.choice([2, 5, 10, 30])
        if rng.random() < 0.5:
            return [
                Step(
                    again(
                        tried,
                        "idle",
                        f"The test server drops idle connections after 0.5s. Let me give it a longer idle timeout ({secs}s) so the client's connection stays valid.",
                        rng,
                    ),
                    py_edit(helpers, "    timeout = 0.5", f"    timeout = {secs}"),
                    "patched",
                ),
                run("Rerun.", ["server_closes", rng.choice(["reconnect_after_idle", "reuse_connection"])]),
            ]
        return [
            Step(
                again(
                    tried,
                    "http11",
                    "The handler speaks HTTP/1.0, so it closes after every response anyway. Make it HTTP/1.1.",
                    rng,
                ),
                py_edit(
                    helpers,
                    "class _Handler(BaseHTTPRequestHandler):",
                    "class _Handler(BaseHTTPRequestHandler):\n    protocol_version = 'HTTP/1.1'",
                ),
                "patched",
            ),
            hang(
                ctx,
                rng,
                ctx.tests(tf, rng.choice(["", " -x"])),
                "Rerun the pool tests.",
                ("request", "resp = self._conn.getresponse()"),
            ),
        ]

    def trace(k: int) -> Step:
        broken = rng.random() < 0.6
        return Step(
            again(tried, "trace", "Let me reproduce the idle reuse by hand, outside pytest.", rng),
            f"python - <<'EOF'\nimport http.client, time\nfrom {ctx.dotted} import {pool}\nfrom {helpers.removesuffix('.py').replace('/', '.')} import start_server\nserver = start_server()\npool = {pool}('127.0.0.1', server.port)\nprint(pool.request('GET', '/ping'))\ntime.sleep(1)\nprint(pool.request('GET', '/ping'))\nEOF",
            f'(200, b\'pong\')\nTraceback (most recent call last):\n  File "<stdin>", line 8, in <module>\n  File "/testbed/{src}", line {rng.randint(40, 600)}, in request\n    resp = self._conn.getresponse()\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/http/client.py", line {rng.randint(1300, 1400)}, in getresponse\n    response.begin()\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/http/client.py", line {rng.randint(300, 330)}, in begin\n    version, status, reason = self._read_status()\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/http/client.py", line {rng.randint(280, 300)}, in _read_status\n    raise RemoteDisconnected("Remote end closed connection without"\nhttp.client.RemoteDisconnected: Remote end closed connection without response'
            if broken
            else "(200, b'pong')\n(200, b'pong')",
            rc=1 if broken else 0,
        )

    first = [
        run(
            "Let me run the connection pool tests.",
            ["reconnect_after_idle", rng.choice(["post_after_idle", "server_closes"])],
        ),
        Step(
            f"The reused connection was closed by the server. Let me look at {pool}.request.",
            f"grep -n 'def request' -A9 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [edit, edit, probe, server, lambda k: [trace(k)], edit]
    return churn(ctx, rng, n, first, attempts, f"{pool} reusing connections the server already closed", "request", body)
