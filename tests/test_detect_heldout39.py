"""The thirty-ninth held-out set (tests/heldout39): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout39 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT39_MD5 = "73d921d63b71bc93a533c6fbc9fd8572"


class TestHeldout39(TextAgentSetChecks):
    name = "heldout39"
    frozen_md5 = FROZEN_HELDOUT39_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{rows}", "{cols}", "{ver}", "{big}", "{wrapped}", "{size}", "{short}", "{fix}")

    def test_default_policy_on_the_thirty_ninth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 12.0 % (6/50), none early, median delay 26.5, saved 5.6 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@3b3348c):
        # 2.0 %, 17, 2.4 %; 0 %, 1.25 %. The five loops added are retried_edit's (new this round).
        self.assert_no_worse_than(
            replayed, stopped=0.12, delay=26.5, saved=0.055, productive_stopped=0, acted_on=0.0125
        )
