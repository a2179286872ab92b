"""The thirty-sixth held-out set (tests/heldout36): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout36 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT36_MD5 = "59aed48c6931a372a974fd5b9784fc99"


class TestHeldout36(TextAgentSetChecks):
    name = "heldout36"
    frozen_md5 = FROZEN_HELDOUT36_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{sha(",
        "{line}",
        "{sub}",
        "{tag",
        "{want",
        "{have",
        "{lost",
        "{ref}",
        "{first",
        "{second",
        "{total",
        "{url}",
        "{message}",
        "{commit}",
    )
