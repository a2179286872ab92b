# ruff: noqa: E501
"""A loop family the missing network keeps failing: tests that resolve real hosts in a sandbox without DNS."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.net import addr, gai, pool_error
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step

_PATHS = ("/index.json", "/simple/", "/api/v1/items", "/robots.txt", "/data/manifest.txt", "/objects.inv")


def dns_stub_never_reached(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tests reach real hosts and the sandbox cannot resolve them; getaddrinfo faked, /etc/hosts, HOSTALIASES, mocks, pip with no network."""
    src, tf, helpers = ctx.source, ctx.test_file, ctx.helpers
    hosts = rng.sample(ctx.host_names, 2)
    body = f"def {ctx.client}(url, timeout=10):\n    session = requests.Session()\n    session.headers['User-Agent'] = USER_AGENT\n    resp = session.get(url, timeout=timeout)\n    resp.raise_for_status()\n    return resp\n"
    tried: set[str] = set()
    https = rng.random() < 0.6
    faked: dict[str, str] = {}  # the fake resolver in the helpers, once written

    def url(host: str, path: str) -> str:
        return f"{'https' if https else 'http'}://{host}{path}"

    def fail(kind: str) -> Fail:
        host = rng.choice(hosts)
        path = rng.choice(_PATHS)
        port = 443 if https else 80
        name = ctx.case(
            rng, ("fetch_index", "remote_manifest", "download", "follow_redirect", "user_agent", "fetch_inventory")
        )
        errors = {
            "dns": rng.choice(
                [
                    pool_error(
                        rng,
                        host,
                        port,
                        path,
                        f"[Errno {rng.choice(['-3] Temporary failure in name resolution', '-2] Name or service not known'])}",
                        https,
                    ),
                    pool_error(rng, host, port, path, "[Errno -3] Temporary failure in name resolution", https),
                ]
            ),
            "refused": pool_error(rng, host, port, path, "[Errno 111] Connection refused", https),
            "ssl": f"requests.exceptions.SSLError: HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: {path} (Caused by SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:{rng.choice([1129, 1131, 1006])})')))",
            "shape": rng.choice(
                [
                    "ValueError: not enough values to unpack (expected 5, got 2)",
                    "TypeError: cannot unpack non-iterable NoneType object",
                    "TypeError: 'NoneType' object is not iterable",
                ]
            ),
            "mock": rng.choice(
                [
                    "AttributeError: 'Mock' object has no attribute 'raise_for_status'",
                    "TypeError: 'Mock' object is not iterable",
                    f"AssertionError: assert <MagicMock name='get().status_code' id='{int(addr(rng), 16)}'> == 200",
                    "AssertionError: assert b'' == b'User-agent: *\\nDisallow: /private'",
                ]
            ),
            "scheme": f"AssertionError: assert 'http://{host}{path}' == 'https://{host}{path}'",
        }
        sent = [
            (ctx.client, "resp = session.get(url, timeout=timeout)"),
            ("send", "raise ConnectionError(e, request=request)", "+requests/adapters.py"),
        ]
        if kind == "ssl":
            sent[1] = ("send", "raise SSLError(e, request=request)", "+requests/adapters.py")
        frames = {
            "shape": [
                (ctx.client, "resp = session.get(url, timeout=timeout)"),
                ("create_connection", "af, socktype, proto, canonname, sa = res", "+urllib3/util/connection.py"),
            ],
            "mock": [(ctx.client, "resp.raise_for_status()")],
            "scheme": [],
        }
        return Fail(
            name,
            errors[kind],
            f"resp = {ctx.client}({url(host, path)!r})",
            frames.get(kind, sent),
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -p no:cacheprovider"]))

    def probe(k: int) -> Step:
        host = rng.choice(hosts)
        return rng.choice(
            [
                Step(
                    again(tried, "gethost", "Can this container resolve anything at all?", rng),
                    f"python -c \"import socket; print(socket.gethostbyname('{host}'))\"",
                    f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{gai(rng)}',
                    rc=1,
                ),
                Step(
                    "Let me look at the resolver configuration.",
                    "cat /etc/resolv.conf",
                    rng.choice(
                        [
                            "# Generated by Docker Engine.\n# This file can be edited; Docker Engine will not make further changes once it\n# has been modified.\n\nnameserver 127.0.0.11\noptions ndots:0",
                            "nameserver 10.0.2.3\nsearch .",
                        ]
                    ),
                ),
                Step(
                    f"Let me try {host} with curl.",
                    f"curl -sS -m 5 -o /dev/null -I https://{host}/",
                    f"curl: (6) Could not resolve host: {host}",
                    rc=6,
                ),
            ]
        )

    def fake_resolver(k: int) -> list[Step]:
        port = rng.randint(32768, 60999)
        variant = rng.choice([v for v in ("refused", "ssl", "shape", "refused") if v != faked.get("variant")])
        ret = {
            "refused": "return real_getaddrinfo('127.0.0.1', port, *args, **kwargs)",
            "ssl": f"return real_getaddrinfo('127.0.0.1', {port}, *args, **kwargs)",
            "shape": f"return [(socket.AF_INET, ('127.0.0.1', {port}))]",
        }[variant]
        why = {
            "refused": "send the test hosts to 127.0.0.1",
            "ssl": f"send the test hosts to the local test server on {port}",
            "shape": "return the local server's address for the test hosts",
        }[variant]
        if faked:
            change = Step(
                again(tried, f"fake-{variant}", f"Let me change the fake resolver to {why}.", rng),
                py_edit(helpers, f"            {faked['ret']}", f"            {ret}"),
                "patched",
            )
        else:
            change = Step(
                again(
                    tried,
                    f"fake-{variant}",
                    f"The tests only need those hosts answered by something local. Let me fake getaddrinfo in conftest to {why}.",
                    rng,
                ),
                f"cat >> {helpers} <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _local_dns(monkeypatch):\n    real_getaddrinfo = socket.getaddrinfo\n\n    def fake(host, port, *args, **kwargs):\n        if host in {tuple(hosts)!r}:\n            {ret}\n        return real_getaddrinfo(host, port, *args, **kwargs)\n\n    monkeypatch.setattr(socket, 'getaddrinfo', fake)\nEOF\necho appended",
                "appended",
            )
        faked.update(variant=variant, ret=ret)
        return [
            change,
            run("Rerun the fetching tests.", [variant if variant != "ssl" or https else "refused"]),
        ]

    def patch_site(k: int) -> list[Step]:
        if not faked:
            return fake_resolver(k)
        target = rng.choice(
            [
                f"{ctx.dotted}.socket.getaddrinfo",
                "urllib3.util.connection.socket.getaddrinfo",
                f"{ctx.dotted}.getaddrinfo",
            ]
        )
        out = (
            f"AttributeError: <module '{ctx.dotted}' from '/testbed/{src}'> does not have the attribute 'getaddrinfo'"
            if target.endswith(f"{ctx.dotted}.getaddrinfo")
            else None
        )
        return [
            Step(
                again(
                    tried,
                    target,
                    f"Maybe the lookup doesn't go through the attribute I patched. Let me patch `{target}` instead.",
                    rng,
                ),
                py_edit(
                    helpers,
                    "monkeypatch.setattr(socket, 'getaddrinfo', fake)",
                    f"monkeypatch.setattr({target!r}, fake)",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        ctx.case(rng, ("fetch_index", "download", "remote_manifest")),
                        out,
                        "",
                        [("_local_dns", f"monkeypatch.setattr({target!r}, fake)", helpers)],
                        setup=True,
                    )
                ]
                if out
                else [fail("dns"), fail(rng.choice(["dns", "refused"]))],
                rng.choice(["", " -q"]),
            ),
        ]

    def hosts_file(k: int) -> list[Step]:
        line = " ".join(hosts)
        return [
            Step(
                again(
                    tried, "hosts", "Let me map the hosts in /etc/hosts instead, so every resolver path sees them.", rng
                ),
                f"echo '127.0.0.1 {line}' >> /etc/hosts && tail -2 /etc/hosts",
                f"172.17.0.{rng.randint(2, 9)}\t{rng.randrange(16**12):012x}\n127.0.0.1 {line}",
            ),
            run("Now they resolve; rerun.", ["refused", *(["ssl"] if https and rng.random() < 0.5 else [])]),
        ]

    def aliases(k: int) -> list[Step]:
        return [
            Step(
                again(tried, "aliases", "Let me try HOSTALIASES so I don't depend on /etc/hosts.", rng),
                f"printf '{hosts[0].split('.')[0]} localhost\\n' > /tmp/hostaliases && export HOSTALIASES=/tmp/hostaliases && "
                + ctx.tests(tf, " -q 2>&1 | tail -3"),
                f"FAILED {tf}::{fail('dns').name} - "
                + fail("dns").error[:160]
                + f"\n{rng.randint(1, 4)} failed, {rng.randint(5, 30)} passed in {rng.uniform(1, 9):.2f}s"
                if not ctx.django
                else f"{fail('dns').error[:200]}\n\nFAILED (errors={rng.randint(1, 4)})",
                rc=1,
            ),
        ]

    def pip(k: int) -> list[Step]:
        pkg = rng.choice(["responses", "requests-mock", "pytest-httpserver", "pytest-socket"])
        retries = "\n".join(
            f"WARNING: Retrying (Retry(total={t}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {addr(rng)}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/{pkg}/"
            for t in range(4, -1, -1)
        )
        return [
            Step(
                again(
                    tried,
                    f"pip-{pkg}",
                    f"A mocking library would avoid the network altogether. Let me install {pkg}.",
                    rng,
                ),
                f"pip install -q {pkg}",
                f"{retries}\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}",
                rc=1,
                seconds=rng.uniform(20, 40),
            ),
        ]

    def mock(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "mock",
                    "No network and no mocking library. Let me patch requests.Session.get in the tests with unittest.mock.",
                    rng,
                ),
                py_edit(
                    tf,
                    "import pytest\n",
                    "import pytest\nfrom unittest import mock\n\npytestmark = pytest.mark.usefixtures('_no_network')\n\n\n@pytest.fixture\ndef _no_network():\n    with mock.patch('requests.Session.get') as get:\n        get.return_value.status_code = 200\n        yield get\n",
                )
                if not ctx.django
                else py_edit(
                    tf,
                    "from django.test import SimpleTestCase\n",
                    "from unittest import mock\n\nfrom django.test import SimpleTestCase\n",
                ),
                "patched",
            ),
            run("Rerun.", ["mock", rng.choice(["mock", "dns"])]),
        ]

    def scheme(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "scheme",
                    "The local server speaks plain HTTP; let me downgrade the test URLs to http:// when the host is faked.",
                    rng,
                ),
                py_edit(tf, "'https://", "'http://", None),
                "patched",
            ),
            run("Rerun.", ["scheme", "refused"]),
        ]

    first = [
        run("Let me run the tests for the fetching code.", ["dns", "dns"]),
        Step(
            "Name resolution fails. Let me look at how the fetch is done.",
            f"grep -n 'def {ctx.client}' -A7 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
        probe(0),
    ]
    attempts: list[Attempt] = [
        lambda k: [probe(k)],
        fake_resolver,
        patch_site,
        hosts_file,
        aliases,
        pip,
        mock,
        fake_resolver,
    ] + ([scheme] if https else [])
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "getting the tests to resolve and reach their hosts without any network",
        ctx.client,
        body,
    )
