"""The fortieth held-out set (tests/heldout40): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout40 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT40_MD5 = "b408212efac44a1982fa04709df0eb02"


class TestHeldout40(TextAgentSetChecks):
    name = "heldout40"
    frozen_md5 = FROZEN_HELDOUT40_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{pid", "{limit}", "{reps}", "{mode}", "{cmd}", "{lib}", "{spec}")

    def test_default_policy_on_the_fortieth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 16.0 % (8/50), none early, median delay 25.5, saved 4.7 %;
        # productive stopped 0 %, any action 0.00 % (0/80). The previous round's code (@3b3348c):
        # 8.0 %, 28.5, 2.3 %; 0 %, 0.00 %. Three of the four loops added are retried_edit's.
        # Pinned at this round's figures (main @a865015: `relapse`, echoed statuses, locked databases).
        self.assert_no_worse_than(replayed, stopped=0.26, delay=25.5, saved=0.086, productive_stopped=0, acted_on=0)
