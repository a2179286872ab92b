"""The thirty-ninth held-out set (tests/heldout39): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout39 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT39_MD5 = "73d921d63b71bc93a533c6fbc9fd8572"


class TestHeldout39(TextAgentSetChecks):
    name = "heldout39"
    frozen_md5 = FROZEN_HELDOUT39_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{rows}", "{cols}", "{ver}", "{big}", "{wrapped}", "{size}", "{short}", "{fix}")
