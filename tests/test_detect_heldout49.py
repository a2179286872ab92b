"""The forty-ninth held-out set (tests/heldout49): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end
of the round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout49 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT49_MD5 = "3dafd0731489f3d079296f1808573cc1"


class TestHeldout49(TextAgentSetChecks):
    name = "heldout49"
    frozen_md5 = FROZEN_HELDOUT49_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{node}",
        "{line}",
        "{case}",
        "{how}",
        "{sep}",
        "{old}",
        "{new}",
        "{flag}",
        "{env}",
        "{mod}",
    )
