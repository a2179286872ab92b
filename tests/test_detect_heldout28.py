"""The twenty-eighth held-out set (tests/heldout28): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout28 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT28_MD5 = "3c40d75ab3877b618d754262f5ac4fbf"


class TestHeldout28(TextAgentSetChecks):
    name = "heldout28"
    frozen_md5 = FROZEN_HELDOUT28_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{repro", "{what}", "{broken}", "{good}")

    def test_default_policy_on_the_twenty_eighth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @93f9b4d), never tuned on: loops stopped
        # 40.0 % (20/50), none early, median delay 13.5, saved 18.8 %;
        # productive stopped 0 % (0/80), any action 2.5 % (2/80).
        # After the fix made from heldout30's stopped bisects (git checking out other code is a change to
        # the code, for `unchanged` too): 30.0 %, 16, 13.7 %; 0 %, 0 %.
        self.assert_no_worse_than(replayed, stopped=0.30, delay=16, saved=0.137, productive_stopped=0, acted_on=0)
