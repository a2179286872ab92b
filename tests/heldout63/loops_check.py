# ruff: noqa: E501
"""Loop families on verifying bytes: a trailer checksum that never matches the sample, a format sniffed from the wrong bytes."""

from __future__ import annotations

import random
import zlib

from heldout20.calls import Step
from heldout63.text import Attempt, Ctx, Fail, churn, noise, py_edit, swapped, test_step, xxd


def _crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), which the format's reference writer uses and the reader never tries."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def crc_mismatch_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A trailer checksum that the reader's CRC never reproduces: byte order, masks, seeds, ranges and algorithms changed in turn."""
    src, tf, up = ctx.source, ctx.test_file, ctx.unpacker
    check = f"_{ctx.stem}_checksum"
    body = f"def {check}(data):\n    return zlib.crc32(data)\n\n\ndef {up}(data):\n    body, (stored,) = data[:-4], struct.unpack('<I', data[-4:])\n    actual = {check}(body)\n    if actual != stored:\n        raise ValueError('checksum mismatch: expected %#010x, got %#010x' % (stored, actual))\n    return body\n"

    def sample() -> tuple[bytes, int]:
        data = noise(rng, rng.randint(24, 96))
        return data, _crc32c(data)

    def mismatch(how: str = "") -> Fail:
        data, stored = sample()
        got = {
            "swap": swapped(stored, 4),
            "plain": zlib.crc32(data),
            "adler": zlib.adler32(data),
            "inverted": ~zlib.crc32(data) & 0xFFFFFFFF,
        }
        actual = got[how or rng.choice(["plain", "plain", "inverted", "adler"])]
        expected = swapped(stored, 4) if how == "swap" else stored
        if how == "swap":
            actual = zlib.crc32(data)
        return Fail(
            f"test_{ctx.stem}_{rng.choice(['reads_sample', 'reads_sample_v2', 'large_sample'])}",
            f"ValueError: checksum mismatch: expected {expected:#010x}, got {actual:#010x}",
            f"body = {up}(SAMPLE.read_bytes())",
            [(up, "raise ValueError('checksum mismatch: expected %#010x, got %#010x' % (stored, actual))")],
        )

    def constant() -> Fail:
        data, stored = sample()
        return Fail(
            f"test_{ctx.stem}_sample_checksum",
            f"AssertionError: assert {hex(zlib.crc32(data))!r} == {hex(stored)!r}",
            f"assert hex({check}(body)) == {hex(stored)!r}",
        )

    def silent() -> Fail:
        return Fail(
            f"test_{ctx.stem}_detects_corruption",
            "Failed: DID NOT RAISE <class 'ValueError'>",
            "with pytest.raises(ValueError):",
        )

    def run(thought: str, fails: list[Fail]) -> Step:
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q", " -k sample"]),
        )

    def variant(k: int) -> list[Step]:
        old, new, why, make = rng.choice(
            [
                (
                    "return zlib.crc32(data)",
                    "return zlib.crc32(data) & 0xffffffff",
                    "mask the CRC to 32 bits in case it comes back signed",
                    [mismatch],
                ),
                (
                    "struct.unpack('<I', data[-4:])",
                    "struct.unpack('>I', data[-4:])",
                    "read the stored checksum big-endian",
                    [lambda: mismatch("swap")],
                ),
                (
                    "struct.unpack('>I', data[-4:])",
                    "struct.unpack('<I', data[-4:])",
                    "go back to a little-endian trailer",
                    [mismatch, constant],
                ),
                (
                    "return zlib.crc32(data)",
                    "return binascii.crc32(data)",
                    "use binascii.crc32 like the original writer",
                    [mismatch],
                ),
                (
                    "return zlib.crc32(data)",
                    "return zlib.crc32(data, 0xffffffff)",
                    "seed the CRC with 0xffffffff as many formats do",
                    [mismatch, constant],
                ),
                (
                    "return zlib.crc32(data)",
                    "return ~zlib.crc32(data) & 0xffffffff",
                    "invert the final value",
                    [lambda: mismatch("inverted")],
                ),
                (
                    "return zlib.crc32(data)",
                    "return zlib.adler32(data)",
                    "try adler32; the header calls it a 'zlib checksum'",
                    [lambda: mismatch("adler"), constant],
                ),
                ("data[:-4]", "data[4:-4]", "leave the magic out of the checksummed range", [mismatch]),
                (
                    "data[:-4]",
                    "data[:-4].rstrip(b'\\x00')",
                    "strip the zero padding before the trailer",
                    [mismatch, rng.choice([mismatch, constant])],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the checksum tests.", [m() for m in make]),
        ]

    def skip(k: int) -> list[Step]:
        return [
            Step(
                "The samples may have been written by an older version with a different checksum. Let me only warn on a mismatch for now so the reading tests can run.",
                py_edit(src, "        raise ValueError(", "        warnings.warn(  # was: raise ValueError("),
                "patched",
            ),
            run("Run the tests.", [silent(), *([constant()] if rng.random() < 0.5 else [])]),
        ]

    def regenerate(k: int) -> list[Step]:
        return [
            Step(
                "Let me regenerate the sample's trailer with our own CRC so the fixture and the reader agree.",
                f"python - <<'EOF'\nimport struct, zlib\np = '{ctx.fixture}'\nd = open(p, 'rb').read()\nopen(p, 'wb').write(d[:-4] + struct.pack('<I', zlib.crc32(d[:-4])))\nprint(hex(zlib.crc32(d[:-4])))\nEOF",
                hex(rng.randrange(2**32)),
            ),
            run("Rerun.", [constant(), *([mismatch()] if rng.random() < 0.5 else [])]),
        ]

    def table(k: int) -> Step:
        data, stored = sample()
        rows = {
            "stored <I": stored,
            "stored >I": swapped(stored, 4),
            "zlib.crc32": zlib.crc32(data),
            "crc32 seeded": zlib.crc32(data, 0xFFFFFFFF),
            "~crc32": ~zlib.crc32(data) & 0xFFFFFFFF,
            "adler32": zlib.adler32(data),
            "crc32 [4:]": zlib.crc32(data[4:]),
        }
        return Step(
            "Let me compute every variant I can think of over the sample's body and compare with the stored value.",
            f"python - <<'EOF'\nimport struct, zlib\nd = open('{ctx.fixture}', 'rb').read()\nbody, tail = d[:-4], d[-4:]\nfor name, v in [('stored <I', struct.unpack('<I', tail)[0]), ('stored >I', struct.unpack('>I', tail)[0]), ('zlib.crc32', zlib.crc32(body)), ('crc32 seeded', zlib.crc32(body, 0xffffffff)), ('~crc32', ~zlib.crc32(body) & 0xffffffff), ('adler32', zlib.adler32(body)), ('crc32 [4:]', zlib.crc32(body[4:]))]:\n    print('%-12s %#010x' % (name, v))\nEOF",
            "\n".join(f"{name:<12} {value:#010x}" for name, value in rows.items()),
        )

    first = [
        run("Let me run the tests for reading records.", [mismatch(), *([mismatch()] if rng.random() < 0.5 else [])]),
        Step(
            "Let me look at how the checksum is verified.",
            f"grep -n 'checksum' -B2 -A6 {src} | head -30",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [variant, variant, variant, skip, regenerate, lambda k: [table(k)]]
    return churn(ctx, rng, n, first, attempts, "the record checksum", up, body)


def magic_number_sniff_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A format sniffed from a stream the caller has already read from: the signature table, the length read and the decoding changed instead."""
    src, tf = ctx.source, ctx.test_file
    sniff = f"sniff_{ctx.stem}_format"
    magics = ctx.magics
    table = "\n".join(f"    {magic!r}: {label!r}," for label, magic in magics)
    body = f"_SIGNATURES = {{\n{table}\n}}\n\n\ndef {sniff}(fileobj):\n    head = fileobj.read(8)\n    for magic, kind in _SIGNATURES.items():\n        if head.startswith(magic):\n            return kind\n    raise ValueError('unrecognised {ctx.stem} data: %r' % head)\n"

    def stream(label: str, magic: bytes) -> bytes:
        return magic + noise(rng, 24 - len(magic))

    def unknown() -> Fail:
        label, magic = rng.choice(magics)
        data = stream(label, magic)
        at = rng.choice([len(data), 2, 4, 8, 16])
        return Fail(
            f"test_{ctx.stem}_sniff_{label.replace('-', '_').replace('.', '_')}",
            f"ValueError: unrecognised {ctx.stem} data: {data[at : at + 8]!r}",
            f"assert {sniff}(fh) == {label!r}",
            [(sniff, f"raise ValueError('unrecognised {ctx.stem} data: %r' % head)")],
        )

    def wrong() -> Fail:
        (label, _), (other, _) = rng.sample(magics, 2)
        return Fail(
            f"test_{ctx.stem}_sniff_{label.replace('-', '_').replace('.', '_')}",
            f"AssertionError: assert {rng.choice([repr(other), 'None'])} == {label!r}",
            f"assert {sniff}(fh) == {label!r}",
        )

    def text_mode() -> Fail:
        label, magic = rng.choice(magics)
        error = rng.choice(
            [
                "TypeError: startswith first arg must be str or a tuple of str, not bytes",
                "TypeError: startswith first arg must be bytes or a tuple of bytes, not str",
                f"UnicodeDecodeError: 'utf-8' codec can't decode byte {magic[0]:#04x} in position 0: invalid start byte"
                if magic[0] > 127
                else "TypeError: a bytes-like object is required, not 'str'",
            ]
        )
        return Fail(
            f"test_{ctx.stem}_load_{label.replace('-', '_').replace('.', '_')}",
            error,
            f"obj = load_{ctx.stem}(path)",
            [(f"load_{ctx.stem}", f"kind = {sniff}(fh)"), (sniff, "if head.startswith(magic):")],
        )

    def run(thought: str, makers: list[str]) -> Step:
        make = {"unknown": unknown, "wrong": wrong, "text": text_mode}
        fails = [make[m]() for m in makers]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -k sniff"]),
        )

    def attempt(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                ("fileobj.read(8)", "fileobj.read(16)", "read more bytes in case the signature is longer", ["unknown"]),
                (
                    "fileobj.read(8)",
                    "fileobj.read(4)",
                    "read only four bytes; the shortest signatures are shorter than eight",
                    ["unknown", "wrong"],
                ),
                (
                    "if head.startswith(magic):",
                    "if magic in head:",
                    "look for the signature anywhere in the head",
                    ["wrong", "unknown"],
                ),
                (
                    "if head.startswith(magic):",
                    "if head[: len(magic)] == magic[:2]:",
                    "compare the first two bytes only, they're distinctive enough",
                    ["wrong"],
                ),
                (
                    "head = fileobj.read(8)",
                    "head = fileobj.read(8).lstrip(b'\\xef\\xbb\\xbf\\x00')",
                    "strip a BOM or leading NULs before comparing",
                    ["unknown"],
                ),
                (
                    "head = fileobj.read(8)",
                    "head = fileobj.read(8)\n    if isinstance(head, str):\n        head = head.encode('latin-1')",
                    "accept text-mode streams by encoding what was read",
                    ["unknown", "text"],
                ),
                (
                    "head = fileobj.read(8)",
                    "head = bytes(fileobj.read(8), 'utf-8')",
                    "make sure the head is bytes",
                    ["text"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the sniffing tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def signature(k: int) -> list[Step]:
        label, magic = rng.choice(magics)
        short = magic[: max(2, len(magic) // 2)]
        return [
            Step(
                f"Maybe the {label} signature in the table is wrong. Let me shorten it to {short!r}.",
                py_edit(src, f"    {magic!r}: {label!r},", f"    {short!r}: {label!r},"),
                "patched",
            ),
            run("Run the tests.", rng.sample(["unknown", "wrong", "unknown"], 2)),
        ]

    def libmagic(k: int) -> list[Step]:
        return [
            Step(
                "Rather than keeping our own table, let me see whether python-magic is available to detect the format.",
                "python -c \"import magic; print(magic.from_file('"
                + ctx.fixture
                + "'))\" || pip install python-magic 2>&1 | tail -1",
                f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'magic'\nSuccessfully installed python-magic-0.4.{rng.choice([24, 27])}",
                seconds=rng.uniform(3, 12),
            ),
            Step(
                "Now try it.",
                "python -c \"import magic; print(magic.from_file('" + ctx.fixture + "'))\"",
                f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "{ctx.site}/magic/__init__.py", line {rng.choice([209, 216])}, in <module>\n    libmagic = loader.load_lib()\n  File "{ctx.site}/magic/loader.py", line 49, in load_lib\n    raise ImportError(\'failed to find libmagic.  Check your installation\')\nImportError: failed to find libmagic.  Check your installation',
                rc=1,
            ),
        ]

    def probe(k: int) -> Step:
        label, magic = rng.choice(magics)
        data = stream(label, magic)
        return Step(
            "Let me compare the sample's first bytes with what the sniffer sees.",
            f"xxd -l 16 {ctx.fixture}; python -c \"from {ctx.dotted} import {sniff}; print({sniff}(open('{ctx.fixture}', 'rb')))\"",
            xxd(data[:16]) + f"\n{label}",
        )

    first = [
        run("Let me run the format detection tests.", ["unknown", rng.choice(["unknown", "text"])]),
        Step(
            "Let me read the sniffing code.",
            f"grep -n '_SIGNATURES' -A14 {src} | head -30",
            f"{rng.randint(20, 300)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [attempt, attempt, signature, libmagic, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, "sniffing the file format from its magic number", sniff, body)
