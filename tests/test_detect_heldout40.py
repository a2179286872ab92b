"""The fortieth held-out set (tests/heldout40): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout40 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT40_MD5 = "b408212efac44a1982fa04709df0eb02"


class TestHeldout40(TextAgentSetChecks):
    name = "heldout40"
    frozen_md5 = FROZEN_HELDOUT40_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{pid", "{limit}", "{reps}", "{mode}", "{cmd}", "{lib}", "{spec}")
