# ruff: noqa: E501
"""Loop families on fixed layouts: a header's byte order flipped back and forth, a flags word's shifts and masks."""

from __future__ import annotations

import random
import struct

from heldout20.calls import Step
from heldout63.text import Attempt, Ctx, Fail, churn, py_edit, swapped, test_step, xxd

_PREFIXES = ("<", ">", "!", "=", "@")


def struct_byte_order_flip(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Two samples written on machines of either byte order; one struct prefix after another, each fixing one sample and breaking the other."""
    src, tf, up = ctx.source, ctx.test_file, ctx.unpacker
    body = f"def {up}(data):\n    fmt = '2sBIH'\n    order, version, length, flags = struct.unpack(fmt, data[:9])\n    if length > len(data) - 9:\n        raise ValueError('{ctx.stem} record truncated: header says %d bytes, got %d' % (length, len(data) - 9))\n    return {ctx.cls}Header(version, length, flags)\n"
    cases = ("header_big", "header_little", "roundtrip", "known_bytes", "length", "flags", "truncated")
    state = {"prefix": "@"}

    def swap(case: str = "") -> Fail:
        field, width = rng.choice([("length", 4), ("flags", 2), ("length", 4)])
        value = rng.randint(16, 4000) if field == "length" else rng.choice([1, 2, 3, 5, 8, 0x10, 0x81, 0x101])
        return Fail(
            f"test_{ctx.stem}_{case or rng.choice(cases[:2] + cases[4:6])}",
            f"AssertionError: assert {swapped(value, width)} == {value}",
            f"assert header.{field} == {value}",
        )

    def truncated(case: str = "") -> Fail:
        length = rng.randint(16, 4000)
        return Fail(
            f"test_{ctx.stem}_{case or rng.choice(['header_big', 'header_little', 'truncated'])}",
            f"ValueError: {ctx.stem} record truncated: header says {swapped(length, 4)} bytes, got {length}",
            f"header = {up}(data)",
            [
                (
                    up,
                    f"raise ValueError('{ctx.stem} record truncated: header says %d bytes, got %d' % (length, len(data) - 9))",
                )
            ],
        )

    def known(order: str) -> Fail:
        version, length, flags = rng.randint(1, 4), rng.randint(16, 900), rng.choice([0, 1, 3, 0x10])
        want = struct.pack(f"{order}2sBIH", b"MM" if order == ">" else b"II", version, length, flags)
        got = struct.pack(f"{'<' if order == '>' else '>'}2sBIH", want[:2], version, length, flags)
        return Fail(
            f"test_{ctx.stem}_known_bytes",
            f"AssertionError: assert {got!r} == {want!r}",
            f"assert {ctx.packer}(header) == EXPECTED",
        )

    def buffer() -> Fail:
        return Fail(
            f"test_{ctx.stem}_{rng.choice(cases)}",
            rng.choice(
                [
                    "struct.error: unpack requires a buffer of 10 bytes",
                    "struct.error: pack_into requires a buffer of at least 10 bytes for packing 10 bytes at offset 0 (actual buffer size is 9)",
                ]
            ),
            f"header = {up}(data)",
            [(up, "order, version, length, flags = struct.unpack(fmt, data[:9])")],
        )

    def broken(prefix: str) -> list[Fail]:
        """What the samples say when every field is read with `prefix`."""
        if prefix == "@":
            return [buffer()]
        side = "big" if prefix in "<=" else "little"
        fails = [rng.choice([swap, truncated])(f"header_{side}")]
        if rng.random() < 0.5:
            fails.append(known(">" if side == "big" else "<"))
        if rng.random() < 0.4:
            fails.append(swap(rng.choice(["length", "flags", "roundtrip"])))
        return fails

    def run(thought: str, fails: list[Fail]) -> Step:
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -vv"]))

    def flip(k: int) -> list[Step]:
        new = rng.choice([p for p in _PREFIXES if p != state["prefix"]])
        old, state["prefix"] = state["prefix"], new
        why = {
            "<": "The files are probably little-endian, like the machines that write them; use '<', which also drops the padding",
            ">": "The values come out byteswapped, so the format must be big-endian; switch to '>'",
            "!": "Binary formats are usually in network order; let me use '!'",
            "=": "Let me use native byte order with standard sizes, '=', so the padding goes away but the order matches the platform",
            "@": "Let me go back to the native format and slice by calcsize instead of a hard-coded 9",
        }[new]
        old_fmt = f"fmt = '{old if old != '@' else ''}2sBIH'"
        return [
            Step(f"{why}.", py_edit(src, old_fmt, f"fmt = '{new if new != '@' else ''}2sBIH'"), "patched"),
            run("Rerun the header tests.", broken(new)),
        ]

    def platform(k: int) -> list[Step]:
        state["prefix"] = "="
        return [
            Step(
                "The order should follow the platform that reads the file. Pick the prefix from sys.byteorder.",
                py_edit(src, "    fmt = ", "    fmt = ('<' if sys.byteorder == 'little' else '>') + '2sBIH'  # was: "),
                "patched",
            ),
            run("Run the tests again.", broken("<")),
        ]

    def guess(k: int) -> list[Step]:
        small = rng.randint(1, 255)
        return [
            Step(
                "Read little-endian first and fall back to big-endian when the length is larger than the data; one of the two readings is always implausible.",
                py_edit(
                    src,
                    "    order, version, length, flags = struct.unpack(fmt, data[:9])\n",
                    "    order, version, length, flags = struct.unpack('<2sBIH', data[:9])\n    if length > len(data) - 9:\n        order, version, length, flags = struct.unpack('>2sBIH', data[:9])\n",
                ),
                "patched",
            ),
            run(
                "Rerun.",
                [
                    Fail(
                        f"test_{ctx.stem}_{rng.choice(['flags', 'small_length', 'header_big'])}",
                        f"AssertionError: assert {swapped(small, rng.choice([2, 4]))} == {small}",
                        f"assert header.{rng.choice(['flags', 'length'])} == {small}",
                    )
                ]
                + ([known(">")] if rng.random() < 0.5 else []),
            ),
        ]

    def by_hand(k: int) -> list[Step]:
        order = rng.choice(["big", "little"])
        return [
            Step(
                f"Let me drop struct and read each field with int.from_bytes(..., '{order}').",
                py_edit(
                    src,
                    "    order, version, length, flags = struct.unpack(fmt, data[:9])\n",
                    f"    order, version = data[:2], data[2]\n    length = int.from_bytes(data[3:7], '{order}')\n    flags = int.from_bytes(data[7:9], '{order}')\n",
                ),
                "patched",
            ),
            run("Run the header tests.", broken("<" if order == "little" else ">")),
        ]

    def expectation(k: int) -> list[Step]:
        value = rng.randint(16, 4000)
        side = rng.choice(["big", "little"])
        return [
            Step(
                f"Maybe the {side}-endian sample's expected values were computed wrongly in the test; the reader gives {swapped(value, 4)}. Let me align the expectation with the sample.",
                py_edit(tf, f"assert header.length == {value}", f"assert header.length == {swapped(value, 4)}"),
                "patched",
            ),
            run("Rerun.", [swap("roundtrip"), *([known(">" if side == "big" else "<")] if rng.random() < 0.6 else [])]),
        ]

    def sizes(k: int) -> Step:
        return Step(
            "Let me check what each prefix makes of the layout.",
            "python -c \"import struct; [print(repr(p), struct.calcsize(p + '2sBIH')) for p in ['@', '<', '>', '=', '!']]\"",
            "'@' 10\n'<' 9\n'>' 9\n'=' 9\n'!' 9",
        )

    def dump(k: int) -> Step:
        length, flags = rng.randint(16, 4000), rng.choice([1, 3, 0x10])
        be = struct.pack(">2sBIH", b"MM", 1, length, flags)
        le = struct.pack("<2sBIH", b"II", 1, length, flags)
        sample = ctx.fixture.replace("sample", "sample_be" if rng.random() < 0.5 else "sample_le")
        data = be if "_be" in sample else le
        return Step(
            "Let me see how the fields sit in the sample and what both orders make of them.",
            f"xxd -l 16 {sample}; python -c \"import struct; d = open('{sample}', 'rb').read(9); print(struct.unpack('<2sBIH', d), struct.unpack('>2sBIH', d))\"",
            xxd(data + bytes(rng.randrange(256) for _ in range(7)))
            + f"\n{struct.unpack('<2sBIH', data)} {struct.unpack('>2sBIH', data)}",
        )

    first = [
        run("Let me run the tests for the header reader.", [buffer()]),
        Step("Let me look at the reader.", f"grep -n 'def {up}' -A7 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [
        flip,
        flip,
        platform,
        guess,
        by_hand,
        expectation,
        lambda k: [sizes(k)],
        lambda k: [dump(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "the byte order of the header fields", up, body)


def _fields(rng: random.Random) -> tuple[int, int, int, int]:
    return rng.randint(1, 15), rng.randint(0, 7), rng.randint(0, 1), rng.randint(0, 255)


def _garble(rng: random.Random, want: tuple[int, int, int, int]) -> tuple[int, ...]:
    """The fields as a wrong layout reads them back: one or two of them off by a bit."""
    got = list(want)
    for i in rng.sample(range(4), rng.randint(1, 2)):
        got[i] ^= rng.choice([bit for bit in (1, 2, 4, 8, 128) if bit < (16, 8, 2, 256)[i]])
    return tuple(got)


def bitfield_shift_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A 16-bit flags word of four fields: shifts and masks nudged one at a time, the field that comes out wrong moving."""
    src, tf = ctx.source, ctx.test_file
    pack, split = f"_pack_{ctx.stem}_flags", f"_split_{ctx.stem}_flags"
    body = f"def {pack}(kind, level, compressed, count):\n    return kind << 12 | level << 8 | compressed << 7 | count & 0xff\n\n\ndef {split}(word):\n    return word >> 12, word >> 8 & 0x7, word >> 7 & 1, word & 0xff\n"
    cases = ("roundtrip", "known_words", "max_count", "level_bits", "compressed_bit", "all_fields")

    def mismatch() -> Fail:
        want = _fields(rng)
        return Fail(
            f"test_{ctx.stem}_{rng.choice(cases)}",
            f"AssertionError: assert {_garble(rng, want)} == {want}",
            f"assert {split}({pack}(*fields)) == fields" if rng.random() < 0.5 else f"assert {split}(word) == {want}",
        )

    def word() -> Fail:
        want = rng.randrange(0x1000, 0x10000)
        got = want ^ (1 << rng.choice([7, 8, 9, 11, 12]))
        return Fail(
            f"test_{ctx.stem}_known_words",
            f"AssertionError: assert {hex(got)!r} == {hex(want)!r}",
            f"assert hex({pack}(*fields)) == {hex(want)!r}",
        )

    def overflow() -> Fail:
        return Fail(
            f"test_{ctx.stem}_{rng.choice(['header_roundtrip', 'max_count', 'write'])}",
            rng.choice(
                [
                    "struct.error: 'H' format requires 0 <= number <= 65535",
                    "struct.error: ushort format requires 0 <= number <= (0x7fff * 2 + 1)",
                    "OverflowError: int too big to convert",
                ]
            ),
            f"data = {ctx.packer}(header)",
            [(ctx.packer, "struct.pack('>H', flags)")],
        )

    def run(thought: str, kinds: list[str]) -> Step:
        make = {"mismatch": mismatch, "word": word, "overflow": overflow}
        fails = [make[kind]() for kind in kinds]
        return test_step(
            ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, rng.choice(["", " -q", " -x"])
        )

    def nudge(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                ("level << 8", "level << 9", "level sits above the compressed bit, so shift it by 9", ["mismatch"]),
                (
                    "word >> 8 & 0x7",
                    "word >> 9 & 0x7",
                    "the reader must shift level by 9 as well",
                    ["mismatch", "word"],
                ),
                (
                    "compressed << 7",
                    "compressed << 8",
                    "the compressed bit is bit 8, not 7, it overlaps count's top bit",
                    ["mismatch"],
                ),
                ("word >> 7 & 1", "word >> 8 & 1", "read the compressed bit from bit 8", ["word"]),
                ("word & 0xff", "word & 0x7f", "count is only seven bits wide then", ["mismatch"]),
                (
                    "count & 0xff",
                    "(count & 0x7f)",
                    "mask count to seven bits and parenthesise it",
                    ["mismatch", "word"],
                ),
                ("word >> 8 & 0x7", "word >> 8 & 0xf", "level needs a four-bit mask", ["mismatch"]),
                ("word >> 12", "word >> 12 & 0xf", "mask kind too in case the word has more than 16 bits", ["word"]),
            ]
        )
        return [
            Step(f"Let me try this: {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the flags tests.", kinds),
        ]

    def precedence(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the | and << mix up precedence; let me write it as additions to be explicit.",
                py_edit(
                    src,
                    "return kind << 12 | level << 8 | compressed << 7 | count & 0xff",
                    "return kind << 12 + level << 8 + compressed << 7 + (count & 0xff)",
                ),
                "patched",
            ),
            run("Run the tests.", ["overflow", "mismatch"]),
        ]

    def ctypes_struct(k: int) -> list[Step]:
        return [
            Step(
                "Shifting by hand is error-prone. Let me describe the word with a ctypes Structure of bit fields and let ctypes do the packing.",
                f"cat >> {src} <<'EOF'\n\n\nclass _Flags(ctypes.LittleEndianStructure):\n    _fields_ = [\n        ('kind', ctypes.c_uint16, 4),\n        ('level', ctypes.c_uint16, 3),\n        ('compressed', ctypes.c_uint16, 1),\n        ('count', ctypes.c_uint16, 8),\n    ]\nEOF\n"
                + py_edit(
                    src,
                    "    return kind << 12 | level << 8 | compressed << 7 | count & 0xff",
                    "    flags = _Flags(kind, level, compressed, count)\n    return int.from_bytes(bytes(flags), 'little')",
                ),
                "patched",
            ),
            run("Rerun.", ["word", rng.choice(["mismatch", "word"])]),
        ]

    def bits_string(k: int) -> list[Step]:
        return [
            Step(
                "Let me read the fields off the binary string instead, which is easier to check against the table.",
                py_edit(
                    src,
                    "    return word >> 12, word >> 8 & 0x7, word >> 7 & 1, word & 0xff",
                    "    bits = format(word, '016b')\n    return int(bits[:4], 2), int(bits[4:7], 2), int(bits[7], 2), int(bits[8:], 2)",
                ),
                "patched",
            ),
            run("Run the flags tests.", rng.sample(["mismatch", "word", "mismatch"], 2)),
        ]

    def probe(k: int) -> Step:
        fields = _fields(rng)
        kind, level, compressed, count = fields
        word_ = (kind << 12 | level << 8 | compressed << 7 | count) & 0xFFFF
        return Step(
            "Let me print the word and its fields in binary.",
            f"python -c \"from {ctx.dotted} import {pack}, {split}; w = {pack}{fields}; print(format(w, '016b'), hex(w), {split}(w))\"",
            f"{word_:016b} {hex(word_)} {(word_ >> 12, word_ >> 8 & 7, word_ >> 7 & 1, word_ & 0xFF)}",
        )

    first = [
        run("Let me run the flags tests.", ["mismatch", rng.choice(["word", "mismatch"])]),
        Step("Let me read the packing code.", f"grep -n '_flags(' -A2 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [nudge, nudge, nudge, precedence, ctypes_struct, bits_string, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, "the bit layout of the flags word", pack, body)
