"""HELDOUT6: a sixth held-out set of labelled traces, written from a description of families and frozen
by checksum before anyone measured detection on it.

Toolchains: Deno, Bun, Gleam, GnuCOBOL, Solidity with Foundry, and Fortran with fpm; all eight agent
shapes of tests/heldout and tests/heldout2, each on two models that `regulator prices` knows.
`build.write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md.
"""
