"""The thirty-sixth held-out set (tests/heldout36): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout36 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT36_MD5 = "59aed48c6931a372a974fd5b9784fc99"


class TestHeldout36(TextAgentSetChecks):
    name = "heldout36"
    frozen_md5 = FROZEN_HELDOUT36_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{sha(",
        "{line}",
        "{sub}",
        "{tag",
        "{want",
        "{have",
        "{lost",
        "{ref}",
        "{first",
        "{second",
        "{total",
        "{url}",
        "{message}",
        "{commit}",
    )

    def test_default_policy_on_the_thirty_sixth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @8d2a6be), never tuned on:
        # loops stopped 36.0 % (18/50), none early, median delay 18, saved 16.1 %;
        # productive stopped 0 %, any action 2.5 % (2/80: two real-resolved runs).
        # detached-work-rescued-again and line-ending-churn 0/7: every round changes the tree.
        # The previous round's code (@2233982) measured the same.
        self.assert_no_worse_than(replayed, stopped=0.36, delay=18, saved=0.16, productive_stopped=0, acted_on=0.025)
