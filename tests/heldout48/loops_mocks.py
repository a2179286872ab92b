# ruff: noqa: E501
"""Loops where a mocked service never matches what the helper sends: responses' registered URLs and bodies."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout48.text import (
    Ctx,
    churn,
    extra,
    frames_of,
    py_edit,
    responses_frames,
    responses_refused,
    test_step,
)


def _query(rng: random.Random) -> str:
    page, per = rng.randint(1, 4), rng.choice([20, 25, 50, 100])
    return rng.choice(
        [
            f"page={page}&per_page={per}",
            f"per_page={per}&page={page}",
            f"page={page}",
            f"fields=id%2Cname&page={page}",
            f"page={page}&sort=-updated",
        ]
    )


def _sent(ctx: Ctx, rng: random.Random) -> str:
    q = _query(rng)
    return rng.choice(
        [
            f"{ctx.url}/?{q}",
            f"{ctx.url}?{q}",
            f"https://{ctx.host}:443{ctx.path}/?{q}",
            f"http://{ctx.host}{ctx.path}/",
            f"https://{ctx.host}/api{ctx.path}?{q}",
            f"{ctx.url}{ctx.path}/?{q}",
        ]
    )


def _registered(ctx: Ctx, rng: random.Random) -> list[tuple[str, str, str]]:
    page = rng.randint(1, 3)
    options = [
        ("GET", ctx.url, "URL does not match"),
        ("GET", f"{ctx.url}/", "URL does not match"),
        ("GET", f"{ctx.url}?page={page}", "URL does not match"),
        (
            "GET",
            f"{ctx.url}/",
            f"Parameters do not match. {{'page': '{page}'}} doesn't match {{'page': '{page}', 'per_page': '{rng.choice([20, 50])}'}}",
        ),
        ("HEAD", ctx.url, "Method does not match"),
        ("GET", f"re.compile('{ctx.path}/?$')", "URL does not match"),
    ]
    return rng.sample(options, rng.randint(1, 2))


def _refused(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    test = ctx.named("page")
    err = responses_refused("GET", _sent(ctx, rng), _registered(ctx, rng))
    return test_step(
        ctx, rng, thought, [(test, responses_frames(ctx, rng), err)], rng.choice(["", test]), extra(rng, ctx)
    )


def unmatched_mock_url(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """responses refuses the helper's request: the registered URL chases slashes, ports, query strings and pages."""
    write = Step(
        f"I'll add a test for `{ctx.func}` with the service mocked by `responses`, so it runs offline.",
        f"cat > {ctx.http_test} <<'EOF'\nimport responses\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@responses.activate\ndef test_{ctx.func.strip('_')}_page():\n    responses.add(responses.GET, {ctx.url!r}, json={{'items': [1, 2], 'next': None}})\n    items = {ctx.func}({ctx.url!r}, page=1)\n    assert items == [1, 2]\nEOF",
    )
    first = [write, _refused(ctx, rng, "Now run it.")]

    def slash(k: int) -> list[Step]:
        new = rng.choice([f"{ctx.url}/", f"{ctx.url}/?page=1", f"https://{ctx.host}:443{ctx.path}/"])
        return [
            Step(
                f"The request went to a slightly different URL. I'll register `{new}` instead.",
                py_edit(ctx.http_test, ctx.url, new),
                "patched",
            ),
            _refused(ctx, rng, "Run the test again."),
        ]

    def regex(k: int) -> list[Step]:
        pattern = rng.choice([f"{ctx.path}/?", f"{ctx.path}.*", f"https://{ctx.host}{ctx.path}/?(\\?.*)?$"])
        return [
            Step(
                "Rather than matching exactly, I'll register a regular expression for the URL.",
                f"sed -i 's|responses.GET, .{ctx.url}.|responses.GET, re.compile(r\"{pattern}\")|' {ctx.http_test} && sed -i '1i import re' {ctx.http_test}",
            ),
            _refused(ctx, rng, "Does the regex registration match now?"),
        ]

    def params(k: int) -> list[Step]:
        page, per = rng.randint(1, 3), rng.choice([20, 50, 100])
        return [
            Step(
                "The query string is the difference. I'll match it with `matchers.query_param_matcher`.",
                py_edit(
                    ctx.http_test,
                    "json=",
                    f"match=[matchers.query_param_matcher({{'page': '{page}', 'per_page': '{per}'}})], json=",
                ),
                "patched",
            ),
            _refused(ctx, rng, "Run the test with the query matcher."),
        ]

    def helper(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("url = url.rstrip('/') + '/'", "url = url.rstrip('/')"),
                ("url.rstrip('/') + '/'", "urljoin(base, path)"),
                ("params=params", "params=params or None"),
                ("session.get(url,", "session.get(url.rstrip('/'),"),
            ]
        )
        return [
            Step(
                "Maybe the helper should not change the URL at all; let me adjust how it builds it.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            _refused(ctx, rng, "And the test again."),
        ]

    def passthru(k: int) -> list[Step]:
        test = ctx.named("page")
        err = f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='{ctx.host}', port=443): Max retries exceeded with url: {ctx.path}/?{_query(rng)} (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f{rng.randrange(16**10):010x}>: Failed to resolve '{ctx.host}' ([Errno -3] Temporary failure in name resolution)\"))"
        frames = frames_of(
            ctx,
            rng,
            [
                (
                    f"{ctx.site}/requests/adapters.py",
                    rng.choice([519, 700]),
                    "send",
                    "raise ConnectionError(e, request=request)",
                )
            ],
        )
        return [
            Step(
                "To see which request is unmatched, I'll let unmatched requests pass through.",
                rng.choice(
                    [
                        py_edit(
                            ctx.http_test,
                            "    responses.add(",
                            f"    responses.add_passthru({prefix!r})\n    responses.add(",
                        )
                        for prefix in (f"https://{ctx.host}", f"https://{ctx.host}/", f"http://{ctx.host}")
                    ]
                    + [
                        f"sed -i '1i import re' {ctx.http_test} && "
                        + py_edit(
                            ctx.http_test,
                            "    responses.add(",
                            "    responses.add_passthru(re.compile(r'.*'))\n    responses.add(",
                        )
                    ]
                ),
                "patched",
            ),
            test_step(ctx, rng, "Run it.", [(test, frames, err)], "", extra(rng, ctx)),
        ]

    def querystring(k: int) -> list[Step]:
        return [
            Step(
                "Let me match the query string as a whole.",
                py_edit(
                    ctx.http_test,
                    "json=",
                    rng.choice(
                        [
                            "match_querystring=True, json=",
                            f"match=[matchers.query_string_matcher('{_query(rng)}')], json=",
                        ]
                    ),
                ),
                "patched",
            ),
            _refused(ctx, rng, "Check whether the query string now matches."),
        ]

    def show(k: int) -> list[Step]:
        page = rng.randint(1, 4)
        sent = rng.choice([f"{ctx.url}/?page={page}", f"{ctx.url}?page={page}&per_page=50", f"{ctx.url}/"])
        return [
            Step(
                "Let me print the URL requests actually prepares for this call.",
                f"python -c \"import requests; print(requests.Request('GET', '{ctx.url}/', params={{'page': {page}}}).prepare().url)\"",
                sent,
            ),
            _refused(ctx, rng, "I registered that; run the test again."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [slash, regex, params, helper, passthru, querystring, show],
        "the mocked URL never matching the request",
    )


def _body(rng: random.Random) -> str:
    name = rng.choice(["alpha", "demo", "x", "sample"])
    tags = rng.choice(["[]", "['a']", "['a', 'b']"])
    keys = [f"'name': '{name}'", f"'tags': {tags}"]
    keys += rng.sample(
        [
            f"'dry_run': {rng.choice(['False', 'True'])}",
            f"'retries': {rng.randint(0, 3)}",
            f"'ts': {1718200000 + rng.randint(0, 99999)}",
            f"'version': '{rng.randint(1, 3)}.{rng.randint(0, 9)}'",
            "'options': None",
        ],
        rng.randint(0, 2),
    )
    rng.shuffle(keys)
    return "{" + ", ".join(keys) + "}"


def _mismatch(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    kind = rng.choice(["body", "body", "headers", "form"])
    if kind == "body":
        why = f"request.body doesn't match: {_body(rng)} doesn't match {_body(rng)}"
    elif kind == "headers":
        got = rng.choice(
            [
                "'Content-Type': 'application/x-www-form-urlencoded'",
                "'Content-Type': 'application/json'",
                f"'User-Agent': 'python-requests/2.{rng.randint(25, 32)}.0'",
            ]
        )
        why = f"Headers do not match: {{{got}}} doesn't match {{'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'testbed/{rng.randint(1, 5)}.{rng.randint(0, 20)}'}}"
    else:
        why = f"request.body doesn't match: {{}} doesn't match {{'name': '{rng.choice(['alpha', 'demo'])}', 'dry_run': 'false'}}"
    err = responses_refused("POST", ctx.url, [("POST", ctx.url, why)])
    test = ctx.named("json")
    frames = frames_of(
        ctx,
        rng,
        [
            (
                f"{ctx.site}/requests/sessions.py",
                637,
                "post",
                'return self.request("POST", url, data=data, json=json, **kwargs)',
            ),
            (f"{ctx.site}/responses/__init__.py", rng.randint(1090, 1240), "_on_request", "raise response"),
        ],
        post="json",
    )
    return test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))


def body_matcher_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A POST mock with body and header matchers: each edit of the payload or headers leaves another key apart."""
    write = Step(
        f"I'll mock the POST `{ctx.func}` makes and check its payload with responses' matchers.",
        f"cat > {ctx.http_test} <<'EOF'\nimport responses\nfrom responses import matchers\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@responses.activate\ndef test_{ctx.func.strip('_')}_json():\n    responses.post(\n        {ctx.url!r},\n        match=[matchers.json_params_matcher({{'name': 'alpha', 'tags': []}}),\n               matchers.header_matcher({{'Content-Type': 'application/json'}})],\n        json={{'ok': True}},\n    )\n    assert {ctx.func}({ctx.url!r}, name='alpha')['ok']\nEOF",
    )
    first = [write, _mismatch(ctx, rng, "Run it.")]

    def payload(k: int) -> list[Step]:
        field = rng.choice(["'dry_run': False", "'retries': 0", "'options': None", "'version': '1.0'"])
        return [
            Step(
                "The payload differs; I'll put the extra field into the expected JSON.",
                py_edit(ctx.http_test, "'tags': []", f"'tags': [], {field}"),
                "patched",
            ),
            _mismatch(ctx, rng, "Run the test again."),
        ]

    def loose(k: int) -> list[Step]:
        return [
            Step(
                "Let me make the JSON matcher non-strict so extra keys are allowed.",
                py_edit(
                    ctx.http_test,
                    "json_params_matcher({'name'",
                    rng.choice(
                        [
                            "json_params_matcher(strict_match=False, params={'name'",
                            "json_params_matcher(strict_match=False, params={'dry_run': False, 'name'",
                            "json_params_matcher({'dry_run': False, 'name'",
                        ]
                    ),
                ),
                "patched",
            ),
            _mismatch(ctx, rng, "Try it."),
        ]

    def header(k: int) -> list[Step]:
        value = rng.choice(["application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/json"])
        return [
            Step(
                f"The header matcher is off; I'll expect Content-Type `{value}`.",
                py_edit(ctx.http_test, "{'Content-Type': 'application/json'}", f"{{'Content-Type': '{value}'}}"),
                "patched",
            ),
            _mismatch(ctx, rng, "Run again."),
        ]

    def sender(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("data=payload", "json=payload"),
                ("json=payload", "data=json.dumps(payload)"),
                ("json=payload", "data=json.dumps(payload, separators=(',', ':'))"),
                ("headers=headers", "headers={**headers, 'Content-Type': 'application/json'}"),
            ]
        )
        return [
            Step("Maybe the helper should send the body differently.", py_edit(ctx.source, old, new), "patched"),
            _mismatch(ctx, rng, "Check the mock again."),
        ]

    def dump(k: int) -> list[Step]:
        expected = _body(rng)
        body = expected.replace("'", '"').replace("False", "false").replace("True", "true").replace("None", "null")
        return [
            Step(
                "Let me print the exact body and headers the helper prepares.",
                f"python - <<'EOF'\nfrom unittest import mock\nimport requests\nfrom {ctx.dotted} import {ctx.func}\nwith mock.patch.object(requests.Session, 'send') as send:\n    try:\n        {ctx.func}({ctx.url!r}, name='alpha')\n    except Exception as exc:\n        print(type(exc).__name__)\n    req = send.call_args[0][0]\n    print(req.headers.get('Content-Type'))\n    print(req.body)\nEOF",
                f"TypeError\n{rng.choice(['application/json', 'application/x-www-form-urlencoded'])}\n{body.encode()!r}",
            ),
            Step(
                "I'll expect exactly that payload in the matcher.",
                py_edit(ctx.http_test, "{'name': 'alpha', 'tags': []}", expected),
                "patched",
            ),
            _mismatch(ctx, rng, "Run the test."),
        ]

    def urlencoded(k: int) -> list[Step]:
        return [
            Step(
                "The body may not be what the JSON matcher expects; match it another way.",
                py_edit(
                    ctx.http_test,
                    "matchers.json_params_matcher(",
                    rng.choice(
                        [
                            "matchers.urlencoded_params_matcher(",
                            "matchers.urlencoded_params_matcher(allow_blank=True, params=",
                        ]
                    ),
                ),
                "patched",
            ),
            _mismatch(ctx, rng, "Run it."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [payload, loose, header, sender, dump, urlencoded],
        "the POST body and headers never matching the mock",
    )
