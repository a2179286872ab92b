# ruff: noqa: E501
"""Loop family on JWT decoding: audience, algorithms and key changed in turn, each change failing another test."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.loops_jwt import stamp
from heldout67.steps import Code, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_AUD_CASES = (
    "test_decode_accepts_expected_audience",
    "test_decode_rejects_other_audience",
    "test_decode_legacy_token_without_aud",
    "test_decode_rs256_with_public_key",
    "test_decode_rejects_hs256_signed_with_public_key",
    "test_decode_rejects_alg_none",
    "test_decode_default_audience",
)


def jwt_audience_algorithm_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Decoding passes one audience or algorithm test only by failing another: aud, algorithms and key changed in turn."""
    area = ctx.area("jwt")
    decode = ctx.pick(rng, ["decode_token", "decode_STEM_jwt", "verify_jwt", "parse_access_token"], area)
    template = f"def {decode}(token, audience=None):\n    key = <<key>>\n    return jwt.decode(\n        token,\n        key,\n        algorithms=<<algs>>,<<aud>>\n    )\n"
    header = "jwt.get_unverified_header(token)['alg']"
    code = Code(
        area.src,
        template,
        {
            "key": [
                ("settings.JWT_SECRET", "", ["alg"]),
                ("settings.JWT_PUBLIC_KEY", "Verify with the public key; the RS256 tokens need it.", ["sig"]),
                (
                    f"settings.JWT_PUBLIC_KEY if {header}.startswith('RS') else settings.JWT_SECRET",
                    "Pick the key from the token's header: public key for RS*, the secret otherwise.",
                    ["confusion"],
                ),
                (
                    "load_pem_public_key(settings.JWT_PUBLIC_KEY.encode())",
                    "Load the public key as a key object rather than passing PEM text.",
                    ["sig", "keyparse"],
                ),
            ],
            "algs": [
                ("['HS256']", "", ["alg"]),
                ("['HS256', 'RS256']", "Allow both HS256 and RS256.", ["confusion"]),
                (f"[{header}]", "Take the algorithm from the token header.", ["confusion", "none"]),
                ("None", "Leave algorithms to PyJWT's defaults.", ["algs"]),
                ("settings.JWT_ALGORITHMS", "Read the allowed algorithms from settings.", ["alg"]),
            ],
            "aud": [
                ("", "", ["aud"]),
                ("\n        audience=audience,", "Pass the audience through to jwt.decode.", ["default_aud"]),
                (
                    "\n        audience=audience or settings.JWT_AUDIENCE,",
                    "Fall back to the configured audience when the caller passes none.",
                    ["legacy"],
                ),
                (
                    "\n        options={'verify_aud': False},",
                    "Skip PyJWT's audience check; the callers compare aud themselves.",
                    ["other_aud"],
                ),
                (
                    "\n        audience=[settings.JWT_AUDIENCE, *settings.JWT_EXTRA_AUDIENCES],",
                    "Accept the main audience and the extra ones as a list.",
                    ["other_aud", "default_aud"],
                ),
                (
                    "\n        options={'require': ['exp']},\n        audience=audience or settings.JWT_AUDIENCE,",
                    "Require only exp, so tokens without aud still decode, and check aud when present.",
                    ["legacy"],
                ),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _AUD_CASES)
    pyjwt = rng.choice(["2.8.0", "2.9.0", "2.10.1", "2.7.0"])
    frame = (decode, "return jwt.decode(")

    def fail(kind: str) -> Fail:
        call = f"claims = {decode}(token{rng.choice(['', ', audience=AUD'])})"
        errors = {
            "aud": (
                _AUD_CASES[0],
                rng.choice(
                    [
                        "jwt.exceptions.InvalidAudienceError: Invalid audience",
                        "jwt.exceptions.InvalidAudienceError: Audience doesn't match",
                    ]
                ),
                call,
            ),
            "default_aud": (
                _AUD_CASES[6],
                "jwt.exceptions.InvalidAudienceError: Invalid audience",
                f"claims = {decode}(token)",
            ),
            "legacy": (
                _AUD_CASES[2],
                'jwt.exceptions.MissingRequiredClaimError: Token is missing the "aud" claim',
                f"claims = {decode}(legacy_token)",
            ),
            "other_aud": (
                _AUD_CASES[1],
                "Failed: DID NOT RAISE <class 'jwt.exceptions.InvalidAudienceError'>",
                f"with pytest.raises(jwt.InvalidAudienceError): {decode}(token, audience='other-service')",
            ),
            "alg": (
                _AUD_CASES[3],
                "jwt.exceptions.InvalidAlgorithmError: The specified alg value is not allowed",
                f"claims = {decode}(rs256_token)",
            ),
            "sig": (
                rng.choice([_AUD_CASES[0], _AUD_CASES[6]]),
                "jwt.exceptions.InvalidSignatureError: Signature verification failed",
                call,
            ),
            "confusion": (
                _AUD_CASES[4],
                rng.choice(
                    [
                        "Failed: DID NOT RAISE <class 'jwt.exceptions.InvalidSignatureError'>",
                        "jwt.exceptions.InvalidKeyError: The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.",
                    ]
                ),
                f"with pytest.raises(jwt.InvalidSignatureError): {decode}(forged)",
            ),
            "none": (
                _AUD_CASES[5],
                "Failed: DID NOT RAISE <class 'jwt.exceptions.InvalidAlgorithmError'>",
                f"with pytest.raises(jwt.InvalidAlgorithmError): {decode}(unsigned)",
            ),
            "algs": (
                rng.choice(_AUD_CASES[:4]),
                'jwt.exceptions.DecodeError: It is required that you pass in a value for the "algorithms" argument when calling decode().',
                call,
            ),
            "keyparse": (
                _AUD_CASES[3],
                rng.choice(
                    [
                        "ValueError: Could not deserialize key data. The data may be in an incorrect format, it may be encrypted with an unsupported algorithm, or it may be an unsupported key type.",
                        "jwt.exceptions.InvalidKeyError: Could not parse the provided public key.",
                    ]
                ),
                f"claims = {decode}(rs256_token)",
            ),
        }
        case, error, line = errors[kind]
        return suite.fail(case, error, line, [frame] if not error.startswith("Failed") else [])

    def run(thought: str, mode: str = "") -> Step:
        return suite.run(thought, [fail(k) for k in code.failing(rng)], mode)

    def edit(slot: str) -> Attempt:
        def attempt(k: int) -> list[Step]:
            command, thought = code.change(rng, slot)
            return [
                Step(thought, command, "patched"),
                run(
                    rng.choice(["Rerun the decode tests.", "Let me run the token tests.", "And the whole file again."])
                ),
            ]

        return attempt

    def headers(k: int) -> list[Step]:
        aud = rng.choice(["'api'", "['api', 'admin']", "'https://api.example.com'"])
        return [
            Step(
                "Let me look at what the test tokens actually carry.",
                f"python - <<'EOF'\nimport jwt\nimport {area.test_file.removesuffix('.py').replace('/', '.')} as t\nfor name in ('token', 'legacy_token', 'rs256_token', 'forged'):\n    tok = getattr(t, name.upper(), None) or t.make(name)\n    print(name, jwt.get_unverified_header(tok), jwt.decode(tok, options={{'verify_signature': False}}))\nEOF",
                f"token {{'alg': 'HS256', 'typ': 'JWT'}} {{'sub': '1', 'aud': {aud}, 'exp': {stamp(rng)}}}\nlegacy_token {{'alg': 'HS256', 'typ': 'JWT'}} {{'sub': '1', 'exp': {stamp(rng)}}}\nrs256_token {{'alg': 'RS256', 'typ': 'JWT'}} {{'sub': '1', 'aud': {aud}, 'exp': {stamp(rng)}}}\nforged {{'alg': 'HS256', 'typ': 'JWT'}} {{'sub': '1', 'aud': {aud}, 'exp': {stamp(rng)}}}",
            )
        ]

    def version(k: int) -> list[Step]:
        return [
            Step(
                "Which PyJWT is installed? The audience and algorithms rules changed between versions.",
                'python -c "import jwt; print(jwt.__version__, jwt.__file__)"',
                f"{pyjwt} {ctx.site}/jwt/__init__.py",
            )
        ]

    def settings(k: int) -> list[Step]:
        return [
            Step(
                "Let me check the JWT settings the tests run with.",
                f"grep -rn 'JWT_' {area.test_file} {'tests/test_sqlite.py' if ctx.django else 'conftest.py'} 2>/dev/null | head -12",
                f"{area.test_file}:{rng.randint(10, 40)}:JWT_AUDIENCE = 'api'\n{area.test_file}:{rng.randint(41, 60)}:@override_settings(JWT_ALGORITHMS=['HS256'], JWT_EXTRA_AUDIENCES=['admin'])\n{area.test_file}:{rng.randint(61, 90)}:        with self.settings(JWT_PUBLIC_KEY=PUBLIC_PEM):",
            )
        ]

    first = [
        run(f"Let me run the tests for {decode}."),
        Step(
            f"Let me read {decode}.", f"grep -n 'def {decode}' -A9 {area.src}", f"{rng.randint(30, 400)}:" + code.body
        ),
    ]
    attempts: list[Attempt] = [
        edit("aud"),
        edit("aud"),
        edit("algs"),
        edit("algs"),
        edit("key"),
        headers,
        version,
        settings,
    ]
    return churn(ctx, rng, n, first, attempts, "the audience and algorithm checks in decode", area, code, decode)
