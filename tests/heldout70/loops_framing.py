# ruff: noqa: E501
"""A loop family on framing: a length-prefixed protocol read with single recv() calls, patched piecemeal against short reads and writes."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.net import hang
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step

_CASES = (
    "chunked_reads",
    "large_payload",
    "eof_mid_frame",
    "eof_between_frames",
    "two_frames_one_read",
    "zero_length",
    "roundtrip",
)


def recv_framing_short_read(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """recv(4) and recv(length) assume whole frames; loops, MSG_WAITALL, makefile, sendall and EOF handling each break another case."""
    src, tf = ctx.source, ctx.test_file
    recv, send = f"_recv_{ctx.stem}_frame", f"_send_{ctx.stem}_frame"
    body = f"def {send}(sock, payload):\n    sock.send(struct.pack('>I', len(payload)) + payload)\n\n\ndef {recv}(sock):\n    header = sock.recv(4)\n    if not header:\n        return None\n    (length,) = struct.unpack('>I', header)\n    return sock.recv(length)\n"
    size = rng.choice([200_000, 262_144, 1_000_000, 150_000])
    tried: set[str] = set()

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.stem}_{kind}"
        got = rng.choice([g for g in (65536, 131072, 32768, 163840, 98304) if g < size])
        table: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
            "chunked_reads": (
                rng.choice(
                    [
                        "struct.error: unpack requires a buffer of 4 bytes",
                        f"AssertionError: assert b'{rng.choice(['hel', 'he', 'h'])}' == b'hello'",
                    ]
                ),
                f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                [(recv, "(length,) = struct.unpack('>I', header)")],
            ),
            "large_payload": (
                f"AssertionError: assert {got} == {size}",
                f"assert len({recv}(b)) == {size}",
                [],
            ),
            "eof_mid_frame": (
                "Failed: DID NOT RAISE <class 'ConnectionError'>",
                "with pytest.raises(ConnectionError):",
                [],
            ),
            "eof_between_frames": (
                f"ConnectionError: connection closed after 0 of {rng.choice([4, 4, 5])} bytes",
                f"assert {recv}(ChunkedSocket(b'', size=3)) is None",
                [(recv, "raise ConnectionError('connection closed after %d of %d bytes' % (len(buf), n))")],
            ),
            "two_frames_one_read": (
                rng.choice(
                    [
                        "AssertionError: assert b'' == b'second'",
                        "struct.error: unpack requires a buffer of 4 bytes",
                        "AssertionError: assert None == b'second'",
                    ]
                ),
                f"assert {recv}(sock) == b'second'",
                [],
            ),
            "zero_length": (
                "AssertionError: assert None == b''",
                f"assert {recv}(ChunkedSocket(struct.pack('>I', 0), size=3)) == b''",
                [],
            ),
            "fake_flags": (
                "TypeError: recv() takes 2 positional arguments but 3 were given",
                f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                [(recv, "header = sock.recv(4, socket.MSG_WAITALL)")],
            ),
            "fake_makefile": (
                "AttributeError: 'ChunkedSocket' object has no attribute 'makefile'",
                f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                [(recv, "stream = sock.makefile('rb')")],
            ),
            "fake_recv_into": (
                "AttributeError: 'ChunkedSocket' object has no attribute 'recv_into'",
                f"assert {recv}(ChunkedSocket(frame, size=3)) == b'hello'",
                [("_recv_exactly", "got = sock.recv_into(view[pos:], n - pos)")],
            ),
        }
        error, code, frames = table[kind]
        shown = kind if not kind.startswith("fake_") else rng.choice(["chunked_reads", "roundtrip", "zero_length"])
        return Fail(f"test_{ctx.stem}_{shown}" if kind.startswith("fake_") else name, error, code, frames)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if len(fails) == 1 else tf])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -p no:randomly"]))

    def hung(thought: str) -> Step:
        return hang(
            ctx,
            rng,
            ctx.tests(rng.choice([tf, f"{tf}::test_{ctx.stem}_eof_mid_frame", f"{tf}::test_{ctx.stem}_large_payload"])),
            thought,
            (
                rng.choice([recv, "_recv_exactly", send]),
                rng.choice(
                    [
                        "chunk = sock.recv(n - len(buf))",
                        "sock.sendall(struct.pack('>I', len(payload)) + payload)",
                        "data += sock.recv(length - len(data))",
                    ]
                ),
            ),
        )

    def body_loop(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "body",
                    "recv(length) can return fewer bytes than asked. Let me loop until the whole body is in.",
                    rng,
                ),
                py_edit(
                    src,
                    "    return sock.recv(length)",
                    "    data = b''\n    while len(data) < length:\n        data += sock.recv(length - len(data))\n    return data",
                ),
                "patched",
            ),
            rng.choice(
                [run("Rerun the framing tests.", ["chunked_reads", "large_payload"]), hung("Rerun the framing tests.")]
            ),
        ]

    def header_loop(k: int) -> list[Step]:
        return [
            Step(
                again(tried, "header", "The 4-byte header can be split too. Loop on it the same way.", rng),
                py_edit(
                    src,
                    "    header = sock.recv(4)\n",
                    "    header = sock.recv(4)\n    while header and len(header) < 4:\n        header = sock.recv(4 - len(header))\n",
                ),
                "patched",
            ),
            run("Rerun.", ["chunked_reads", rng.choice(["large_payload", "zero_length", "eof_mid_frame"])]),
        ]

    def waitall(k: int) -> list[Step]:
        steps = [
            Step(
                again(
                    tried,
                    "waitall",
                    "MSG_WAITALL makes the kernel wait for the full count; use it for both reads.",
                    rng,
                ),
                py_edit(src, "sock.recv(4)", "sock.recv(4, socket.MSG_WAITALL)")
                + "\n"
                + py_edit(src, "sock.recv(length)", "sock.recv(length, socket.MSG_WAITALL)"),
                "patched\npatched",
            ),
            run("Rerun.", ["fake_flags", "large_payload"]),
        ]
        if rng.random() < 0.6:
            steps += [
                Step(
                    "The test's fake socket doesn't take flags. Let me give it a flags argument.",
                    py_edit(tf, "    def recv(self, n):", "    def recv(self, n, flags=0):"),
                    "patched",
                ),
                run("Rerun.", ["chunked_reads", rng.choice(["eof_mid_frame", "large_payload"])]),
            ]
        return steps

    def makefile(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "makefile",
                    "A buffered file object handles short reads for me: read exactly 4 then length bytes through sock.makefile('rb').",
                    rng,
                ),
                py_edit(
                    src,
                    "    header = sock.recv(4)\n",
                    "    stream = sock.makefile('rb')\n    header = stream.read(4)\n",
                )
                + "\n"
                + py_edit(src, "    return sock.recv(length)", "    return stream.read(length)"),
                "patched\npatched",
            ),
            run("Rerun.", ["fake_makefile", "two_frames_one_read"]),
        ]

    def exactly(k: int) -> list[Step]:
        variant = rng.choice(["eof", "into", "none"])
        helper = {
            "eof": "def _recv_exactly(sock, n):\n    buf = b''\n    while len(buf) < n:\n        chunk = sock.recv(n - len(buf))\n        if not chunk:\n            raise ConnectionError('connection closed after %d of %d bytes' % (len(buf), n))\n        buf += chunk\n    return buf\n",
            "into": "def _recv_exactly(sock, n):\n    buf = bytearray(n)\n    view = memoryview(buf)\n    pos = 0\n    while pos < n:\n        got = sock.recv_into(view[pos:], n - pos)\n        if not got:\n            raise ConnectionError('connection closed mid-frame')\n        pos += got\n    return bytes(buf)\n",
            "none": "def _recv_exactly(sock, n):\n    buf = b''\n    while len(buf) < n:\n        chunk = sock.recv(n - len(buf))\n        if not chunk:\n            return None\n        buf += chunk\n    return buf\n",
        }[variant]
        kinds = {
            "eof": ["eof_between_frames", "zero_length"],
            "into": ["fake_recv_into"],
            "none": ["eof_mid_frame", rng.choice(["zero_length", "large_payload"])],
        }[variant]
        return [
            Step(
                again(
                    tried,
                    f"exactly-{variant}",
                    "Let me write a proper read-exactly helper and use it for the header and the body.",
                    rng,
                ),
                f"cat >> {src} <<'EOF'\n\n\n{helper}EOF\n"
                + py_edit(src, "sock.recv(4)", "_recv_exactly(sock, 4)")
                + "\n"
                + py_edit(src, "sock.recv(length)", "_recv_exactly(sock, length)"),
                "patched\npatched",
            ),
            run("Rerun.", kinds),
        ]

    def sendall(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "sendall",
                    f"The {size}-byte payload may also be cut on the sending side: send() returns how much it wrote. Use sendall.",
                    rng,
                ),
                py_edit(
                    src,
                    "    sock.send(struct.pack('>I', len(payload)) + payload)",
                    "    sock.sendall(struct.pack('>I', len(payload)) + payload)",
                ),
                "patched",
            ),
            hung("Run the large payload test."),
        ]

    def probe(k: int) -> Step:
        module = f"{ctx.stem}_tests.tests" if ctx.django else f"test_{ctx.stem}"
        got = rng.choice([65536, 131072, 212992, 163840])
        return rng.choice(
            [
                Step(
                    again(tried, "pair", "Let me see how much a socketpair carries in one send and one recv.", rng),
                    f"python -c \"import socket; a, b = socket.socketpair(); a.setblocking(False); print('sent', a.send(b'x' * {size})); print('recv', len(b.recv({size})))\"",
                    f"sent {got}\nrecv {rng.choice([got, 65536, 32768])}",
                ),
                Step(
                    "Let me print what the fake socket hands out per call.",
                    f"python - <<'EOF'\nimport struct, sys\nsys.path.insert(0, '{ctx.tests_dir}')\nfrom {module} import ChunkedSocket\ns = ChunkedSocket(struct.pack('>I', 5) + b'hello', size=3)\nprint([s.recv(4) for _ in range(4)])\nEOF",
                    "[b'\\x00\\x00\\x00', b'\\x05he', b'llo', b'']",
                ),
                Step(
                    "Let me look at the framing tests' fake socket.",
                    f"grep -n 'class ChunkedSocket' -A12 {tf}",
                    f"{rng.randint(10, 60)}:class ChunkedSocket:\n    def __init__(self, data, size):\n        self._data = memoryview(data)\n        self._size = size\n\n    def recv(self, n):\n        chunk = bytes(self._data[: min(n, self._size)])\n        self._data = self._data[len(chunk) :]\n        return chunk\n",
                ),
            ]
        )

    first = [
        run(
            "Let me run the framing tests for the socket protocol.",
            ["chunked_reads", "large_payload", rng.choice(["eof_mid_frame", "two_frames_one_read"])],
        ),
        Step(
            "Let me read the framing functions.", f"grep -n 'def {send}' -A12 {src}", f"{rng.randint(40, 600)}:" + body
        ),
    ]
    attempts: list[Attempt] = [
        body_loop,
        header_loop,
        waitall,
        makefile,
        exactly,
        sendall,
        lambda k: [probe(k)],
        exactly,
    ]
    return churn(ctx, rng, n, first, attempts, "reading whole frames off the socket", recv, body)
