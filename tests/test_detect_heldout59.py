"""The fifty-ninth held-out set (tests/heldout59): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout59 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT59_MD5 = "5da7b4a9a25a64ca8b1975f12fa813b5"


class TestHeldout59(TextAgentSetChecks):
    name = "heldout59"
    frozen_md5 = FROZEN_HELDOUT59_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{body}",
        "{case}",
        "{attr}",
        "{a1}",
        "{a2}",
        "{a3}",
        "{a4}",
        "{m1}",
        "{m2}",
        "{s3}",
        "{k1}",
        "{k2}",
        "{pair}",
        "{meta}",
        "{mixin}",
        "{proxy}",
        "{wrapped}",
        "{hidden}",
        "{desc}",
        "{conf}",
        "{sub}",
        "{d1}",
        "{d2}",
        "{coll}",
        "{verb}",
        "{default}",
        "{cleanup}",
        "{prop}",
        "{opts}",
        "{level}",
        "{text_cls}",
        "{target}",
        "{line}",
        "{start}",
        "{why}",
    )

    def test_default_policy_on_the_fifty_ninth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 6 % (3/50), none early, median
        # delay 26, saved 1.2 %; productive stopped 0 %, any action 2.5 % (2/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.06,
            delay=26,
            saved=0.0124,
            productive_stopped=0,
            acted_on=0.0250,
        )
