"""The forty-third held-out set (tests/heldout43): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; the measurement is added once, by the
round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout43 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT43_MD5 = "5a2fdb9515f30ccf1c51df90afda5a69"


class TestHeldout43(TextAgentSetChecks):
    name = "heldout43"
    frozen_md5 = FROZEN_HELDOUT43_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{app}", "{model}", "{fx}", "{port}", "{mdir}", "{test}", "{pid}", "{old}", "{bad}")
