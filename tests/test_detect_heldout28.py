"""The twenty-eighth held-out set (tests/heldout28): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; it is to be replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout28 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT28_MD5 = "3c40d75ab3877b618d754262f5ac4fbf"


class TestHeldout28(TextAgentSetChecks):
    name = "heldout28"
    frozen_md5 = FROZEN_HELDOUT28_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{repro", "{what}", "{broken}", "{good}")
