# ruff: noqa: E501
"""Loops on the wire's shape: a mocked streaming body that never reads back whole, a redirect chain never followed right."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout48.text import Ctx, Frame, churn, extra, frames_of, py_edit, responses_refused, test_step


def _hex(rng: random.Random) -> str:
    return f"{rng.randrange(16**64):064x}"


def _stream_failure(ctx: Ctx, rng: random.Random) -> tuple[list[Frame], str]:
    size = rng.choice([1024, 4096, 8192, 65536]) + rng.randint(1, 700)
    got = rng.randint(200, size - 1)
    kind = rng.randrange(6)
    if kind == 0:
        err = f'requests.exceptions.ChunkedEncodingError: ("Connection broken: IncompleteRead({got} bytes read, {size - got} more expected)", IncompleteRead({got} bytes read, {size - got} more expected))'
    elif kind == 1:
        err = f"AssertionError: assert {got} == {size}\n +  where {got} = len(b'{rng.choice(['PK', 'x', 'ab', 'id,name'])}...')"
    elif kind == 2:
        err = f"UnicodeDecodeError: 'utf-8' codec can't decode byte 0x{rng.choice(['e2', 'c3', 'f0', '9c'])} in position {rng.choice([1023, 4095, 8191, 511])}: unexpected end of data"
    elif kind == 3:
        err = f"AssertionError: assert '{_hex(rng)[:16]}...' == '{_hex(rng)[:16]}...'\n  - {_hex(rng)}\n  + {_hex(rng)}"
    elif kind == 4:
        err = "requests.exceptions.ContentDecodingError: ('Received response with content-encoding: gzip, but failed to decode it.', error('Error -3 while decompressing data: incorrect header check'))"
    else:
        err = "RuntimeError: The content for this response was already consumed"
    frames = frames_of(
        ctx,
        rng,
        [
            (
                ctx.source,
                rng.randint(40, 700),
                ctx.func,
                f"for chunk in response.iter_content(chunk_size={rng.choice([512, 1024, 8192, 'CHUNK'])}):",
            ),
            (
                f"{ctx.site}/requests/models.py",
                rng.choice([816, 820, 822, 899]),
                "generate",
                "raise ChunkedEncodingError(e)"
                if kind == 0
                else "yield from self.raw.stream(chunk_size, decode_content=True)",
            ),
        ],
    )
    return frames, err


def streamed_body_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A download streamed from a mocked body: lengths, encodings and chunk boundaries never come back as written."""

    def run(thought: str) -> Step:
        test = ctx.named("stream")
        frames, err = _stream_failure(ctx, rng)
        return test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))

    write = Step(
        f"I'll test that `{ctx.func}` streams the body to disk intact, with a mocked download.",
        f"cat > {ctx.http_test} <<'EOF'\nimport hashlib\n\nimport responses\n\nfrom {ctx.dotted} import {ctx.func}\n\nPAYLOAD = 'naïve café — ünïcode\\n'.encode() * {rng.choice([300, 500, 1200])}\n\n\n@responses.activate\ndef test_{ctx.func.strip('_')}_stream(tmp_path):\n    responses.get({ctx.url!r}, body=PAYLOAD, stream=True)\n    out = {ctx.func}({ctx.url!r}, tmp_path / 'out.bin')\n    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(PAYLOAD).hexdigest()\nEOF",
    )
    first = [write, run("Run it.")]

    def chunk(k: int) -> list[Step]:
        size = rng.choice(["1", "512", "1024", "8192", "None", "64 * 1024"])
        return [
            Step(
                f"Let me try a different chunk size ({size}).",
                f"sed -i 's/chunk_size=[A-Za-z0-9_ *]*/chunk_size={size}/' {ctx.source}",
            ),
            run("Run the stream test."),
        ]

    def decode(k: int) -> list[Step]:
        on = rng.choice(["True", "False"])
        return [
            Step(
                f"Maybe the decoding is the problem; set decode_unicode={on}.",
                py_edit(ctx.source, "iter_content(", f"iter_content(decode_unicode={on}, "),
                "patched",
            ),
            run("Run again."),
        ]

    def length(k: int) -> list[Step]:
        header = rng.choice(
            [
                "headers={'Content-Length': str(len(PAYLOAD))}, ",
                "auto_calculate_content_length=True, ",
                "headers={'Transfer-Encoding': 'chunked'}, ",
            ]
        )
        return [
            Step(
                "The mock may need an explicit length for a streamed body.",
                py_edit(ctx.http_test, "stream=True", header + "stream=True"),
                "patched",
            ),
            run("Test again."),
        ]

    def gzip_body(k: int) -> list[Step]:
        return [
            Step(
                "The real service compresses the download; let me mock it the same way.",
                f"sed -i '1i import gzip' {ctx.http_test} && "
                + py_edit(
                    ctx.http_test,
                    "body=PAYLOAD,",
                    rng.choice(
                        [
                            "body=gzip.compress(PAYLOAD), headers={'Content-Encoding': 'gzip'},",
                            "body=gzip.compress(PAYLOAD, mtime=0), headers={'Content-Encoding': 'gzip', 'Content-Type': 'application/octet-stream'},",
                            "body=gzip.compress(PAYLOAD), content_type='application/gzip',",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Run it."),
        ]

    def raw(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("for chunk in response.iter_content(", "for chunk in response.raw.stream("),
                ("fh.write(chunk)", "fh.write(chunk.encode() if isinstance(chunk, str) else chunk)"),
                ("session.get(url,", "session.get(url, stream=True,"),
                ("response.content", "b''.join(response.iter_content(1024))"),
            ]
        )
        return [
            Step("Let me change how the helper reads the body.", py_edit(ctx.source, old, new), "patched"),
            run("And run the test."),
        ]

    def probe(k: int) -> list[Step]:
        total = rng.randint(3000, 40000)
        sizes = [rng.choice([1024, 8192, 512, rng.randint(10, 900)]) for _ in range(rng.randint(3, 6))]
        return [
            Step(
                "Let me print the chunk sizes the mock actually yields.",
                f"python - <<'EOF'\nimport requests, responses\nwith responses.RequestsMock() as r:\n    r.get('{ctx.url}', body=b'x' * {total}, stream=True)\n    resp = requests.get('{ctx.url}', stream=True)\n    print([len(c) for c in resp.iter_content({rng.choice([1024, 8192, 512])})][:8], resp.headers.get('Content-Length'))\nEOF",
                f"{sizes} {rng.choice(['None', str(total), str(total - rng.randint(1, 99))])}",
            ),
            run("With that in mind, run the test again."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [chunk, decode, length, gzip_body, raw, probe],
        "the streamed download never matching the mocked body",
    )


def _redirect_failure(ctx: Ctx, rng: random.Random) -> tuple[list[Frame], str]:
    code = rng.choice([301, 302, 303, 307, 308])
    kind = rng.randrange(6)
    target = rng.choice(
        [f"{ctx.path}/", ctx.path.replace("/v", "/api/v"), f"https://cdn.{ctx.host.split('.', 1)[1]}{ctx.path}"]
    )
    if kind == 0:
        err = f"requests.exceptions.TooManyRedirects: Exceeded {rng.choice([30, 5, 10])} redirects."
    elif kind == 1:
        err = f"AssertionError: assert {code} == 200\n +  where {code} = <Response [{code}]>.status_code"
    elif kind == 2:
        hops = rng.randint(0, 3)
        err = f"AssertionError: assert {hops} == {rng.choice([h for h in range(4) if h != hops])}\n +  where {hops} = len([{', '.join(f'<Response [{rng.choice([301, 302, 307])}]>' for _ in range(hops))}])"
    elif kind == 3:
        err = responses_refused(
            "GET",
            f"https://{ctx.host}{target}" if target.startswith("/") else target,
            [("POST", f"https://{ctx.host}{target}" if target.startswith("/") else target, "Method does not match")],
        )
    elif kind == 4:
        err = f"requests.exceptions.MissingSchema: Invalid URL '{target}': No scheme supplied. Perhaps you meant https://{target}?"
    else:
        err = (
            f"requests.exceptions.HTTPError: 405 Client Error: Method Not Allowed for url: https://{ctx.host}{target}"
            if target.startswith("/")
            else f"requests.exceptions.HTTPError: 405 Client Error: Method Not Allowed for url: {target}"
        )
    frames = frames_of(
        ctx,
        rng,
        [
            (f"{ctx.site}/requests/sessions.py", rng.choice([191, 265, 724]), "resolve_redirects", "resp = self.send(")
            if kind != 5
            else (
                f"{ctx.site}/requests/models.py",
                rng.choice([1021, 1024]),
                "raise_for_status",
                "raise HTTPError(http_error_msg, response=self)",
            )
        ],
        post="json",
    )
    return frames, err


def redirect_chain_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A moved endpoint mocked with redirects: status, history, methods and Location never line up with the helper."""

    def run(thought: str) -> Step:
        test = ctx.named("redirect")
        frames, err = _redirect_failure(ctx, rng)
        return test_step(ctx, rng, thought, [(test, frames, err)], rng.choice(["", test]), extra(rng, ctx))

    new = ctx.path.replace("/v", "/api/v")
    write = Step(
        "The endpoint moved; I'll mock the redirect and check the helper ends up at the new location.",
        f"cat > {ctx.http_test} <<'EOF'\nimport responses\n\nfrom {ctx.dotted} import {ctx.func}\n\n\n@responses.activate\ndef test_{ctx.func.strip('_')}_redirect():\n    responses.post({ctx.url!r}, status=301, headers={{'Location': {new!r}}})\n    responses.post('https://{ctx.host}{new}', json={{'ok': True}})\n    assert {ctx.func}({ctx.url!r}) == {{'ok': True}}\n    assert len(responses.calls) == 2\nEOF",
    )
    first = [write, run("Run it.")]

    def status(k: int) -> list[Step]:
        code = rng.choice(["302", "307", "308", "303"])
        return [
            Step(
                f"A 301 turns the POST into a GET; let me use {code} in the mock.",
                f"sed -i 's/status=30[0-9]/status={code}/' {ctx.http_test}",
            ),
            run("Run it."),
        ]

    def location(k: int) -> list[Step]:
        loc = rng.choice([f"https://{ctx.host}{new}", f"{new}/", new.lstrip("/"), f"//{ctx.host}{new}"])
        return [
            Step(
                f"Maybe the Location should be `{loc}`.",
                py_edit(ctx.http_test, f"'Location': {new!r}", f"'Location': {loc!r}"),
                "patched",
            ),
            run("Test again."),
        ]

    def allow(k: int) -> list[Step]:
        flag = rng.choice(["allow_redirects=False", "allow_redirects=True", "max_redirects=3"])
        return [
            Step(
                f"Let me set `{flag}` on the helper's request.",
                py_edit(ctx.source, "timeout=timeout)", f"timeout=timeout, {flag})")
                if "allow" in flag
                else py_edit(
                    ctx.source,
                    "session = requests.Session()",
                    f"session = requests.Session()\n    session.{flag.replace('=', ' = ')}",
                ),
                "patched",
            ),
            run("Run again."),
        ]

    def manual(k: int) -> list[Step]:
        return [
            Step(
                "I'll follow the redirect by hand in the helper, keeping the method.",
                py_edit(
                    ctx.source,
                    "    response.raise_for_status()\n",
                    rng.choice(
                        [
                            "    if response.is_redirect:\n        response = session.request(response.request.method, response.headers['Location'], data=response.request.body, timeout=timeout)\n",
                            "    while response.is_redirect:\n        response = session.post(urljoin(url, response.headers['Location']), json=payload, timeout=timeout, allow_redirects=False)\n",
                            "    if response.status_code in (301, 302, 307, 308):\n        response = session.send(session.rebuild_auth(response.next, response) or response.next, timeout=timeout)\n",
                        ]
                    )
                    + "    response.raise_for_status()\n",
                ),
                "patched",
            ),
            run("Run the redirect test."),
        ]

    def slash(k: int) -> list[Step]:
        return [
            Step(
                "The second registration may need a different URL form.",
                py_edit(
                    ctx.http_test,
                    f"'https://{ctx.host}{new}'",
                    repr(
                        rng.choice(
                            [f"https://{ctx.host}{new}/", f"https://{ctx.host}:443{new}", f"http://{ctx.host}{new}"]
                        )
                    ),
                ),
                "patched",
            ),
            run("Run it."),
        ]

    def history(k: int) -> list[Step]:
        hops = rng.randint(1, 3)
        return [
            Step(
                f"Let me assert the redirect history instead of the call count ({hops} hop{'s' if hops > 1 else ''}).",
                f"sed -i 's/assert len(responses.calls) == [0-9]*/assert len(responses.calls) == {hops + 1}/' {ctx.http_test}",
            ),
            run("Run again."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [status, location, allow, manual, slash, history],
        "the mocked redirect chain never matching the helper",
    )
