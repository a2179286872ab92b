"""The eighth set's toolchains, by name."""

from __future__ import annotations

from .chains_a import BAZEL, NIX, PERL
from .chains_b import ADA, CRYSTAL, ELM
from .kit import Toolchain

TOOLCHAINS: dict[str, Toolchain] = {tc.name: tc for tc in (BAZEL, NIX, PERL, CRYSTAL, ELM, ADA)}
