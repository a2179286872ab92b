# ruff: noqa: E501
"""Productive look-alikes on layouts and buffers: a byte order, a bit mask or a view gone wrong once or twice, its cause found, the tests green."""

from __future__ import annotations

import random
import struct
import zlib

from heldout20.calls import Step
from heldout63.text import Ctx, Fail, noise, py_edit, swapped, test_step, xxd


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def byte_order_read_from_marker(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One sample's fields come back byteswapped, maybe the other's after one flip; the samples' II/MM marker read to pick the order."""
    src, tf = ctx.source, ctx.test_file
    length = rng.randint(16, 4000)
    big = Fail(
        f"test_{ctx.stem}_header_big",
        f"AssertionError: assert {swapped(length, 4)} == {length}",
        f"assert header.length == {length}",
    )
    steps = [test_step(ctx, rng, "Let me run the header tests.", tf, [big])]
    flipped = rng.random() < 0.6
    if flipped:
        other = rng.randint(16, 4000)
        steps += [
            Step(
                "The big-endian sample reads byteswapped. Let me read the header big-endian.",
                py_edit(src, "fmt = '<2sBIH'", "fmt = '>2sBIH'"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_header_little",
                        f"AssertionError: assert {swapped(other, 4)} == {other}",
                        f"assert header.length == {other}",
                    )
                ],
            ),
        ]
    be = struct.pack(">2sBIH", b"MM", 1, length, 3)
    le = struct.pack("<2sBIH", b"II", 1, length, 3)
    steps += [
        Step(
            "There are two samples and each order breaks one of them, so the order can't be fixed in the format. Let me compare their first bytes."
            if flipped
            else "Only the big-endian sample fails, and the little-endian one passes with '<', so flipping the prefix would just move the failure. Let me compare the two samples' first bytes.",
            f"xxd -l 16 {ctx.fixture.replace('sample', 'sample_be')}; xxd -l 16 {ctx.fixture.replace('sample', 'sample_le')}",
            xxd(be + noise(rng, 7)) + "\n" + xxd(le + noise(rng, 7)),
        ),
        Step(
            "The first two bytes are a byte-order mark, 'MM' for big-endian and 'II' for little-endian, as in TIFF. The reader has to pick the prefix from them.",
            py_edit(
                src,
                "    order, version, length, flags = struct.unpack(fmt, data[:9])",
                "    try:\n        prefix = {b'II': '<', b'MM': '>'}[bytes(data[:2])]\n    except KeyError:\n        raise ValueError('bad byte-order mark %r' % bytes(data[:2])) from None\n    order, version, length, flags = struct.unpack(prefix + '2sBIH', data[:9])",
            ),
            "patched",
        ),
        green(ctx, rng, "Run the header tests.", tf),
    ]
    if rng.random() < 0.5:
        mark = rng.randint(40, 600)
        steps.append(
            Step(
                "Check that the writer puts the mark matching the order it writes in.",
                f"grep -n \"b'II'\\|b'MM'\\|pack(\" {src} | head",
                f"{mark}:    mark = b'II' if byteorder == 'little' else b'MM'\n{mark + 4}:    return struct.pack(('<' if byteorder == 'little' else '>') + '2sBIH', mark, version, length, flags)",
            )
        )
    return steps


def mask_width_from_field(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A field above three bits comes back with its top bit lost; the word printed in binary; the masks derived from the widths."""
    src, tf = ctx.source, ctx.test_file
    split = f"_split_{ctx.stem}_flags"
    kind, level, count = rng.randint(1, 15), rng.randint(4, 7), rng.randint(0, 255)
    word = kind << 12 | level << 9 | 1 << 8 | count
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the flags tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_roundtrip",
                    f"AssertionError: assert ({kind}, {level & 3}, 1, {count}) == ({kind}, {level}, 1, {count})",
                    f"assert {split}(word) == ({kind}, {level}, 1, {count})",
                )
            ],
        ),
        Step(
            "Only level is wrong, and only its top bit. Let me print the word in binary next to the fields.",
            f"python -c \"from {ctx.dotted} import {split}; w = {hex(word)}; print(format(w, '016b'), {split}(w))\"",
            f"{word:016b} ({kind}, {level & 3}, 1, {count})",
        ),
        Step(
            "The bits are right in the word (level is bits 9-11), so the reader masks it too narrowly. Let me see the masks.",
            f"grep -n 'def {split}' -A3 {src}",
            f"{rng.randint(40, 600)}:def {split}(word):\n    return word >> 12 & 0xf, word >> 9 & 0x3, word >> 8 & 0x1, word & 0xff\n",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Let me check how wide the spec makes each field.",
                f"grep -n 'bits' {src} | head",
                f"{rng.randint(20, 40)}:# kind: 4 bits (12-15), level: 3 bits (9-11), compressed: 1 bit (8), count: 8 bits (0-7)",
            )
        )
    steps += [
        Step(
            "0x3 keeps two bits but level is three wide. Rather than fix the one constant, let me derive every mask from a table of (shift, width) so they can't drift apart again.",
            py_edit(
                src,
                "    return word >> 12 & 0xf, word >> 9 & 0x3, word >> 8 & 0x1, word & 0xff",
                "    return tuple(word >> shift & ((1 << width) - 1) for shift, width in _FLAG_FIELDS)",
            )
            + "\n"
            + py_edit(
                src, f"def {split}(word):", f"_FLAG_FIELDS = ((12, 4), (9, 3), (8, 1), (0, 8))\n\n\ndef {split}(word):"
            ),
            "patched\npatched",
        ),
        green(ctx, rng, "Rerun the flags tests.", tf),
        Step(
            "And the word from before by hand.",
            f'python -c "from {ctx.dotted} import {split}; print({split}({hex(word)}))"',
            f"({kind}, {level}, 1, {count})",
        ),
    ]
    return steps


def view_released_before_resize(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A BufferError growing a bytearray, maybe twice; the leftover export found in a helper that kept its view; released with a `with` block."""
    src, tf = ctx.source, ctx.test_file
    cls = f"{ctx.cls}Buffer"
    line = rng.randint(40, 600)
    export = Fail(
        f"test_{ctx.stem}_append",
        "BufferError: Existing exports of data: object cannot be re-sized",
        f"buf.append({noise(rng, 4)!r})",
        [("append", "self._buf.extend(data)")],
    )
    steps = [test_step(ctx, rng, f"Let me run the {cls} tests.", tf, [export])]
    steps.append(
        Step(
            "Something still holds a memoryview of the bytearray when it grows. Let me find where views are made.",
            f"grep -n 'memoryview' {src}",
            f"{line}:        view = memoryview(self._buf)\n{line + 11}:        self._crc_view = memoryview(self._buf)[self._start :]",
        )
    )
    if rng.random() < 0.5:
        steps += [
            Step(
                "The first one is local to checksum(); let me release it explicitly in case the frame keeps it alive.",
                py_edit(
                    src,
                    "        return zlib.crc32(view)",
                    "        try:\n            return zlib.crc32(view)\n        finally:\n            view.release()",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", f"{tf}::test_{ctx.stem}_append", [export]),
        ]
    steps += [
        Step(
            "The other is stored on the instance: `_crc_view` lives as long as the buffer, so the bytearray can never be resized. Let me read that method.",
            f"sed -n '{line + 10},{line + 18}p' {src}",
            "    def update_crc(self):\n        self._crc_view = memoryview(self._buf)[self._start :]\n        self._crc = zlib.crc32(self._crc_view, self._crc)\n        self._start = len(self._buf)\n",
        ),
        Step(
            "It only needs the view while computing. Use it in a with block so it is released right away, and don't keep it on the instance.",
            py_edit(
                src,
                "        self._crc_view = memoryview(self._buf)[self._start :]\n        self._crc = zlib.crc32(self._crc_view, self._crc)",
                "        with memoryview(self._buf) as view, view[self._start :] as tail:\n            self._crc = zlib.crc32(tail, self._crc)",
            ),
            "patched",
        ),
        green(ctx, rng, "Run the buffer tests.", tf),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Quick check that it grows after a CRC update.",
                f"python -c \"from {ctx.dotted} import {cls}; b = {cls}(); b.append(b'ab'); b.update_crc(); b.append(b'cd'); print(len(b._buf), hex(b._crc))\"",
                f"4 {hex(zlib.crc32(b'ab'))}",
            )
        )
    return steps
