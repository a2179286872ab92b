"""The twenty-sixth held-out set (tests/heldout26): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout26 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT26_MD5 = "873ef3dea76454fa9a2f8b94d32e1a78"


class TestHeldout26(TextAgentSetChecks):
    name = "heldout26"
    frozen_md5 = FROZEN_HELDOUT26_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{src}", "{stem", "{cls}", "{repro", "{real}", "{what}", "{guess}")

    def test_default_policy_on_the_twenty_sixth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 32.0 % (16/50), none early, median delay 17.5, saved 15.5 %;
        # productive stopped 0 % (0/80), any action 2.5 % (2/80). With the `unchanged` detector: 48.0 %, 18
        # (over-verification 2/7 → 4/7, wrong-test-selected 0/7 → 6/7, stopped late), 25.8 %; 0 %, 2.5 %.
        # Pinned at this round's figures (main @a865015: `relapse`, echoed statuses, locked databases).
        self.assert_no_worse_than(replayed, stopped=0.54, delay=18, saved=0.299, productive_stopped=0, acted_on=0.025)
