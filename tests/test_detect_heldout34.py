"""The thirty-fourth held-out set (tests/heldout34): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the measurement is added once, by whoever
replays it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout34 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT34_MD5 = "7393fa34beead47d5c620329e226c9df"


class TestHeldout34(TextAgentSetChecks):
    name = "heldout34"
    frozen_md5 = FROZEN_HELDOUT34_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{site}", "{stem", "{dep}", "{seed}", "{word}", "{needle}", "{kind}", "{what}")
