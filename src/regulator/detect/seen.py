"""What a session has seen, in a fixed few KB: shingle hashes in two generations of bitmaps.

An exact set of every 4-gram hash a session produced costs ~60 bytes an entry (a Python int plus
its slot), so a conversation with 40 KB of tool results kept ~35 KB of detector state, and an
unthreaded harness (every call a new session, its whole context new) made that the cost of every
call. This keeps two bitmaps of `BITS` bits instead: a hash is seen when both of its bits are set
in either one. Hashes go into the younger (seen again, they are recent again); once it has taken
`CAPACITY` of them it becomes the older and the older is dropped. So memory is fixed (at most
2 × BITS / 8 bytes, the second allocated only when a session gets that far); the session remembers
at least its last CAPACITY shingles (~10 KB of distinct text, more when it repeats itself, which
is what the detector looks for); and a hash never seen passes for seen under 1 % of the time per
bitmap (its two bits among ≤ 2 × CAPACITY set of BITS): novelty reads a little low when the
bitmaps are full, never high. The detector's threshold is a novelty of 10 %, so the error must stay
well below that: at 2,000 hashes a generation it was ~5 % and tipped productive sessions of the dev
traces into no-progress stops; at 700 it is ~0.7 %.

Hashes must be stable across processes (`stable_hash`, not `hash()`, which Python salts per
process): a replay of the same traces gives the same verdicts every time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

BITS = 1 << 14  # per generation: 2 KB
CAPACITY = 700  # hashes a generation takes before it turns over
_MASK = BITS - 1
_SHIFT = 32  # the second bit comes from the second CRC


def stable_hash(text: str) -> int:
    """A 64-bit hash of `text`, the same in every process (two CRC-32s: C speed, no salt)."""
    return stable_hashes((text,))[0]


def stable_hashes(texts: Iterable[str]) -> list[int]:
    """`stable_hash` of each text, in one loop: a result has hundreds of shingles."""
    crc32, seed = zlib.crc32, _SECOND_SEED
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    return [crc32(data) | crc32(data, seed) << 32 for data in encoded]


_SECOND_SEED = 0x9E3779B9


class RecentHashes:
    """A fixed-size, approximate set of recent hashes (see the module docstring)."""

    __slots__ = ("_count", "_older", "_young")

    def __init__(self) -> None:
        self._young: bytearray | None = None
        self._older: bytearray | None = None
        self._count = 0

    def add_new(self, hashes: Iterable[int]) -> int:
        """Add `hashes`; return how many of them were not seen before."""
        new = 0
        young, older, count = self._young, self._older, self._count  # locals: hundreds of hashes a call
        if young is None:
            young = self._young = bytearray(BITS >> 3)
        for h in hashes:
            a = h & _MASK
            b = (h >> _SHIFT) & _MASK
            a_byte, a_bit, b_byte, b_bit = a >> 3, 1 << (a & 7), b >> 3, 1 << (b & 7)
            if young[a_byte] & a_bit and young[b_byte] & b_bit:
                continue
            if older is None or not (older[a_byte] & a_bit and older[b_byte] & b_bit):
                new += 1
            # Seen again or for the first time, it is recent: the younger bitmap keeps it.
            young[a_byte] |= a_bit
            young[b_byte] |= b_bit
            count += 1
            if count >= CAPACITY:
                older, young, count = young, bytearray(BITS >> 3), 0
                self._older, self._young = older, young
        self._count = count
        return new

    def nbytes(self) -> int:
        """Memory held by the bitmaps."""
        return sum(len(bits) for bits in (self._young, self._older) if bits is not None)
