# ruff: noqa: E501
"""Loop family on HMAC: a webhook signature that never matches its fixture, whatever body, key, digest or header is used."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, churn, hexd
from heldout67.text import Attempt, Ctx, Fail, Suite

_SIG_CASES = (
    "test_valid_signature_accepted",
    "test_signature_from_fixture",
    "test_signature_with_unicode_payload",
    "test_signature_header_case_insensitive",
    "test_tampered_body_rejected",
    "test_missing_header_rejected",
)


def hmac_signature_mismatch_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The computed webhook signature never equals the fixture's: body bytes, key, digest and header handling changed in turn."""
    area = ctx.area("sign")
    verify = ctx.pick(
        rng, ["verify_webhook_signature", "check_signature", "verify_STEM_signature", "is_valid_signature"], area
    )
    header = rng.choice(["X-Hub-Signature-256", "X-Signature", "X-Webhook-Signature"])
    fixture = rng.choice(
        ["tests/fixtures/webhook_payload.json", f"{area.test_file.rsplit('/', 1)[0]}/data/push_event.json"]
    )
    body_of = "request.get_data()" if ctx.run.owner == "pallets" else "request.body"
    template = f"def {verify}(request, secret=None):\n    key = <<key>>\n    body = <<body>>\n    expected = <<digest>>\n    received = request.headers.get('{header}', '')<<strip>>\n    return hmac.compare_digest(expected, received)\n"
    mismatch = ["mismatch"]
    code = Code(
        area.src,
        template,
        {
            "key": [
                ("(secret or settings.WEBHOOK_SECRET).encode()", "", mismatch),
                (
                    "bytes.fromhex(secret or settings.WEBHOOK_SECRET)",
                    "The secret looks hex-encoded; decode it to raw bytes before using it as the HMAC key.",
                    ["fromhex"],
                ),
                (
                    "base64.b64decode(secret or settings.WEBHOOK_SECRET)",
                    "Maybe the secret is base64 and the sender uses the decoded bytes as the key.",
                    ["padding", "mismatch"],
                ),
                (
                    "(secret or settings.WEBHOOK_SECRET).strip().encode('utf-8')",
                    "Strip whitespace from the configured secret in case it was read with a newline.",
                    mismatch,
                ),
            ],
            "body": [
                ("json.dumps(request.json).encode()", "", mismatch),
                (
                    "json.dumps(request.json, separators=(',', ':')).encode()",
                    "Serialize compactly; the sender probably signs JSON without spaces.",
                    mismatch,
                ),
                (
                    "json.dumps(request.json, sort_keys=True, separators=(',', ':')).encode()",
                    "Sort the keys as well as compacting, for a canonical form.",
                    mismatch,
                ),
                (body_of, "Sign the raw request body instead of re-serializing the parsed JSON.", mismatch),
                (f"{body_of}.strip()", "Strip the trailing newline from the raw body before signing.", mismatch),
                (f"{body_of}.decode('utf-8')", "Sign the decoded text of the body.", ["str_body"]),
                (
                    "json.dumps(request.json, ensure_ascii=False).encode('utf-8')",
                    "Keep non-ASCII characters unescaped, the unicode payload is signed as UTF-8.",
                    mismatch,
                ),
            ],
            "digest": [
                ("'sha256=' + hmac.new(key, body, hashlib.sha256).hexdigest()", "", mismatch),
                (
                    "hmac.new(key, body, hashlib.sha256).hexdigest()",
                    "Compare the bare hex digest without the sha256= prefix.",
                    mismatch,
                ),
                (
                    "'sha256=' + base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()",
                    "Maybe the signature is base64 rather than hex.",
                    mismatch,
                ),
                (
                    "'sha1=' + hmac.new(key, body, hashlib.sha1).hexdigest()",
                    "Try SHA-1, the older header format.",
                    mismatch,
                ),
            ],
            "strip": [
                ("", "", mismatch),
                (".strip()", "Strip whitespace from the received header.", mismatch),
                (".lower()", "Lowercase the received signature; hexdigest is lowercase.", mismatch),
                (".removeprefix('sha256=')", "Strip the sha256= prefix from the received value.", mismatch),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _SIG_CASES)

    def fail(kind: str) -> Fail:
        frame = [(verify, code.line(rng.choice(["key = ", "expected = "])))]
        if kind == "fromhex":
            return suite.fail(
                rng.choice(_SIG_CASES[:4]),
                f"ValueError: non-hexadecimal number found in fromhex() arg at position {rng.randint(0, 3)}",
                f"assert {verify}(request) is True",
                [(verify, code.line("key = "))],
            )
        if kind == "padding":
            return suite.fail(
                rng.choice(_SIG_CASES[:4]),
                "binascii.Error: Incorrect padding",
                f"assert {verify}(request) is True",
                [(verify, code.line("key = "))],
            )
        if kind == "str_body":
            return suite.fail(
                rng.choice(_SIG_CASES[:4]),
                "TypeError: Strings must be encoded before hashing",
                f"assert {verify}(request) is True",
                [(verify, code.line("expected = "))],
            )
        case = rng.choice(_SIG_CASES[:4])
        return suite.fail(case, "AssertionError: assert False is True", f"assert {verify}(request) is True", frame[:0])

    def run(thought: str, mode: str = "") -> Step:
        kinds = code.failing(rng, 2)
        fails = [fail(k) for k in kinds]
        if "mismatch" in kinds and rng.random() < 0.6:
            fails.append(fail("mismatch"))
        return suite.run(thought, fails, mode)

    def edit(slot: str) -> Attempt:
        def attempt(k: int) -> list[Step]:
            command, thought = code.change(rng, slot)
            return [
                Step(thought, command, "patched"),
                run(
                    rng.choice(
                        ["Rerun the signature tests.", "Let me run the webhook tests again.", "Does it verify now?"]
                    )
                ),
            ]

        return attempt

    def compare(k: int) -> list[Step]:
        mine, theirs = hexd(rng), hexd(rng)
        return [
            Step(
                "Let me print what I compute next to what the test sends.",
                f"python - <<'EOF'\nimport hmac, hashlib\nfrom pathlib import Path\nbody = Path('{fixture}').read_bytes()\nkey = b'test-webhook-secret'\nprint('mine  ', hmac.new(key, body, hashlib.sha256).hexdigest())\nprint('header', Path('{fixture}'.replace('.json', '.sig')).read_text().strip())\nprint(len(body), body[-3:])\nEOF",
                f"mine   {mine}\nheader sha256={theirs}\n{rng.randint(900, 7000)} b'{rng.choice(['}', ']'])}\\n'",
            )
        ]

    def variants(k: int) -> list[Step]:
        names = rng.sample(["raw", "stripped", "compact", "sorted", "crlf", "ascii"], 4)
        return [
            Step(
                "Let me try every body variant against the fixture signature at once.",
                f"python - <<'EOF'\nimport hmac, hashlib, json\nfrom pathlib import Path\nraw = Path('{fixture}').read_bytes()\nsig = Path('{fixture}'.replace('.json', '.sig')).read_text().strip()\nkey = b'test-webhook-secret'\nobj = json.loads(raw)\nforms = dict(raw=raw, stripped=raw.strip(), compact=json.dumps(obj, separators=(',', ':')).encode(), sorted=json.dumps(obj, sort_keys=True).encode(), crlf=raw.replace(b'\\n', b'\\r\\n'), ascii=json.dumps(obj).encode())\nfor name in {names!r}:\n    print(name, hmac.compare_digest('sha256=' + hmac.new(key, forms[name], hashlib.sha256).hexdigest(), sig))\nEOF",
                "\n".join(f"{name} False" for name in names),
            )
        ]

    def bytes_look(k: int) -> list[Step]:
        return [
            Step(
                "Let me look at the fixture's last bytes; a trailing newline would change the digest.",
                f"tail -c 48 {fixture} | xxd",
                f'00000000: 2020 7d2c 0a20 2022 7365 6e64 6572 223a    }},.  "sender":\n00000010: 207b 226c 6f67 696e 223a 2022 6f63 746f   {{"login": "octo\n00000020: 6361 7422 7d0a 7d{rng.choice(["0a", "0d 0a", ""])}                      cat"}}.}}.',
            )
        ]

    def secret_look(k: int) -> list[Step]:
        return [
            Step(
                "Which secret do the tests configure?",
                f"grep -rn 'WEBHOOK_SECRET\\|webhook_secret' {area.test_file} {'tests/test_sqlite.py' if ctx.django else 'conftest.py'} | head",
                f"{area.test_file}:{rng.randint(10, 40)}:WEBHOOK_SECRET = 'test-webhook-secret'\n{area.test_file}:{rng.randint(41, 90)}:    @override_settings(WEBHOOK_SECRET=WEBHOOK_SECRET)",
            )
        ]

    first = [
        run(f"Let me run the tests for {verify}."),
        Step(
            f"Let me read {verify}.", f"grep -n 'def {verify}' -A7 {area.src}", f"{rng.randint(30, 400)}:" + code.body
        ),
    ]
    attempts: list[Attempt] = [
        edit("body"),
        edit("body"),
        edit("key"),
        edit("digest"),
        edit("strip"),
        compare,
        variants,
        bytes_look,
        secret_look,
    ]
    return churn(ctx, rng, n, first, attempts, "the webhook signature mismatch", area, code, verify)
