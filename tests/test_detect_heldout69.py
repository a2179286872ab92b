"""The sixty-ninth held-out set (tests/heldout69): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout69 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT69_MD5 = "c5bc354663ae67d3130eaf208ffe61c0"


class TestHeldout69(TextAgentSetChecks):
    name = "heldout69"
    frozen_md5 = FROZEN_HELDOUT69_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{nat",
        "{src}",
        "{setup}",
        "{sym}",
        "{lib}",
        "{libname}",
        "{mdir}",
        "{make}",
        "{header}",
        "{where}",
        "{pxd}",
        "{pkg}",
        "{marker}",
        "{dist}",
        "{member}",
        "{line}",
        "{stem}",
        "{cmv}",
    )
