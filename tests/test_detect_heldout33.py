"""The thirty-third held-out set (tests/heldout33): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the integrator adds its one measurement.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout33 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT33_MD5 = "521b80832d1e9c3b013af049f872d855"


class TestHeldout33(TextAgentSetChecks):
    name = "heldout33"
    frozen_md5 = FROZEN_HELDOUT33_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{gen}", "{base}", "{meth}", "{copy}", "{issue}")
