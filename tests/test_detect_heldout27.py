"""The twenty-seventh held-out set (tests/heldout27): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout27 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT27_MD5 = "1fef69bcdbdc2afc841f070e938cf462"


class TestHeldout27(TextAgentSetChecks):
    name = "heldout27"
    frozen_md5 = FROZEN_HELDOUT27_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{cls}", "{repro", "{mod}", "{site}", "{dist", "{want}", "{loc}", "{ip}")

    def test_default_policy_on_the_twenty_seventh_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @93f9b4d), never tuned on: loops stopped
        # 42.0 % (21/50), none early, median delay 25, saved 10.5 %;
        # productive stopped 0 % (0/80), any action 0 % (0/80).
        # After the fix made from heldout30's stopped bisects (git checking out other code is a change to
        # the code, for `unchanged` too): 38.0 %, 24, 10.3 %; 0 %, 0 %.
        # With `same_error`'s errors coming back since the change (the next round, tuned on the sets before
        # heldout31): 44.0 %, 24.5, 11.7 %; 0 %, 0 % — three walls more, stopped late.
        self.assert_no_worse_than(replayed, stopped=0.44, delay=24.5, saved=0.116, productive_stopped=0, acted_on=0)
