"""The forty-fourth held-out set (tests/heldout44): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; the measurement is added by the integrator,
once, with that round's detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout44 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT44_MD5 = "9151168b7ee2e4bf12f6613619510987"


class TestHeldout44(TextAgentSetChecks):
    name = "heldout44"
    frozen_md5 = FROZEN_HELDOUT44_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{target}",
        "{other}",
        "{broke}",
        "{now}",
        "{old}",
        "{new}",
        "{case}",
        "{line}",
        "{given}",
        "{wanted}",
    )
