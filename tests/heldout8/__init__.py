"""HELDOUT8: an eighth held-out set of labelled traces, written from a description of families and
frozen by checksum before anyone measured detection on it.

Domain: a fisheries catch-reporting system (quotas, landing declarations, logbooks, species codes,
vessel positions). Toolchains: a Bazel monorepo, Nix flakes, Perl, Crystal, Elm, and Ada with
Alire/GNAT; all eight agent shapes of tests/heldout and tests/heldout2, each on two models that
`regulator prices` knows. `build.write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in
docs/trace-format.md.
"""
