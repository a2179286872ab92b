"""The thirty-fourth held-out set (tests/heldout34): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout34 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT34_MD5 = "7393fa34beead47d5c620329e226c9df"


class TestHeldout34(TextAgentSetChecks):
    name = "heldout34"
    frozen_md5 = FROZEN_HELDOUT34_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{site}", "{stem", "{dep}", "{seed}", "{word}", "{needle}", "{kind}", "{what}")

    def test_default_policy_on_the_thirty_fourth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @127c547), never tuned on:
        # loops stopped 42.0 % (21/50), none early, median delay 19, saved 15.1 %;
        # productive stopped 0 %, any action 0 %. Failures that will not reproduce pass every check,
        # and red herrings are chased with edits in between: deprecation-warning-herring and
        # log-line-herring 1/7 each.
        # The previous round's code (@2233982) measured the same.
        self.assert_no_worse_than(replayed, stopped=0.42, delay=19, saved=0.15, productive_stopped=0, acted_on=0)
