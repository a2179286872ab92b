"""The thirty-fifth held-out set (tests/heldout35): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout35 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT35_MD5 = "a3781153aaddbdacb009da775e3f6074"


class TestHeldout35(TextAgentSetChecks):
    name = "heldout35"
    frozen_md5 = FROZEN_HELDOUT35_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{stem", "{site}", "{what}", "{gw}", "{big}", "{script")

    def test_default_policy_on_the_thirty_fifth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @127c547), never tuned on:
        # loops stopped 80.0 % (40/50), none early, median delay 12, saved 53.6 %;
        # productive stopped 0 %, any action 2.5 % (2/80: two real-resolved runs warned or nudged).
        # The previous round's code (@2233982): 78.0 %, 12, 52.4 %; 0 %, 2.5 %: `same_error`'s errors coming
        # back since the change stopped one more loop and acted earlier on six (CUDA on a CPU-only box, huge files).
        self.assert_no_worse_than(replayed, stopped=0.8, delay=12, saved=0.535, productive_stopped=0, acted_on=0.025)
