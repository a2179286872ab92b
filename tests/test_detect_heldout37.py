"""The thirty-seventh held-out set (tests/heldout37): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the measurement is added once, at the end of
the round that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout37 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT37_MD5 = "6716d6973b9b9bf71513b9fd44b66404"


class TestHeldout37(TextAgentSetChecks):
    name = "heldout37"
    frozen_md5 = FROZEN_HELDOUT37_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{group}", "{plugin}", "{var}", "{ver}", "{other}", "{target}", "{docs}", "{line}", "{sv}")
