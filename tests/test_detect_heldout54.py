"""The fifty-fourth held-out set (tests/heldout54): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout54 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT54_MD5 = "be1eb0c8ca41be2cd8d3b9a67f124bbf"


class TestHeldout54(TextAgentSetChecks):
    name = "heldout54"
    frozen_md5 = FROZEN_HELDOUT54_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{old}",
        "{new}",
        "{what}",
        "{how}",
        "{fields}",
        "{model}",
        "{line}",
        "{limit",
        "{want}",
        "{hits}",
        "{peak}",
        "{rows}",
        "{seen}",
        "{spent",
        "{calls}",
        "{var}",
    )
