# ruff: noqa: E501
"""Productive look-alikes on streams: short reads, a stale keep-alive socket, a read timeout never applied, each met and then fixed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.episodes_a import green
from heldout70.net import hang
from heldout70.text import Ctx, Fail, py_edit, test_step


def frame_read_until_complete(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A split header fails to unpack; the fake socket printed; a read-exactly helper; maybe EOF between frames once; green."""
    src, tf = ctx.source, ctx.test_file
    recv = f"_recv_{ctx.stem}_frame"
    line = rng.randint(40, 600)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the framing tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_chunked_reads",
                    "struct.error: unpack requires a buffer of 4 bytes",
                    f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                    [(recv, "(length,) = struct.unpack('>I', header)")],
                )
            ],
        ),
        Step(
            "Let me read the receive side.",
            f"sed -n '{line},{line + 7}p' {src}",
            f"def {recv}(sock):\n    header = sock.recv(4)\n    if not header:\n        return None\n    (length,) = struct.unpack('>I', header)\n    return sock.recv(length)\n",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "And what the test's fake socket returns per call.",
                f"grep -n 'def recv' -A4 {tf}",
                f"{rng.randint(10, 60)}:    def recv(self, n):\n        chunk = bytes(self._data[: min(n, self._size)])\n        self._data = self._data[len(chunk) :]\n        return chunk\n",
            )
        )
    steps.append(
        Step(
            "recv may return fewer bytes than asked, which the fake does on purpose (3 at a time). Read exactly n bytes in a loop, raising if the peer closes mid-way; an EOF before any header byte still means no more frames.",
            f"cat >> {src} <<'EOF'\n\n\ndef _recv_exactly(sock, n):\n    buf = bytearray()\n    while len(buf) < n:\n        chunk = sock.recv(n - len(buf))\n        if not chunk:\n            raise ConnectionError('connection closed after %d of %d bytes' % (len(buf), n))\n        buf += chunk\n    return bytes(buf)\nEOF\n"
            + py_edit(src, "    return sock.recv(length)", "    return _recv_exactly(sock, length)"),
            "patched",
        )
    )
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_chunked_reads",
                        "struct.error: unpack requires a buffer of 4 bytes",
                        f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                        [(recv, "(length,) = struct.unpack('>I', header)")],
                    )
                ],
            ),
            Step(
                "The header is still a single recv. It needs the same loop, but an empty first read must keep returning None.",
                py_edit(
                    src,
                    "    header = sock.recv(4)\n    if not header:\n        return None\n",
                    "    first = sock.recv(4)\n    if not first:\n        return None\n    header = first + _recv_exactly(sock, 4 - len(first)) if len(first) < 4 else first\n",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "The header needs it too, keeping None for a clean EOF before a frame.",
                py_edit(
                    src,
                    "    header = sock.recv(4)\n    if not header:\n        return None\n",
                    "    first = sock.recv(4)\n    if not first:\n        return None\n    header = first + _recv_exactly(sock, 4 - len(first)) if len(first) < 4 else first\n",
                ),
                "patched",
            )
        )
    steps.append(green(ctx, rng, "Run the framing tests.", tf))
    if rng.random() < 0.6:
        steps.append(
            Step(
                "One more check over a real socketpair with a payload larger than the socket buffer, sent from a thread.",
                f"python - <<'EOF'\nimport socket, threading\nfrom {ctx.dotted} import _send_{ctx.stem}_frame, {recv}\na, b = socket.socketpair()\nt = threading.Thread(target=_send_{ctx.stem}_frame, args=(a, b'x' * 1000000))\nt.start()\nprint(len({recv}(b)))\nt.join()\nEOF",
                "1000000",
                seconds=rng.uniform(0.3, 1.5),
            )
        )
    return steps


def stale_keepalive_retried_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """RemoteDisconnected on a reused connection; a retry, maybe replaying a POST once; retried only for a reused socket and idempotent methods."""
    src, tf = ctx.source, ctx.test_file
    pool = f"{ctx.cls}Pool"
    stale = Fail(
        f"test_{ctx.stem}_reconnect_after_idle",
        "http.client.RemoteDisconnected: Remote end closed connection without response",
        "status, data = pool.request('GET', '/ping')",
        [("request", "resp = self._conn.getresponse()")],
    )
    steps = [test_step(ctx, rng, "Let me run the connection pool tests.", tf, [stale])]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx, rng, "Again, to see whether it's stable.", f"{tf}::test_{ctx.stem}_reconnect_after_idle", [stale]
            )
        )
    line = rng.randint(40, 600)
    steps += [
        Step(
            f"Let me read {pool}.request.",
            f"sed -n '{line},{line + 8}p' {src}",
            "    def request(self, method, path, body=None, headers=None):\n        if self._conn is None:\n            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)\n            self.opened += 1\n        self._conn.request(method, path, body=body, headers=headers or {})\n        resp = self._conn.getresponse()\n        return resp.status, resp.read()\n",
        ),
        Step(
            "The test server closes idle keep-alive connections after half a second, and the pool sends on the dead socket. That's inherent to keep-alive: a reused connection may have been closed by the peer, so it has to be retried once on a fresh connection.",
            py_edit(
                src,
                "        self._conn.request(method, path, body=body, headers=headers or {})\n        resp = self._conn.getresponse()",
                "        try:\n            self._conn.request(method, path, body=body, headers=headers or {})\n            resp = self._conn.getresponse()\n        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):\n            self._conn.close()\n            self._conn = None\n            return self.request(method, path, body, headers)",
            ),
            "patched",
        ),
    ]
    retry = "        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):\n            self._conn.close()\n            self._conn = None\n            return self.request(method, path, body, headers)"
    fixed = "        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):\n            self._conn.close()\n            self._conn = None\n            if not reused or method not in ('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'):\n                raise\n            return self.request(method, path, body, headers)"
    reuse = (
        "        if self._conn is None:\n",
        "        reused = self._conn is not None\n        if self._conn is None:\n",
    )
    if rng.random() < 0.6:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_post_not_retried", "AssertionError: assert 2 == 1", "assert server.posts == 1"
                    )
                ],
            ),
            Step(
                "The retry replays a POST that the server may already have acted on. Retry only when the socket was a reused one and the method is idempotent; a fresh connection failing is a real error.",
                py_edit(src, *reuse) + "\n" + py_edit(src, retry, fixed),
                "patched\npatched",
            ),
        ]
    else:
        steps.append(
            Step(
                "Before running: that would also replay a POST the server may have handled. Only retry reused sockets, and only idempotent methods.",
                py_edit(src, *reuse) + "\n" + py_edit(src, retry, fixed),
                "patched\npatched",
            )
        )
    steps.append(green(ctx, rng, "Run the pool tests.", tf))
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Make sure it holds over a few runs, since it's timing-related.",
                f"for i in 1 2 3; do {ctx.tests(tf, ' -q 2>&1 | tail -1')}; done"
                if not ctx.django
                else f"cd tests && for i in 1 2 3; do python runtests.py {ctx.stem}_tests 2>&1 | tail -1; done",
                "\n".join(
                    f"{ctx.count(tf)} passed in {rng.uniform(1.0, 4.0):.2f}s" if not ctx.django else "OK"
                    for _ in range(3)
                ),
                seconds=rng.uniform(5, 15),
            )
        )
    return steps


def read_timeout_set_after_connect(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The read-timeout test hangs; the socket's timeout found reset to None after connect; read_timeout applied and its exception mapped."""
    src, tf = ctx.source, ctx.test_file
    line = rng.randint(40, 600)
    rt = f"{ctx.cls}ReadTimeout"
    steps = [
        hang(
            ctx,
            rng,
            ctx.tests(f"{tf}::test_{ctx.stem}_read_timeout"),
            "Let me run the read-timeout test against the slow server.",
            (ctx.client, "data = sock.recv(4096)"),
        ),
        Step(
            "It blocks instead of timing out. Let me read the connect path.",
            f"grep -n 'def {ctx.client}' -A9 {src}",
            f"{line}:def {ctx.client}(host, port, connect_timeout=3.0, read_timeout=10.0):\n{line + 1}-    sock = socket.create_connection((host, port), timeout=connect_timeout)\n{line + 2}-    sock.settimeout(None)\n{line + 3}-    return sock\n",
        ),
        Step(
            "create_connection applies connect_timeout, then the socket is made blocking with settimeout(None), so read_timeout is never used and recv waits forever. Apply read_timeout after connecting.",
            py_edit(src, "    sock.settimeout(None)\n", "    sock.settimeout(read_timeout)\n"),
            "patched",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun the read-timeout test.",
                f"{tf}::test_{ctx.stem}_read_timeout",
                [
                    Fail(
                        f"test_{ctx.stem}_read_timeout",
                        ctx.timed_out,
                        f"with pytest.raises({rt}):",
                        [("recv_all", "data = sock.recv(4096)")],
                    )
                ],
            ),
            Step(
                f"It times out now, but the raw socket timeout escapes; callers expect {rt}. Let me see where the data is read.",
                f"grep -n 'def recv_all' -A6 {src}",
                f"{line + 20}:def recv_all(sock):\n{line + 21}-    chunks = []\n{line + 22}-    while True:\n{line + 23}-        data = sock.recv(4096)\n{line + 24}-        if not data:\n{line + 25}-            return b''.join(chunks)\n",
            ),
            Step(
                f"Wrap the read so a socket timeout becomes {rt}.",
                py_edit(
                    src,
                    "        data = sock.recv(4096)\n",
                    f"        try:\n            data = sock.recv(4096)\n        except socket.timeout as exc:\n            raise {rt}('read timed out after %ss' % sock.gettimeout()) from exc\n",
                ),
                "patched",
            ),
        ]
    steps.append(green(ctx, rng, "Run the read-timeout test.", f"{tf}::test_{ctx.stem}_read_timeout"))
    steps.append(green(ctx, rng, "And the whole module, connect timeouts included.", tf))
    return steps
