"""HELDOUT7: a seventh held-out set, spliced from the dev set's real gemini-3-pro mini-swe-agent runs and
frozen by checksum before anyone measured detection on it.

Loops keep a real run's exploring opening and replace the rest with a tail of a loop family; productive
sessions insert an episode of legitimate repetition into a real resolved run, which then goes on as it
did. `build.write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md.
"""
