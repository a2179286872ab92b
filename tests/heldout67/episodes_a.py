# ruff: noqa: E501
"""Productive look-alikes on tokens: an expiry, a webhook signature and an audience fail once or twice, the cause is found, green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import py_edit
from heldout67.loops_aud import _AUD_CASES
from heldout67.loops_hmac import _SIG_CASES
from heldout67.loops_jwt import _EXP_CASES
from heldout67.steps import hexd
from heldout67.text import Ctx, Suite


def exp_leeway_passed_to_decode(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The within-leeway test expires once or twice; the own expiry check is found to ignore the leeway; removed, leeway passed; green."""
    area = ctx.area("jwt")
    decode = ctx.pick(rng, ["decode_token", "read_access_token", "verify_STEM_token"], area)
    suite = Suite(ctx, rng, area, _EXP_CASES)
    case = _EXP_CASES[1]
    expired = suite.fail(
        case,
        "jwt.exceptions.ExpiredSignatureError: Signature has expired",
        f"payload = {decode}(token)",
        [(decode, "raise jwt.ExpiredSignatureError('Signature has expired')")],
    )
    steps = [suite.run("Let me run the token tests after my change.", [expired], rng.choice(["file", "q"]))]
    if rng.random() < 0.6:
        steps.append(suite.run("Only that test, to see whether it's stable.", [expired], "node"))
    line = rng.randint(40, 400)
    old = "    payload = jwt.decode(token, settings.SECRET_KEY, algorithms=['HS256'])\n    if payload['exp'] <= time.time():\n        raise jwt.ExpiredSignatureError('Signature has expired')\n    return payload\n"
    steps += [
        Step(
            f"The error comes from my own check, not PyJWT's. Let me read {decode}.",
            f"sed -n '{line},{line + 5}p' {area.src}",
            f"def {decode}(token):\n{old}",
        ),
        Step(
            "The hand-written `exp <= time.time()` rejects a token the moment it expires, ignoring TOKEN_LEEWAY, while the test issues a token that expired 5 seconds ago with a 10 second leeway. PyJWT already validates exp and takes a leeway, so drop the duplicate check and pass the leeway.",
            py_edit(
                area.src,
                old,
                "    return jwt.decode(token, settings.SECRET_KEY, algorithms=['HS256'], leeway=settings.TOKEN_LEEWAY)\n",
            ),
            "patched",
        ),
        suite.run("Run the token tests.", [], rng.choice(["file", "k:expir", "file"])),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Check both sides of the leeway by hand.",
                f"python - <<'EOF'\nimport time, jwt\nfrom django.conf import settings\nsettings.configure(SECRET_KEY='test', TOKEN_LEEWAY=10)\nfrom {area.dotted} import {decode}\nfor age in (5, 15):\n    t = jwt.encode(dict(sub='1', exp=int(time.time()) - age), settings.SECRET_KEY, algorithm='HS256')\n    try:\n        print(age, {decode}(t)['sub'])\n    except jwt.ExpiredSignatureError as e:\n        print(age, e)\nEOF"
                if ctx.django
                else f"python - <<'EOF'\nimport time, jwt\nfrom {area.dotted} import {decode}, settings\nfor age in (5, 15):\n    t = jwt.encode(dict(sub='1', exp=int(time.time()) - age), settings.SECRET_KEY, algorithm='HS256')\n    try:\n        print(age, {decode}(t)['sub'])\n    except jwt.ExpiredSignatureError as e:\n        print(age, e)\nEOF",
                "5 1\n15 Signature has expired",
            )
        )
    return steps


def webhook_raw_body_signed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A signature test fails once or twice; the digest of the raw body is printed and matches; the raw body signed; green."""
    area = ctx.area("sign")
    verify = ctx.pick(rng, ["verify_webhook_signature", "check_signature", "verify_STEM_signature"], area)
    body_of = "request.get_data()" if ctx.run.owner == "pallets" else "request.body"
    suite = Suite(ctx, rng, area, _SIG_CASES)
    mismatch = suite.fail(_SIG_CASES[1], "AssertionError: assert False is True", f"assert {verify}(request) is True")
    steps = [
        suite.run(
            f"Let me run the tests for {verify}.",
            [
                mismatch,
                suite.fail(_SIG_CASES[2], "AssertionError: assert False is True", f"assert {verify}(request) is True"),
            ][: rng.randint(1, 2)],
        )
    ]
    body_line = "    body = json.dumps(request.json).encode()"
    if rng.random() < 0.5:
        body_line = "    body = json.dumps(request.json, separators=(',', ':')).encode()"
        steps.append(
            Step(
                "Compact separators might be what the sender used.",
                py_edit(
                    area.src,
                    "json.dumps(request.json).encode()",
                    "json.dumps(request.json, separators=(',', ':')).encode()",
                ),
                "patched",
            )
        )
        steps.append(suite.run("Rerun the fixture test.", [mismatch], "node"))
    sig = hexd(rng)
    fixture = "tests/fixtures/webhook_payload.json"
    steps += [
        Step(
            "Rather than guess the serialization, let me compute the digest over the fixture bytes exactly as stored and compare it with the recorded header.",
            f"python - <<'EOF'\nimport hmac, hashlib, json\nfrom pathlib import Path\nraw = Path('{fixture}').read_bytes()\nsig = Path('{fixture}'.replace('.json', '.sig')).read_text().strip()\nkey = b'test-webhook-secret'\nprint('raw     ', 'sha256=' + hmac.new(key, raw, hashlib.sha256).hexdigest() == sig)\nprint('reparsed', 'sha256=' + hmac.new(key, json.dumps(json.loads(raw)).encode(), hashlib.sha256).hexdigest() == sig)\nprint(sig[:20])\nEOF",
            f"raw      True\nreparsed False\nsha256={sig[:13]}",
        ),
        Step(
            "The sender signs the bytes it sent; parsing and re-serializing changes whitespace and escaping, so the digest can never match. Sign the raw body.",
            py_edit(area.src, body_line, f"    body = {body_of}"),
            "patched",
        ),
        suite.run("Run the signature tests.", [], rng.choice(["file", "q"])),
    ]
    return steps


def audience_and_algorithms_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Decoding fails on the audience (and maybe on algorithms after a first try); both passed explicitly; green."""
    area = ctx.area("jwt")
    decode = ctx.pick(rng, ["decode_token", "decode_STEM_jwt", "verify_jwt"], area)
    suite = Suite(ctx, rng, area, _AUD_CASES)
    aud = suite.fail(
        _AUD_CASES[0],
        "jwt.exceptions.InvalidAudienceError: Invalid audience",
        f"claims = {decode}(token)",
        [(decode, "return jwt.decode(token, settings.JWT_SECRET, algorithms=['HS256'])")],
    )
    steps = [suite.run(f"Let me run the tests for {decode}.", [aud])]
    line = rng.randint(40, 400)
    if rng.random() < 0.5:
        steps += [
            Step(
                "The tokens carry an aud claim. Let me pass the audience through, and tidy the call while I'm at it.",
                py_edit(
                    area.src,
                    "jwt.decode(token, settings.JWT_SECRET, algorithms=['HS256'])",
                    "jwt.decode(token, settings.JWT_SECRET, audience=audience)",
                ),
                "patched",
            ),
            suite.run(
                "Rerun.",
                [
                    suite.fail(
                        _AUD_CASES[0],
                        'jwt.exceptions.DecodeError: It is required that you pass in a value for the "algorithms" argument when calling decode().',
                        f"claims = {decode}(token)",
                        [(decode, "return jwt.decode(token, settings.JWT_SECRET, audience=audience)")],
                    )
                ],
            ),
            Step(
                "I dropped algorithms= by accident and PyJWT 2 requires it. Put it back explicitly.",
                py_edit(
                    area.src, "audience=audience)", "algorithms=['HS256'], audience=audience or settings.JWT_AUDIENCE)"
                ),
                "patched",
            ),
        ]
    else:
        steps += [
            Step(
                f"Let me read {decode} and the test's token.",
                f"sed -n '{line},{line + 3}p' {area.src}; grep -n 'JWT_AUDIENCE' {area.test_file} | head -3",
                f"def {decode}(token, audience=None):\n    return jwt.decode(token, settings.JWT_SECRET, algorithms=['HS256'])\n{rng.randint(10, 40)}:JWT_AUDIENCE = 'api'",
            ),
            Step(
                "A token with an aud claim is rejected unless decode is told which audience to expect. Pass the caller's audience, or the configured one.",
                py_edit(
                    area.src,
                    "algorithms=['HS256'])",
                    "algorithms=['HS256'], audience=audience or settings.JWT_AUDIENCE)",
                ),
                "patched",
            ),
        ]
    steps.append(suite.run("Run the decode tests.", [], rng.choice(["file", "file", "q"])))
    if rng.random() < 0.5:
        steps.append(suite.run("And the other-audience case explicitly.", [], "node"))
        steps[-1].command = suite.command("node", _AUD_CASES[1])
    return steps
