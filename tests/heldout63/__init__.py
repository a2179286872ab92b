"""The sixty-third held-out set: bytes and binary data loops and look-alike productive work spliced into real runs."""
