"""The fiftieth held-out set (tests/heldout50): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout50 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT50_MD5 = "506b0e44c995661117b1dbeacbcc55ba"


class TestHeldout50(TextAgentSetChecks):
    name = "heldout50"
    frozen_md5 = FROZEN_HELDOUT50_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{repro",
        "{wanted}",
        "{out}",
        "{strip}",
        "{imp}",
        "{kw}",
        "{body}",
        "{why}",
        "{last}",
        "{cut}",
        "{keep}",
        "{module}",
        "{guess}",
        "{rows}",
        "{frames}",
        "{shown}",
    )
