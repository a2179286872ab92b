# ruff: noqa: E501
"""Loops replaying recorded or scripted traffic: a vcrpy cassette that never matches, retries never counted right."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout48.text import Ctx, Frame, churn, extra, frames_of, py_edit, test_step


def timestamp(rng: random.Random) -> int:
    return 1718200000 + rng.randint(0, 900000)


def cassette_error(ctx: Ctx, rng: random.Random, cassette: str, kind: int | None = None) -> tuple[list[Frame], str]:
    """vcrpy's refusal when a request matches nothing in the cassette (`kind`: what differs, drawn when None)."""
    page = rng.randint(1, 3)
    now, then = timestamp(rng), timestamp(rng)
    sig_now, sig_then = f"{rng.randrange(16**8):08x}", f"{rng.randrange(16**8):08x}"
    kind = rng.randrange(4) if kind is None else kind
    if kind == 0:
        failed, sent, rec = (
            f"query - assertion failure :\n[('page', '{page}'), ('ts', '{now}')] != [('page', '{page}'), ('ts', '{then}')]",
            f"?page={page}&ts={now}",
            f"?page={page}&ts={then}",
        )
    elif kind == 1:
        failed, sent, rec = (
            f"query - assertion failure :\n[('page', '{page}'), ('sig', '{sig_now}')] != [('page', '{page}'), ('sig', '{sig_then}')]",
            f"?page={page}&sig={sig_now}",
            f"?page={page}&sig={sig_then}",
        )
    elif kind == 2:
        failed, sent, rec = (
            f"query - assertion failure :\n[('nonce', '{sig_now[:6]}'), ('page', '{page}')] != [('nonce', '{sig_then[:6]}'), ('page', '{page}')]",
            f"?nonce={sig_now[:6]}&page={page}",
            f"?nonce={sig_then[:6]}&page={page}",
        )
    else:
        failed, sent, rec = f"path - assertion failure :\n{ctx.path}/ != {ctx.path}", f"/?page={page}", f"?page={page}"
    method = "GET"
    mode = rng.choice(["none", "once"])
    similar = (
        f"Found 1 similar requests with 1 different matcher(s) :\n\n1 - (<Request ({method}) {ctx.url}{rec}>).\n"
        f"Matchers succeeded : {['method', 'scheme', 'host', 'port'] + (['path'] if kind != 3 else ['query'])}\nMatchers failed :\n{failed}"
        if rng.random() < 0.8
        else "No similar requests, that have not been played, found."
    )
    err = (
        f"vcr.errors.CannotOverwriteExistingCassetteException: Can't overwrite existing cassette ('{cassette}') in your current record mode (<RecordMode.{mode.upper()}: '{mode}'>).\n"
        f"No match for the request (<Request ({method}) {ctx.url}{sent}>) was found.\n{similar}"
    )
    frames = frames_of(
        ctx,
        rng,
        [
            (
                f"{ctx.site}/urllib3/connectionpool.py",
                rng.choice([467, 537, 1375]),
                "_make_request",
                "httplib_response = conn.getresponse()",
            ),
            (
                f"{ctx.site}/vcr/stubs/__init__.py",
                rng.randint(260, 280),
                "getresponse",
                "raise CannotOverwriteExistingCassetteException(",
            ),
        ],
    )
    return frames, err


def cassette_request_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A vcrpy cassette played offline: timestamps, signatures, nonces and paths differ from what was recorded."""
    cassette = f"/testbed/{ctx.cassettes}/test_{ctx.stem}_pages.yaml"

    def run(thought: str) -> Step:
        test = ctx.named("page")
        frames, err = cassette_error(ctx, rng, cassette)
        return test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))

    show = Step(
        "There is a recorded cassette for this endpoint; let me see how the HTTP test replays it.",
        f"sed -n '1,{rng.randint(24, 40)}p' {ctx.http_test}",
        f"import vcr\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@vcr.use_cassette({cassette!r})\ndef test_{ctx.func.strip('_')}_page():\n    items = {ctx.func}({ctx.url!r}, page=1)\n    assert [item['id'] for item in items] == [{rng.randint(1, 9)}, {rng.randint(10, 40)}]\n",
    )
    first = [show, run("Run the HTTP tests against the cassette.")]

    def filter_query(k: int) -> list[Step]:
        param = rng.choice(["ts", "sig", "nonce", "timestamp"])
        return [
            Step(
                f"`{param}` changes every run; I'll filter it out of the request before matching.",
                py_edit(
                    ctx.http_test, "@vcr.use_cassette(", f"@vcr.use_cassette(filter_query_parameters=[{param!r}], "
                ),
                "patched",
            ),
            run("Run the tests again."),
        ]

    def match_on(k: int) -> list[Step]:
        on = rng.choice(
            [["method", "path"], ["method", "scheme", "host", "path"], ["method", "uri"], ["method", "path", "query"]]
        )
        return [
            Step(
                f"I'll match on fewer fields: {', '.join(on)}.",
                py_edit(ctx.http_test, "@vcr.use_cassette(", f"@vcr.use_cassette(match_on={on!r}, "),
                "patched",
            ),
            run("Check whether the cassette plays now."),
        ]

    def edit_cassette(k: int) -> list[Step]:
        return [
            Step(
                "I'll change the recorded URI in the cassette to what the test sends now.",
                f"sed -i 's/ts=[0-9]*/ts={timestamp(rng)}/; s/sig=[0-9a-f]*/sig={rng.randrange(16**8):08x}/' {cassette}",
            ),
            run("And run the tests."),
        ]

    def rerecord(k: int) -> list[Step]:
        test = ctx.named("page")
        err = f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='{ctx.host}', port=443): Max retries exceeded with url: {ctx.path}?page={rng.randint(1, 3)}&ts={timestamp(rng)} (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f{rng.randrange(16**10):010x}>: Failed to resolve '{ctx.host}' ([Errno -3] Temporary failure in name resolution)\"))"
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
        mode = rng.choice(["new_episodes", "all", "once"])
        return [
            Step(
                f"Let me re-record the cassette with record_mode={mode!r}.",
                py_edit(ctx.http_test, "@vcr.use_cassette(", f"@vcr.use_cassette(record_mode={mode!r}, "),
                "patched",
            ),
            test_step(ctx, rng, "Run it so it records.", [(test, frames, err)], "", extra(rng, ctx)),
        ]

    def freeze(k: int) -> list[Step]:
        return [
            Step(
                "The timestamp comes from time.time(); I'll pin it in the test to the recorded one.",
                f"sed -i '1i from unittest import mock' {ctx.http_test} && "
                + py_edit(
                    ctx.http_test,
                    "def test_",
                    f"@mock.patch('{ctx.dotted}.time.time', return_value={timestamp(rng)})\ndef test_",
                ),
                "patched",
            ),
            run("Run again with the time pinned."),
        ]

    def matcher(k: int) -> list[Step]:
        return [
            Step(
                "I'll register a custom matcher that ignores the volatile parameters.",
                f"python - <<'EOF'\np = '{ctx.http_test}'\ns = open(p).read()\ns = s.replace('import vcr\\n', 'import vcr\\n\\n\\ndef _stable(r1, r2):\\n    drop = (\"ts\", \"sig\", \"nonce\")\\n    assert [q for q in r1.query if q[0] not in drop] == [q for q in r2.query if q[0] not in drop]\\n\\n\\nmy_vcr = vcr.VCR()\\nmy_vcr.register_matcher(\"stable\", _stable)\\n', 1)\ns = s.replace('@vcr.use_cassette(', '@my_vcr.use_cassette(match_on=[\"method\", \"path\", \"stable\"], ')\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            run("Run with the custom matcher."),
        ]

    def uris(k: int) -> list[Step]:
        return [
            Step(
                "What exactly is recorded in the cassette?",
                f"grep -n 'uri:\\|method:' {cassette}",
                "\n".join(
                    f"{4 + 30 * i}:    method: {rng.choice(['GET', 'GET', 'POST'])}\n{5 + 30 * i}:    uri: {ctx.url}?page={i + 1}&ts={timestamp(rng)}"
                    for i in range(rng.randint(1, 3))
                ),
            ),
            run("I lined the test up with those; run again."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [filter_query, match_on, edit_cassette, rerecord, freeze, matcher, uris],
        "the cassette never matching the requests",
    )


def _retry_failure(ctx: Ctx, rng: random.Random) -> tuple[list[Frame], str]:
    want = rng.choice([2, 3, 4])
    kind = rng.randrange(5)
    if kind == 0:
        got = rng.choice([want - 1, want + 1, want + 2, 1])
        at = f"0x7f{rng.randrange(16**10):010x}"
        err = f"AssertionError: assert {got} == {want}\n +  where {got} = len(<responses.CallList object at {at}>)\n +    where <responses.CallList object at {at}> = responses.calls"
        return [], err
    elif kind == 1:
        code = rng.choice([500, 502, 503, 504, 429])
        err = f"requests.exceptions.RetryError: HTTPSConnectionPool(host='{ctx.host}', port=443): Max retries exceeded with url: {ctx.path} (Caused by ResponseError('too many {code} error responses'))"
    elif kind == 2:
        status, reason = rng.choice([(503, "Service Unavailable"), (502, "Bad Gateway"), (429, "Too Many Requests")])
        kind_of = "Client" if status < 500 else "Server"
        err = f"requests.exceptions.HTTPError: {status} {kind_of} Error: {reason} for url: {ctx.url}"
    elif kind == 3:
        err = f"Failed: Timeout >{rng.choice([5, 10, 15])}.0s"
    else:
        err = f"requests.exceptions.ConnectionError: Connection refused by Responses - the call doesn't match any registered mock.\n\nRequest: \n- GET {ctx.url}\n\nAvailable matches:\nNext 'Response' in the order doesn't match due to the following reason: {rng.choice(['URL does not match', 'Method does not match'])}."
    frames = frames_of(
        ctx,
        rng,
        [
            (
                f"{ctx.site}/requests/adapters.py",
                rng.choice([510, 691, 713]),
                "send",
                "raise RetryError(e, request=request)" if kind == 1 else "resp = conn.urlopen(",
            ),
            (
                f"{ctx.site}/urllib3/util/retry.py",
                rng.choice([515, 592]),
                "increment",
                "raise MaxRetryError(_pool, url, reason) from reason",
            ),
        ],
    )
    return frames, err


def retry_count_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A retry policy tested against scripted 503s: the number of calls, the error and the test's time never line up."""

    def run(thought: str) -> Step:
        test = ctx.named("retry")
        frames, err = _retry_failure(ctx, rng)
        step = test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))
        step.seconds = rng.uniform(2.0, 30.0)
        return step

    write = Step(
        "I'll test the retry policy: two 503s, then a 200, and the helper should make exactly three calls.",
        f"cat > {ctx.http_test} <<'EOF'\nimport responses\nfrom responses import registries\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@responses.activate(registry=registries.OrderedRegistry)\ndef test_{ctx.func.strip('_')}_retry():\n    responses.get({ctx.url!r}, status=503)\n    responses.get({ctx.url!r}, status=503)\n    responses.get({ctx.url!r}, json={{'ok': True}})\n    assert {ctx.func}({ctx.url!r}) == {{'ok': True}}\n    assert len(responses.calls) == 3\nEOF",
    )
    first = [write, run("Run it.")]

    def total(k: int) -> list[Step]:
        old, new = rng.sample(["total=2", "total=3", "total=4", "total=5"], 2)
        return [
            Step(
                f"Maybe the retry budget is off by one: `{old}` to `{new}`.", py_edit(ctx.source, old, new), "patched"
            ),
            run("Run the retry test."),
        ]

    def forcelist(k: int) -> list[Step]:
        codes = rng.choice(["[429, 503]", "frozenset({502, 503, 504})", "range(500, 600)"])
        return [
            Step(
                f"Are the 503s retried at all? I'll set status_forcelist={codes}.",
                py_edit(ctx.source, "status_forcelist=(500, 502, 503, 504)", f"status_forcelist={codes}"),
                "patched",
            ),
            run("Run again."),
        ]

    def backoff(k: int) -> list[Step]:
        value = rng.choice(["0", "0.1", "0.3", "1"])
        return [
            Step(
                f"The backoff makes the test slow; try backoff_factor={value}.",
                py_edit(ctx.source, "backoff_factor=0.5", f"backoff_factor={value}"),
                "patched",
            ),
            run("Run it."),
        ]

    def sleep(k: int) -> list[Step]:
        return [
            Step(
                "I'll patch out the backoff sleep so it doesn't cost real time.",
                f"sed -i '1i from unittest import mock' {ctx.http_test} && sed -i 's/_retry():/_retry(_sleep):/' {ctx.http_test} && "
                + py_edit(
                    ctx.http_test,
                    "def test_",
                    f"@mock.patch({rng.choice(['urllib3.util.retry.Retry.sleep', 'time.sleep', 'urllib3.util.retry.time.sleep', 'urllib3.util.retry.Retry._sleep_backoff'])!r})\ndef test_",
                ),
                "patched",
            ),
            run("Run it now."),
        ]

    def raise_on(k: int) -> list[Step]:
        flag = rng.choice(
            [
                "raise_on_status=False",
                "raise_on_status=True",
                "respect_retry_after_header=False",
                "allowed_methods=None",
            ]
        )
        return [
            Step(f"Let me try `{flag}` on the Retry.", py_edit(ctx.source, "Retry(", f"Retry({flag}, "), "patched"),
            run("Test again."),
        ]

    def script(k: int) -> list[Step]:
        extra_503 = rng.randint(1, 2)
        return [
            Step(
                f"Perhaps the scripted responses are short; I'll register {extra_503} more 503.",
                py_edit(
                    ctx.http_test,
                    "    responses.get(" + repr(ctx.url) + ", json=",
                    ("    responses.get(" + repr(ctx.url) + ", status=503)\n") * extra_503
                    + "    responses.get("
                    + repr(ctx.url)
                    + ", json=",
                ),
                "patched",
            ),
            run("Run it."),
        ]

    def hang(k: int) -> list[Step]:
        cmd = f"timeout {rng.choice([60, 90, 120])} {ctx.tests(extra=' -x')}"
        return [
            Step(
                "Let me run the retry test under a timeout, since the last run took long.",
                cmd,
                f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {rng.randint(3, 12)} items\n\n{ctx.http_test} ..",
                seconds=float(rng.randint(60, 120)),
                timed_out=True,
            ),
            Step(
                "Which part of the retry is waiting?",
                f"grep -n 'backoff\\|Retry(\\|sleep' {ctx.source} {ctx.site}/urllib3/util/retry.py | head -12",
                "\n".join(
                    f"{ctx.source}:{rng.randint(20, 400)}:    retry = Retry(total={rng.randint(2, 5)}, backoff_factor={rng.choice(['0.5', '1', '2'])}, status_forcelist=(500, 502, 503, 504))"
                    for _ in range(1)
                )
                + f"\n{ctx.site}/urllib3/util/retry.py:{rng.randint(300, 360)}:    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:\n{ctx.site}/urllib3/util/retry.py:{rng.randint(370, 380)}:    def _sleep_backoff(self) -> None:\n{ctx.site}/urllib3/util/retry.py:{rng.randint(381, 400)}:    def sleep(self, response: BaseHTTPResponse | None = None) -> None:",
            ),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [total, forcelist, backoff, sleep, raise_on, script, hang],
        "the retry count never matching what the test expects",
    )
