"""The thirty-third held-out set (tests/heldout33): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout33 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT33_MD5 = "521b80832d1e9c3b013af049f872d855"


class TestHeldout33(TextAgentSetChecks):
    name = "heldout33"
    frozen_md5 = FROZEN_HELDOUT33_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{gen}", "{base}", "{meth}", "{copy}", "{issue}")

    def test_default_policy_on_the_thirty_third_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @5a14757), never tuned on:
        # loops stopped 2.0 % (1/50), none early, median delay 31, saved 1.3 %;
        # productive stopped 0 %, any action 0 %. Every loop family edits between its checks (tooling
        # fights, the wrong copy edited, tests bent to the symptom, polish), and an edit starts every count over.
        # The previous round's code (@2233982) measured the same: this round's changes did not reach it.
        self.assert_no_worse_than(replayed, stopped=0.02, delay=31, saved=0.0128, productive_stopped=0, acted_on=0)
