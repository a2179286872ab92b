"""The fifty-third held-out set (tests/heldout53): frozen before anything was measured on it.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout53 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT53_MD5 = "102476781389f3fe8ce81127e7611c2e"


class TestHeldout53(TextAgentSetChecks):
    name = "heldout53"
    frozen_md5 = FROZEN_HELDOUT53_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{mod}",
        "{wrap}",
        "{line}",
        "{test}",
        "{term}",
        "{pattern}",
        "{clause}",
        "{BASE}",
        "{now",
    )
