"""The forty-first held-out set (tests/heldout41): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout41 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT41_MD5 = "13ac60bb8a35f991cb0f237cc646e1cd"


class TestHeldout41(TextAgentSetChecks):
    name = "heldout41"
    frozen_md5 = FROZEN_HELDOUT41_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{var}", "{line}", "{script}", "{dotted}")

    def test_default_policy_on_the_forty_first_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 46.0 % (23/50), none early, median delay 21, saved 14.9 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@3b3348c):
        # 46.0 %, 21, 14.9 %; 0 %, 1.25 %.
        self.assert_no_worse_than(replayed, stopped=0.46, delay=21, saved=0.148, productive_stopped=0, acted_on=0.0125)
