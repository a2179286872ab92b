# ruff: noqa: E501
"""A loop where httpx is mocked with respx: the request is never mocked, or its route never called."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout48.text import Ctx, Frame, churn, extra, frames_of, py_edit, test_step


def _respx_error(ctx: Ctx, rng: random.Random) -> tuple[list[Frame], str]:
    q = f"?limit={rng.choice([10, 20, 50])}" + rng.choice(["", f"&offset={rng.randint(0, 80)}", "&cursor=abc"])
    path = rng.choice([ctx.path, ctx.path + "/", "/api" + ctx.path])
    host = rng.choice([ctx.host, ctx.host, f"{ctx.host}:8443", "localhost:8000"])
    kind = rng.randrange(4)
    if kind == 0:
        err = f"respx.models.AllMockedAssertionError: RESPX: <Request('GET', 'https://{host}{path}{q}')> not mocked!"
    elif kind == 1:
        err = f"AssertionError: RESPX: some routes were not called!\nassert not [<Route <Scheme eq 'https'> AND <Host eq '{ctx.host}'> AND <Path eq '{ctx.path}'>{rng.choice(['', ' AND <Params contains QueryParams(' + repr('limit=20') + ')>'])}>]"
    elif kind == 2:
        err = f"httpx.ConnectError: [Errno -3] Temporary failure in name resolution ({host})"
    else:
        err = f"AssertionError: assert {rng.randint(0, 3)} == {rng.randint(4, 6)}\n +  where {rng.randint(0, 3)} = <Route <Method eq 'GET'> AND <Path eq '{ctx.path}'>>.call_count"
    frames = frames_of(
        ctx,
        rng,
        [
            (f"{ctx.site}/httpx/_client.py", rng.choice([1054, 1066, 1599]), "get", "return self.request("),
            (
                f"{ctx.site}/respx/mocks.py",
                rng.randint(180, 200),
                "mock",
                'raise AllMockedAssertionError(f"RESPX: {request!r} not mocked!")'
                if kind == 0
                else "response = cls._send_sync_request(",
            ),
        ],
        client=True,
    )
    return frames, err


def respx_routes_uncalled(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """httpx mocked with respx: the request is never mocked, or the route is never called, base URLs and params drifting."""

    def run(thought: str) -> Step:
        test = ctx.named("params")
        frames, err = _respx_error(ctx, rng)
        return test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))

    write = Step(
        f"`{ctx.func}` uses an httpx client; I'll mock it with respx in the test.",
        f"cat > {ctx.http_test} <<'EOF'\nimport httpx\nimport respx\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@respx.mock(assert_all_called=True)\ndef test_{ctx.func.strip('_')}_params():\n    route = respx.get({ctx.url!r}).mock(return_value=httpx.Response(200, json=[]))\n    assert {ctx.func}(limit=20) == []\n    assert route.called\nEOF",
    )
    first = [write, run("Run it.")]

    def base(k: int) -> list[Step]:
        new = rng.choice([f"https://{ctx.host}", f"https://{ctx.host}/api", f"https://{ctx.host}{ctx.path}/"])
        return [
            Step(
                "The client has a base_url; I'll give the respx router the same base URL.",
                py_edit(
                    ctx.http_test,
                    "@respx.mock(assert_all_called=True)",
                    f"@respx.mock(base_url={new!r}, assert_all_called=True)",
                ),
                "patched",
            ),
            run("Run again."),
        ]

    def params(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the route needs the query parameters.",
                py_edit(
                    ctx.http_test,
                    f"respx.get({ctx.url!r})",
                    f"respx.get({ctx.url!r}, params={{'limit': {rng.choice([10, 20, 50])}}})",
                ),
                "patched",
            ),
            run("And run."),
        ]

    def startswith(k: int) -> list[Step]:
        return [
            Step(
                "I'll match the route more loosely.",
                py_edit(
                    ctx.http_test,
                    f"respx.get({ctx.url!r})",
                    rng.choice(
                        [
                            f"respx.route(method='GET', url__startswith='https://{ctx.host}')",
                            f"respx.route(method='GET', host={ctx.host!r})",
                            f"respx.get(url__regex=r'https://{ctx.host}/.*{ctx.path.rsplit('/', 1)[-1]}.*')",
                            f"respx.route(path__startswith={ctx.path!r})",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Run it once more."),
        ]

    def fixture(k: int) -> list[Step]:
        return [
            Step(
                "Let me set the mock up another way than the bare decorator.",
                rng.choice(
                    [
                        f"sed -i 's/_params():/_params(respx_mock):/; s/respx.get(/respx_mock.get(/' {ctx.http_test} && "
                        + py_edit(ctx.http_test, "@respx.mock(assert_all_called=True)\ndef test_", "def test_"),
                        py_edit(
                            ctx.http_test,
                            "@respx.mock(assert_all_called=True)\n",
                            "@respx.mock(assert_all_called=True, assert_all_mocked=False)\n",
                        ),
                        py_edit(ctx.http_test, "@respx.mock(assert_all_called=True)\n", "@respx.mock(using='httpx')\n"),
                    ]
                ),
                "patched",
            ),
            run("Run the test with the fixture."),
        ]

    def transport(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("httpx.Client(", "httpx.Client(transport=httpx.HTTPTransport(retries=2), "),
                ("httpx.Client(base_url=base_url", "httpx.Client(base_url=base_url.rstrip('/')"),
                ("client.get(path", "client.get(path.lstrip('/')"),
            ]
        )
        return [
            Step(
                "Perhaps it's the client the helper builds; let me change it.", py_edit(ctx.source, old, new), "patched"
            ),
            run("Test again."),
        ]

    def count(k: int) -> list[Step]:
        return [
            Step(
                "Let me not assert every route, and check the call count myself.",
                f"sed -i 's/assert route.called/assert route.call_count == {rng.randint(1, 2)}/' {ctx.http_test} && "
                + py_edit(ctx.http_test, "assert_all_called=True", "assert_all_called=False"),
                "patched",
            ),
            run("Run it."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [base, params, startswith, fixture, transport, count],
        "respx never matching the httpx request",
    )
