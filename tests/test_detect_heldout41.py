"""The forty-first held-out set (tests/heldout41): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; no detector or policy has been run on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout41 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT41_MD5 = "13ac60bb8a35f991cb0f237cc646e1cd"


class TestHeldout41(TextAgentSetChecks):
    name = "heldout41"
    frozen_md5 = FROZEN_HELDOUT41_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{var}", "{line}", "{script}", "{dotted}")
