"""The twenty-ninth held-out set (tests/heldout29): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout29 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT29_MD5 = "6651e8e2478b0d9945305b329d341971"


class TestHeldout29(TextAgentSetChecks):
    name = "heldout29"
    frozen_md5 = FROZEN_HELDOUT29_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{cls}", "{repro", "{seed}", "{what}", "{dep", "{line}")

    def test_default_policy_on_the_twenty_ninth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @93f9b4d), never tuned on: loops stopped
        # 38.0 % (19/50), none early, median delay 20, saved 14.9 %;
        # productive stopped 0 % (0/80), any action 1.2 % (1/80).
        # The fix made after it (a bisect step is a change to the code, for `unchanged`) changed nothing here.
        self.assert_no_worse_than(replayed, stopped=0.38, delay=20, saved=0.149, productive_stopped=0, acted_on=0.0125)
