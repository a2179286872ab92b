"""The thirty-first held-out set (tests/heldout31): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the measurement is added once, at the end of
the round that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout31 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT31_MD5 = "8939ca18a15e5c3f7042a0666b112caf"


class TestHeldout31(TextAgentSetChecks):
    name = "heldout31"
    frozen_md5 = FROZEN_HELDOUT31_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{host",
        "{pkg",
        "{pr}",
        "{bucket",
        "{remote",
        "{proc",
        "{test}",
        "{where",
        "{var}",
        "{url}",
    )
