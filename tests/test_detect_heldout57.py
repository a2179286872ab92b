"""The fifty-seventh held-out set (tests/heldout57): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end
of the round that integrates it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout57 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT57_MD5 = "70d37eef0b40cae61b747c4e23887075"


class TestHeldout57(TextAgentSetChecks):
    name = "heldout57"
    frozen_md5 = FROZEN_HELDOUT57_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{test}",
        "{want}",
        "{flush}",
        "{add}",
        "{where}",
        "{phase",
        "{new}",
        "{old}",
        "{line}",
        "{case}",
        "{names",
    )
