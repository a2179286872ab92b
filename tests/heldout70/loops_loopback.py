# ruff: noqa: E501
"""A loop family on addresses: localhost resolves to an IPv6 loopback first, which this container cannot use."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step

_LOOPBACK_CASES = ("connect_localhost", "url_host", "ipv6_literal", "server_address", "connect_ipv4", "connect_timeout")


def loopback_family_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The client connects to getaddrinfo's first answer for localhost, ::1; each fix (families, binds, literals, brackets) breaks a host case."""
    src, tf, helpers = ctx.source, ctx.test_file, ctx.helpers
    body = f"def {ctx.client}(host, port, timeout=5.0):\n    family, type_, proto, _, sockaddr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]\n    sock = socket.socket(family, type_, proto)\n    sock.settimeout(timeout)\n    sock.connect(sockaddr)\n    return sock\n"
    tried: set[str] = set()

    def fail(kind: str) -> Fail:
        p = rng.randint(32768, 60999)
        name = f"test_{ctx.stem}_{kind}"
        table: dict[str, tuple[str, str, list[tuple[str, ...]]]] = {
            "connect_localhost": (
                rng.choice(
                    [
                        "ConnectionRefusedError: [Errno 111] Connection refused",
                        "OSError: [Errno 99] Cannot assign requested address",
                    ]
                ),
                f"sock = {ctx.client}('localhost', server.port)",
                [(ctx.client, "sock.connect(sockaddr)")],
            ),
            "url_host": (
                f"AssertionError: assert 'http://127.0.0.1:{p}/' == 'http://localhost:{p}/'",
                "assert server.url == 'http://localhost:%d/' % server.port",
                [],
            ),
            "ipv6_literal": (
                rng.choice(
                    [
                        "socket.gaierror: [Errno -9] Address family for hostname not supported",
                        "OSError: [Errno 99] Cannot assign requested address",
                        "OSError: [Errno 97] Address family not supported by protocol",
                    ]
                ),
                f"sock = {ctx.client}('::1', server6.port)",
                [(ctx.client, "sock.connect(sockaddr)")],
            ),
            "server_address": (
                f"AssertionError: assert ('0.0.0.0', {p}) == ('127.0.0.1', {p})",
                "assert server.server_address == ('127.0.0.1', server.port)",
                [],
            ),
            "connect_ipv4": (
                f"AssertionError: assert 'http://[127.0.0.1]:{p}/' == 'http://127.0.0.1:{p}/'",
                "assert build_url('127.0.0.1', port) == 'http://127.0.0.1:%d/' % port",
                [],
            ),
            "connect_timeout": (
                f"AssertionError: assert {rng.uniform(1.9, 2.3):.2f} < 1.5",
                "assert time.monotonic() - start < 1.5",
                [],
            ),
            "bind6": (
                rng.choice(
                    [
                        "OSError: [Errno 97] Address family not supported by protocol",
                        "OSError: [Errno 99] Cannot assign requested address",
                    ]
                ),
                "",
                [
                    ("server" if not ctx.django else "setUp", "server = _Server6(('::', 0), _Handler)", helpers),
                    ("__init__", "self.server_bind()", "@socketserver.py"),
                ],
            ),
            "dual6": (
                rng.choice(
                    [
                        "OSError: [Errno 97] Address family not supported by protocol",
                        "ValueError: dualstack_ipv6 not supported on this platform",
                    ]
                ),
                "",
                [
                    (
                        "server" if not ctx.django else "setUp",
                        "sock = socket.create_server(('', 0), family=socket.AF_INET6, dualstack_ipv6=True)",
                        helpers,
                    ),
                    ("create_server", "sock = socket(family, SOCK_STREAM)", "@socket.py"),
                ],
            ),
        }
        error, code, frames = table[kind]
        if kind in ("bind6", "dual6"):
            return Fail(f"test_{ctx.stem}_{rng.choice(_LOOPBACK_CASES)}", error, code, frames, setup=True)
        return Fail(name, error, code, frames)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if len(fails) == 1 else tf])
        return test_step(
            ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -vv" if not ctx.django else " -v"])
        )

    def resolve(k: int) -> list[Step]:
        p = rng.choice([ctx.port, 0, rng.randint(32768, 60999)])
        choice = rng.choice(["py", "getent", "hosts", "py"])
        if choice == "py":
            return [
                Step(
                    again(tried, "resolve", "Let me see what localhost resolves to in this container.", rng),
                    f"python -c \"import socket; print(socket.getaddrinfo('localhost', {p}, type=socket.SOCK_STREAM))\"",
                    f"[(<AddressFamily.AF_INET6: 10>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('::1', {p}, 0, 0)), (<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('127.0.0.1', {p}))]",
                )
            ]
        if choice == "getent":
            return [
                Step(
                    again(tried, "getent", "Let me check the resolver's answer for localhost.", rng),
                    "getent ahosts localhost",
                    "::1             STREAM localhost\n::1             DGRAM  \n::1             RAW    \n127.0.0.1       STREAM \n127.0.0.1       DGRAM  \n127.0.0.1       RAW    ",
                )
            ]
        return [
            Step(
                again(tried, "cathosts", "Let me look at /etc/hosts.", rng),
                "cat /etc/hosts",
                f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172.17.0.{rng.randint(2, 9)}\t{rng.randrange(16**12):012x}",
            )
        ]

    def no_v6(k: int) -> list[Step]:
        command, output, rc = rng.choice(
            [
                (
                    "python -c \"import socket; print(socket.has_ipv6); s = socket.socket(socket.AF_INET6); s.bind(('::1', 0)); print(s.getsockname())\"",
                    'True\nTraceback (most recent call last):\n  File "<string>", line 1, in <module>\nOSError: [Errno 99] Cannot assign requested address',
                    1,
                ),
                (
                    "cat /proc/net/if_inet6; echo rc=$?; sysctl net.ipv6.conf.all.disable_ipv6",
                    "rc=0\nnet.ipv6.conf.all.disable_ipv6 = 1",
                    0,
                ),
                ("ip -6 addr show lo", "/bin/sh: 1: ip: not found", 127),
            ]
        )
        return [
            Step(
                again(tried, "v6probe", "Does this container even have IPv6 on the loopback?", rng),
                command,
                output,
                rc=rc,
            )
        ]

    edits = [
        (
            "inet",
            "Restrict the lookup to IPv4 so localhost gives 127.0.0.1.",
            py_edit(
                src,
                "socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]",
                "socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)[0]",
            ),
            ["ipv6_literal"],
        ),
        (
            "literal",
            "Connect to 127.0.0.1 instead of localhost in the test helpers.",
            py_edit(helpers, "'localhost'", "'127.0.0.1'", None),
            ["url_host"],
        ),
        (
            "anyaddr",
            "Bind the test server on all interfaces so either loopback reaches it.",
            py_edit(helpers, "HTTPServer(('127.0.0.1', 0), _Handler)", "HTTPServer(('0.0.0.0', 0), _Handler)"),
            ["server_address", "connect_localhost"],
        ),
        (
            "server6",
            "Serve on IPv6 too: an AF_INET6 server class bound to '::'.",
            py_edit(
                helpers,
                "class _Handler(",
                "class _Server6(HTTPServer):\n    address_family = socket.AF_INET6\n\n\nclass _Handler(",
            )
            + f"\nsed -i \"s/HTTPServer(('127.0.0.1', 0)/_Server6(('::', 0)/\" {helpers}",
            ["bind6"],
        ),
        (
            "dualstack",
            "Use socket.create_server with dualstack_ipv6 so one listener takes both families.",
            py_edit(
                helpers,
                "server = HTTPServer(('127.0.0.1', 0), _Handler)",
                "sock = socket.create_server(('', 0), family=socket.AF_INET6, dualstack_ipv6=True)\n    server = HTTPServer(sock.getsockname()[:2], _Handler, bind_and_activate=False)\n    server.socket = sock",
            ),
            ["dual6"],
        ),
        (
            "loop",
            "Try each address getaddrinfo returns, like socket.create_connection does.",
            py_edit(
                src,
                "    family, type_, proto, _, sockaddr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]\n    sock = socket.socket(family, type_, proto)\n    sock.settimeout(timeout)\n    sock.connect(sockaddr)\n    return sock",
                "    error = None\n    for family, type_, proto, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):\n        sock = socket.socket(family, type_, proto)\n        sock.settimeout(timeout)\n        try:\n            sock.connect(sockaddr)\n            return sock\n        except OSError as exc:\n            error = exc\n            sock.close()\n    raise error",
            ),
            ["connect_timeout"],
        ),
        (
            "brackets",
            "IPv6 hosts need brackets in URLs; let me bracket literal addresses.",
            py_edit(
                src,
                "return 'http://%s:%d/' % (host, port)",
                "return 'http://[%s]:%d/' % (host, port) if ':' in host or host.replace('.', '').isdigit() else 'http://%s:%d/' % (host, port)",
            ),
            ["connect_ipv4", "connect_localhost"],
        ),
    ]

    def edit(k: int) -> list[Step]:
        key, thought, command, kinds = rng.choice(edits)
        return [
            Step(again(tried, key, thought, rng), command, "patched"),
            run("Rerun the connection tests.", rng.sample(kinds, len(kinds))),
        ]

    def hosts_file(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "hosts",
                    "If ::1 is listed first for localhost, let me drop that line from /etc/hosts for the test run.",
                    rng,
                ),
                rng.choice(
                    [
                        "sed -i '/^::1/d' /etc/hosts",
                        "sed -i 's/^::1\\tlocalhost /::1\\t/' /etc/hosts && head -3 /etc/hosts",
                    ]
                ),
                f"sed: cannot rename /etc/sed{''.join(rng.choices('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', k=6))}: Device or resource busy",
                rc=4,
            ),
            Step(
                "/etc/hosts is bind-mounted. Can I at least turn IPv6 on?",
                "sysctl -w net.ipv6.conf.all.disable_ipv6=0",
                'sysctl: setting key "net.ipv6.conf.all.disable_ipv6": Read-only file system',
                rc=255,
            ),
        ]

    first = [
        run("Let me run the connection tests after my change.", ["connect_localhost"]),
        Step(
            "Refused on localhost although the server is up. Let me look at the client's connect.",
            f"grep -n 'def {ctx.client}' -A8 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [resolve, no_v6, edit, edit, edit, hosts_file]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "connecting to localhost when it resolves to an IPv6 loopback this container lacks",
        ctx.client,
        body,
    )
