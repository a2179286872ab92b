"""The fifty-fifth held-out set (tests/heldout55): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end of
the round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout55 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT55_MD5 = "36b8fa9e1fa36c204d5c559a274d2e05"


class TestHeldout55(TextAgentSetChecks):
    name = "heldout55"
    frozen_md5 = FROZEN_HELDOUT55_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{rel}",
        "{case}",
        "{line}",
        "{fixed}",
        "{var}",
        "{old}",
        "{new}",
        "{sub",
        "{got",
        "{want",
        "{leaf}",
        "{stale}",
        "{tests}",
        "{body}",
        "{tmp}",
        "{stem}",
        "{workers",
    )
