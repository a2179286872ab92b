"""The fifty-sixth held-out set (tests/heldout56): frozen and shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout56 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT56_MD5 = "c221b1c6b7b165fcbf3a9fb6ac72ff3c"


class TestHeldout56(TextAgentSetChecks):
    name = "heldout56"
    frozen_md5 = FROZEN_HELDOUT56_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{lang}",
        "{loc}",
        "{po}",
        "{mo}",
        "{en}",
        "{tr}",
        "{rule}",
        "{old}",
        "{new}",
        "{word}",
        "{line}",
        "{state",
    )
