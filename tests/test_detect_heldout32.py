"""The thirty-second held-out set (tests/heldout32): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout32 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT32_MD5 = "6ad9473cdef73382d1cff6e71f458263"


class TestHeldout32(TextAgentSetChecks):
    name = "heldout32"
    frozen_md5 = FROZEN_HELDOUT32_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{kw}", "{mod}", "{got}", "{want}", "{plan}", "{why}", "{top}", "{callers}")
