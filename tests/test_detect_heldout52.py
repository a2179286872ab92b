"""The fifty-second held-out set (tests/heldout52): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end of
the round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout52 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT52_MD5 = "ba023f99235cbda67ddaf44fe8eb518f"


class TestHeldout52(TextAgentSetChecks):
    name = "heldout52"
    frozen_md5 = FROZEN_HELDOUT52_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{bare}",
        "{p!r}",
        "{m!r}",
        "{v!r}",
        "{src}",
        "{line}",
        "{func}",
        "{level}",
        "{spec}",
    )
