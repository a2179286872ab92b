"""The forty-fifth held-out set (tests/heldout45): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout45 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT45_MD5 = "9a482c5224ff4a2f708af00a4e2615fa"


class TestHeldout45(TextAgentSetChecks):
    name = "heldout45"
    frozen_md5 = FROZEN_HELDOUT45_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{t}",
        "{rt}",
        "{tag}",
        "{style}",
        "{word}",
        "{typed}",
        "{atom}",
        "{xlink}",
        "{mode}",
        "{line}",
        "{col}",
        "{pointer}",
        "{found}",
        "{msgs}",
        "{read}",
        "{write}",
        "{feed}",
    )
