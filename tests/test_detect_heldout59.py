"""The fifty-ninth held-out set (tests/heldout59): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout59 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT59_MD5 = "5da7b4a9a25a64ca8b1975f12fa813b5"


class TestHeldout59(TextAgentSetChecks):
    name = "heldout59"
    frozen_md5 = FROZEN_HELDOUT59_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{body}",
        "{case}",
        "{attr}",
        "{a1}",
        "{a2}",
        "{a3}",
        "{a4}",
        "{m1}",
        "{m2}",
        "{s3}",
        "{k1}",
        "{k2}",
        "{pair}",
        "{meta}",
        "{mixin}",
        "{proxy}",
        "{wrapped}",
        "{hidden}",
        "{desc}",
        "{conf}",
        "{sub}",
        "{d1}",
        "{d2}",
        "{coll}",
        "{verb}",
        "{default}",
        "{cleanup}",
        "{prop}",
        "{opts}",
        "{level}",
        "{text_cls}",
        "{target}",
        "{line}",
        "{start}",
        "{why}",
    )
