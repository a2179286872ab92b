"""The forty-third held-out set (tests/heldout43): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout43 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT43_MD5 = "5a2fdb9515f30ccf1c51df90afda5a69"


class TestHeldout43(TextAgentSetChecks):
    name = "heldout43"
    frozen_md5 = FROZEN_HELDOUT43_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{app}", "{model}", "{fx}", "{port}", "{mdir}", "{test}", "{pid}", "{old}", "{bad}")

    def test_default_policy_on_the_forty_third_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 24.0 % (12/50), none early, median delay 17.5, saved 11.4 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@3b3348c):
        # 20.0 %, 17, 11.1 %; 0 %, 1.25 %.
        # Pinned at this round's figures (main @a865015: `relapse`, echoed statuses, locked databases).
        self.assert_no_worse_than(
            replayed, stopped=0.36, delay=17.5, saved=0.163, productive_stopped=0, acted_on=0.0125
        )
