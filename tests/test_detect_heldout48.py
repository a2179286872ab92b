"""The forty-eighth held-out set (tests/heldout48): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout48 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT48_MD5 = "f76952dab0705c554938b14b1ae012b6"


class TestHeldout48(TextAgentSetChecks):
    name = "heldout48"
    frozen_md5 = FROZEN_HELDOUT48_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{test}",
        "{sent}",
        "{old}",
        "{new}",
        "{page}",
        "{hops}",
        "{total}",
        "{param}",
        "{flag}",
        "{mode}",
        "{why}",
        "{host}",
        "{loc}",
        "{cassette}",
        "{size}",
    )
