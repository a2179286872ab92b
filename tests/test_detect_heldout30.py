"""The thirtieth held-out set (tests/heldout30): frozen, shaped as it claims, unmeasured.

Its checksum was frozen before anything was measured on it; it is to be replayed once, at the end of the
round, with the final detection code, and never tuned on.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout30 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT30_MD5 = "928f065adf2df3e6154a57735af559f7"


class TestHeldout30(TextAgentSetChecks):
    name = "heldout30"
    frozen_md5 = FROZEN_HELDOUT30_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{site}", "{stem", "{port}", "{host", "{loc}", "{what}", "{mod}")
