"""The thirty-first held-out set (tests/heldout31): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout31 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT31_MD5 = "8939ca18a15e5c3f7042a0666b112caf"


class TestHeldout31(TextAgentSetChecks):
    name = "heldout31"
    frozen_md5 = FROZEN_HELDOUT31_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{host",
        "{pkg",
        "{pr}",
        "{bucket",
        "{remote",
        "{proc",
        "{test}",
        "{where",
        "{var}",
        "{url}",
    )

    def test_default_policy_on_the_thirty_first_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @5a14757), never tuned on:
        # loops stopped 72.0 % (36/50), none early, median delay 15.5, saved 34.4 %;
        # productive stopped 0 %, any action 1.2 % (1/80: an index-credentials-fixed episode).
        # The previous round's code (@2233982) measured the same: this round's changes did not reach it.
        self.assert_no_worse_than(
            replayed, stopped=0.72, delay=15.5, saved=0.344, productive_stopped=0, acted_on=0.0125
        )
