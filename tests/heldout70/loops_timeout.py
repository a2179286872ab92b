# ruff: noqa: E501
"""A loop family the missing network keeps failing: a connect timeout aimed at an address that is unreachable at once."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.net import hang
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step

_BLACKHOLES = ("10.255.255.1", "192.0.2.1", "198.51.100.7", "203.0.113.5", "240.0.0.1", "10.0.0.0")


def connect_timeout_unreachable_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A connect-timeout test aims at a blackhole address; with no route the connect fails at once, never times out."""
    src, tf, helpers = ctx.source, ctx.test_file, ctx.helpers
    err = f"{ctx.cls}ConnectionError"
    tmo = f"{ctx.cls}ConnectTimeout"
    body = f"def {ctx.client}(host, port, connect_timeout=3.0, read_timeout=10.0):\n    try:\n        sock = socket.create_connection((host, port), timeout=connect_timeout)\n    except socket.timeout as exc:\n        raise {tmo}(host, port) from exc\n    except OSError as exc:\n        raise {err}(host, port, exc) from exc\n    sock.settimeout(read_timeout)\n    return sock\n"
    tried: set[str] = set()
    state = {"addr": "10.255.255.1"}

    def unreachable(kind: str) -> Fail:
        a = state["addr"]
        return {
            "timeout": Fail(
                f"test_{ctx.stem}_connect_timeout",
                f"{ctx.dotted}.{err}: could not connect to {a}:{rng.choice([80, 81, 9])}: [Errno 101] Network is unreachable",
                f"{ctx.client}({a!r}, 80, connect_timeout=0.2)",
                [(ctx.client, f"raise {err}(host, port, exc) from exc")],
            ),
            "elapsed": Fail(
                f"test_{ctx.stem}_connect_timeout_elapsed",
                f"AssertionError: assert 0.000{rng.randint(1, 9)}{rng.randint(0, 9)} >= 0.2",
                "assert time.monotonic() - start >= 0.2",
            ),
            "refused": Fail(
                f"test_{ctx.stem}_refused_is_connection_error",
                rng.choice(
                    [
                        f"{ctx.dotted}.{tmo}: ('127.0.0.1', {rng.randint(32768, 60999)})",
                        f"Failed: DID NOT RAISE <class '{ctx.dotted}.{err}'>",
                    ]
                ),
                f"with pytest.raises({err}):",
                [(ctx.client, f"raise {tmo}(host, port) from exc")],
            ),
            "unreachable": Fail(
                f"test_{ctx.stem}_unreachable_is_connection_error",
                f"{ctx.dotted}.{tmo}: ('{rng.choice(_BLACKHOLES)}', 80)",
                f"with pytest.raises({err}):",
                [(ctx.client, f"raise {tmo}(host, port) from exc")],
            ),
            "read": Fail(f"test_{ctx.stem}_read_timeout", ctx.timed_out, "sock.recv(1)", []),
            "attr": Fail(
                f"test_{ctx.stem}_connect_timeout",
                f"AttributeError: <module '{ctx.dotted}' from '/testbed/{src}'> does not have the attribute 'create_connection'",
                "",
                [
                    ("patched", "with self.decoration_helper(patched,", "@unittest/mock.py")
                    if ctx.django
                    else (
                        "_slow_connect",
                        f"with mock.patch({ctx.dotted + '.create_connection'!r}, side_effect=socket.timeout):",
                        tf,
                    ),
                    ("__enter__", "original, local = self.get_original()", "@unittest/mock.py"),
                    (
                        "get_original",
                        'raise AttributeError(\n    "%s does not have the attribute %r" % (target, name)',
                        "@unittest/mock.py",
                    ),
                ],
                setup=True,
            ),
        }[kind]

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [unreachable(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if len(fails) == 1 else tf])
        return test_step(
            ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -vv" if not ctx.django else " -v"])
        )

    def other_addr(k: int) -> list[Step]:
        old = state["addr"]
        new = rng.choice([a for a in _BLACKHOLES if a != old])
        state["addr"] = new
        return [
            Step(
                again(tried, new, f"{old} may be routed here. Use {new}, which should never answer.", rng),
                f"sed -i \"s/{old}/{new}/g\" {tf} && grep -c '{new}' {tf}",
                str(rng.randint(1, 3)),
            ),
            run("Rerun the timeout tests.", ["timeout", *(["elapsed"] if rng.random() < 0.5 else [])]),
        ]

    def by_hand(k: int) -> Step:
        a = state["addr"]
        return Step(
            again(tried, f"hand{a}", f"Let me time a raw connect to {a} by hand.", rng),
            f"python -c \"import socket, time; t = time.monotonic()\ntry:\n    socket.create_connection(('{a}', 80), timeout=2)\nexcept OSError as e:\n    print(repr(e), round(time.monotonic() - t, 4))\"",
            f"OSError(101, 'Network is unreachable') 0.000{rng.randint(1, 9)}",
        )

    def routes(k: int) -> Step:
        return rng.choice(
            [
                Step("Is there any route out of this container?", "ip route", "/bin/sh: 1: ip: not found", rc=127),
                Step(
                    "Let me read the routing table directly.",
                    "cat /proc/net/route",
                    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                ),
                Step(
                    "Could I drop the packets with iptables so the connect really hangs?",
                    f"iptables -A OUTPUT -d {state['addr']} -j DROP",
                    "/bin/sh: 1: iptables: not found",
                    rc=127,
                ),
            ]
        )

    def map_errno(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "errno",
                    "If the network is unreachable the connect never gets to time out. Treat ENETUNREACH and EHOSTUNREACH as a connect timeout too.",
                    rng,
                ),
                py_edit(
                    src,
                    "    except OSError as exc:\n",
                    f"    except OSError as exc:\n        if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):\n            raise {tmo}(host, port) from exc\n",
                ),
                "patched",
            ),
            run("Rerun.", rng.sample(["elapsed", "unreachable"], rng.randint(1, 2))),
        ]

    def longer(k: int) -> list[Step]:
        secs = rng.choice([0.5, 1.0, 2.0, 5.0])
        return [
            Step(
                again(
                    tried,
                    f"longer{secs}",
                    f"Maybe 0.2s is too tight for the connect to register as a timeout. Use {secs}s in the test.",
                    rng,
                ),
                f"sed -i 's/connect_timeout=0.2/connect_timeout={secs}/' {tf}",
                "",
            ),
            run("Rerun.", ["timeout", "elapsed"]),
        ]

    def mock(k: int) -> list[Step]:
        local = rng.random() < 0.5
        target = f"{ctx.dotted}.create_connection" if local else "socket.create_connection"
        return [
            Step(
                again(
                    tried,
                    f"mock{local}",
                    f"Without a network I can't produce a real timeout. Let me make the module's tests patch `{target}` to raise socket.timeout.",
                    rng,
                ),
                py_edit(
                    tf,
                    f"class {ctx.cls}Tests(SimpleTestCase):",
                    f"@mock.patch({target!r}, side_effect=socket.timeout)\nclass {ctx.cls}Tests(SimpleTestCase):",
                )
                if ctx.django
                else py_edit(
                    tf,
                    "import pytest\n",
                    f"import pytest\nfrom unittest import mock\n\npytestmark = pytest.mark.usefixtures('_slow_connect')\n\n\n@pytest.fixture\ndef _slow_connect():\n    with mock.patch({target!r}, side_effect=socket.timeout):\n        yield\n",
                ),
                "patched",
            ),
            run("Rerun.", ["attr"] if local else ["refused", rng.choice(["elapsed", "read"])]),
        ]

    def backlog(k: int) -> list[Step]:
        return [
            Step(
                again(
                    tried,
                    "backlog",
                    "A local listener with a full backlog drops SYNs, which should make connect time out without any network. Let me build that in the test helpers.",
                    rng,
                ),
                f"cat >> {helpers} <<'EOF'\n\n\ndef unresponsive_address():\n    listener = socket.socket()\n    listener.bind(('127.0.0.1', 0))\n    listener.listen(0)\n    for _ in range(4):\n        socket.create_connection(listener.getsockname())\n    return listener.getsockname()\nEOF\nsed -i \"s/{ctx.client}('{state['addr']}', 80/{ctx.client}(*unresponsive_address()/\" {tf}",
                "",
            ),
            hang(
                ctx,
                rng,
                ctx.tests(f"{tf}::test_{ctx.stem}_connect_timeout"),
                "Run the timeout test.",
                ("unresponsive_address", "socket.create_connection(listener.getsockname())", helpers),
            ),
        ]

    first = [
        run("Let me run the connection tests.", ["timeout", rng.choice(["elapsed", "timeout"])]),
        Step(
            "Errno 101 instead of a timeout. Let me look at the connect helper.",
            f"grep -n 'def {ctx.client}' -A9 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        other_addr,
        lambda k: [by_hand(k)],
        lambda k: [routes(k)],
        map_errno,
        longer,
        mock,
        backlog,
        other_addr,
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"getting a connect timeout out of {ctx.client} in a container with no route",
        ctx.client,
        body,
    )
