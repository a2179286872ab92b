"""The fifty-third held-out set (tests/heldout53): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout53 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT53_MD5 = "102476781389f3fe8ce81127e7611c2e"


class TestHeldout53(TextAgentSetChecks):
    name = "heldout53"
    frozen_md5 = FROZEN_HELDOUT53_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{mod}",
        "{wrap}",
        "{line}",
        "{test}",
        "{term}",
        "{pattern}",
        "{clause}",
        "{BASE}",
        "{now",
    )

    def test_default_policy_on_the_fifty_third_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 32 % (16/50), none early, median delay 20, saved 17.3 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 24 %, 21, 11.4 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.32,
            delay=20,
            saved=0.1725,
            productive_stopped=0,
            acted_on=0.0125,
        )
