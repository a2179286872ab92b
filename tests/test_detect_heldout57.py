"""The fifty-seventh held-out set (tests/heldout57): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout57 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT57_MD5 = "70d37eef0b40cae61b747c4e23887075"


class TestHeldout57(TextAgentSetChecks):
    name = "heldout57"
    frozen_md5 = FROZEN_HELDOUT57_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{test}",
        "{want}",
        "{flush}",
        "{add}",
        "{where}",
        "{phase",
        "{new}",
        "{old}",
        "{line}",
        "{case}",
        "{names",
    )

    def test_default_policy_on_the_fifty_seventh_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 62 % (31/50), none early, median delay 14, saved 36.9 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 62 %, 14, 36.9 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.62,
            delay=14,
            saved=0.3685,
            productive_stopped=0,
            acted_on=0.0125,
        )
