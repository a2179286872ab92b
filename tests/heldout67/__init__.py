"""The sixty-seventh held-out set: security primitives (hashing, HMAC, JWT, tokens, TLS) spliced into real runs."""
