"""The sixty-second held-out set (tests/heldout62): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout62 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT62_MD5 = "a10d3f1a2c319088f2a5139eecf18667"


class TestHeldout62(TextAgentSetChecks):
    name = "heldout62"
    frozen_md5 = FROZEN_HELDOUT62_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{sub}",
        "{attr}",
        "{proto}",
        "{impl}",
        "{reg}",
        "{node}",
        "{ls}",
        "{alt}",
        "{mod}",
        "{bare}",
        "{hint}",
        "{pkg}",
        "{cfg}",
        "{code}",
        "{module}",
        "{line}",
        "{case}",
        "{body}",
        "{where",
        "{py2}",
        "{lst",
        "{dct",
    )
