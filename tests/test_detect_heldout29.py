"""The twenty-ninth held-out set (tests/heldout29): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; no detector or policy has been run on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout29 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT29_MD5 = "6651e8e2478b0d9945305b329d341971"


class TestHeldout29(TextAgentSetChecks):
    name = "heldout29"
    frozen_md5 = FROZEN_HELDOUT29_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{cls}", "{repro", "{seed}", "{what}", "{dep", "{line}")
