"""The thirty-fifth held-out set (tests/heldout35): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the measurement is added once, by whoever
replays it at the end of the round, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout35 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT35_MD5 = "a3781153aaddbdacb009da775e3f6074"


class TestHeldout35(TextAgentSetChecks):
    name = "heldout35"
    frozen_md5 = FROZEN_HELDOUT35_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{stem", "{site}", "{what}", "{gw}", "{big}", "{script")
