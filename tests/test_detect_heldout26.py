"""The twenty-sixth held-out set (tests/heldout26): built the same every time, frozen, and shaped as it claims.

Its checksum was frozen before anything was measured on it; nothing here replays it through a detector.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout26 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT26_MD5 = "873ef3dea76454fa9a2f8b94d32e1a78"


class TestHeldout26(TextAgentSetChecks):
    name = "heldout26"
    frozen_md5 = FROZEN_HELDOUT26_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{cls}", "{repro", "{real}", "{what}", "{guess}")
