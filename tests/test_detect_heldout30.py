"""The thirtieth held-out set (tests/heldout30): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout30 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT30_MD5 = "928f065adf2df3e6154a57735af559f7"


class TestHeldout30(TextAgentSetChecks):
    name = "heldout30"
    frozen_md5 = FROZEN_HELDOUT30_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{site}", "{stem", "{port}", "{host", "{loc}", "{what}", "{mod}")

    def test_default_policy_on_the_thirtieth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @93f9b4d), never tuned on: loops stopped
        # 34.0 % (17/50), none early, median delay 15, saved 13.4 %;
        # productive stopped 8.8 % (7/80: every bisect-landed episode, by `unchanged`), any action 10.0 % (8/80).
        # Then `unchanged` was made to count a bisect step (git checking out other code) as a change, as
        # `same_error` did: tuned on this set's stopped productive sessions, so no longer held out. After it:
        # 20.0 %, 14.5, 8.2 %; 0 %, 1.2 %.
        # With `same_error`'s errors coming back since the change (the next round): 24.0 %, 15.5, 9.1 %;
        # 0 %, 1.2 % — two loops more, stopped late.
        # Pinned at this round's figures (main @a865015: `relapse`, echoed statuses, locked databases).
        self.assert_no_worse_than(
            replayed, stopped=0.34, delay=15.5, saved=0.114, productive_stopped=0, acted_on=0.0125
        )
