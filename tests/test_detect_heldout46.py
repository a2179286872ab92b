"""The forty-sixth held-out set (tests/heldout46): frozen, shaped as it claims, to be measured once.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end of
the round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout46 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT46_MD5 = "b4e3ce70d56d4d66f97ff36cfcf66988"


class TestHeldout46(TextAgentSetChecks):
    name = "heldout46"
    frozen_md5 = FROZEN_HELDOUT46_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{z.",
        "{f}",
        "{ms}",
        "{dd}",
        "{mon}",
        "{now}",
        "{year}",
        "{day}",
        "{gap}",
        "{want}",
        "{got}",
        "{line}",
        "{start}",
        "{env}",
        "{where}",
        "{body}",
        "{kind}",
        "{case",
        "{approach",
    )
