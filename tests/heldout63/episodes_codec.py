# ruff: noqa: E501
"""Productive look-alikes on encodings and checks: str meeting bytes, a token's padding, a checksum that disagrees, each fixed at its cause."""

from __future__ import annotations

import base64
import random
import zlib

from heldout20.calls import Step
from heldout63.episodes import green
from heldout63.text import Ctx, Fail, noise, py_edit, test_step


def decoded_at_io_boundary(ctx: Ctx, rng: random.Random) -> list[Step]:
    """str concatenated to bytes; the header encoded with its size counted in bytes, the reader splitting bytes and decoding the name once."""
    src, tf, pk, up = ctx.source, ctx.test_file, ctx.packer, ctx.unpacker
    word = next((w for w in ctx.words(rng, 8) if not w.isascii()), "café")
    line = rng.randint(40, 600)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the record tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_roundtrip",
                    'TypeError: can only concatenate str (not "bytes") to str',
                    f"data = {pk}(name, payload)",
                    [(pk, "return header + payload")],
                )
            ],
        ),
        Step(
            "Let me read the writer and the reader together.",
            f"sed -n '{line},{line + 10}p' {src}",
            f"def {pk}(name, payload):\n    header = '%s:%d\\n' % (name, len(payload))\n    return header + payload\n\n\ndef {up}(data):\n    header, _, payload = data.partition('\\n')\n    name, size = header.split(':')\n    return name, payload[: int(size)]\n",
        ),
        Step(
            "The record goes to a file, so it must be bytes end to end: the payload already is. The header has to be encoded once, here, and the name decoded once in the reader; the size is len(payload), which counts bytes, as the reader slices bytes.",
            py_edit(src, "    return header + payload", "    return header.encode('utf-8') + payload"),
            "patched",
        ),
        test_step(
            ctx,
            rng,
            "Rerun.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_roundtrip",
                    "TypeError: a bytes-like object is required, not 'str'",
                    f"assert {up}({pk}(name, payload)) == (name, payload)",
                    [(up, "header, _, payload = data.partition('\\n')")],
                )
            ],
        ),
        Step(
            "Now the reader: split on a bytes newline and decode the header before reading the name and size from it.",
            py_edit(
                src,
                "    header, _, payload = data.partition('\\n')\n    name, size = header.split(':')",
                "    header, _, payload = data.partition(b'\\n')\n    name, size = header.decode('utf-8').rsplit(':', 1)",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Run the tests.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_from_file",
                        "TypeError: a bytes-like object is required, not 'str'",
                        f"assert load_{ctx.stem}(path) == (name, payload)",
                        [
                            (f"load_{ctx.stem}", f"return {up}(fh.read())"),
                            (up, "header, _, payload = data.partition(b'\\n')"),
                        ],
                    )
                ],
            ),
            Step(
                "The loader passes str. Let me see how it opens the file.",
                f"grep -n 'open(' {src}",
                f"{line + rng.randint(12, 60)}:    with open(path) as fh:",
            ),
            Step(
                "It opens the file in text mode, so the reader gets decoded text. Binary records must be read with 'rb'; the only decoding left is the name's, in the reader.",
                py_edit(src, "    with open(path) as fh:", "    with open(path, 'rb') as fh:"),
                "patched",
            ),
        ]
    shown = f"{word}:2\n".encode() + b"\x00\xff"
    steps += [
        green(ctx, rng, "Run the record tests.", tf),
        Step(
            "A round trip by hand with a non-ASCII name.",
            f"python -c \"from {ctx.dotted} import {pk}, {up}; d = {pk}({word!r}, b'\\x00\\xff'); print(d, {up}(d))\"",
            f"{shown!r} ({word!r}, b'\\x00\\xff')",
        ),
    ]
    return steps


def padding_restored_before_decode(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Incorrect padding decoding URL-safe tokens; maybe the alphabet wrong once; the padding put back by a negative modulo, every length round-tripping."""
    src, tf, pk, up = ctx.source, ctx.test_file, ctx.packer, ctx.unpacker
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the token tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_roundtrip",
                    "binascii.Error: Incorrect padding",
                    f"assert {up}({pk}(data)) == data",
                    [(up, "return base64.b64decode(token)")],
                )
            ],
        ),
        Step(
            "Let me look at both sides.",
            f"grep -n 'base64' -B1 -A1 {src}",
            f"{rng.randint(40, 600)}:def {pk}(data):\n    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')\n--\ndef {up}(token):\n    return base64.b64decode(token)\n",
        ),
        Step(
            "The encoder strips the '=' padding. Let me see the token lengths modulo 4 it produces.",
            "python -c \"import base64; print([len(base64.urlsafe_b64encode(bytes(n)).rstrip(b'=')) % 4 for n in range(8)])\"",
            str([len(base64.urlsafe_b64encode(bytes(m)).rstrip(b"=")) % 4 for m in range(8)]),
        ),
    ]
    if rng.random() < 0.55:
        while True:
            data = noise(rng, rng.randint(5, 20))
            token = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
            kept = token.replace("-", "").replace("_", "")
            if kept != token and len(kept) % 4 != 1:
                break
        wrong = base64.b64decode(kept + "=" * (-len(kept) % 4))
        steps += [
            Step(
                "-len % 4 is the number of '=' missing (0, 2 or 1). Put them back before decoding.",
                py_edit(
                    src,
                    "    return base64.b64decode(token)",
                    "    return base64.b64decode(token + '=' * (-len(token) % 4))",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_roundtrip",
                        f"AssertionError: assert {wrong!r} == {data!r}",
                        f"assert {up}({pk}(data)) == data",
                    )
                ],
            ),
            Step(
                "Padding is fine now, but the token has '-'/'_', which the standard alphabet skips. The decoder has to use the URL-safe alphabet too.",
                py_edit(src, "base64.b64decode(token + ", "base64.urlsafe_b64decode(token + "),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "-len % 4 is the number of '=' missing (0, 2 or 1), and the decoder must use the same URL-safe alphabet as the encoder.",
                py_edit(
                    src,
                    "    return base64.b64decode(token)",
                    "    return base64.urlsafe_b64decode(token + '=' * (-len(token) % 4))",
                ),
                "patched",
            )
        )
    steps += [
        green(ctx, rng, "Run the token tests.", tf),
        Step(
            "Round trip every length up to 64 bytes.",
            f'python -c "import os; from {ctx.dotted} import {pk}, {up}; print(all({up}({pk}(d)) == d for d in (os.urandom(n) for n in range(65))))"',
            "True",
        ),
    ]
    return steps


def checksum_field_zeroed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A header checksum never verifies; the writer found to compute it with the field zeroed; the reader zeroes it too."""
    src, tf, pk, up = ctx.source, ctx.test_file, ctx.packer, ctx.unpacker
    raw = bytearray(noise(rng, rng.randint(20, 60)))
    raw[8:12] = bytes(4)
    stored = zlib.crc32(raw)
    with_field = bytearray(raw)
    with_field[8:12] = stored.to_bytes(4, "big")
    actual = zlib.crc32(with_field)
    mismatch = Fail(
        f"test_{ctx.stem}_{rng.choice(['roundtrip', 'reads_sample'])}",
        f"ValueError: header checksum mismatch: stored {stored:#010x}, computed {actual:#010x}",
        f"{up}({pk}(header, payload))",
        [(up, "raise ValueError('header checksum mismatch: stored %#010x, computed %#010x' % (stored, actual))")],
    )
    line = rng.randint(40, 600)
    steps = [test_step(ctx, rng, "Let me run the record tests.", tf, [mismatch])]
    if rng.random() < 0.5:
        steps += [
            Step(
                "The checksum probably covers the payload only. Let me compute it over the bytes after the header.",
                py_edit(src, "    actual = zlib.crc32(data)", "    actual = zlib.crc32(data[12:])"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                f"{tf}::{mismatch.name}",
                [
                    Fail(
                        mismatch.name,
                        f"ValueError: header checksum mismatch: stored {stored:#010x}, computed {zlib.crc32(raw[12:]):#010x}",
                        mismatch.code,
                        mismatch.frames,
                    )
                ],
            ),
            Step(
                "That's not it either. Revert that and read how the writer computes it.",
                py_edit(src, "    actual = zlib.crc32(data[12:])", "    actual = zlib.crc32(data)"),
                "patched",
            ),
        ]
    steps += [
        Step(
            "Let me read the writer.",
            f"grep -n 'def {pk}' -A6 {src}",
            f"{line}:def {pk}(header, payload):\n{line + 1}-    raw = bytearray(struct.pack('>4sHHI', MAGIC, header.version, len(payload), 0) + payload)\n{line + 2}-    struct.pack_into('>I', raw, 8, zlib.crc32(raw))\n{line + 3}-    return bytes(raw)\n",
        ),
        Step(
            "The writer computes the CRC over the whole record with the checksum field still zero, then fills it in. The reader computes it over the record with the stored value in place, so it can never match. Zero bytes 8-12 before computing.",
            py_edit(
                src,
                "    actual = zlib.crc32(data)",
                "    check = bytearray(data)\n    check[8:12] = bytes(4)\n    actual = zlib.crc32(check)",
            ),
            "patched",
        ),
        green(ctx, rng, "Run the record tests.", tf),
        Step(
            "And corruption is still caught: flip one payload byte.",
            f"python -c \"from {ctx.dotted} import *; import {ctx.dotted} as m; d = bytearray(m.{pk}(m.{ctx.cls}Header(1), b'abc')); d[-1] ^= 1\ntry:\n    m.{up}(bytes(d))\nexcept ValueError as e:\n    print('caught:', e)\"",
            f"caught: header checksum mismatch: stored {rng.randrange(2**32):#010x}, computed {rng.randrange(2**32):#010x}",
        ),
    ]
    return steps
