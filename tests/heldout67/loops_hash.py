# ruff: noqa: E501
"""Loop family on password hashing: a legacy hash that never verifies, whatever encoding, iterations or normalisation."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, b64, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_HASH_CASES = (
    "test_verify_legacy_hash",
    "test_roundtrip",
    "test_unicode_password",
    "test_encoded_format",
    "test_wrong_password_rejected",
    "test_default_iterations",
    "test_salt_is_random",
)
_SALT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def password_hash_verify_flipflop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A hash from the old code never verifies: encodings, iterations, salts and normalisation changed in turn, each breaking another test."""
    area = ctx.area("hash")
    make = ctx.pick(rng, ["hash_password", "make_STEM_password", "encode_password"], area)
    check = ctx.pick(rng, ["verify_password", "check_STEM_password", "password_matches"], area)
    template = f"<<rounds>>\n\n\ndef {make}(password, salt=None, iterations=ITERATIONS):\n    salt = salt or <<salt>>\n    dk = hashlib.pbkdf2_hmac('sha256', <<pw>>, salt.encode(), iterations)\n    return '%s$%d$%s$%s' % ('pbkdf2_sha256', iterations, salt, <<enc>>)\n\n\ndef {check}(password, encoded):\n    algorithm, iterations, salt, digest = encoded.split('$', 3)\n    return hmac.compare_digest(encoded, {make}(password, salt<<iters>>))\n"
    code = Code(
        area.src,
        template,
        {
            "enc": [
                ("base64.b64encode(dk).decode('ascii').strip()", "", ["legacy"]),
                ("dk.hex()", "Store the derived key as hex; maybe the legacy hashes are hex.", ["legacy", "format"]),
                (
                    "base64.urlsafe_b64encode(dk).decode()",
                    "Use the URL-safe base64 alphabet for the digest.",
                    ["legacy", "format"],
                ),
                (
                    "base64.b64encode(dk).decode('ascii').rstrip('=')",
                    "Drop the base64 padding from the digest; maybe the old code stored it without.",
                    ["legacy"],
                ),
            ],
            "iters": [
                ("", "", ["legacy"]),
                (
                    ", int(iterations)",
                    "Verify with the iteration count stored in the hash, not the current default.",
                    [],
                ),
                (", iterations", "Pass the stored iteration count through to the hashing.", ["int"]),
                (
                    ", max(int(iterations), ITERATIONS)",
                    "Use the stored count but never less than the default.",
                    ["legacy"],
                ),
            ],
            "pw": [
                ("password.encode()", "", []),
                (
                    "unicodedata.normalize('NFKC', password).encode('utf-8')",
                    "Normalise the password to NFKC before hashing so composed and decomposed forms agree.",
                    ["unicode_nf"],
                ),
                (
                    "password.encode('latin-1')",
                    "The old system hashed latin-1 bytes; encode the same way.",
                    ["unicode_enc"],
                ),
                ("password.encode('utf-8', 'surrogatepass')", "Encode as UTF-8 explicitly, allowing surrogates.", []),
            ],
            "salt": [
                ("secrets.token_urlsafe(16)", "", []),
                ("secrets.token_hex(8)", "Use a hex salt like the legacy hashes.", []),
                (
                    "get_random_string(22)" if ctx.django else "''.join(secrets.choice(SALT_CHARS) for _ in range(22))",
                    "Draw a 22-character alphanumeric salt as the old hasher did.",
                    [],
                ),
            ],
            "rounds": [
                ("ITERATIONS = 600_000", "", []),
                (
                    "ITERATIONS = 260_000",
                    "Go back to the old default of 260000 iterations, which the legacy hashes were made with.",
                    ["weak"],
                ),
                ("ITERATIONS = 390_000", "Use 390000 iterations, the count in between.", ["weak"]),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _HASH_CASES)
    legacy_salt = "".join(rng.choices(_SALT, k=rng.choice([12, 16, 22])))
    legacy = f"pbkdf2_sha256$260000${legacy_salt}${b64(rng)}="
    where = (rng.randint(10, 40), rng.randint(41, 300))

    def mine() -> str:
        enc = code.slots["enc"]
        digest = (
            f"{rng.randrange(16**64):064x}"
            if "hex" in enc
            else b64(rng, 43, _SALT + ("-_" if "urlsafe" in enc else "+/")) + ("" if "rstrip" in enc else "=")
        )
        return f"pbkdf2_sha256$260000${legacy_salt}${digest}"

    def fail(kind: str) -> Fail:
        at = [(check, code.line("compare_digest"))]
        if kind == "legacy":
            return suite.fail(
                _HASH_CASES[0],
                "AssertionError: assert False is True",
                f"assert {check}('correct horse', LEGACY_HASH) is True",
                (),
            )
        if kind == "format":
            return suite.fail(
                _HASH_CASES[3],
                f"AssertionError: assert None\n +  where None = <function match at 0x7f{rng.randrange(16**10):010x}>('^pbkdf2_sha256\\\\$\\\\d+\\\\$[\\\\w]+\\\\$[A-Za-z0-9+/=]+$', '{mine().replace('260000', '600000')}')",
                "assert re.match(FORMAT, encoded)",
            )
        if kind == "int":
            return suite.fail(
                rng.choice(_HASH_CASES[:2]),
                "TypeError: 'str' object cannot be interpreted as an integer",
                f"assert {check}(password, encoded) is True",
                [*at, (make, code.line("pbkdf2_hmac"))],
            )
        if kind == "unicode_nf":
            return suite.fail(
                _HASH_CASES[2],
                "AssertionError: assert False is True",
                f"assert {check}('pa\\u0301ssword', UNICODE_HASH) is True",
            )
        if kind == "unicode_enc":
            return suite.fail(
                _HASH_CASES[2],
                "UnicodeEncodeError: 'latin-1' codec can't encode characters in position 0-5: ordinal not in range(256)",
                f"encoded = {make}('пароль')",
                [(make, code.line("pbkdf2_hmac"))],
            )
        return suite.fail(
            _HASH_CASES[5],
            f"AssertionError: assert {code.slots['rounds'].split('= ')[1].replace('_', '')} >= 600000",
            "assert ITERATIONS >= 600000",
        )

    def run(thought: str, mode: str = "") -> Step:
        return suite.run(thought, [fail(k) for k in code.failing(rng)], mode)

    def edit(slot: str) -> list[Step]:
        command, thought = code.change(rng, slot)
        return [
            Step(thought, command, "patched"),
            run(
                rng.choice(
                    ["Rerun the hasher tests.", "Let me run the password tests.", "Does the legacy hash verify now?"]
                )
            ),
        ]

    def recompute(k: int) -> list[Step]:
        return [
            Step(
                "Let me recompute the legacy hash with its own salt and iterations and compare it with the stored one.",
                f"python - <<'EOF'\nfrom {area.dotted} import {make}\nLEGACY = '{legacy}'\nalg, it, salt, digest = LEGACY.split('$', 3)\nprint(LEGACY)\nprint({make}('correct horse', salt, int(it)))\nEOF",
                f"{legacy}\n{mine()}",
            )
        ]

    def fixture(k: int) -> list[Step]:
        return [
            Step(
                "Where does the legacy hash in the test come from?",
                f"grep -n 'LEGACY\\|correct horse' {area.test_file} | head",
                f"{where[0]}:LEGACY_HASH = '{legacy}'\n{where[1]}:        self.assertTrue({check}('correct horse', LEGACY_HASH))"
                if ctx.django
                else f"{where[0]}:LEGACY_HASH = '{legacy}'\n{where[1]}:    assert {check}('correct horse', LEGACY_HASH) is True",
            )
        ]

    def stdlib(k: int) -> list[Step]:
        return [
            Step(
                "Let me hash the password with hashlib directly, hex and base64, to see which form the legacy digest is in.",
                f"python -c \"import hashlib, base64; dk = hashlib.pbkdf2_hmac('sha256', b'correct horse', b'{legacy_salt}', 260000); print(dk.hex()); print(base64.b64encode(dk).decode())\"",
                f"{rng.randrange(16**64):064x}\n{b64(rng)}=",
                seconds=rng.uniform(0.4, 1.2),
            )
        ]

    first = [
        run(f"Let me run the tests for {make} and {check}."),
        Step(
            "Let me read the hasher.", f"grep -n 'ITERATIONS =' -A14 {area.src}", f"{rng.randint(30, 400)}:" + code.body
        ),
    ]
    attempts: list[Attempt] = [
        lambda k: edit("enc"),
        lambda k: edit("enc"),
        lambda k: edit("iters"),
        lambda k: edit("pw"),
        lambda k: edit("salt"),
        lambda k: edit("rounds"),
        recompute,
        fixture,
        stdlib,
    ]
    return churn(ctx, rng, n, first, attempts, "verifying the legacy password hash", area, code, check)
