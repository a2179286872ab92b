# ruff: noqa: E501
"""Loop family on base64 tokens: URL-safe tokens with their padding stripped that never round-trip."""

from __future__ import annotations

import base64
import random

from heldout20.calls import Step
from heldout63.text import Attempt, Ctx, Fail, churn, py_edit, test_step


def _token(rng: random.Random) -> tuple[bytes, str]:
    """Random bytes and their URL-safe token without padding, with at least one '-' or '_' in it."""
    while True:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(5, 26)))
        token = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
        if ("-" in token or "_" in token) and len(token) % 4:
            return data, token


def _lenient(token: str) -> bytes:
    """What the standard decoder makes of a URL-safe token when it skips the characters it does not know."""
    kept = token.replace("-", "").replace("_", "")
    return base64.b64decode(kept + "=" * (-len(kept) % 4))


def base64_padding_roundtrip_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """URL-safe tokens with their padding stripped: decoders swapped, padding counted wrongly, the alphabet mixed up, each run another token failing."""
    src, tf, pk, up = ctx.source, ctx.test_file, ctx.packer, ctx.unpacker
    body = f"def {pk}(data):\n    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')\n\n\ndef {up}(token):\n    return base64.b64decode(token)\n"
    cases = (
        "roundtrip",
        "roundtrip_lengths",
        "url_safe",
        "no_padding",
        "legacy_tokens",
        "rejects_garbage",
        "str_input",
    )

    def fail(kind: str) -> Fail:
        data, token = _token(rng)
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        code = f"assert {up}({pk}(data)) == data"
        if kind == "padding":
            return Fail(
                case,
                "binascii.Error: Incorrect padding",
                code,
                [(up, "return base64.b64decode(token)"), ("b64decode", "return binascii.a2b_base64(s)")],
            )
        if kind == "alphabet":
            kept = token.replace("-", "").replace("_", "")
            if len(kept) % 4 == 1:
                return Fail(
                    case,
                    f"binascii.Error: Invalid base64-encoded string: number of data characters ({len(kept)}) cannot be 1 more than a multiple of 4",
                    code,
                    [(up, "return base64.b64decode(token + '=' * (-len(token) % 4))")],
                )
            return Fail(case, f"AssertionError: assert {_lenient(token)!r} == {data!r}", code)
        if kind == "urlsafe":
            std = base64.b64encode(data).decode()
            return Fail(
                f"test_{ctx.stem}_url_safe",
                f"AssertionError: assert not ('+' in {std!r} or '/' in {std!r})",
                "assert not ('+' in token or '/' in token)",
            )
        if kind == "padded":
            padded = base64.urlsafe_b64encode(data).decode()
            return Fail(
                f"test_{ctx.stem}_no_padding",
                f"AssertionError: assert '=' not in {padded!r}",
                f"assert '=' not in {pk}(data)",
            )
        if kind == "raise":
            return Fail(
                f"test_{ctx.stem}_rejects_garbage",
                "Failed: DID NOT RAISE <class 'ValueError'>",
                "with pytest.raises(ValueError):",
            )
        if kind == "hex":
            return Fail(
                f"test_{ctx.stem}_legacy_tokens",
                f"ValueError: non-hexadecimal number found in fromhex() arg at position {rng.randint(0, 5)}",
                f"assert {up}({token!r}) == {data!r}",
                [(up, "return bytes.fromhex(token)")],
            )
        if kind == "length":
            return Fail(
                f"test_{ctx.stem}_token_length",
                f"AssertionError: assert {len(data) * 2} <= {len(token)}",
                f"assert len({pk}(data)) <= {len(token)}",
            )
        return Fail(
            case,
            "TypeError: a bytes-like object is required, not 'str'",
            f"{pk}('{ctx.words(rng, 1)[0]}')",
            [(pk, "return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')")],
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(kind) for kind in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -vv"]),
        )

    def decoder(k: int) -> list[Step]:
        new, why, kinds = rng.choice(
            [
                ("base64.urlsafe_b64decode(token)", "decode with the URL-safe alphabet the encoder uses", ["padding"]),
                ("base64.b64decode(token + '==')", "add the padding back before decoding", ["alphabet", "padding"]),
                (
                    "base64.urlsafe_b64decode(token + '=' * (len(token) % 4))",
                    "put back as many '=' as the length is short",
                    ["alphabet", "padding"],
                ),
                (
                    "base64.urlsafe_b64decode(token + '=' * (4 - len(token) % 4))",
                    "pad up to the next multiple of four",
                    ["padding", "raise"],
                ),
                (
                    "base64.b64decode(token, altchars=b'-_', validate=True)",
                    "decode strictly with the URL-safe alternative characters",
                    ["padding", "str"],
                ),
                ("base64.b64decode(token.encode('ascii'))", "pass bytes to the decoder", ["alphabet", "padding"]),
                (
                    "base64.b64decode(token + '=' * (-len(token) % 4))",
                    "compute the padding with a negative modulo",
                    ["alphabet"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, "    return base64.b64decode(token)", f"    return {new}"), "patched"),
            run("Rerun the token tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def encoder(k: int) -> list[Step]:
        new, why, kinds = rng.choice(
            [
                (
                    "base64.urlsafe_b64encode(data).decode('ascii')",
                    "keep the padding in the token so the decoder is happy",
                    ["padded"],
                ),
                (
                    "base64.b64encode(data).rstrip(b'=').decode('ascii')",
                    "encode with the standard alphabet so it matches b64decode",
                    ["urlsafe", "padding"],
                ),
                (
                    "base64.b64encode(data).decode('ascii')",
                    "use standard base64 with padding on both sides",
                    ["urlsafe", "padded"],
                ),
                (
                    "base64.encodebytes(data).decode('ascii')",
                    "use encodebytes, which the old code used",
                    ["urlsafe", "alphabet"],
                ),
                (
                    "data.hex()",
                    "give up on base64 and use hex, which has no padding or alphabet issues",
                    ["length", "hex"],
                ),
            ]
        )
        return [
            Step(
                f"Let me {why}.",
                py_edit(
                    src, "    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')", f"    return {new}"
                ),
                "patched",
            ),
            run("Run the tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def lengths(k: int) -> Step:
        picked = sorted(rng.sample(range(0, 24), 6))
        lines = [
            f"{m} {len(base64.urlsafe_b64encode(bytes(m)).rstrip(b'='))} {rng.choice(['ok', 'Error: Incorrect padding', 'ok', 'mismatch'])}"
            for m in picked
        ]
        return Step(
            "Let me try the round trip for several lengths to see which ones fail.",
            f"python - <<'EOF'\nimport os\nfrom {ctx.dotted} import {pk}, {up}\nfor n in {picked}:\n    t = {pk}(os.urandom(n))\n    try:\n        print(n, len(t), 'ok' if len({up}(t)) == n else 'mismatch')\n    except Exception as e:\n        print(n, len(t), type(e).__name__ + ':', e)\nEOF",
            "\n".join(lines),
        )

    def legacy(k: int) -> Step:
        data, token = _token(rng)
        return Step(
            "Let me look at the legacy tokens the test decodes.",
            f"grep -n -B2 -A6 'legacy' {tf} | head -20",
            f"{rng.randint(30, 400)}:LEGACY = [\n    ({token!r}, {data!r}),\n    ({base64.b64encode(data).decode()!r}, {data!r}),\n]",
        )

    first = [
        run("Let me run the token tests.", ["padding", rng.choice(["padding", "alphabet"])]),
        Step(
            "Let me look at the encoder and decoder.",
            f"grep -n 'base64' -B2 -A2 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [decoder, decoder, encoder, lambda k: [lengths(k)], lambda k: [legacy(k)]]
    return churn(ctx, rng, n, first, attempts, "the base64 token round trip", up, body)
