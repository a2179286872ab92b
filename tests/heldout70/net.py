# ruff: noqa: E501
"""What the network does to the families' commands: runs that block until a timeout kills them, and the errors it raises."""

from __future__ import annotations

import random
import re

from heldout20.calls import Step
from heldout70.text import Ctx, where

# What a blocked call's stack shows below the project's own frame, by what that frame calls.
_BELOW = {
    "getresponse": ("http/client.py", "_read_status", 'line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")'),
    "create_connection": ("socket.py", "create_connection", "sock.connect(sa)"),
    "makefile": ("socket.py", "readinto", "return self._sock.recv_into(b)"),
    "session.get": ("ssl.py", "recv_into", "return self.read(nbytes, buffer)"),
}
_OWN = ("data = sock.recv(4096)", "resp = self._conn.getresponse()", "chunk = sock.recv(n - len(buf))")


def _timed(secs: int, command: str) -> str:
    """`command` under GNU timeout, its exit status echoed (after the `cd` of a Django run)."""
    cd, _, rest = command.rpartition("&& ")
    return f"{cd}{'&& ' if cd else ''}timeout {secs} {rest}; echo rc=$?"


def hang(ctx: Ctx, rng: random.Random, command: str, thought: str, frame: tuple[str, ...] = ("", "")) -> Step:
    """A test run that blocks on the network until the harness, GNU timeout or pytest-timeout stops it."""
    dots = "." * rng.randint(0, 9)
    kind = rng.choice(["harness", "timeout", "pytest-timeout"])
    if ctx.django:
        head = f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n{dots}"
    else:
        head = f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {ctx.count(ctx.test_file)} items\n\n{ctx.test_file} {dots}"
    if kind == "harness":
        return Step(thought, command, head, timed_out=True, seconds=rng.uniform(60, 120))
    if kind == "timeout" or ctx.django:
        secs = rng.choice([20, 30, 45, 60])
        return Step(thought, _timed(secs, command), f"{head}rc=124", seconds=secs)
    secs = rng.choice([10, 15, 30])
    own = frame if frame[0] else (ctx.client, rng.choice(_OWN))
    stack = [(own[0], own[1], where(ctx, own))]
    for key, (lib, func, code) in _BELOW.items():
        if key in own[1]:
            stack.append((func, code, f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/{lib}"))
    shown = "".join(
        f'  File "{file if file.startswith("/") else "/testbed/" + file}", line {ctx.line(func, code)}, in {func}\n    {code}\n'
        for func, code, file in stack
    )
    named = re.search(r"::(test_\w+)", command)
    test = (
        named.group(1)
        if named
        else f"test_{ctx.stem}_{rng.choice(['roundtrip', 'large_payload', 'server', 'keepalive', 'read'])}"
    )
    return Step(
        thought,
        f"{command} -p timeout --timeout={secs}",
        f"{head}F\n{'+' * 35} Timeout {'+' * 35}\n~~~~~ Stack of MainThread ({rng.randint(139000000000000, 140999999999999)}) ~~~~~\n{shown}{'+' * 35} Timeout {'+' * 35}\nFAILED {ctx.test_file}::{test} - Failed: Timeout >{secs}.0s",
        rc=1,
        seconds=secs + rng.uniform(0.5, 3),
    )


# The errors the network raises, as the environment's Python words them.


def refused(rng: random.Random, host: str, port: int) -> str:
    return rng.choice(
        [
            "ConnectionRefusedError: [Errno 111] Connection refused",
            "urllib.error.URLError: <urlopen error [Errno 111] Connection refused>",
            pool_error(rng, host, port, "/", "[Errno 111] Connection refused"),
        ]
    )


def gai(rng: random.Random) -> str:
    return rng.choice(
        [
            "socket.gaierror: [Errno -3] Temporary failure in name resolution",
            "socket.gaierror: [Errno -2] Name or service not known",
            "socket.gaierror: [Errno -3] Temporary failure in name resolution",
            "socket.gaierror: [Errno -5] No address associated with hostname",
        ]
    )


def addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def pool_error(rng: random.Random, host: str, port: int, path: str, cause: str, https: bool = False) -> str:
    """A requests ConnectionError wrapping urllib3's NewConnectionError, as the tests print it."""
    kind = "HTTPS" if https else "HTTP"
    return f"requests.exceptions.ConnectionError: {kind}ConnectionPool(host='{host}', port={port}): Max retries exceeded with url: {path} (Caused by NewConnectionError('<urllib3.connection.{kind}Connection object at {addr(rng)}>: Failed to establish a new connection: {cause}'))"
