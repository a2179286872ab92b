"""The fifty-second held-out set (tests/heldout52): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout52 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT52_MD5 = "ba023f99235cbda67ddaf44fe8eb518f"


class TestHeldout52(TextAgentSetChecks):
    name = "heldout52"
    frozen_md5 = FROZEN_HELDOUT52_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{bare}",
        "{p!r}",
        "{m!r}",
        "{v!r}",
        "{src}",
        "{line}",
        "{func}",
        "{level}",
        "{spec}",
    )

    def test_default_policy_on_the_fifty_second_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 12 % (6/50), none early, median delay 24, saved 5.7 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 10 %, 23, 5.5 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.12,
            delay=24,
            saved=0.0565,
            productive_stopped=0,
            acted_on=0.0125,
        )
