"""Regulator keys: `rg-` + 32 url-safe random characters; only their hash is ever stored.

SHA-256 without salt or stretching is enough here because the keys are not passwords: 24 random
bytes (192 bits) from `secrets` cannot be guessed or brute-forced from a leaked hash, so a slow
KDF would buy nothing, while a plain digest lets the gateway look a key up by its hash in one
indexed read.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "rg-"
KEY_ID_PREFIX = "key_"
DISPLAY_CHARS = 6


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)  # 24 bytes → 32 characters


def generate_key_id() -> str:
    return KEY_ID_PREFIX + secrets.token_hex(6)


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def display_prefix(plaintext: str) -> str:
    return plaintext.removeprefix(KEY_PREFIX)[:DISPLAY_CHARS]


def looks_like_key(text: str) -> bool:
    return text.startswith(KEY_PREFIX)
