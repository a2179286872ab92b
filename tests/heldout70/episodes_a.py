# ruff: noqa: E501
"""Productive look-alikes on addresses: a taken port, NO_PROXY matching, a faked resolver, each met once or twice and then fixed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.net import refused
from heldout70.text import Ctx, Fail, py_edit, test_step


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def ephemeral_port_read_back(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Address in use once or twice; two test modules found binding the same fixed port; port 0 and the bound port read back."""
    helpers, tf = ctx.helpers, ctx.test_file
    port = ctx.port
    other = f"{ctx.tests_dir}/test_{ctx.stem}_client.py" if not ctx.django else f"tests/{ctx.stem}_tests/test_client.py"
    owner = "setUp" if ctx.django else f"{ctx.stem}_server"
    in_use = [
        Fail(
            ctx.case(rng, ("ping", "headers", "redirect", "status")),
            "OSError: [Errno 98] Address already in use",
            "",
            [
                (
                    owner,
                    f'{"self.httpd" if ctx.django else "server"} = HTTPServer(("127.0.0.1", PORT), _Handler)',
                    helpers,
                ),
                ("__init__", "self.server_bind()", "@socketserver.py"),
                ("server_bind", "self.socket.bind(self.server_address)", "@socketserver.py"),
            ],
            setup=True,
        )
        for _ in range(rng.randint(1, 3))
    ]
    steps = [test_step(ctx, rng, "Let me run the tests that use the local server.", "", in_use)]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx,
                rng,
                "Is it the same when the module runs on its own?",
                tf if not ctx.django else f"{tf}::test_{ctx.stem}_ping",
                [],
                " -q",
            )
        )
    line = rng.randint(8, 30)
    steps += [
        Step(
            "It only fails alongside the other modules. Let me see who else binds that port.",
            f"grep -rn 'PORT = \\|HTTPServer((' {ctx.tests_dir if not ctx.django else f'tests/{ctx.stem}_tests'} | head",
            f'{helpers}:{line}:PORT = {port}\n{helpers}:{line + 30}:    {"self.httpd" if ctx.django else "server"} = HTTPServer(("127.0.0.1", PORT), _Handler)\n{other}:{line + 4}:PORT = {port}\n{other}:{line + 41}:    httpd = HTTPServer(("127.0.0.1", PORT), _EchoHandler)',
        ),
        Step(
            f"Two servers bind {port}: the shared one and {other.rsplit('/', 1)[-1]}'s own, which is still alive while the next module starts. Rather than juggling fixed ports, let each bind port 0 and read the port the kernel chose.",
            py_edit(helpers, 'HTTPServer(("127.0.0.1", PORT), _Handler)', 'HTTPServer(("127.0.0.1", 0), _Handler)')
            + "\n"
            + py_edit(
                helpers,
                '"http://127.0.0.1:%d" % PORT',
                '"http://127.0.0.1:%d" % '
                + ("self.httpd.server_address[1]" if ctx.django else "server.server_address[1]"),
            )
            + "\n"
            + py_edit(
                other, 'HTTPServer(("127.0.0.1", PORT), _EchoHandler)', 'HTTPServer(("127.0.0.1", 0), _EchoHandler)'
            ),
            "patched\npatched\npatched",
        ),
    ]
    if rng.random() < 0.6:
        p = rng.randint(32768, 60999)
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun the module.",
                tf,
                [
                    Fail(
                        ctx.case(rng, ("redirect", "absolute_url")),
                        refused(rng, "localhost", port),
                        f"resp = {ctx.client}('http://localhost:%d/redirect' % PORT)",
                    )
                ],
            ),
            Step(
                "One test still builds its URL from PORT. Let me find the leftovers.",
                f"grep -rn '% PORT\\|PORT)' {tf} {other}",
                f"{tf}:{rng.randint(40, 300)}:    resp = {ctx.client}('http://localhost:%d/redirect' % PORT)",
            ),
            Step(
                "Use the server's own URL there.",
                py_edit(tf, "'http://localhost:%d/redirect' % PORT", "server.url + '/redirect'"),
                "patched",
            ),
        ]
        steps.append(
            Step(
                "Check the port is now chosen per run.",
                "python -c \"import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname())\"",
                f"('127.0.0.1', {p})",
            )
        )
    steps.append(green(ctx, rng, "Run the module again.", tf))
    steps.append(
        green(
            ctx,
            rng,
            "And the whole test directory, which is where it collided.",
            ctx.tests_dir if not ctx.django else "",
            " -q",
        )
    )
    return steps


def no_proxy_entries_normalised(ctx: Ctx, rng: random.Random) -> list[Step]:
    """NO_PROXY cases fail for ports and spaced entries; the matrix printed; hostname, stripped entries, dot boundaries; green."""
    src, tf = ctx.source, ctx.test_file
    func = "should_bypass_proxies" if ctx.run.owner == "psf" else f"_{ctx.stem}_bypasses_proxy"
    host = ctx.host(rng)
    parent = host.split(".", 1)[1] if host.count(".") > 1 else host
    cases = [
        ("http://localhost:8080/", "localhost", True, False),
        (f"http://{host}/", f" pypi.org , {host} ", True, False),
        (f"http://not{parent}/", parent, False, True),
        (f"http://{host}/", f".{parent}", True, True),
        ("http://[::1]:5000/", "::1", True, False),
    ]

    def fails(picked: list[tuple[str, str, bool, bool]]) -> list[Fail]:
        return [
            Fail(
                f"test_{ctx.stem}_no_proxy[{u}-{e}-{w}]",
                f"AssertionError: assert {not w} is {w}",
                f"assert {func}(url, no_proxy=entry) is expected",
            )
            for u, e, w, ok in picked
            if not ok
        ]

    extra = " -k no_proxy" if not ctx.django else ""
    steps = [test_step(ctx, rng, "Let me run the proxy tests after my change.", tf, fails(cases), extra or " -q")]
    rows = "\n".join(
        f"{u:<30} {e!r:<24} got={(w if ok else not w)!s:<5} want={w}" + ("" if ok else "  <--") for u, e, w, ok in cases
    )
    script = "\n".join(f"    ({u!r}, {e!r}, {w})," for u, e, w, _ in cases)
    steps += [
        Step(
            "Let me print each case against the current function.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nfor url, entry, want in [\n{script}\n]:\n    got = {func}(url, no_proxy=entry)\n    print('%-30s %-24r got=%-5s want=%s%s' % (url, entry, got, want, '' if got == want else '  <--'))\nEOF",
            rows,
        ),
        Step(
            "The failures all come from comparing against the netloc (so ports and the IPv6 brackets stay on) and from entries with spaces. Let me read the loop.",
            f"grep -n 'def {func}' -A9 {src}",
            f"{rng.randint(40, 800)}:def {func}(url, no_proxy=None):\n    if no_proxy is None:\n        no_proxy = os.environ.get('no_proxy', '')\n    host = urlparse(url).netloc\n    for entry in no_proxy.split(','):\n        entry = entry.lstrip('.')\n        if host == entry or host.endswith('.' + entry):\n            return True\n    return False\n",
        ),
        Step(
            "Compare the hostname (and host:port for entries that carry a port), strip each entry and skip empty ones. The dot-boundary matching stays as it is.",
            py_edit(
                src,
                "    host = urlparse(url).netloc\n    for entry in no_proxy.split(','):\n        entry = entry.lstrip('.')\n        if host == entry or host.endswith('.' + entry):",
                "    parsed = urlparse(url)\n    host = (parsed.hostname or '').lower()\n    host_port = '%s:%s' % (host, parsed.port) if parsed.port else host\n    for entry in (e.strip().lower() for e in no_proxy.split(',')):\n        if not entry:\n            continue\n        candidate = host_port if entry.count(':') == 1 else host\n        entry = entry.lstrip('.')\n        if candidate == entry or candidate.endswith('.' + entry):",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_no_proxy[http://[::1]:5000/-[::1]-True]",
                        "AssertionError: assert False is True",
                        f"assert {func}(url, no_proxy=entry) is expected",
                    )
                ],
                extra or " -q",
            ),
            Step(
                "A bracketed IPv6 entry: hostname comes back without brackets, so strip them from the entry as well.",
                py_edit(
                    src,
                    "    for entry in (e.strip().lower() for e in no_proxy.split(',')):",
                    "    for entry in (e.strip().lower().strip('[]') for e in no_proxy.split(',')):",
                ),
                "patched",
            ),
        ]
    steps.append(green(ctx, rng, "Run the proxy tests.", tf, extra or " -q"))
    if rng.random() < 0.6:
        steps.append(green(ctx, rng, "And the whole module, including the environment cases.", tf))
    return steps


def resolver_patched_at_lookup_site(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test host fails to resolve after the client moved to create_connection; the fixture patched gethostbyname only; fixed there."""
    src, tf, helpers = ctx.source, ctx.test_file, ctx.helpers
    host = f"{ctx.stem.replace('_', '-')}.test"
    port = rng.randint(32768, 60999)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the client after switching it to socket.create_connection.",
            tf,
            [
                Fail(
                    ctx.case(rng, ("connect", "fetch", "roundtrip")),
                    rng.choice(
                        [
                            "socket.gaierror: [Errno -2] Name or service not known",
                            "socket.gaierror: [Errno -3] Temporary failure in name resolution",
                        ]
                    ),
                    f"resp = {ctx.client}('{host}', server.port)",
                    [
                        (ctx.client, "sock = socket.create_connection((host, port), timeout=timeout)"),
                        ("create_connection", "for res in getaddrinfo(host, port, 0, SOCK_STREAM):", "@socket.py"),
                        (
                            "getaddrinfo",
                            "for res in _socket.getaddrinfo(host, port, family, type, proto, flags):",
                            "@socket.py",
                        ),
                    ],
                )
            ],
        ),
        Step(
            f"{host} is a name the tests invent, so some fixture must resolve it. Let me find it.",
            f"grep -rn '{host}\\|gethostbyname\\|getaddrinfo' {ctx.tests_dir if not ctx.django else f'tests/{ctx.stem}_tests'} | head",
            f"{helpers}:{rng.randint(20, 80)}:    monkeypatch.setattr(socket, 'gethostbyname', lambda name: '127.0.0.1' if name == '{host}' else real(name))\n{tf}:{rng.randint(20, 200)}:    resp = {ctx.client}('{host}', server.port)",
        ),
        Step(
            "The fixture only fakes gethostbyname, which the old code called; create_connection resolves with getaddrinfo. The fixture should fake the call the code makes now, returning getaddrinfo's own 5-tuples.",
            py_edit(
                helpers,
                f"    monkeypatch.setattr(socket, 'gethostbyname', lambda name: '127.0.0.1' if name == '{host}' else real(name))",
                f"    real_getaddrinfo = socket.getaddrinfo\n\n    def fake_getaddrinfo(name, port, *args, **kwargs):\n        return real_getaddrinfo('127.0.0.1' if name == '{host}' else name, port, *args, **kwargs)\n\n    monkeypatch.setattr(socket, 'gethostbyname', lambda name: '127.0.0.1' if name == '{host}' else real(name))\n    monkeypatch.setattr(socket, 'getaddrinfo', fake_getaddrinfo)",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        ctx.case(rng, ("connect_error_names_host", "error_message")),
                        f"AssertionError: assert '{host}' in \"could not connect to 127.0.0.1:{port}\"",
                        "assert host in str(excinfo.value)",
                    )
                ],
            ),
            Step(
                "The error message now reports the resolved address rather than the name the caller passed; keep the caller's host in the message.",
                py_edit(
                    src,
                    "raise ConnectionError('could not connect to %s:%d' % sock_addr)",
                    "raise ConnectionError('could not connect to %s:%d' % (host, port))",
                ),
                "patched",
            ),
        ]
    steps += [
        green(ctx, rng, "Run the client tests.", tf),
        green(
            ctx,
            rng,
            "And the rest of the tests that share the fixture.",
            ctx.tests_dir if not ctx.django else "",
            " -q",
        ),
    ]
    return steps
