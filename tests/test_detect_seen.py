"""What a session has seen, in fixed memory: exact enough for novelty, never growing."""

from __future__ import annotations

import random

from regulator.detect.seen import BITS, CAPACITY, RecentHashes


def hashes(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(64) - 2**63 for _ in range(n)]


def test_each_hash_is_new_once() -> None:
    seen = RecentHashes()
    batch = hashes(500, 1)
    assert seen.add_new(batch) == 500
    assert seen.add_new(batch) == 0
    assert seen.add_new(batch[:10] + hashes(20, 2)) == 20


def test_memory_is_two_bitmaps_at_most_however_much_is_added() -> None:
    seen = RecentHashes()
    for seed in range(20):
        seen.add_new(hashes(CAPACITY, seed))
    assert seen.nbytes() <= 2 * BITS // 8


def test_a_full_bitmap_takes_few_new_hashes_for_seen_ones() -> None:
    seen = RecentHashes()
    seen.add_new(hashes(2 * CAPACITY - 1, 3))  # both generations as full as they get
    fresh = hashes(10_000, 4)
    assert seen.add_new(fresh[:5_000]) >= 0.9 * 5_000  # novelty reads at most ~10 % low


def test_what_was_seen_recently_survives_turnover_and_the_oldest_is_forgotten() -> None:
    seen = RecentHashes()
    old, kept = hashes(CAPACITY // 2, 5), hashes(CAPACITY // 2, 6)
    seen.add_new(old + kept)
    for seed in range(7, 9):
        seen.add_new(kept)  # seen again: recent again, so it moves to the younger bitmap
        seen.add_new(hashes(CAPACITY // 2, seed))
    assert seen.add_new(kept) <= 0.1 * len(kept)
    assert seen.add_new(old) >= 0.9 * len(old)
