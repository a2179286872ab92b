# ruff: noqa: E501
"""Loop family on bytes that carry text: encode and decode moved from call to call, a size counted in characters."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout63.text import Attempt, Ctx, Fail, churn, py_edit, test_step


def _accented(ctx: Ctx, rng: random.Random) -> str:
    """A word of the run's data with a character beyond ASCII that latin-1 can still encode, or one that it cannot."""
    words = [w for w in ctx.words(rng, 8) if not w.isascii()]
    return words[0] if words else "café"


def _cut(word: str) -> str:
    """The error of decoding `word`'s UTF-8 cut inside its first character beyond ASCII."""
    at = next(i for i, c in enumerate(word) if not c.isascii())
    raw = word.encode()[: len(word[:at].encode()) + 1]
    try:
        raw.decode()
    except UnicodeDecodeError as caught:
        return f"UnicodeDecodeError: {caught}"
    raise AssertionError(word)


def _foreign(word: str) -> str:
    """The error of reading `word` written in latin-1 as UTF-8 (or, beyond latin-1, its UTF-8 as ASCII)."""
    try:
        word.encode("latin-1").decode()
    except UnicodeEncodeError:
        try:
            word.encode().decode("ascii")
        except UnicodeDecodeError as caught:
            return f"UnicodeDecodeError: {caught}"
    except UnicodeDecodeError as caught:
        return f"UnicodeDecodeError: {caught}"
    raise AssertionError(word)


def _ascii(word: str) -> str:
    try:
        word.encode("ascii")
    except UnicodeEncodeError as caught:
        return f"UnicodeEncodeError: {caught}"
    raise AssertionError(word)


def bytes_str_coercion_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A record header written as text in front of a bytes payload, its size in characters; encode and decode added where each error points."""
    src, tf, pk, up = ctx.source, ctx.test_file, ctx.packer, ctx.unpacker
    body = f"def {pk}(name, payload):\n    header = '%s:%d\\n' % (name, len(payload))\n    return header + payload\n\n\ndef {up}(data):\n    header, _, payload = data.partition('\\n')\n    name, size = header.split(':')\n    return name, payload[: int(size)]\n"
    cases = ("roundtrip", "unicode_name", "unicode_payload", "empty", "binary_payload", "size", "from_file")

    def fail(kind: str) -> Fail:
        word = _accented(ctx, rng)
        raw = word.encode()
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        code = f"assert {up}({pk}(name, payload)) == (name, payload)"
        error = {
            "concat": rng.choice(
                ['TypeError: can only concatenate str (not "bytes") to str', "TypeError: can't concat str to bytes"]
            ),
            "needbytes": "TypeError: a bytes-like object is required, not 'str'",
            "repr": f"AssertionError: assert {str(raw)!r} == {word!r}",
            "truncated": _cut(word),
            "mojibake": f"AssertionError: assert {raw.decode('latin-1')!r} == {word!r}",
            "ascii": _ascii(word),
            "latin": _foreign(word),
            "strdecode": "AttributeError: 'str' object has no attribute 'decode'",
            "bytesencode": "AttributeError: 'bytes' object has no attribute 'encode'",
            "decoding": "TypeError: decoding str is not supported",
            "size": f"AssertionError: assert {len(word)} == {len(raw)}",
            "int": f"ValueError: invalid literal for int() with base 10: \"b'{len(raw)}'\"",
        }[kind]
        frames = {
            "concat": [(pk, "return header + payload")],
            "needbytes": [(up, "header, _, payload = data.partition('\\n')")],
            "truncated": [(up, "return name, payload[: int(size)].decode()")],
            "ascii": [(pk, "header = ('%s:%d\\n' % (name, len(payload))).encode('ascii')")],
            "strdecode": [(up, "name = name.decode()")],
            "int": [(up, "return name, payload[: int(size)]")],
        }.get(kind, [])
        return Fail(case, error, "assert len(payload) == size" if kind == "size" else code, frames)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(kind) for kind in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q", " -k unicode"]),
        )

    def patch(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                (
                    "    return header + payload",
                    "    return header.encode() + payload",
                    "encode the header so both halves are bytes",
                    ["needbytes", "repr"],
                ),
                (
                    "    return header + payload",
                    "    return header + payload.decode()",
                    "decode the payload so both halves are str",
                    ["bytesencode", "latin"],
                ),
                ("data.partition('\\n')", "data.partition(b'\\n')", "split on a bytes newline", ["int", "strdecode"]),
                (
                    "name, size = header.split(':')",
                    "name, size = str(header).split(':')",
                    "turn the header into a str before splitting",
                    ["int", "repr"],
                ),
                (
                    "name, size = header.split(':')",
                    "name, size = header.decode().split(':')",
                    "decode the header before splitting it",
                    ["strdecode", "truncated"],
                ),
                (
                    "payload[: int(size)]",
                    "payload[: int(size)].decode()",
                    "return the payload as text",
                    ["truncated", "decoding"],
                ),
                (
                    "'%s:%d\\n' % (name, len(payload))",
                    "('%s:%d\\n' % (name, len(payload))).encode('ascii')",
                    "write the header as ASCII bytes",
                    ["ascii", "size"],
                ),
                (
                    "header.decode()",
                    "header.decode('latin-1')",
                    "decode as latin-1, which never fails",
                    ["mojibake", "size"],
                ),
                (
                    "payload[: int(size)].decode()",
                    "payload[: int(size)].decode(errors='replace')",
                    "decode with errors='replace' so it doesn't blow up",
                    ["size", "mojibake"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the record tests.", rng.sample(kinds, rng.randint(1, 2))),
        ]

    def branches(k: int) -> list[Step]:
        return [
            Step(
                "Callers pass both str and bytes. Let me accept either and normalise at the top of both functions.",
                py_edit(
                    src,
                    f"def {up}(data):\n",
                    f"def {up}(data):\n    if isinstance(data, str):\n        data = data.encode('utf-8')\n",
                )
                + "\n"
                + py_edit(
                    src,
                    f"def {pk}(name, payload):\n",
                    f"def {pk}(name, payload):\n    if isinstance(payload, bytes):\n        payload = payload.decode('utf-8', 'surrogateescape')\n",
                ),
                "patched\npatched",
            ),
            run("Run the tests.", rng.sample(["concat", "needbytes", "size", "truncated"], 2)),
        ]

    def ascii_test(k: int) -> list[Step]:
        word = _accented(ctx, rng)
        return [
            Step(
                f"The failing case uses {word!r}; maybe the test data shouldn't contain non-ASCII in the name. Let me use a plain name there.",
                py_edit(tf, repr(word), repr(word.encode("ascii", "ignore").decode() or "name")),
                "patched",
            ),
            run("Rerun.", [rng.choice(["truncated", "size", "mojibake"]), rng.choice(["repr", "needbytes"])]),
        ]

    def probe(k: int) -> Step:
        word = _accented(ctx, rng)
        return Step(
            "Let me check by hand what the writer produces for a non-ASCII payload.",
            f"python -c \"from {ctx.dotted} import {pk}, {up}; d = {pk}('n', {word!r}.encode()); print(type(d), d); print({up}(d))\"",
            rng.choice(
                [
                    f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{src}", line {rng.randint(20, 800)}, in {pk}\n    return header + payload\nTypeError: can only concatenate str (not "bytes") to str',
                    f"<class 'bytes'> {b'n:%d' % len(word.encode()) + bytes([10]) + word.encode()!r}\nTraceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"/testbed/{src}\", line {rng.randint(20, 800)}, in {up}\n    name, size = header.decode().split(':')\nAttributeError: 'str' object has no attribute 'decode'",
                    f"<class 'str'> n:{len(word)}\n{word}\n('n', {word[:-1]!r})",
                ]
            ),
        )

    first = [
        run("Let me run the record tests.", ["concat", rng.choice(["needbytes", "concat"])]),
        Step(
            "Let me look at the writer and the reader.",
            f"grep -n 'def {pk}\\|def {up}' -A4 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [patch, patch, patch, branches, ascii_test, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, "bytes and str in the record header", pk, body)
