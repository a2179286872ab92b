"""The thirty-second held-out set (tests/heldout32): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout32 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT32_MD5 = "6ad9473cdef73382d1cff6e71f458263"


class TestHeldout32(TextAgentSetChecks):
    name = "heldout32"
    frozen_md5 = FROZEN_HELDOUT32_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{kw}", "{mod}", "{got}", "{want}", "{plan}", "{why}", "{top}", "{callers}")

    def test_default_policy_on_the_thirty_second_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @5a14757), never tuned on:
        # loops stopped 58.0 % (29/50), none early, median delay 19, saved 29.9 %;
        # productive stopped 0 %, any action 1.2 % (1/80: a failures-narrowed episode).
        # The previous round's code (@2233982) measured the same: this round's changes did not reach it.
        # Pinned at this round's figures (main @a865015: `relapse`, echoed statuses, locked databases).
        self.assert_no_worse_than(replayed, stopped=0.74, delay=19, saved=0.396, productive_stopped=0, acted_on=0.0125)
