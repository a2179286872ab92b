from __future__ import annotations

import hashlib
import re

from regulator.store import hash_key
from regulator.store.keys import display_prefix, generate_key, generate_key_id, looks_like_key


def test_generated_key_is_rg_prefix_and_32_url_safe_chars() -> None:
    key = generate_key()
    assert re.fullmatch(r"rg-[A-Za-z0-9_-]{32}", key)
    assert looks_like_key(key)


def test_generated_keys_and_ids_do_not_repeat() -> None:
    assert len({generate_key() for _ in range(1000)}) == 1000
    assert len({generate_key_id() for _ in range(1000)}) == 1000


def test_key_id_is_short_and_not_a_key() -> None:
    key_id = generate_key_id()
    assert re.fullmatch(r"key_[0-9a-f]{12}", key_id)
    assert not looks_like_key(key_id)


def test_hash_is_sha256_hex_of_the_key() -> None:
    key = "rg-abcdefghijklmnopqrstuvwxyz012345"
    assert hash_key(key) == hashlib.sha256(key.encode()).hexdigest()
    assert hash_key(key) != hash_key(key + "x")


def test_display_prefix_is_six_chars_after_rg() -> None:
    assert display_prefix("rg-abcdefghijkl") == "abcdef"
